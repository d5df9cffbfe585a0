//! `reissue postal ...`: the postal operator's work from the server's command line — the open
//! batch, closing it, exporting a closed batch for the print-and-mail vendor (encrypted to
//! `postal.vendor_age_recipient`), and importing the vendor's tracking numbers and returns.
//!
//! The command line acts as `cli` in the audit log. It may export any batch (no staff member
//! applied as `cli`); to have the exporter named, export from the console or the staff API.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Subcommand;
use reissue_core::lifecycle::letter::BatchState;
use reissue_core::postal_files::{FileEncoding, ManifestLayout};
use reissue_core::procedures::postal::{PostalError, VendorImport};
use reissue_core::procedures::{Recovery, Requester};
use reissue_server::postal_desk::PostalDesk;
use time::OffsetDateTime;

#[derive(Subcommand, Debug)]
pub enum PostalCommand {
    /// The letters waiting in the open batch, and how long the oldest has waited.
    Queue,
    /// Print batches.
    #[command(subcommand)]
    Batch(BatchCommand),
    /// Import the vendor's result file (reference,tracking_number,accepted_on): all lines or
    /// none, every bad line named.
    ImportTracking {
        file: PathBuf,
        /// Only say what would be recorded.
        #[arg(long)]
        preview: bool,
        /// utf8 or cp932 (default: postal.import_encoding).
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<FileEncoding>,
    },
    /// Import the vendor's returns file (reference,reason,returned_on): all lines or none.
    ImportReturns {
        file: PathBuf,
        #[arg(long)]
        preview: bool,
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<FileEncoding>,
    },
}

#[derive(Subcommand, Debug)]
pub enum BatchCommand {
    /// Close the open batch: every queued letter joins a new batch.
    Close,
    /// The newest batches.
    List,
    /// Export a closed batch (the oldest not yet exported, unless --batch) to DIR: one PDF per
    /// letter and manifest.csv, each encrypted to the vendor's key, files readable by their
    /// owner only. The codes are wiped once it is written.
    Export {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long)]
        batch: Option<i64>,
        /// The manifest's encoding: utf8 or cp932 (default: postal.manifest.encoding).
        #[arg(long, value_parser = parse_encoding)]
        encoding: Option<FileEncoding>,
    },
}

fn parse_encoding(s: &str) -> Result<FileEncoding, String> {
    match s {
        "utf8" | "utf-8" => Ok(FileEncoding::Utf8),
        "cp932" | "shift_jis" | "sjis" => Ok(FileEncoding::Cp932),
        _ => Err("the encoding is utf8 or cp932".into()),
    }
}

fn show_import(result: Result<VendorImport, PostalError>) -> Result<ExitCode, String> {
    let done = result.map_err(|e| e.to_string())?;
    let verb = if done.preview { "would record" } else { "recorded" };
    println!("{verb} {} letter(s), {} already as the file says", done.recorded.len(), done.unchanged.len());
    for r in &done.recorded {
        println!("  {r}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(
    recovery: &Arc<Recovery>,
    desk: PostalDesk,
    cmd: PostalCommand,
    now: OffsetDateTime,
) -> Result<ExitCode, String> {
    let cli = Requester::cli();
    match cmd {
        PostalCommand::Queue => {
            let q = recovery.postal_queue().await.map_err(|e| e.to_string())?;
            match q.oldest {
                Some(oldest) => {
                    let hours = (now - oldest).whole_hours();
                    let warn =
                        if now - oldest > desk.warn_after { " — past postal.batch_warn_after_hours" } else { "" };
                    println!("{} letter(s) in the open batch; the oldest has waited {hours} h{warn}", q.letters);
                }
                None => println!("no letter waits"),
            }
            Ok(ExitCode::SUCCESS)
        }
        PostalCommand::Batch(BatchCommand::Close) => {
            match recovery.close_print_batch(&cli, now).await.map_err(|e| e.to_string())? {
                Some(b) => println!(
                    "batch {} closed with {} letter(s); export it with: reissue postal batch export --batch {} --out DIR",
                    b.id, b.letters, b.id
                ),
                None => println!("no letter waits; nothing to close"),
            }
            Ok(ExitCode::SUCCESS)
        }
        PostalCommand::Batch(BatchCommand::List) => {
            for b in recovery.print_batches(50).await.map_err(|e| e.to_string())? {
                let exported = b
                    .exported_at
                    .map(|t| {
                        format!(
                            ", exported by {} ({})",
                            b.exported_by.unwrap_or_default(),
                            b.protection.unwrap_or_default()
                        ) + &format!(" at {t}")
                    })
                    .unwrap_or_default();
                println!(
                    "batch {}: {} letter(s), {}, closed by {}{exported}",
                    b.id,
                    b.letters,
                    b.state.as_str(),
                    b.closed_by
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PostalCommand::Batch(BatchCommand::Export { out, batch, encoding }) => {
            let batch_id = match batch {
                Some(id) => id,
                None => recovery
                    .print_batches(1000)
                    .await
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .filter(|b| b.state == BatchState::Closed)
                    .map(|b| b.id)
                    .min()
                    .ok_or("no closed batch waits for export; close one with: reissue postal batch close")?,
            };
            let mut desk = desk;
            if let (Some(enc), Ok(settings)) = (encoding, desk.printing.as_mut()) {
                let l = &settings.layout;
                settings.layout = ManifestLayout::new(l.columns().to_vec(), l.header(), enc, l.mail_type().to_owned())
                    .map_err(|e| e.to_string())?;
            }
            let recovery = recovery.clone();
            let handle = tokio::runtime::Handle::current();
            let done = tokio::task::spawn_blocking(move || {
                desk.export_to_dir(&recovery, batch_id, &out, &cli, now, &handle).map(|e| (e, out))
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
            let (exported, out) = done;
            println!(
                "batch {batch_id}: {} letter(s) written to {} ({}), manifest last:",
                exported.letters,
                out.display(),
                exported.protection
            );
            for f in &exported.output {
                println!("  {}  {} bytes  sha256 {}", f.name, f.size, f.sha256);
            }
            Ok(ExitCode::SUCCESS)
        }
        PostalCommand::ImportTracking { file, preview, encoding } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let enc = encoding.unwrap_or(desk.import_encoding);
            show_import(recovery.import_tracking(&bytes, enc, desk.check_rule, preview, &cli, now).await)
        }
        PostalCommand::ImportReturns { file, preview, encoding } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let enc = encoding.unwrap_or(desk.import_encoding);
            show_import(recovery.import_returns(&bytes, enc, preview, &cli, now).await)
        }
    }
}
