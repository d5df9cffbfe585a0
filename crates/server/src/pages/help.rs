//! `/help/postal-letter`: the postal letter (P4) explained — how it arrives, what to do with an
//! Undeliverable Item Notice — and, on the English page, translated part by part (seed 000:
//! "The information in the mail is provided in Japanese only. Please check the English
//! translation."). The letter names this page; its words are the catalogue's `letter-postal-`
//! entries, in the page's language beside the Japanese as printed.

use axum::extract::State;
use axum::response::Response;

use super::{Page, Visit};
use crate::AppState;

pub async fn postal_letter(State(state): State<AppState>, visit: Visit) -> Response {
    let rules = state.recovery.rules();
    let ctx = minijinja::context! {
        postal_weeks => rules.postal_code_ttl_secs / (7 * 86_400),
        code_digits => rules.code_digits,
        max_failures => rules.code_max_failures,
        reset_url => format!("{}/reset/postal", state.recovery.public_url().trim_end_matches('/')),
    };
    Page::new(&visit, "help_postal_letter.html", ctx).render(&state.site)
}
