//! The voice call's dialogue as provider-neutral prompts. The server renders them as TwiML;
//! another provider would render them its own way. What the call says comes from the
//! catalogue's `call-` entries (`Script`).

use crate::account::Language;
use crate::catalogue::{Arg, Catalogue};
use crate::mail::Institution;

/// Which webhook of the dialogue a prompt sends the caller to. The counts travel in the
/// step's URL, which the provider signs, so that the dialogue stays bounded on any instance
/// without a write per prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The call was answered, or the caller was sent back after `silent` prompts in a row
    /// went unanswered: greet and ask for the PIN.
    Answer { silent: u32 },
    /// Digits of the PIN arrive here.
    Pin,
    /// "Press 1 to repeat" arrives here, after the code was spoken `heard` times.
    Repeat { heard: u32 },
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answer { .. } => "answer",
            Self::Pin => "pin",
            Self::Repeat { .. } => "repeat",
        }
    }

    /// The step's count as a query parameter, when it has one worth sending.
    pub fn count_param(self) -> Option<(&'static str, u32)> {
        match self {
            Self::Answer { silent } if silent > 0 => Some(("silent", silent)),
            Self::Repeat { heard } => Some(("heard", heard)),
            _ => None,
        }
    }
}

/// How many times the code is spoken at most: once, and "press 1 to repeat" twice.
pub const MAX_CODE_HEARINGS: u32 = 3;

/// One thing the call does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Say(String),
    /// Says `before`, the code digit by digit, then `after`, in one utterance.
    SayCode {
        before: String,
        code: String,
        after: String,
    },
    /// Collects keys until `#` (or `digits` keys when set), saying `prompt` meanwhile, and
    /// posts them to `action`. Without input the call falls through to the next prompt.
    Gather {
        action: Step,
        prompt: Box<Prompt>,
        digits: Option<u32>,
        timeout_secs: u32,
    },
    Redirect(Step),
    Hangup,
}

/// What one webhook answer says, and in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialogue {
    pub lang: Language,
    pub prompts: Vec<Prompt>,
}

impl Dialogue {
    /// The answer for a call this server does not know (or no longer can serve).
    pub fn hang_up() -> Self {
        Self { lang: Language::default(), prompts: vec![Prompt::Hangup] }
    }
}

/// The sentences of the call in the account's language, from the catalogue's `call-` entries.
#[derive(Debug, Clone, Copy)]
pub struct Script<'a> {
    pub lang: Language,
    catalogue: &'a Catalogue,
    institution: &'a Institution,
}

impl<'a> Script<'a> {
    pub fn new(catalogue: &'a Catalogue, institution: &'a Institution, lang: Language) -> Self {
        Self { lang, catalogue, institution }
    }

    fn say(self, key: &str, args: &[(&str, Arg)]) -> String {
        self.catalogue.text(self.lang, key, args)
    }

