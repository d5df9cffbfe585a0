//! The style sheets, scripts and images of the theme, from memory.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match state.site.static_file(&file) {
        Some(f) => ([(header::CONTENT_TYPE, f.content_type)], f.bytes.clone()).into_response(),
        // Not cached: a theme may add the file at the next start.
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
            "404",
        )
            .into_response(),
    }
}
