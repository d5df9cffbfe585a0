//! What each case type must bring, and what staff record of it (seed 002, research card.md
//! §1). The console enforces the list before the PIN step (and, for a proxy, before the
//! inquiry letter): `required` names the items, `missing` those not yet recorded.
//!
//! Staff record an item's document type and that it was seen, never a copy, and never any
//! part of a My Number: at most the last four characters of another document's number.

use serde::{Deserialize, Serialize};

use super::{CaseType, Ground};

/// Which visit of a case an item belongs to: a proxy comes twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visit {
    First,
    Second,
}
names!(Visit { First => "first", Second => "second" });

impl Visit {
    pub fn number(self) -> i64 {
        match self {
            Self::First => 1,
            Self::Second => 2,
        }
    }

    pub fn from_number(n: i64) -> Option<Self> {
        match n {
            1 => Some(Self::First),
            2 => Some(Self::Second),
            _ => None,
        }
    }
}

/// One thing the applicant brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The holder's card, always.
    Card,
    /// A legal representative's identity document with a face photo, issued by a public office.
    RepresentativePhotoId,
    /// For a holder under 15: the family register certificate (戸籍全部事項証明書), unless an
    /// exemption applies.
    FamilyRegisterCertificate,
    /// For an adult ward: the certificate of registration of adult guardianship (登記事項証明書).
    GuardianshipCertificate,
    /// A proxy's identity document at the first visit (a photo is not needed).
    ProxyId,
    /// A proxy's identity document with a face photo at the second visit.
    ProxyPhotoId,
    /// The inquiry letter's response form, answered by the holder; the office keeps the original.
    ResponseForm,
    /// The power of attorney (on the response form); the office keeps the original.
    PowerOfAttorney,
    /// The holder's new PIN in a sealed request, opened at the terminal: reissue records that
    /// it arrived sealed, never the PIN.
    SealedPinRequest,
}
names!(ItemKind {
    Card => "card",
    RepresentativePhotoId => "representative_photo_id",
    FamilyRegisterCertificate => "family_register_certificate",
    GuardianshipCertificate => "guardianship_certificate",
    ProxyId => "proxy_id",
    ProxyPhotoId => "proxy_photo_id",
    ResponseForm => "response_form",
    PowerOfAttorney => "power_of_attorney",
    SealedPinRequest => "sealed_pin_request",
});

impl ItemKind {
    /// An identity document: staff say which type.
    pub fn is_identity_document(self) -> bool {
        matches!(self, Self::RepresentativePhotoId | Self::ProxyId | Self::ProxyPhotoId)
    }

    /// Only a document with a face photo, issued by a public office, will do.
    pub fn needs_photo(self) -> bool {
        matches!(self, Self::RepresentativePhotoId | Self::ProxyPhotoId)
    }

    /// The office keeps the original: staff record that it was collected.
    pub fn original_kept(self) -> bool {
        matches!(self, Self::ResponseForm | Self::PowerOfAttorney)
    }
}

/// The type of an identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    DriversLicence,
    Passport,
    /// The applicant's own My Number card: no part of its number is ever recorded.
    MyNumberCard,
    ResidenceCard,
    /// A physical disability certificate with a photo.
    DisabilityCertificate,
    /// Another document with a face photo issued by a public office.
    OtherPhotoId,
    /// A health insurance card (no photo).
    HealthInsuranceCard,
    /// A pension book (no photo).
    PensionBook,
    /// Another document without a photo.
    OtherId,
}
names!(DocumentType {
    DriversLicence => "drivers_licence",
    Passport => "passport",
    MyNumberCard => "my_number_card",
    ResidenceCard => "residence_card",
    DisabilityCertificate => "disability_certificate",
    OtherPhotoId => "other_photo_id",
    HealthInsuranceCard => "health_insurance_card",
    PensionBook => "pension_book",
    OtherId => "other_id",
});

impl DocumentType {
    /// Issued by a public office with a face photo.
    pub fn has_photo(self) -> bool {
        !matches!(self, Self::HealthInsuranceCard | Self::PensionBook | Self::OtherId)
    }
}

/// Why a holder under 15 needs no family register certificate (seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// The holder's permanent domicile is in this municipality.
    DomicileHere,
    /// The resident record already shows the representative as parent.
    ResidentRecordShowsParent,
}
names!(Exemption { DomicileHere => "domicile_here", ResidentRecordShowsParent => "resident_record_shows_parent" });

