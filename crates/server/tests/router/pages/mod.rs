//! The customer pages without a browser: status, headers, cookies and bodies of every page, the
//! uniform answers of the always-accepted procedures, the form tokens, the per-IP budget on
//! posts, and the voice reset by pages. (The same in a real Chromium, with axe-core, is in
//! `crates/reissue/tests/it/browser/`.) `browser.rs` is the cookie-keeping client the tests
//! drive the router with.

mod browser;
mod counter;
mod forms;
mod reset;
mod site;
mod staff;

use reissue_core::rules::Rules;

/// A form's fields, as typed.
type Form<'a> = Vec<(&'a str, &'a str)>;

fn rules() -> Rules {
    Rules { uniform_response_ms: 1, code_entry_response_ms: 1, ..Rules::default() }
}
