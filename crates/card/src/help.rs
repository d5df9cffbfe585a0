//! Where a holder goes with what cannot be fixed at home: a locked PIN, a missing or expired
//! certificate, a card that does not work. The municipal counter and the call centre are
//! configuration (`[card]` of reissue's configuration file, read by the binary and handed
//! to [`crate::cli::run`]); the defaults are the national ones.

use serde::Deserialize;

use crate::certificate::CertificateKind;
use crate::pin::PinKind;
use crate::procedure::CardError;

/// The `[card]` section: who the holder is sent to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CardHelp {
    /// The municipal counter, as the holder should look for it (office, division, hours).
    pub counter: String,
    /// The call centre for questions about the card.
    pub call_centre: CallCentre,
}

/// `[card.call_centre]`: its numbers and hours. An empty number is left out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CallCentre {
    /// Its name.
    pub name: String,
    /// The toll-free number.
    pub free_dial: String,
    /// When the toll-free number answers.
    pub free_dial_hours: String,
    /// The Navi Dial number (call charges apply).
    pub navi_dial: String,
    /// When the Navi Dial number answers.
    pub navi_dial_hours: String,
    /// The number for IP phones that cannot reach the others.
    pub ip_phone: String,
}

impl Default for CardHelp {
    fn default() -> Self {
        Self {
            counter: "the family-registry / resident division (戸籍住民課・市民課) of your municipal office \
                      (市区町村の窓口)"
                .into(),
            call_centre: CallCentre::default(),
        }
    }
}

impl Default for CallCentre {
    fn default() -> Self {
        Self {
            name: "マイナンバー総合フリーダイヤル (My Number call centre)".into(),
            free_dial: "0120-95-0178".into(),
            free_dial_hours: "weekdays 9:00-20:00; Saturdays, Sundays and holidays 9:30-17:30".into(),
            navi_dial: "0570-783-578".into(),
            navi_dial_hours: "8:30-20:00, call charges apply".into(),
            ip_phone: "050-3818-1250".into(),
        }
    }
}

/// What sends the holder away from home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// A PIN is locked.
    Locked(PinKind),
    /// A certificate is missing from the card.
    CertificateMissing(CertificateKind),
    /// A certificate has expired.
    CertificateExpired(CertificateKind),
    /// The card itself does not work as it should (an application or file missing, a
    /// certificate that cannot be read).
    CardUnusable,
}

impl Trouble {
    /// The trouble a card error means, if the holder cannot fix it at home. A wrong PIN,
    /// a missing reader or a card taken out are fixed by trying again.
    pub fn of(err: &CardError) -> Option<Self> {
        match err {
            CardError::Locked { kind } => Some(Trouble::Locked(*kind)),
            CardError::NoCertificate { kind } => Some(Trouble::CertificateMissing(*kind)),
            CardError::NotPresent { .. } | CardError::Certificate(_) | CardError::UnexpectedStatus { .. } => {
                Some(Trouble::CardUnusable)
            }
            CardError::Input(_)
            | CardError::WrongPin { .. }
            | CardError::MalformedResponse { .. }
            | CardError::Encoding { .. }
            | CardError::Transport(_) => None,
        }
    }
}

fn is_phone_number(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '(' | ')'))
        && s.chars().filter(char::is_ascii_digit).count() >= 3
}

