//! The figures of the procedures. Every one is configuration; the defaults follow the seed
//! documents, and the `nist-800-63b-4` profile tightens what that standard requires.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::lifecycle::{call, code, reset_session, temporary_password};

/// Which set of defaults applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Profile {
    /// The institution's published procedure (seed documents).
    #[default]
    #[serde(rename = "seed")]
    Seed,
    /// NIST SP 800-63B-4: voice codes live 10 minutes.
    #[serde(rename = "nist-800-63b-4")]
    Nist80063b4,
}

/// The figures every procedure reads. Durations are in seconds in configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    pub profile: Profile,
    pub code_digits: u32,
    pub voice_code_ttl_secs: i64,
    pub postal_code_ttl_secs: i64,
    /// The wrong entry that kills a code (the 6th by default).
    pub code_max_failures: u32,
    /// Wrong codes an account may accumulate across all its codes before codes stop working.
    pub account_max_code_failures: u32,
    pub reset_session_ttl_secs: i64,
    pub voice_applications_per_day: u32,
    /// E-mail or phone changed within this many days: not eligible for voice codes.
    pub contact_change_cooldown_days: i64,
    pub pin_tries_per_call: u32,
    /// Prompts for the PIN in a row that may go unanswered before the call says goodbye and
    /// hangs up, so that a callee who never presses a key is not prompted for ever.
    pub call_silent_prompts: u32,
    /// The credential the voice call checks.
    pub voice_gate_credential: String,
    /// How long a placed call may go without any word from the provider before it is
    /// treated as never placed.
    pub call_silence_timeout_secs: i64,
    /// Fixed answer time of voice applications and changes with the current secret, in
    /// milliseconds: long enough to cover hashing and queuing the call.
    pub uniform_response_ms: u64,
    /// Fixed answer time of code entry, in milliseconds. Code entry does the same work
    /// whether or not anything matched (a lookup, a MAC, one audited write), so a short
    /// deadline suffices to hide the small differences.
    pub code_entry_response_ms: u64,
    /// The password a temporary password stands in for (P5).
    pub initialization_credential: String,
    pub temporary_password_length: usize,
    pub temporary_password_ttl_secs: i64,
    pub initializations_per_day: u32,
    pub reminders_per_day: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            profile: Profile::Seed,
            code_digits: 10,
            voice_code_ttl_secs: code::VOICE.default.whole_seconds(),
            postal_code_ttl_secs: code::POSTAL.default.whole_seconds(),
            code_max_failures: 6,
            account_max_code_failures: 100,
            reset_session_ttl_secs: reset_session::SESSION.default.whole_seconds(),
            voice_applications_per_day: 3,
            contact_change_cooldown_days: 30,
            pin_tries_per_call: 3,
            call_silent_prompts: 3,
            voice_gate_credential: "cash_card_pin".into(),
            call_silence_timeout_secs: call::SILENCE.default.whole_seconds(),
            uniform_response_ms: 250,
            code_entry_response_ms: 10,
            initialization_credential: "login_password".into(),
            temporary_password_length: 16,
            temporary_password_ttl_secs: temporary_password::TEMPORARY_PASSWORD.default.whole_seconds(),
            initializations_per_day: 3,
            reminders_per_day: 3,
        }
    }
}

impl Rules {
    /// Applies the profile on top of the figures: under `nist-800-63b-4` a voice code may live
    /// at most 10 minutes.
    pub fn with_profile_applied(mut self) -> Self {
        if self.profile == Profile::Nist80063b4 {
            self.voice_code_ttl_secs = self.voice_code_ttl_secs.min(code::NIST_VOICE_MAX.whole_seconds());
        }
        self
    }

    pub fn code_ttl(&self, channel: CodeChannel) -> Duration {
        Duration::seconds(match channel {
            CodeChannel::Voice => self.voice_code_ttl_secs,
            CodeChannel::Postal => self.postal_code_ttl_secs,
        })
    }

    pub fn reset_session_ttl(&self) -> Duration {
        Duration::seconds(self.reset_session_ttl_secs)
    }

    /// Checks the figures for values that would break a procedure.
    pub fn validate(&self) -> Result<(), String> {
        if !(6..=18).contains(&self.code_digits) {
            return Err("rules.code_digits must be between 6 and 18".into());
        }
        if !(1..=100).contains(&self.code_max_failures) {
            return Err("rules.code_max_failures must be between 1 and 100".into());
        }
        code::VOICE.check(self.voice_code_ttl_secs)?;
        code::POSTAL.check(self.postal_code_ttl_secs)?;
        reset_session::SESSION.check(self.reset_session_ttl_secs)?;
        temporary_password::TEMPORARY_PASSWORD.check(self.temporary_password_ttl_secs)?;
        call::SILENCE.check(self.call_silence_timeout_secs)?;
        if !(12..=64).contains(&self.temporary_password_length) {
            return Err("rules.temporary_password_length must be between 12 and 64".into());
        }
        if !(1..=10).contains(&self.call_silent_prompts) {
            return Err("rules.call_silent_prompts must be between 1 and 10".into());
        }
        if self.pin_tries_per_call == 0 {
            return Err("rules.pin_tries_per_call must be at least 1".into());
        }
        Ok(())
    }
}

/// The channel a reset code was sent by. A code only works on its own channel's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeChannel {
    Voice,
    Postal,
}

impl CodeChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "voice",
            Self::Postal => "postal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "voice" => Some(Self::Voice),
            "postal" => Some(Self::Postal),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_outside_their_bounds_are_refused_naming_the_setting() {
        let e = Rules { voice_code_ttl_secs: 2, ..Rules::default() }.validate().unwrap_err();
        assert!(e.contains("rules.voice_code_ttl_secs") && e.contains("300"), "{e}");
        let e = Rules { reset_session_ttl_secs: 24 * 3600, ..Rules::default() }.validate().unwrap_err();
        assert!(e.contains("rules.reset_session_ttl_secs"), "{e}");
        let e = Rules { temporary_password_ttl_secs: 2, ..Rules::default() }.validate().unwrap_err();
        assert!(e.contains("rules.temporary_password_ttl_secs"), "{e}");
        let e = Rules { postal_code_ttl_secs: 86_400, ..Rules::default() }.validate().unwrap_err();
        assert!(e.contains("rules.postal_code_ttl_secs"), "{e}");
        assert_eq!(Rules::default().validate(), Ok(()));
    }

    #[test]
    fn the_nist_profile_caps_voice_codes_at_ten_minutes() {
        let r = Rules { profile: Profile::Nist80063b4, ..Rules::default() }.with_profile_applied();
        assert_eq!(r.code_ttl(CodeChannel::Voice), Duration::minutes(10));
        assert_eq!(r.code_ttl(CodeChannel::Postal), Duration::days(21));
        let seed = Rules::default().with_profile_applied();
        assert_eq!(seed.code_ttl(CodeChannel::Voice), Duration::hours(24));
    }
}