/// What staff record of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    pub kind: ItemKind,
    pub visit: Visit,
    /// The document type, for an identity document.
    pub document: Option<DocumentType>,
    /// At most the last four characters of the document's number (never a My Number's).
    pub number_last4: Option<String>,
    /// Instead of the document, why it is not needed (a family register certificate only).
    pub exemption: Option<Exemption>,
    /// The original was collected (required for the response form and the power of attorney).
    pub collected: bool,
}

/// An item record refused, with the field and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ItemRefused {
    pub field: &'static str,
    pub problem: String,
}

fn refused(field: &'static str, problem: impl Into<String>) -> ItemRefused {
    ItemRefused { field, problem: problem.into() }
}

/// What the case asks for at `visit`. `sealed_pin_request`: the office's practice asks a proxy
/// to bring the holder's new PIN sealed.
pub fn required(case_type: CaseType, ground: Option<Ground>, visit: Visit, sealed_pin_request: bool) -> Vec<ItemKind> {
    use ItemKind as K;
    match (case_type, visit) {
        (CaseType::InPerson, Visit::First) => vec![K::Card],
        (CaseType::LegalRepresentative, Visit::First) => match ground {
            Some(Ground::AdultWard) => vec![K::Card, K::RepresentativePhotoId, K::GuardianshipCertificate],
            _ => vec![K::Card, K::RepresentativePhotoId, K::FamilyRegisterCertificate],
        },
        (CaseType::Proxy, Visit::First) => vec![K::Card, K::ProxyId],
        (CaseType::Proxy, Visit::Second) => {
            let mut v = vec![K::Card, K::ProxyPhotoId, K::ResponseForm, K::PowerOfAttorney];
            if sealed_pin_request {
                v.push(K::SealedPinRequest);
            }
            v
        }
        (_, Visit::Second) => vec![],
    }
}

/// What is still missing at `visit`, in the order of `required`.
pub fn missing(
    case_type: CaseType,
    ground: Option<Ground>,
    visit: Visit,
    sealed_pin_request: bool,
    recorded: &[ItemRecord],
) -> Vec<ItemKind> {
    required(case_type, ground, visit, sealed_pin_request)
        .into_iter()
        .filter(|k| !recorded.iter().any(|r| r.kind == *k && r.visit == visit))
        .collect()
}

