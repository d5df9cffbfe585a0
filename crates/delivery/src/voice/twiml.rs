//! Renders the dialogue's prompts as TwiML.

use reissue_core::account::Language;
use reissue_core::voice::{Prompt, Step};

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            _ => o.push(c),
        }
    }
    o
}

/// Twilio's voice for each language (Amazon Polly voices that read SSML).
fn say_open(lang: Language) -> &'static str {
    match lang {
        Language::Ja => r#"<Say language="ja-JP" voice="Polly.Mizuki">"#,
        Language::En => r#"<Say language="en-US" voice="Polly.Joanna">"#,
    }
}

/// The URL of a dialogue step for a call.
pub fn step_url(public_url: &str, step: Step, call_id: &str) -> String {
    let base = format!("{}/voice/{}?call={}", public_url.trim_end_matches('/'), step.as_str(), call_id);
    match step.count_param() {
        Some((name, n)) => format!("{base}&{name}={n}"),
        None => base,
    }
}

fn render_one(out: &mut String, p: &Prompt, lang: Language, public_url: &str, call_id: &str) {
    match p {
        Prompt::Say(text) => {
            out.push_str(say_open(lang));
            out.push_str(&esc(text));
            out.push_str("</Say>");
        }
        Prompt::SayCode { before, code, after } => {
            // One <Say>: the code's digits in groups, each read digit by digit.
            out.push_str(say_open(lang));
            out.push_str(&esc(before));
            let digits: Vec<char> = code.chars().collect();
            for group in digits.chunks(if digits.len() == 10 { 5 } else { 4 }) {
                out.push_str(r#"<break time="300ms"/><say-as interpret-as="digits">"#);
                out.extend(group.iter());
                out.push_str("</say-as>");
            }
            out.push_str(r#"<break time="300ms"/>"#);
            out.push_str(&esc(after));
            out.push_str("</Say>");
        }
        Prompt::Gather { action, prompt, digits, timeout_secs } => {
            let url = esc(&step_url(public_url, *action, call_id));
            out.push_str(&format!(r#"<Gather input="dtmf" action="{url}" method="POST" timeout="{timeout_secs}""#));
            match digits {
                Some(n) => out.push_str(&format!(r#" numDigits="{n}">"#)),
                None => out.push_str(r##" finishOnKey="#">"##),
            }
            render_one(out, prompt, lang, public_url, call_id);
            out.push_str("</Gather>");
        }
        Prompt::Redirect(step) => {
            out.push_str(r#"<Redirect method="POST">"#);
            out.push_str(&esc(&step_url(public_url, *step, call_id)));
            out.push_str("</Redirect>");
        }
        Prompt::Hangup => out.push_str("<Hangup/>"),
    }
}

/// A whole TwiML document for the prompts of one webhook answer.
pub fn render(prompts: &[Prompt], lang: Language, public_url: &str, call_id: &str) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#);
    for p in prompts {
        render_one(&mut out, p, lang, public_url, call_id);
    }
    out.push_str("</Response>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_spoken_digit_by_digit_inside_one_say() {
        let x = render(
            &[Prompt::SayCode {
                before: "Your code is".into(),
                code: "0123456789".into(),
                after: "Bye & thanks".into(),
            }],
            Language::En,
            "http://h",
            "c1",
        );
        assert_eq!(x.matches("<Say").count(), 1);
        assert!(x.contains(r#"<say-as interpret-as="digits">01234</say-as>"#));
        assert!(x.contains(r#"<say-as interpret-as="digits">56789</say-as>"#));
        assert!(x.contains("Bye &amp; thanks"));
    }

    #[test]
    fn a_pin_gather_ends_on_hash_and_posts_to_the_pin_step() {
        let x = render(
            &[Prompt::Gather {
                action: Step::Pin,
                prompt: Box::new(Prompt::Say("PIN?".into())),
                digits: None,
                timeout_secs: 10,
            }],
            Language::Ja,
            "https://bank.example/",
            "call-9",
        );
        assert!(x.contains(r##"finishOnKey="#""##));
        assert!(x.contains(r#"action="https://bank.example/voice/pin?call=call-9""#));
        assert!(x.contains(r#"language="ja-JP""#));
    }
}
