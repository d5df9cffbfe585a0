//! Letters for the post: a [`reissue_core`] letter rendered as an A4 PDF, and the files of a
//! print batch packed for the print-and-mail vendor.
//!
//! `font.rs` finds and reads the Japanese font once ([`LetterFont`]); `pdf.rs` lays a
//! [`Letter`](reissue_core::letter::Letter) out for a window envelope, its forms to fill in by
//! hand from a new page (`pdf/forms.rs`), and writes it with krilla ([`render`]); `text.rs`
//! shapes, measures and breaks its lines; `export.rs` encrypts a batch's files to the vendor's
//! age key and writes them; `batch.rs` renders a print job's letters and manifest into them.

pub mod batch;
pub mod export;
pub mod font;
pub mod pdf;
mod text;

pub use font::{FontError, LetterFont};
pub use pdf::{LetterError, render};