impl CardHelp {
    /// Refuses settings that would send a holder nowhere, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.counter.trim().is_empty() {
            return Err("card.counter must name the municipal counter".into());
        }
        let c = &self.call_centre;
        if c.free_dial.trim().is_empty() && c.navi_dial.trim().is_empty() && c.ip_phone.trim().is_empty() {
            return Err("card.call_centre needs at least one of free_dial, navi_dial, ip_phone".into());
        }
        for (key, number) in [("free_dial", &c.free_dial), ("navi_dial", &c.navi_dial), ("ip_phone", &c.ip_phone)] {
            if !number.trim().is_empty() && !is_phone_number(number.trim()) {
                return Err(format!(
                    "card.call_centre.{key} must be a telephone number (digits, hyphens, +), not {number:?}"
                ));
            }
        }
        Ok(())
    }

    /// The call centre in one line: its numbers with their hours.
    pub fn call_centre_line(&self) -> String {
        let c = &self.call_centre;
        let mut parts = Vec::new();
        let with_hours = |number: &str, hours: &str| {
            if hours.trim().is_empty() { number.to_owned() } else { format!("{number} ({hours})") }
        };
        if !c.free_dial.trim().is_empty() {
            parts.push(format!("toll-free {}", with_hours(&c.free_dial, &c.free_dial_hours)));
        }
        if !c.navi_dial.trim().is_empty() {
            parts.push(format!("Navi Dial {}", with_hours(&c.navi_dial, &c.navi_dial_hours)));
        }
        if !c.ip_phone.trim().is_empty() {
            parts.push(format!("from an IP phone {}", c.ip_phone));
        }
        format!("{}: {}", c.name, parts.join("; "))
    }

    /// Where to go, as lines for the terminal.
    pub fn where_to_go(&self, trouble: Trouble) -> Vec<String> {
        let counter = &self.counter;
        let mut lines = vec!["Where to go:".to_owned()];
        match trouble {
            Trouble::Locked(kind) => {
                lines.push(format!(
                    "  The municipal counter: {counter}. Bring the card and photo ID; the {kind} is reset there."
                ));
                let other = match kind {
                    PinKind::Auth => Some(PinKind::Sign),
                    PinKind::Sign => Some(PinKind::Auth),
                    PinKind::Juki | PinKind::Text => None,
                };
                match other {
                    Some(other) => lines.push(format!(
                        "  Or a convenience-store kiosk (Seven-Eleven and others, 6:30-23:00): book first with the \
                         smartphone app \"JPKI暗証番号リセット\" (it asks for your {other}), then set the new {kind} \
                         at the kiosk within 24 hours."
                    )),
                    None => lines.push(format!("  Only the counter can reset the {kind}; kiosks cannot.")),
                }
            }
            Trouble::CertificateExpired(kind) => lines.push(format!(
                "  The municipal counter: {counter}. Bring the card and photo ID; a new {kind} is issued there."
            )),
            Trouble::CertificateMissing(kind) => lines.push(format!(
                "  The municipal counter: {counter}. Bring the card and photo ID; the {kind} is issued there \
                 (a holder under 15 gets no signature certificate)."
            )),
            Trouble::CardUnusable => lines.push(format!(
                "  The municipal counter: {counter}. Bring the card and photo ID; the card is checked and, if \
                 needed, replaced there."
            )),
        }
        lines.push(format!("  Questions: {}.", self.call_centre_line()));
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_certificate_pin_names_the_counter_the_kiosk_and_the_call_centre() {
        let help = CardHelp::default();
        let text = help.where_to_go(Trouble::Locked(PinKind::Auth)).join("\n");
        assert!(text.contains("municipal office") && text.contains("kiosk"), "{text}");
        assert!(text.contains("signature certificate password"), "the kiosk booking needs the other PIN: {text}");
        assert!(text.contains("0120-95-0178") && text.contains("0570-783-578") && text.contains("050-3818-1250"));
        assert!(text.contains("weekdays 9:00-20:00"), "{text}");
    }

    #[test]
    fn a_locked_resident_registry_pin_goes_to_the_counter_only() {
        let text = CardHelp::default().where_to_go(Trouble::Locked(PinKind::Juki)).join("\n");
        assert!(text.contains("Only the counter") && !text.contains("JPKI暗証番号リセット"), "{text}");
    }

    #[test]
    fn the_configured_counter_and_numbers_are_the_ones_named() {
        let mut help = CardHelp { counter: "港区役所 戸籍住民課".into(), ..CardHelp::default() };
        help.call_centre.navi_dial = String::new();
        let text = help.where_to_go(Trouble::CertificateExpired(CertificateKind::Sign)).join("\n");
        assert!(text.contains("港区役所 戸籍住民課") && text.contains("new signature certificate"), "{text}");
        assert!(!text.contains("Navi Dial"), "an empty number is left out: {text}");
    }

    #[test]
    fn settings_that_send_the_holder_nowhere_are_refused_naming_them() {
        assert_eq!(CardHelp::default().validate(), Ok(()));
        let blank = CardHelp { counter: " ".into(), ..CardHelp::default() };
        assert!(blank.validate().unwrap_err().contains("card.counter"));
        let mut bad = CardHelp::default();
        bad.call_centre.ip_phone = "call us".into();
        assert!(bad.validate().unwrap_err().contains("card.call_centre.ip_phone"));
    }

    #[test]
    fn only_what_home_cannot_fix_sends_the_holder_away() {
        assert_eq!(Trouble::of(&CardError::Locked { kind: PinKind::Text }), Some(Trouble::Locked(PinKind::Text)));
        assert_eq!(Trouble::of(&CardError::WrongPin { kind: PinKind::Auth, tries_left: 2 }), None);
        assert_eq!(
            Trouble::of(&CardError::NoCertificate { kind: CertificateKind::Sign }),
            Some(Trouble::CertificateMissing(CertificateKind::Sign))
        );
    }
}
