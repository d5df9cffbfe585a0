//! The e-mails, assembled from the catalogue's `mail-` entries (`catalogue.rs`, `locales/`):
//! each mail's subject and body are one entry each, filled in with the institution, the
//! salutation, the help desk of the customer's language and the mail's own details. None ever
//! contains a reset code or PIN; only the temporary password's mail carries a secret, and it
//! waits in the outbox sealed.

use time::OffsetDateTime;

use crate::account::{Language, Profile};
use crate::calendar::Calendar;
use crate::catalogue::{Arg, Catalogue};

/// Who the institution is, as its messages name it, and the time zone its dates are read in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Institution {
    pub name: String,
    /// The help desk for each language: seed 000 sends English speakers to "our English help
    /// desk", so every page, mail and call names the one for the customer's language.
    pub help_desk: HelpDesks,
    /// An IANA zone name; every date a customer reads, and every calendar day a rule counts,
    /// is in it.
    pub time_zone: Calendar,
}

impl Default for Institution {
    fn default() -> Self {
        Self { name: "reissue demo bank".into(), help_desk: HelpDesks::default(), time_zone: Calendar::default() }
    }
}

/// One help desk: the number to call and when it answers, as customers read them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpDesk {
    pub number: String,
    pub hours: String,
}

/// The help desk per language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HelpDesks {
    pub ja: HelpDesk,
    pub en: HelpDesk,
}

impl Default for HelpDesks {
    fn default() -> Self {
        Self {
            ja: HelpDesk { number: "0120-000-000".into(), hours: "平日 9:00〜17:00".into() },
            en: HelpDesk { number: "0120-000-001".into(), hours: "weekdays 9:00-17:00 (Japan time)".into() },
        }
    }
}

impl HelpDesks {
    pub fn for_language(&self, lang: Language) -> &HelpDesk {
        match lang {
            Language::Ja => &self.ja,
            Language::En => &self.en,
        }
    }
}

/// What every mail passes to its catalogue entries: the institution, the salutation, and the
/// help desk of the customer's language.
fn common(c: &Catalogue, p: &Profile, inst: &Institution) -> Vec<(&'static str, Arg)> {
    let desk = inst.help_desk.for_language(p.language);
    let salutation =
        c.text(p.language, "mail-salutation", &[("family", p.name.family().into()), ("given", p.name.given().into())]);
    vec![
        ("institution", inst.name.as_str().into()),
        ("salutation", salutation.into()),
        ("help_number", desk.number.as_str().into()),
        ("help_hours", desk.hours.as_str().into()),
    ]
}

/// The subject and body of mail `name` (`mail-{name}-subject`, `mail-{name}-body`).
fn render(c: &Catalogue, lang: Language, name: &str, args: &[(&str, Arg)]) -> (String, String) {
    let subject = c.text(lang, &format!("mail-{name}-subject"), args);
    // A body is plain text that ends with a line break; Fluent trims the last one.
    let body = c.text(lang, &format!("mail-{name}-body"), args) + "\n";
    (subject, body)
}

/// A lifetime as people say it: "24時間" / "24 hours", "10分" / "10 minutes".
fn lifetime(c: &Catalogue, lang: Language, secs: i64) -> String {
    if secs % 3600 == 0 {
        c.text(lang, "mail-lifetime-hours", &[("n", (secs / 3600).into())])
    } else {
        c.text(lang, "mail-lifetime-minutes", &[("n", ((secs + 59) / 60).into())])
    }
}

/// The e-mail sent when the voice call has spoken a code: where to enter it, and for how long.
pub fn voice_reset_page(
    c: &Catalogue,
    p: &Profile,
    inst: &Institution,
    url: &str,
    valid_secs: i64,
    expires_at: OffsetDateTime,
) -> (String, String) {
    let mut args = common(c, p, inst);
    args.extend([
        ("url", url.into()),
        ("valid", lifetime(c, p.language, valid_secs).into()),
        ("until", inst.time_zone.date_time(expires_at, p.language).into()),
    ]);
    render(c, p.language, "voice-reset", &args)
}

/// The e-mail with a temporary password, which stands alone on its line so it can be copied.
pub fn temporary_password(
    c: &Catalogue,
    p: &Profile,
    inst: &Institution,
    password: &str,
    valid_secs: i64,
    expires_at: OffsetDateTime,
) -> (String, String) {
    let mut args = common(c, p, inst);
    args.extend([
        ("password", password.into()),
        ("valid", lifetime(c, p.language, valid_secs).into()),
        ("until", inst.time_zone.date_time(expires_at, p.language).into()),
    ]);
    render(c, p.language, "temporary-password", &args)
}

