//! Letters for the post: a [`reissue_core`] letter rendered as an A4 PDF, and the files of a
//! print batch packed for the print-and-mail vendor.

pub mod export;