    /// The help desk of the call's language, its number as it is spoken.
    fn help_desk(self) -> [(&'static str, Arg); 2] {
        let desk = self.institution.help_desk.for_language(self.lang);
        let separator = self.say("call-digit-group-separator", &[]);
        [("help_number", spoken_number(&desk.number, &separator).into()), ("help_hours", desk.hours.as_str().into())]
    }

    pub fn greeting(self) -> String {
        self.say("call-greeting", &[("institution", self.institution.name.as_str().into())])
    }

    pub fn ask_pin(self) -> String {
        self.say("call-ask-pin", &[])
    }

    pub fn no_input(self) -> String {
        self.say("call-no-input", &[])
    }

    pub fn wrong_pin(self, tries_left: u32) -> String {
        self.say("call-wrong-pin", &[("tries", tries_left.into())])
    }

    pub fn out_of_tries(self) -> String {
        self.say("call-out-of-tries", &self.help_desk())
    }

    pub fn locked(self) -> String {
        self.say("call-locked", &self.help_desk())
    }

    pub fn code_before(self) -> String {
        self.say("call-code-before", &[])
    }

    pub fn code_after(self) -> String {
        self.say("call-code-after", &[])
    }

    pub fn offer_repeat(self) -> String {
        self.say("call-offer-repeat", &[])
    }

    pub fn goodbye(self) -> String {
        self.say("call-goodbye", &[])
    }

    pub fn unavailable(self) -> String {
        self.say("call-unavailable", &[])
    }
}

/// A phone number as a voice reads it: digit by digit, its groups apart.
/// "0120-000-001" is "0 1 2 0, 0 0 0, 0 0 1" with the separator ", ".
fn spoken_number(number: &str, separator: &str) -> String {
    number
        .split(|c: char| !c.is_ascii_digit() && c != '+')
        .filter(|g| !g.is_empty())
        .map(|g| g.chars().map(String::from).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::{HelpDesk, HelpDesks};

    fn institution() -> Institution {
        Institution {
            help_desk: HelpDesks {
                ja: HelpDesk { number: "03-1111-2222".into(), hours: "平日 8:00〜20:00".into() },
                en: HelpDesk { number: "03-3333-4444".into(), hours: "weekdays 10:00-16:00".into() },
            },
            ..Institution::default()
        }
    }

    /// Every sentence of the call.
    fn every_sentence(s: Script<'_>) -> Vec<String> {
        vec![
            s.greeting(),
            s.ask_pin(),
            s.no_input(),
            s.wrong_pin(1),
            s.wrong_pin(2),
            s.out_of_tries(),
            s.locked(),
            s.code_before(),
            s.code_after(),
            s.offer_repeat(),
            s.goodbye(),
            s.unavailable(),
        ]
    }

    #[test]
    fn phone_numbers_are_spoken_digit_by_digit_in_their_groups() {
        assert_eq!(spoken_number("0120-000-001", ", "), "0 1 2 0, 0 0 0, 0 0 1");
        assert_eq!(spoken_number("+81 3 1234 5678", "、"), "+ 8 1、3、1 2 3 4、5 6 7 8");
        assert_eq!(spoken_number("(03) 1111-2222", ", "), "0 3, 1 1 1 1, 2 2 2 2");
    }

    #[test]
    fn the_call_names_the_help_desk_of_its_language_when_it_cannot_go_on() {
        let (c, inst) = (Catalogue::builtin(), institution());
        let en = Script::new(&c, &inst, Language::En);
        for said in [en.out_of_tries(), en.locked()] {
            assert!(said.contains("English help desk at 0 3, 3 3 3 3, 4 4 4 4."), "{said}");
            assert!(!said.contains("1 1 1 1"), "{said}");
        }
        let ja = Script::new(&c, &inst, Language::Ja);
        for said in [ja.out_of_tries(), ja.locked()] {
            assert!(said.contains("ヘルプデスク") && said.contains("0 3、1 1 1 1、2 2 2 2"), "{said}");
            assert!(!said.contains("3 3 3 3"), "{said}");
        }
    }

    #[test]
    fn english_tries_are_counted_in_words_that_agree() {
        let (c, inst) = (Catalogue::builtin(), institution());
        let en = Script::new(&c, &inst, Language::En);
        assert_eq!(en.wrong_pin(1), "The PIN is not correct. You have 1 more try.");
        assert_eq!(en.wrong_pin(2), "The PIN is not correct. You have 2 more tries.");
        assert_eq!(
            Script::new(&c, &inst, Language::Ja).wrong_pin(2),
            "暗証番号が正しくありません。あと2回入力できます。"
        );
    }

    #[test]
    fn a_theme_rewords_the_call() {
        let c =
            Catalogue::themed(&[(Language::Ja, "theme/locales/ja.ftl".into(), "call-goodbye = さようなら。\n".into())])
                .unwrap();
        let inst = institution();
        assert_eq!(Script::new(&c, &inst, Language::Ja).goodbye(), "さようなら。");
        assert_eq!(Script::new(&c, &inst, Language::En).goodbye(), "Thank you. Goodbye.");
    }

    #[test]
    fn every_sentence_of_the_call_is_in_both_catalogues() {
        let (c, inst) = (Catalogue::builtin(), institution());
        for lang in [Language::Ja, Language::En] {
            for said in every_sentence(Script::new(&c, &inst, lang)) {
                // A missing entry shows as its key, a missing variable as `{$name}`.
                assert!(!said.contains("call-") && !said.contains('{') && !said.trim().is_empty(), "{lang:?}: {said}");
            }
        }
    }
}