/// The e-mail that tells the customer a letter with a postal reset code is on its way.
pub fn postal_letter_sent(
    c: &Catalogue,
    p: &Profile,
    inst: &Institution,
    applied_at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> (String, String) {
    let mut args = common(c, p, inst);
    args.extend([
        ("applied", inst.time_zone.date(applied_at, p.language).into()),
        ("until", inst.time_zone.date(expires_at - time::Duration::seconds(1), p.language).into()),
    ]);
    render(c, p.language, "postal-sent", &args)
}

/// The e-mail that tells the customer their letter came back and its code no longer works
/// (never the code). `reason` is the catalogue's word for why (`mail-postal-returned-reason-*`).
pub fn postal_letter_returned(c: &Catalogue, p: &Profile, inst: &Institution, reason: &str) -> (String, String) {
    let why = c.text(p.language, &format!("mail-postal-returned-reason-{reason}"), &[]);
    let mut args = common(c, p, inst);
    args.push(("why", why.into()));
    render(c, p.language, "postal-returned", &args)
}

/// The e-mail that tells the customer the help desk voided their reset code at their request.
pub fn code_voided(c: &Catalogue, p: &Profile, inst: &Institution, at: OffsetDateTime) -> (String, String) {
    let mut args = common(c, p, inst);
    args.push(("when", inst.time_zone.date_time(at, p.language).into()));
    render(c, p.language, "code-voided", &args)
}

/// The e-mail that tells the customer the help desk unlocked a credential.
pub fn unlocked(c: &Catalogue, p: &Profile, inst: &Institution, label: &str, at: OffsetDateTime) -> (String, String) {
    let mut args = common(c, p, inst);
    args.extend([("label", label.into()), ("when", inst.time_zone.date_time(at, p.language).into())]);
    render(c, p.language, "unlocked", &args)
}

/// The login-ID reminder: every login ID that matched, in one message, one a line.
pub fn login_id_reminder(c: &Catalogue, p: &Profile, inst: &Institution, login_ids: &[String]) -> (String, String) {
    let mut args = common(c, p, inst);
    let count = u32::try_from(login_ids.len()).unwrap_or(u32::MAX);
    args.extend([("login_ids", login_ids.join("\n").into()), ("count", count.into())]);
    render(c, p.language, "login-id", &args)
}

/// The e-mail sent after credentials changed: what changed (labels only) and whom to call.
pub fn credentials_changed(
    c: &Catalogue,
    p: &Profile,
    inst: &Institution,
    labels: &[String],
    at: OffsetDateTime,
) -> (String, String) {
    let items: Vec<String> =
        labels.iter().map(|l| c.text(p.language, "mail-changed-item", &[("label", l.into())])).collect();
    let mut args = common(c, p, inst);
    args.extend([("labels", items.join("\n").into()), ("when", inst.time_zone.date_time(at, p.language).into())]);
    render(c, p.language, "changed", &args)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn profile(language: Language) -> Profile {
        Profile {
            login_id: crate::account::LoginId::parse("123456789").unwrap(),
            kind: crate::account::AccountKind::Individual,
            status: crate::account::AccountStatus::Active,
            organization_name: None,
            name: crate::account::PersonName::new("Koku", "Taro").unwrap(),
            name_kana: None,
            birth_date: None,
            email: None,
            phone: None,
            language,
            address: None,
            changed_at: Default::default(),
        }
    }

    /// Every mail, with one and with several login IDs or labels.
    pub(crate) fn every_mail(c: &Catalogue, p: &Profile, inst: &Institution) -> Vec<(String, String)> {
        let t = datetime!(2026-12-01 15:30 UTC);
        let one = ["123456789".to_owned()];
        let two = ["123456789".to_owned(), "555000111".to_owned()];
        vec![
            voice_reset_page(c, p, inst, "https://bank.example/reset/voice", 86_400, t),
            voice_reset_page(c, p, inst, "https://bank.example/reset/voice", 3_600, t),
            temporary_password(c, p, inst, "abcdefghjkmnpqrs", 600, t),
            temporary_password(c, p, inst, "abcdefghjkmnpqrs", 60, t),
            login_id_reminder(c, p, inst, &one),
            login_id_reminder(c, p, inst, &two),
            credentials_changed(c, p, inst, &one, t),
            credentials_changed(c, p, inst, &two, t),
        ]
    }

    #[test]
    fn mails_show_times_in_the_institutions_zone() {
        let c = Catalogue::builtin();
        let p = profile(Language::Ja);
        let inst = Institution::default();
        // 15:30 UTC on 1 December is 00:30 on 2 December in Tokyo.
        let (_, body) = voice_reset_page(&c, &p, &inst, "https://x", 86_400, datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("2026年12月2日（水）00:30（JST）まで"), "{body}");
        let (_, body) =
            credentials_changed(&c, &p, &inst, &["ログインパスワード".into()], datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("2026年12月2日（水）00:30（JST） に"), "{body}");
        let berlin = Institution { time_zone: Calendar::parse("Europe/Berlin").unwrap(), ..Institution::default() };
        let en = profile(Language::En);
        let (_, body) = temporary_password(&c, &en, &berlin, "x", 86_400, datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("until Tuesday, 1 December 2026, 16:30 CET"), "{body}");
    }

    #[test]
    fn lifetimes_read_naturally() {
        let c = Catalogue::builtin();
        assert_eq!(lifetime(&c, Language::En, 86_400), "24 hours");
        assert_eq!(lifetime(&c, Language::En, 3_600), "1 hour");
        assert_eq!(lifetime(&c, Language::En, 600), "10 minutes");
        assert_eq!(lifetime(&c, Language::En, 60), "1 minute");
        assert_eq!(lifetime(&c, Language::Ja, 600), "10分");
        assert_eq!(lifetime(&c, Language::Ja, 3600), "1時間");
    }

    #[test]
    fn mails_keep_their_layout_salutation_first_and_the_password_alone_on_its_line() {
        let c = Catalogue::builtin();
        let inst = Institution::default();
        let t = datetime!(2026-12-01 15:30 UTC);
        let (subject, body) = temporary_password(&c, &profile(Language::Ja), &inst, "abcdefghjkmnpqrs", 86_400, t);
        assert_eq!(subject, "【reissue demo bank】仮パスワードのお知らせ");
        assert!(body.starts_with("Koku Taro 様\n\nログインパスワードの初期化"), "{body}");
        assert!(body.contains("\n\nabcdefghjkmnpqrs\n\n"), "{body}");
        assert!(body.ends_with("\n\nreissue demo bank\n"), "{body}");
        let (subject, body) = temporary_password(&c, &profile(Language::En), &inst, "abcdefghjkmnpqrs", 86_400, t);
        assert_eq!(subject, "[reissue demo bank] Your temporary password");
        assert!(body.starts_with("Dear Taro Koku,\n\nWe received"), "{body}");
        assert!(body.contains("\n\nabcdefghjkmnpqrs\n\n"), "{body}");
    }

    #[test]
    fn english_mails_count_login_ids_and_list_changes_one_a_line() {
        let c = Catalogue::builtin();
        let (inst, en) = (Institution::default(), profile(Language::En));
        let (_, one) = login_id_reminder(&c, &en, &inst, &["123456789".into()]);
        assert!(one.contains("Your login ID is:\n\n123456789\n\n"), "{one}");
        let (_, two) = login_id_reminder(&c, &en, &inst, &["123456789".into(), "555000111".into()]);
        assert!(two.contains("Your login IDs are:\n\n123456789\n555000111\n\n"), "{two}");
        let labels = ["Login password".to_owned(), "Cash card PIN".to_owned()];
        let (_, body) = credentials_changed(&c, &en, &inst, &labels, datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("\n\n- Login password\n- Cash card PIN\n\n"), "{body}");
        let (_, body) =
            credentials_changed(&c, &profile(Language::Ja), &inst, &labels, datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("\n\n・Login password\n・Cash card PIN\n\n"), "{body}");
    }

    #[test]
    fn every_mail_names_the_help_desk_of_the_customers_language() {
        let c = Catalogue::builtin();
        let inst = Institution {
            help_desk: HelpDesks {
                ja: HelpDesk { number: "03-1111-2222".into(), hours: "平日 8:00〜20:00".into() },
                en: HelpDesk { number: "03-3333-4444".into(), hours: "weekdays 10:00-16:00".into() },
            },
            ..Institution::default()
        };
        for (lang, ours, theirs) in [
            (Language::Ja, &inst.help_desk.ja, &inst.help_desk.en),
            (Language::En, &inst.help_desk.en, &inst.help_desk.ja),
        ] {
            for (_, body) in every_mail(&c, &profile(lang), &inst) {
                assert!(body.contains(&ours.number) && body.contains(&ours.hours), "{lang:?}: {body}");
                assert!(!body.contains(&theirs.number), "{lang:?}: {body}");
            }
        }
        let (_, body) = login_id_reminder(&c, &profile(Language::En), &inst, &["123456789".into()]);
        assert!(body.contains("our English help desk at 03-3333-4444, weekdays 10:00-16:00."), "{body}");
    }

    #[test]
    fn a_theme_rewords_a_mail() {
        let themed = Catalogue::themed(&[(
            Language::En,
            "theme/locales/en.ftl".into(),
            "mail-voice-reset-subject = { $institution }: your reset code page\n".into(),
        )])
        .unwrap();
        let (inst, en) = (Institution::default(), profile(Language::En));
        let t = datetime!(2026-12-01 15:30 UTC);
        let (subject, body) = voice_reset_page(&themed, &en, &inst, "https://x", 86_400, t);
        assert_eq!(subject, "reissue demo bank: your reset code page");
        assert_eq!(
            body,
            voice_reset_page(&Catalogue::builtin(), &en, &inst, "https://x", 86_400, t).1,
            "the rest stays"
        );
        let (subject, _) = voice_reset_page(&themed, &profile(Language::Ja), &inst, "https://x", 86_400, t);
        assert_eq!(subject, "【reissue demo bank】リセットコード入力ページのご案内", "only the language it was given");
    }

    #[test]
    fn every_mail_text_is_in_both_catalogues() {
        let c = Catalogue::builtin();
        let inst = Institution::default();
        for lang in [Language::Ja, Language::En] {
            for (subject, body) in every_mail(&c, &profile(lang), &inst) {
                for text in [&subject, &body] {
                    // A missing entry shows as its key, a missing variable as `{$name}`.
                    assert!(!text.contains("mail-") && !text.contains('{'), "{lang:?}: {text}");
                    assert!(!text.trim().is_empty());
                }
            }
        }
    }
}
