//! `/`: which procedure fits, with the conditions of each (seed 000, 001).

use axum::extract::State;
use axum::response::Response;

use super::{Page, Visit};
use crate::AppState;

pub async fn show(State(state): State<AppState>, visit: Visit) -> Response {
    let ctx = minijinja::context! {
        voice_hours => state.recovery.rules().voice_code_ttl_secs / 3600,
        postal_weeks => state.recovery.rules().postal_code_ttl_secs / (7 * 86_400),
        max_failures => state.recovery.rules().code_max_failures,
    };
    Page::new(&visit, "start.html", ctx).render(&state.site)
}
