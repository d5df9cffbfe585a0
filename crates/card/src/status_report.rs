//! What `reissue card status` prints: the four PINs, the certificates' validity periods
//! (dates in UTC; RFC 3339 in JSON) with "expired" / "expires in N days" against `now`,
//! and where to go for whatever cannot be fixed at home. Pure formatting.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::certificate::{CertificateKind, Standing, Validity};
use crate::help::{CardHelp, Trouble};
use crate::procedure::PinStatus;

/// What came of reading one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateRead {
    /// Read and parsed.
    Read(Validity),
    /// Not on the card.
    Missing,
    /// Not asked for (the signature certificate without `--sign-certificate`).
    NotAsked,
    /// Reading failed; the error, in words.
    Failed(String),
}

/// The status of a card.
#[derive(Debug, Clone)]
pub struct StatusReport {
    /// The PINs, as the card reports them.
    pub pins: Vec<PinStatus>,
    /// The user-authentication and the signature certificate.
    pub certificates: Vec<(CertificateKind, CertificateRead)>,
    /// When the status was read.
    pub now: OffsetDateTime,
}

fn utc_date(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

impl StatusReport {
    /// What sends the holder to the counter, in the order the table shows it.
    pub fn troubles(&self) -> Vec<Trouble> {
        let mut out: Vec<Trouble> = self.pins.iter().filter(|s| s.locked).map(|s| Trouble::Locked(s.kind)).collect();
        for (kind, read) in &self.certificates {
            match read {
                CertificateRead::Missing => out.push(Trouble::CertificateMissing(*kind)),
                CertificateRead::Read(v) if v.standing(self.now) == Standing::Expired => {
                    out.push(Trouble::CertificateExpired(*kind));
                }
                _ => {}
            }
        }
        out
    }

    /// The table for the terminal, with where to go after it.
    pub fn table(&self, reader: &str, help: &CardHelp) -> Vec<String> {
        let mut lines = vec![format!("Reader: {reader}")];
        lines.push(format!("{:<5} {:<11} {:<7} DESCRIPTION", "PIN", "TRIES LEFT", "STATE"));
        for s in &self.pins {
            lines.push(format!(
                "{:<5} {:<11} {:<7} {}",
                s.kind.name(),
                format!("{}/{}", s.tries_left, s.max_tries),
                if s.locked { "LOCKED" } else { "ok" },
                s.kind.description()
            ));
        }
        lines.push(String::new());
        lines.push(format!("{:<5} {:<17} {:<17} STATE", "CERT", "NOT BEFORE (UTC)", "NOT AFTER (UTC)"));
        for (kind, read) in &self.certificates {
            let (from, to, state) = match read {
                CertificateRead::Read(v) => {
                    let standing = v.standing(self.now);
                    let state = match standing {
                        Standing::Valid { .. } => format!("valid, {}", standing.describe()),
                        _ => standing.describe().to_uppercase(),
                    };
                    (utc_date(v.not_before), utc_date(v.not_after), state)
                }
                CertificateRead::Missing => ("-".into(), "-".into(), "NOT ON THE CARD".into()),
                CertificateRead::NotAsked => {
                    ("-".into(), "-".into(), "not read: --sign-certificate reads it with the signature password".into())
                }
                CertificateRead::Failed(why) => ("-".into(), "-".into(), format!("not read: {why}")),
            };
            lines.push(format!("{:<5} {:<17} {:<17} {state}  ({})", kind.name(), from, to, kind.description()));
        }
        for trouble in self.troubles() {
            lines.push(String::new());
            lines.push(match trouble {
                Trouble::Locked(kind) => format!("The {kind} is locked."),
                Trouble::CertificateExpired(kind) => format!("The {kind} has expired."),
                Trouble::CertificateMissing(kind) => format!("This card has no {kind}."),
                Trouble::CardUnusable => "The card cannot be used as it is.".into(),
            });
            lines.extend(help.where_to_go(trouble));
        }
        lines
    }

    /// `{"pins":[...],"certificates":[...]}`; a certificate not asked for is left out.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Pin {
            pin: &'static str,
            tries_left: u8,
            max_tries: u8,
            locked: bool,
        }
        #[derive(Serialize)]
        struct Certificate {
            certificate: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            present: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            not_before: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            not_after: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            state: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            days_left: Option<i64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<String>,
        }
        #[derive(Serialize)]
        struct Report {
            pins: Vec<Pin>,
            certificates: Vec<Certificate>,
        }
        let certificates = self
            .certificates
            .iter()
            .filter_map(|(kind, read)| {
                let empty = Certificate {
                    certificate: kind.name(),
                    present: None,
                    not_before: None,
                    not_after: None,
                    state: None,
                    days_left: None,
                    error: None,
                };
                Some(match read {
                    CertificateRead::NotAsked => return None,
                    CertificateRead::Missing => Certificate { present: Some(false), ..empty },
                    CertificateRead::Failed(why) => Certificate { error: Some(why.clone()), ..empty },
                    CertificateRead::Read(v) => {
                        let standing = v.standing(self.now);
                        Certificate {
                            present: Some(true),
                            not_before: Some(rfc3339(v.not_before)),
                            not_after: Some(rfc3339(v.not_after)),
                            state: Some(standing.name()),
                            days_left: match standing {
                                Standing::Valid { days_left } => Some(days_left),
                                _ => None,
                            },
                            ..empty
                        }
                    }
                })
            })
            .collect();
        let report = Report {
            pins: self
                .pins
                .iter()
                .map(|s| Pin { pin: s.kind.name(), tries_left: s.tries_left, max_tries: s.max_tries, locked: s.locked })
                .collect(),
            certificates,
        };
        // Plain data of known types: serialising it cannot fail.
        serde_json::to_string(&report).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::pin::PinKind;

    fn report(read_sign: CertificateRead) -> StatusReport {
        let validity =
            Validity { not_before: datetime!(2025-04-01 0:00 UTC), not_after: datetime!(2030-03-31 14:59:59 UTC) };
        StatusReport {
            pins: vec![
                PinStatus { kind: PinKind::Auth, tries_left: 3, max_tries: 3, locked: false },
                PinStatus { kind: PinKind::Sign, tries_left: 0, max_tries: 5, locked: true },
            ],
            certificates: vec![
                (CertificateKind::Auth, CertificateRead::Read(validity)),
                (CertificateKind::Sign, read_sign),
            ],
            now: datetime!(2030-03-01 0:00 UTC),
        }
    }

    #[test]
    fn json_gives_the_validity_in_rfc_3339_and_leaves_out_what_was_not_asked() {
        assert_eq!(
            report(CertificateRead::NotAsked).json(),
            r#"{"pins":[{"pin":"auth","tries_left":3,"max_tries":3,"locked":false},{"pin":"sign","tries_left":0,"max_tries":5,"locked":true}],"certificates":[{"certificate":"auth","present":true,"not_before":"2025-04-01T00:00:00Z","not_after":"2030-03-31T14:59:59Z","state":"valid","days_left":30}]}"#
        );
        assert!(report(CertificateRead::Missing).json().ends_with(r#"{"certificate":"sign","present":false}]}"#));
    }

    #[test]
    fn the_table_shows_utc_dates_days_left_and_where_to_go() {
        let lines = report(CertificateRead::Missing).table("Virtual PCD 00 00", &CardHelp::default()).join("\n");
        assert!(lines.contains("2025-04-01") && lines.contains("2030-03-31"), "{lines}");
        assert!(lines.contains("valid, expires in 30 days"), "{lines}");
        assert!(lines.contains("The signature certificate password is locked."), "{lines}");
        assert!(lines.contains("This card has no signature certificate."), "{lines}");
        assert!(lines.contains("0120-95-0178"), "{lines}");
    }

    #[test]
    fn an_expired_certificate_says_so_and_sends_the_holder_to_the_counter() {
        let mut r = report(CertificateRead::NotAsked);
        r.now = datetime!(2030-04-01 0:00 UTC);
        assert!(r.troubles().contains(&Trouble::CertificateExpired(CertificateKind::Auth)));
        let lines = r.table("r", &CardHelp::default()).join("\n");
        assert!(lines.contains("EXPIRED") && lines.contains("new user-authentication certificate"), "{lines}");
        assert!(r.json().contains(r#""state":"expired""#), "{}", r.json());
    }
}
