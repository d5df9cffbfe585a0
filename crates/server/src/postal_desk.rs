//! What the postal procedure needs beyond the core: the font and layout letters are rendered
//! with, the vendor's key batches are encrypted to, and how the vendor's files are read. The
//! command line and the console both export through [`PostalDesk::export_to_dir`] and
//! [`PostalDesk::export_to_tar`], so a batch leaves the same way from either.

use std::path::Path;
use std::sync::Arc;

use reissue_core::postal_files::{CheckDigitRule, FileEncoding};
use reissue_core::procedures::postal::PostalError;
use reissue_core::procedures::{Recovery, Requester};
use reissue_letters::batch::{BatchError, PrintSettings, export, file_names};
use reissue_letters::export::{DirWriter, Protection, TarWriter, VendorRecipient, WrittenFile};
use time::OffsetDateTime;

/// The postal procedure's settings, as the server was started with them.
pub struct PostalDesk {
    /// How letters are rendered; the error says what to install when no Japanese font was
    /// found, and everything else of the server works without it.
    pub printing: Result<PrintSettings, String>,
    /// The vendor's age key every exported file is encrypted to.
    pub vendor: Option<VendorRecipient>,
    /// Only the demo may export in clear (its letters carry demo codes).
    pub demo: bool,
    pub check_rule: CheckDigitRule,
    /// The encoding of the vendor's result and returns files.
    pub import_encoding: FileEncoding,
    /// A letter waiting in the open batch longer than this is a warning.
    pub warn_after: time::Duration,
}

impl std::fmt::Debug for PostalDesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostalDesk")
            .field("printing", &self.printing.as_ref().map(|_| "ready"))
            .field("vendor_key", &self.vendor.is_some())
            .field("demo", &self.demo)
            .finish_non_exhaustive()
    }
}

/// Why a batch was not exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    #[error("letters cannot be rendered: {0}")]
    NoFont(String),
    #[error(
        "no vendor key: set postal.vendor_age_recipient to the vendor's age public key (age1...); only the demo exports in clear"
    )]
    NoVendorKey,
    #[error(transparent)]
    Postal(#[from] PostalError),
    #[error(transparent)]
    Batch(#[from] BatchError),
}

/// What an export wrote.
#[derive(Debug)]
pub struct Exported<T> {
    pub letters: usize,
    pub protection: &'static str,
    pub output: T,
}

impl PostalDesk {
    fn protection(&self) -> Result<(Protection<'_>, &'static str), ExportFailure> {
        match (&self.vendor, self.demo) {
            (Some(key), _) => Ok((Protection::Encrypted(key), "encrypted")),
            (None, true) => Ok((Protection::ClearForDemo, "clear")),
            (None, false) => Err(ExportFailure::NoVendorKey),
        }
    }

    fn settings(&self) -> Result<&PrintSettings, ExportFailure> {
        self.printing.as_ref().map_err(|e| ExportFailure::NoFont(e.clone()))
    }

    /// Exports closed batch `batch_id` as `who` into `dir`: one PDF per letter and the
    /// manifest, encrypted to the vendor's key, files 0600, never overwriting; then marks the
    /// batch exported, which wipes its codes. If marking fails (exported meanwhile), the files
    /// are removed again.
    pub fn export_to_dir(
        &self,
        recovery: &Arc<Recovery>,
        batch_id: i64,
        dir: &Path,
        who: &Requester,
        now: OffsetDateTime,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Exported<Vec<WrittenFile>>, ExportFailure> {
        let settings = self.settings()?;
        let (protection, name) = self.protection()?;
        let job = runtime.block_on(recovery.print_job(batch_id, who))?;
        let mut writer = DirWriter::open(dir, &file_names(&job), protection).map_err(BatchError::from)?;
        let letters = export(&job, settings, recovery.institution().time_zone.date_of(now), &mut writer)?;
        drop(job);
        runtime.block_on(recovery.batch_exported(batch_id, name, who, now))?;
        let output = writer.finish().map_err(BatchError::from)?;
        Ok(Exported { letters, protection: name, output })
    }

    /// Exports closed batch `batch_id` as `who` as one tar, for the console's download, into
    /// `out` (a temporary file: a batch of thousands of letters is not held in memory).
    pub fn export_to_tar<W: std::io::Write>(
        &self,
        recovery: &Arc<Recovery>,
        batch_id: i64,
        out: W,
        who: &Requester,
        now: OffsetDateTime,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Exported<W>, ExportFailure> {
        let settings = self.settings()?;
        let (protection, name) = self.protection()?;
        let job = runtime.block_on(recovery.print_job(batch_id, who))?;
        let mut writer = TarWriter::new(out, protection, now);
        let letters = export(&job, settings, recovery.institution().time_zone.date_of(now), &mut writer)?;
        drop(job);
        let output = writer.finish().map_err(BatchError::from)?;
        runtime.block_on(recovery.batch_exported(batch_id, name, who, now))?;
        Ok(Exported { letters, protection: name, output })
    }
}