/// Checks one record against the case: the item must be asked for, an identity document
/// named (with a photo where one is required), a number at most its last four characters
/// and never a My Number's, an exemption only for a family register certificate, and the
/// original of a response form or power of attorney collected.
pub fn check(
    case_type: CaseType,
    ground: Option<Ground>,
    sealed_pin_request: bool,
    record: &ItemRecord,
) -> Result<(), ItemRefused> {
    let k = record.kind;
    if !required(case_type, ground, record.visit, sealed_pin_request).contains(&k) {
        return Err(refused("item", format!("{k} is not asked for at the {} visit of this case", record.visit)));
    }
    match (k.is_identity_document(), record.document) {
        (true, None) => return Err(refused("document", "say which identity document was seen")),
        (true, Some(d)) if k.needs_photo() && !d.has_photo() => {
            return Err(refused("document", format!("{d} has no face photo; {k} must have one")));
        }
        (false, Some(_)) => return Err(refused("document", format!("{k} is not an identity document"))),
        _ => {}
    }
    if let Some(n) = &record.number_last4 {
        if k == ItemKind::Card || record.document == Some(DocumentType::MyNumberCard) {
            return Err(refused("number_last4", "never record any part of a My Number"));
        }
        if !k.is_identity_document() {
            return Err(refused("number_last4", format!("{k} has no number to record")));
        }
        let n = n.trim();
        if n.is_empty() || n.chars().count() > 4 || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(refused("number_last4", "at most the last four letters or digits of the number"));
        }
    }
    if record.exemption.is_some() {
        if k != ItemKind::FamilyRegisterCertificate {
            return Err(refused("exemption", format!("{k} has no exemption")));
        }
        if ground != Some(Ground::Under15) {
            return Err(refused("exemption", "the exemptions are for a holder under 15"));
        }
    }
    if k.original_kept() && !record.collected {
        return Err(refused("collected", format!("the office keeps the original of the {k}: collect it")));
    }
    if !k.original_kept() && record.collected {
        return Err(refused("collected", format!("the {k} is seen and given back, not collected")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind, visit: Visit) -> ItemRecord {
        ItemRecord { kind, visit, document: None, number_last4: None, exemption: None, collected: false }
    }

    #[test]
    fn each_case_type_asks_for_what_the_seed_lists() {
        use ItemKind as K;
        assert_eq!(required(CaseType::InPerson, None, Visit::First, true), vec![K::Card]);
        assert_eq!(
            required(CaseType::LegalRepresentative, Some(Ground::AdultWard), Visit::First, true),
            vec![K::Card, K::RepresentativePhotoId, K::GuardianshipCertificate]
        );
        assert!(
            required(CaseType::LegalRepresentative, Some(Ground::Under15), Visit::First, true)
                .contains(&K::FamilyRegisterCertificate)
        );
        assert_eq!(required(CaseType::Proxy, None, Visit::First, true), vec![K::Card, K::ProxyId]);
        assert!(required(CaseType::Proxy, None, Visit::Second, true).contains(&K::SealedPinRequest));
        assert!(!required(CaseType::Proxy, None, Visit::Second, false).contains(&K::SealedPinRequest));
    }

    #[test]
    fn a_guardianship_case_misses_the_certificate_until_it_is_recorded() {
        let ward = (CaseType::LegalRepresentative, Some(Ground::AdultWard));
        let mut got = vec![item(ItemKind::Card, Visit::First)];
        got.push(ItemRecord {
            document: Some(DocumentType::DriversLicence),
            ..item(ItemKind::RepresentativePhotoId, Visit::First)
        });
        assert_eq!(missing(ward.0, ward.1, Visit::First, true, &got), vec![ItemKind::GuardianshipCertificate]);
        got.push(item(ItemKind::GuardianshipCertificate, Visit::First));
        assert!(missing(ward.0, ward.1, Visit::First, true, &got).is_empty());
    }

    #[test]
    fn records_are_refused_with_the_reason() {
        let rep = (CaseType::LegalRepresentative, Some(Ground::Under15));
        let no_photo = ItemRecord {
            document: Some(DocumentType::HealthInsuranceCard),
            ..item(ItemKind::RepresentativePhotoId, Visit::First)
        };
        assert_eq!(check(rep.0, rep.1, true, &no_photo).unwrap_err().field, "document");
        let my_number = ItemRecord {
            document: Some(DocumentType::MyNumberCard),
            number_last4: Some("1234".into()),
            ..item(ItemKind::RepresentativePhotoId, Visit::First)
        };
        assert!(check(rep.0, rep.1, true, &my_number).unwrap_err().problem.contains("My Number"));
        let five = ItemRecord {
            document: Some(DocumentType::Passport),
            number_last4: Some("12345".into()),
            ..item(ItemKind::RepresentativePhotoId, Visit::First)
        };
        assert_eq!(check(rep.0, rep.1, true, &five).unwrap_err().field, "number_last4");
        let ok = ItemRecord { number_last4: Some("A123".into()), ..five };
        assert!(check(rep.0, rep.1, true, &ok).is_ok());
        let exempt = ItemRecord {
            exemption: Some(Exemption::DomicileHere),
            ..item(ItemKind::FamilyRegisterCertificate, Visit::First)
        };
        assert!(check(rep.0, rep.1, true, &exempt).is_ok());
        assert_eq!(
            check(CaseType::InPerson, None, true, &item(ItemKind::GuardianshipCertificate, Visit::First))
                .unwrap_err()
                .field,
            "item"
        );
        let form = item(ItemKind::ResponseForm, Visit::Second);
        assert_eq!(check(CaseType::Proxy, None, true, &form).unwrap_err().field, "collected");
        assert!(check(CaseType::Proxy, None, true, &ItemRecord { collected: true, ..form }).is_ok());
        let proxy_id =
            ItemRecord { document: Some(DocumentType::HealthInsuranceCard), ..item(ItemKind::ProxyId, Visit::First) };
        assert!(check(CaseType::Proxy, None, true, &proxy_id).is_ok(), "a proxy's first ID needs no photo");
    }
}
