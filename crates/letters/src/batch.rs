//! A closed print batch rendered and handed over: every letter of the print job becomes
//! `L00000123.pdf`, the batch gets its `manifest.csv`, and both go to a [`BatchSink`] (a
//! directory, or the console's tar download) one at a time, encrypted to the vendor's key.
//!
//! The manifest is rendered first: a letter the vendor's encoding cannot carry refuses the
//! whole export before anything is written, naming the letter. Letters are rendered on every
//! core and written as they come, so that a batch of thousands is never in memory whole.

use std::sync::Arc;

use reissue_core::catalogue::Catalogue;
use reissue_core::letter::{PostalCodeNotice, PostalLetterOptions, postal_code_letter};
use reissue_core::mail::Institution;
use reissue_core::postal_files::{LetterRef, ManifestError, ManifestLayout, ManifestRow, render as render_manifest};
use reissue_core::procedures::postal::{PrintJob, PrintableLetter};
use reissue_core::secret::ResetCode;
use secrecy::ExposeSecret;
use time::Date;

use crate::export::{BatchSink, ExportError, MANIFEST};
use crate::{LetterFont, render};

/// Everything a batch's letters are rendered with.
#[derive(Clone)]
pub struct PrintSettings {
    pub catalogue: Arc<Catalogue>,
    pub institution: Institution,
    pub public_url: String,
    pub font: Arc<LetterFont>,
    pub options: PostalLetterOptions,
    pub layout: ManifestLayout,
    /// Letters rendered at once (memory is about this many PDFs).
    pub parallel: usize,
}

impl std::fmt::Debug for PrintSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrintSettings").field("font", &self.font.path()).field("parallel", &self.parallel).finish()
    }
}

/// Why a batch was not exported. Nothing was kept of what was written.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("letter {reference}: {reason}")]
    Letter { reference: String, reason: String },
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// The names a batch's files have, letters in order and the manifest last.
pub fn file_names(job: &PrintJob) -> Vec<String> {
    job.letters.iter().map(|l| format!("{}.pdf", l.reference)).chain([MANIFEST.to_owned()]).collect()
}

fn manifest_row(settings: &PrintSettings, l: &PrintableLetter, send_date: Date) -> Result<ManifestRow, BatchError> {
    let reference = LetterRef::parse(&l.reference)
        .map_err(|e| BatchError::Letter { reference: l.reference.clone(), reason: e.to_string() })?;
    // A postal letter always has its window block; the manifest prints what the window shows.
    let to = letter_of(settings, l)?.recipient.ok_or_else(|| BatchError::Letter {
        reference: l.reference.clone(),
        reason: "the letter has no recipient block".into(),
    })?;
    Ok(ManifestRow {
        reference,
        send_date,
        postal_code: l.recipient.postal_code.clone(),
        address_lines: to.address_lines,
        name_lines: to.name_lines,
    })
}

fn letter_of(settings: &PrintSettings, l: &PrintableLetter) -> Result<reissue_core::letter::Letter, BatchError> {
    let failed = |reason: String| BatchError::Letter { reference: l.reference.clone(), reason };
    let digits = u32::try_from(l.code.expose_secret().len()).unwrap_or(0);
    let code = ResetCode::parse(l.code.expose_secret(), digits)
        .ok_or_else(|| failed("the sealed code is not digits".into()))?;
    let notice = PostalCodeNotice {
        code: &code,
        issued_at: l.issued_at,
        expires_at: l.expires_at,
        public_url: &settings.public_url,
        reference: Some(l.reference.clone()),
    };
    postal_code_letter(&settings.catalogue, &settings.institution, &l.recipient, &notice, &settings.options)
        .map_err(|e| failed(e.to_string()))
}

fn pdf_of(settings: &PrintSettings, l: &PrintableLetter) -> Result<Vec<u8>, BatchError> {
    let letter = letter_of(settings, l)?;
    render(&letter, &settings.font)
        .map_err(|e| BatchError::Letter { reference: l.reference.clone(), reason: e.to_string() })
}

/// Renders every letter of `job` and its manifest (sent on `send_date`) into `sink`, the
/// manifest last. Returns how many letters went.
pub fn export(
    job: &PrintJob,
    settings: &PrintSettings,
    send_date: Date,
    sink: &mut dyn BatchSink,
) -> Result<usize, BatchError> {
    let rows = job.letters.iter().map(|l| manifest_row(settings, l, send_date)).collect::<Result<Vec<_>, _>>()?;
    let manifest = zeroize::Zeroizing::new(render_manifest(&rows, &settings.layout)?);
    // Every core renders; this thread writes what they hand over (a bounded queue, so at most
    // a few PDFs wait in memory), so writing and rendering overlap.
    let parallel = settings.parallel.max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(String, Vec<u8>), BatchError>>(parallel * 2);
    std::thread::scope(|s| -> Result<(), BatchError> {
        for _ in 0..parallel {
            let (tx, next, stop) = (tx.clone(), &next, &stop);
            s.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(l) = job.letters.get(i) else { break };
                    let rendered = pdf_of(settings, l).map(|pdf| (format!("{}.pdf", l.reference), pdf));
                    if tx.send(rendered).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let written = (|| {
            for rendered in &rx {
                let (name, pdf) = rendered?;
                let pdf = zeroize::Zeroizing::new(pdf);
                sink.put(&name, &pdf)?;
            }
            Ok(())
        })();
        // On a failure, the renderers stop at their next letter and the queue is drained.
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for _ in rx.try_iter() {}
        written
    })?;
    sink.put(MANIFEST, &manifest)?;
    Ok(job.letters.len())
}
