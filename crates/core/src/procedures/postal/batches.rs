//! Print batches: letters collect in the day's open batch (the queued letters); a postal
//! operator closes it, which fixes its letters, and exports it once for the print-and-mail
//! vendor. The export is the only moment the codes exist in clear: `print_job` opens them for
//! the caller that renders and writes the files, and `batch_exported` wipes them.

use secrecy::SecretString;
use time::OffsetDateTime;

use super::{PostalError, letter_reference};
use crate::lifecycle::letter::BatchState;
use crate::ports::postal::{Batch, LetterRecipient, Queue};
use crate::procedures::{Recovery, Requester};

/// A letter ready to render, with its code in clear.
#[derive(Debug)]
pub struct PrintableLetter {
    pub id: i64,
    pub reference: String,
    pub recipient: LetterRecipient,
    pub code: SecretString,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A closed batch's letters to render and hand over.
#[derive(Debug)]
pub struct PrintJob {
    pub batch: Batch,
    pub letters: Vec<PrintableLetter>,
}

impl Recovery {
    /// The letters waiting in the open batch: how many, and since when the oldest waits
    /// (every day there is a day less of the customer's three weeks).
    pub async fn postal_queue(&self) -> Result<Queue, PostalError> {
        Ok(self.store.queue().await?)
    }

    /// Closes the open batch: every queued letter joins a new batch. `None` when no letter
    /// waits.
    pub async fn close_print_batch(&self, who: &Requester, now: OffsetDateTime) -> Result<Option<Batch>, PostalError> {
        let audit = who.audit("print_batch_close", None, "closed");
        Ok(self.store.close_batch(&who.actor.to_string(), now, audit).await?)
    }

    /// How many letters have each status people read, for `/metrics`.
    pub async fn letter_statuses(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<(crate::lifecycle::letter::LetterStatus, u64)>, PostalError> {
        use crate::lifecycle::letter::LetterStatus;
        let mut out: Vec<(LetterStatus, u64)> = LetterStatus::ALL.iter().map(|s| (*s, 0)).collect();
        for c in self.store.letter_counts(now).await? {
            // An expired code stands in for "after its expiry" in `LetterStatus::of`.
            let expires = if c.code_expired { now } else { now + time::Duration::days(1) };
            let status = LetterStatus::of(c.state, c.code.map(|s| (s, expires)), now);
            if let Some(slot) = out.iter_mut().find(|(s, _)| *s == status) {
                slot.1 += c.letters;
            }
        }
        Ok(out)
    }

    pub async fn print_batches(&self, limit: u32) -> Result<Vec<Batch>, PostalError> {
        Ok(self.store.batches(limit).await?)
    }

    pub async fn print_batch(&self, id: i64) -> Result<Batch, PostalError> {
        self.store.batch(id).await?.ok_or(PostalError::UnknownBatch(id))
    }

    /// Opens a closed batch's codes for the export by `who`, who must not have applied for
    /// any of its letters.
    pub async fn print_job(&self, batch_id: i64, who: &Requester) -> Result<PrintJob, PostalError> {
        let batch = self.print_batch(batch_id).await?;
        if batch.state == BatchState::Exported {
            return Err(PostalError::AlreadyExported(batch_id));
        }
        let rows = self.store.letters_to_print(batch_id).await?;
        let me = who.actor.to_string();
        let own: Vec<String> = rows.iter().filter(|l| l.applied_by == me).map(|l| letter_reference(l.id)).collect();
        if !own.is_empty() {
            return Err(PostalError::OwnLetters(own));
        }
        let mut letters = Vec::with_capacity(rows.len());
        for l in rows {
            let code = self
                .keys
                .unseal_letter_code(&l.code_salt, &l.sealed_code)
                .ok_or_else(|| PostalError::Unsealable(letter_reference(l.id)))?;
            letters.push(PrintableLetter {
                id: l.id,
                reference: letter_reference(l.id),
                recipient: l.recipient,
                code,
                issued_at: l.issued_at,
                expires_at: l.expires_at,
            });
        }
        Ok(PrintJob { batch, letters })
    }

    /// The batch's files were written: its letters leave and their codes are wiped.
    /// `protection` says how (`encrypted` to the vendor's key, or `clear` in the demo).
    pub async fn batch_exported(
        &self,
        batch_id: i64,
        protection: &str,
        who: &Requester,
        now: OffsetDateTime,
    ) -> Result<(), PostalError> {
        let audit = who
            .audit("print_batch_export", None, "exported")
            .detail(serde_json::json!({ "batch": batch_id, "protection": protection }));
        if self.store.mark_batch_exported(batch_id, &who.actor.to_string(), protection, now, audit).await? {
            Ok(())
        } else {
            Err(PostalError::AlreadyExported(batch_id))
        }
    }
}
