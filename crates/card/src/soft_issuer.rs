//! The software card's certificates: two generated test CAs (user authentication and
//! signature, as on a real card) and the holder's certificate under each, ECDSA P-256,
//! made with `rcgen` when `reissue card init` makes a card.
//!
//! Test data only: the keys are thrown away once the certificates are signed, and nothing
//! trusts these CAs.

use std::collections::BTreeMap;

use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use time::{Duration, OffsetDateTime};

use crate::certificate::{CertificateKind, Validity};

/// Why the software card's certificates could not be made or read back.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The validity period ends before it starts.
    #[error("the certificates' validity would end ({not_after}) before it starts ({not_before})")]
    EmptyValidity {
        /// Start.
        not_before: OffsetDateTime,
        /// End.
        not_after: OffsetDateTime,
    },
    /// rcgen refused (a bug, not an input problem).
    #[error("could not generate the software card's certificates: {0}")]
    Generation(#[from] rcgen::Error),
    /// The state file names a certificate the card does not have.
    #[error("the state file holds an unknown certificate {0:?}")]
    Unknown(String),
    /// A certificate in the state file is missing or is not hex DER.
    #[error("the {kind} in the state file is {problem}")]
    Stored {
        /// Which certificate.
        kind: CertificateKind,
        /// What is wrong.
        problem: &'static str,
    },
}

/// The four certificates of a software card, as DER.
#[derive(Clone, PartialEq, Eq)]
pub struct CardCertificates {
    auth: Vec<u8>,
    auth_ca: Vec<u8>,
    sign: Vec<u8>,
    sign_ca: Vec<u8>,
}

impl std::fmt::Debug for CardCertificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardCertificates")
            .field("auth_len", &self.auth.len())
            .field("sign_len", &self.sign.len())
            .finish_non_exhaustive()
    }
}

/// How far a test CA's validity reaches beyond its holder certificates'.
const CA_MARGIN: Duration = Duration::days(366);

impl CardCertificates {
    /// Generates a CA and a holder certificate for user authentication and for signature,
    /// the holder certificates valid over `validity`.
    pub fn generate(validity: Validity) -> Result<Self, IssueError> {
        if validity.not_after <= validity.not_before {
            return Err(IssueError::EmptyValidity { not_before: validity.not_before, not_after: validity.not_after });
        }
        let (auth_ca, auth) = issue(validity, "User Authentication")?;
        let (sign_ca, sign) = issue(validity, "Digital Signature")?;
        Ok(Self { auth, auth_ca, sign, sign_ca })
    }

    /// The DER of one certificate.
    pub fn der(&self, kind: CertificateKind) -> &[u8] {
        match kind {
            CertificateKind::Auth => &self.auth,
            CertificateKind::AuthCa => &self.auth_ca,
            CertificateKind::Sign => &self.sign,
            CertificateKind::SignCa => &self.sign_ca,
        }
    }

    /// As the state file holds them: name → hex DER.
    pub(crate) fn to_stored(&self) -> BTreeMap<String, String> {
        CertificateKind::ALL.into_iter().map(|kind| (kind.name().to_owned(), hex::encode(self.der(kind)))).collect()
    }

    /// Reads them back from the state file, each checked to be a certificate.
    pub(crate) fn from_stored(stored: &BTreeMap<String, String>) -> Result<Self, IssueError> {
        let get = |kind: CertificateKind| -> Result<Vec<u8>, IssueError> {
            let text = stored.get(kind.name()).ok_or(IssueError::Stored { kind, problem: "missing" })?;
            let der = hex::decode(text).map_err(|_| IssueError::Stored { kind, problem: "not hexadecimal" })?;
            Validity::of_certificate(kind, &der)
                .map_err(|_| IssueError::Stored { kind, problem: "not an X.509 certificate" })?;
            Ok(der)
        };
        if let Some(unknown) = stored.keys().find(|k| CertificateKind::from_name(k).is_none()) {
            return Err(IssueError::Unknown(unknown.clone()));
        }
        Ok(Self {
            auth: get(CertificateKind::Auth)?,
            auth_ca: get(CertificateKind::AuthCa)?,
            sign: get(CertificateKind::Sign)?,
            sign_ca: get(CertificateKind::SignCa)?,
        })
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "JP");
    dn.push(DnType::OrganizationName, "reissue software card (test data, not a real JPKI certificate)");
    dn.push(DnType::CommonName, common_name);
    dn
}

/// A CA and one holder certificate under it: (CA DER, holder DER).
fn issue(validity: Validity, purpose: &str) -> Result<(Vec<u8>, Vec<u8>), IssueError> {
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name = name(&format!("reissue test {purpose} CA"));
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = validity.not_before - CA_MARGIN;
    ca.not_after = validity.not_after + CA_MARGIN;
    let ca_der = ca.self_signed(&ca_key)?.der().to_vec();
    let issuer = Issuer::new(ca, ca_key);

    let holder_key = KeyPair::generate()?;
    let mut holder = CertificateParams::default();
    holder.distinguished_name = name(&format!("reissue test card holder ({purpose})"));
    holder.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    if purpose == "Digital Signature" {
        holder.key_usages.push(KeyUsagePurpose::ContentCommitment);
    }
    holder.not_before = validity.not_before;
    holder.not_after = validity.not_after;
    let holder_der = holder.signed_by(&holder_key, &issuer)?.der().to_vec();
    Ok((ca_der, holder_der))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn validity() -> Validity {
        Validity { not_before: datetime!(2025-04-01 0:00 UTC), not_after: datetime!(2030-03-31 14:59:59 UTC) }
    }

    #[test]
    fn generated_certificates_carry_the_validity_asked_for_and_a_two_byte_der_length() {
        let certs = CardCertificates::generate(validity()).unwrap();
        for kind in [CertificateKind::Auth, CertificateKind::Sign] {
            assert_eq!(Validity::of_certificate(kind, certs.der(kind)).unwrap(), validity());
        }
        for kind in CertificateKind::ALL {
            // OpenSC's JPKI driver reads four bytes and takes bytes 2-3 as the length.
            let der = certs.der(kind);
            assert_eq!(&der[..2], &[0x30, 0x82], "{kind}");
            assert_eq!(usize::from(u16::from_be_bytes([der[2], der[3]])) + 4, der.len(), "{kind}");
        }
        let ca = Validity::of_certificate(CertificateKind::AuthCa, certs.der(CertificateKind::AuthCa)).unwrap();
        assert!(ca.not_before < validity().not_before && ca.not_after > validity().not_after);
    }

    #[test]
    fn certificates_round_trip_through_the_state_file_form_and_damage_is_named() {
        let certs = CardCertificates::generate(validity()).unwrap();
        let mut stored = certs.to_stored();
        assert_eq!(CardCertificates::from_stored(&stored).unwrap(), certs);
        stored.insert("sign".into(), "3082".into());
        let err = CardCertificates::from_stored(&stored).unwrap_err();
        assert!(err.to_string().contains("signature certificate"), "{err}");
        stored.remove("sign");
        assert!(CardCertificates::from_stored(&stored).unwrap_err().to_string().contains("missing"));
    }

    #[test]
    fn a_validity_that_ends_before_it_starts_is_refused() {
        let v = Validity { not_before: validity().not_after, not_after: validity().not_before };
        assert!(matches!(CardCertificates::generate(v), Err(IssueError::EmptyValidity { .. })));
    }
}
