//! `[postal]`: the postal reset code's letters, the vendor's key and files.

use std::path::PathBuf;
use std::sync::Arc;

use reissue_core::letter::PostalLetterOptions;
use reissue_core::postal_files::{CheckDigitRule, FileEncoding, ManifestColumn, ManifestLayout};
use reissue_letters::LetterFont;
use reissue_letters::batch::PrintSettings;
use reissue_letters::export::VendorRecipient;
use reissue_server::postal_desk::PostalDesk;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostalConfig {
    /// A Japanese font (OpenType/TrueType, a collection's first face); unset, fontconfig finds
    /// Noto Sans CJK JP or IPAex Gothic.
    pub font_file: Option<PathBuf>,
    /// The print-and-mail vendor's age public key (`age1...`): every exported batch is
    /// encrypted to it. Only the demo exports without one.
    pub vendor_age_recipient: Option<String>,
    /// Print 簡易書留 beside the address (off when the vendor's envelopes have it).
    pub registered_mail_mark: bool,
    /// Print a QR code of the reset page's address.
    pub qr_code: bool,
    /// The manifest's columns, header and encoding for this vendor.
    pub manifest: ManifestConfig,
    /// How the vendor's result and returns files are encoded.
    pub import_encoding: FileEncoding,
    /// The rule tracking numbers' last digit follows (`mod7`, or `none`).
    pub tracking_check_digit: CheckDigitRule,
    /// Hours a letter may wait in the open batch before it shows as a warning.
    pub batch_warn_after_hours: u32,
}

impl Default for PostalConfig {
    fn default() -> Self {
        Self {
            font_file: None,
            vendor_age_recipient: None,
            registered_mail_mark: true,
            qr_code: false,
            manifest: ManifestConfig::default(),
            import_encoding: FileEncoding::Utf8,
            tracking_check_digit: CheckDigitRule::Mod7,
            batch_warn_after_hours: 24,
        }
    }
}

/// `[postal.manifest]`, checked into a `ManifestLayout` at start-up (`PostalConfig::validate`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ManifestConfig {
    pub columns: Vec<ManifestColumn>,
    pub header: bool,
    pub encoding: FileEncoding,
    pub mail_type: String,
}

impl Default for ManifestConfig {
    fn default() -> Self {
        let l = ManifestLayout::default();
        Self {
            columns: l.columns().to_vec(),
            header: l.header(),
            encoding: l.encoding(),
            mail_type: l.mail_type().into(),
        }
    }
}

impl ManifestConfig {
    pub fn layout(&self) -> Result<ManifestLayout, String> {
        ManifestLayout::new(self.columns.clone(), self.header, self.encoding, self.mail_type.clone())
            .map_err(|e| format!("postal.manifest: {e}"))
    }
}

impl PostalConfig {
    /// Refuses what cannot work, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        self.manifest.layout()?;
        if let Some(r) = &self.vendor_age_recipient {
            VendorRecipient::parse(r).map_err(|e| format!("postal.vendor_age_recipient: {e}"))?;
        }
        if !(1..=24 * 14).contains(&self.batch_warn_after_hours) {
            return Err(format!(
                "postal.batch_warn_after_hours must be between 1 and 336, not {}",
                self.batch_warn_after_hours
            ));
        }
        Ok(())
    }

    /// The desk the server and the command line use. A missing font is not an error here: the
    /// desk says what to install when a letter is to be rendered, and everything else works.
    pub fn desk(&self, recovery: &reissue_core::procedures::Recovery, demo: bool) -> Result<PostalDesk, String> {
        let vendor = self
            .vendor_age_recipient
            .as_deref()
            .map(VendorRecipient::parse)
            .transpose()
            .map_err(|e| format!("postal.vendor_age_recipient: {e}"))?;
        let layout = self.manifest.layout()?;
        let printing =
            LetterFont::load(self.font_file.as_deref()).map_err(|e| e.to_string()).map(|font| PrintSettings {
                catalogue: recovery.catalogue().clone(),
                institution: recovery.institution().clone(),
                public_url: recovery.public_url().to_owned(),
                font: Arc::new(font),
                options: PostalLetterOptions { registered_mail_mark: self.registered_mail_mark, qr_code: self.qr_code },
                layout,
                parallel: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            });
        Ok(PostalDesk {
            printing,
            vendor,
            demo,
            check_rule: self.tracking_check_digit,
            import_encoding: self.import_encoding,
            warn_after: time::Duration::hours(i64::from(self.batch_warn_after_hours)),
        })
    }
}
