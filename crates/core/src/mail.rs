//! The texts of the e-mails, in Japanese and English. None ever contains a reset code, PIN or
//! password.

use time::OffsetDateTime;

use crate::account::{Language, Profile};
use crate::calendar::Calendar;

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

    /// "number (hours)", for a sentence.
    pub fn line(&self, lang: Language) -> String {
        let d = self.for_language(lang);
        format!("{} ({})", d.number, d.hours)
    }
}

fn salutation(p: &Profile) -> String {
    match p.language {
        Language::Ja => format!("{} {} 様", p.name.family(), p.name.given()),
        Language::En => format!("Dear {} {},", p.name.given(), p.name.family()),
    }
}

/// A lifetime as people say it: "24時間" / "24 hours", "10分" / "10 minutes".
fn lifetime(lang: Language, secs: i64) -> String {
    let (n, ja, en) =
        if secs % 3600 == 0 { (secs / 3600, "時間", "hour") } else { ((secs + 59) / 60, "分", "minute") };
    match lang {
        Language::Ja => format!("{n}{ja}"),
        Language::En => format!("{n} {en}{}", if n == 1 { "" } else { "s" }),
    }
}

/// The e-mail sent when the voice call has spoken a code: where to enter it, and for how long.
pub fn voice_reset_page(
    p: &Profile,
    inst: &Institution,
    url: &str,
    valid_secs: i64,
    expires_at: OffsetDateTime,
) -> (String, String) {
    let valid = lifetime(p.language, valid_secs);
    let until = inst.time_zone.date_time(expires_at, p.language);
    match p.language {
        Language::Ja => (
            format!("【{}】リセットコード入力ページのご案内", inst.name),
            format!(
                "{}\n\n自動音声でお知らせしたリセットコードを、次のページで入力してください。\n\n{url}\n\nリセットコードの有効期限は発行から{valid}（{until}まで）です。\nこのメールにお心当たりがない場合は、ヘルプデスク（{}）までご連絡ください。\n\n{}\n",
                salutation(p),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
        Language::En => (
            format!("[{}] Enter your reset code", inst.name),
            format!(
                "{}\n\nPlease enter the reset code you heard in the automated call on this page:\n\n{url}\n\nThe code is valid for {valid} from the time of issue (until {until}).\nIf you did not apply for a reset code, please call our help desk at {}.\n\n{}\n",
                salutation(p),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
    }
}

/// The e-mail with a temporary password, which stands alone on its line so it can be copied.
pub fn temporary_password(
    p: &Profile,
    inst: &Institution,
    password: &str,
    valid_secs: i64,
    expires_at: OffsetDateTime,
) -> (String, String) {
    let valid = lifetime(p.language, valid_secs);
    let until = inst.time_zone.date_time(expires_at, p.language);
    match p.language {
        Language::Ja => (
            format!("【{}】仮パスワードのお知らせ", inst.name),
            format!(
                "{}\n\nログインパスワードの初期化を受け付けました。仮パスワードは次のとおりです。\n\n{password}\n\nこの仮パスワードでログインし、すぐに新しいパスワードに変更してください。有効期限は{valid}（{until}まで）です。\n仮パスワードを使うまでは、これまでのパスワードも使えます。\nお心当たりがない場合は、このメールを破棄し、ヘルプデスク（{}）までご連絡ください。\n\n{}\n",
                salutation(p),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
        Language::En => (
            format!("[{}] Your temporary password", inst.name),
            format!(
                "{}\n\nWe received a request to initialize your login password. Your temporary password is:\n\n{password}\n\nSign in with it and change it at once. It is valid for {valid} (until {until}).\nUntil you use it, your previous password keeps working.\nIf you did not ask for this, ignore this e-mail and call our help desk at {}.\n\n{}\n",
                salutation(p),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
    }
}

/// The login-ID reminder: every login ID that matched, in one message.
pub fn login_id_reminder(p: &Profile, inst: &Institution, login_ids: &[String]) -> (String, String) {
    match p.language {
        Language::Ja => (
            format!("【{}】ログインIDのお知らせ", inst.name),
            format!(
                "{}\n\nお客さまのログインIDは次のとおりです。\n\n{}\n\nお心当たりがない場合は、ヘルプデスク（{}）までご連絡ください。\n\n{}\n",
                salutation(p),
                login_ids.join("\n"),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
        Language::En => (
            format!("[{}] Your login ID", inst.name),
            format!(
                "{}\n\nYour login ID{}:\n\n{}\n\nIf you did not ask for this, please call our help desk at {}.\n\n{}\n",
                salutation(p),
                if login_ids.len() == 1 { " is" } else { "s are" },
                login_ids.join("\n"),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
    }
}

/// The e-mail sent after credentials changed: what changed (labels only) and whom to call.
pub fn credentials_changed(p: &Profile, inst: &Institution, labels: &[String], at: OffsetDateTime) -> (String, String) {
    let when = inst.time_zone.date_time(at, p.language);
    match p.language {
        Language::Ja => (
            format!("【{}】パスワード・暗証番号変更のお知らせ", inst.name),
            format!(
                "{}\n\n{when} に、次のパスワード・暗証番号が変更されました。\n\n{}\n\nお心当たりがない場合は、至急ヘルプデスク（{}）までご連絡ください。\n\n{}\n",
                salutation(p),
                labels.iter().map(|l| format!("・{l}")).collect::<Vec<_>>().join("\n"),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
        Language::En => (
            format!("[{}] Your passwords or PINs were changed", inst.name),
            format!(
                "{}\n\nThe following were changed at {when}:\n\n{}\n\nIf this was not you, please call our help desk at {} at once.\n\n{}\n",
                salutation(p),
                labels.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n"),
                inst.help_desk.line(p.language),
                inst.name
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_show_times_in_the_institutions_zone() {
        use time::macros::datetime;
        let p = Profile {
            login_id: crate::account::LoginId::parse("123456789").unwrap(),
            kind: crate::account::AccountKind::Individual,
            status: crate::account::AccountStatus::Active,
            organization_name: None,
            name: crate::account::PersonName::new("Koku", "Taro").unwrap(),
            birth_date: None,
            email: None,
            phone: None,
            language: Language::Ja,
            address: None,
            changed_at: Default::default(),
        };
        let inst = Institution::default();
        // 15:30 UTC on 1 December is 00:30 on 2 December in Tokyo.
        let (_, body) = voice_reset_page(&p, &inst, "https://x", 86_400, datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("2026年12月2日（水）00:30（JST）まで"), "{body}");
        let (_, body) = credentials_changed(&p, &inst, &["ログインパスワード".into()], datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("2026年12月2日（水）00:30（JST） に"), "{body}");
        let berlin = Institution { time_zone: Calendar::parse("Europe/Berlin").unwrap(), ..Institution::default() };
        let en = Profile { language: Language::En, ..p };
        let (_, body) = temporary_password(&en, &berlin, "x", 86_400, datetime!(2026-12-01 15:30 UTC));
        assert!(body.contains("until Tuesday, 1 December 2026, 16:30 CET"), "{body}");
    }

    #[test]
    fn lifetimes_read_naturally() {
        assert_eq!(lifetime(Language::En, 86_400), "24 hours");
        assert_eq!(lifetime(Language::En, 600), "10 minutes");
        assert_eq!(lifetime(Language::Ja, 600), "10分");
        assert_eq!(lifetime(Language::Ja, 3600), "1時間");
    }
}
