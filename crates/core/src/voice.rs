//! The voice call's dialogue as provider-neutral prompts. The server renders them as TwiML;
//! another provider would render them its own way.

use crate::account::Language;

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

/// The sentences of the call, in the account's language.
#[derive(Debug, Clone, Copy)]
pub struct Script {
    pub lang: Language,
}

impl Script {
    pub fn greeting(self, institution: &str) -> String {
        match self.lang {
            Language::Ja => {
                format!("{institution}です。リセットコードのお申し込みを受け付けました。")
            }
            Language::En => {
                format!("This is {institution}. We received your application for a reset code.")
            }
        }
    }

    pub fn ask_pin(self) -> String {
        match self.lang {
            Language::Ja => "キャッシュカードの暗証番号4桁を入力し、最後にシャープを押してください。".into(),
            Language::En => "Please enter the 4-digit PIN of your cash card, followed by the hash key.".into(),
        }
    }

    pub fn no_input(self) -> String {
        match self.lang {
            Language::Ja => "入力が確認できませんでした。".into(),
            Language::En => "We did not receive any input.".into(),
        }
    }

    pub fn wrong_pin(self, tries_left: u32) -> String {
        match self.lang {
            Language::Ja => format!("暗証番号が正しくありません。あと{tries_left}回入力できます。"),
            Language::En => format!(
                "The PIN is not correct. You have {tries_left} more {}.",
                if tries_left == 1 { "try" } else { "tries" }
            ),
        }
    }

    pub fn out_of_tries(self) -> String {
        match self.lang {
            Language::Ja => "暗証番号が正しくありません。お手数ですが、ヘルプデスクにお問い合わせください。".into(),
            Language::En => "The PIN is not correct. Please contact our help desk.".into(),
        }
    }

    pub fn locked(self) -> String {
        match self.lang {
            Language::Ja => {
                "暗証番号がロックされているため、お手続きできません。ヘルプデスクにお問い合わせください。".into()
            }
            Language::En => "Your PIN is locked, so we cannot continue. Please contact our help desk.".into(),
        }
    }

    pub fn code_before(self) -> String {
        match self.lang {
            Language::Ja => "リセットコードをお知らせします。".into(),
            Language::En => "Your reset code is".into(),
        }
    }

    pub fn code_after(self) -> String {
        match self.lang {
            Language::Ja => "リセットページのURLをメールでお送りしました。".into(),
            Language::En => "We have sent the address of the reset page to your e-mail.".into(),
        }
    }

    pub fn offer_repeat(self) -> String {
        match self.lang {
            Language::Ja => "もう一度お聞きになる場合は1を押してください。".into(),
            Language::En => "To hear the code again, press 1.".into(),
        }
    }

    pub fn goodbye(self) -> String {
        match self.lang {
            Language::Ja => "お電話ありがとうございました。".into(),
            Language::En => "Thank you. Goodbye.".into(),
        }
    }

    pub fn unavailable(self) -> String {
        match self.lang {
            Language::Ja => "このお電話ではお手続きできません。".into(),
            Language::En => "This call cannot continue.".into(),
        }
    }
}
