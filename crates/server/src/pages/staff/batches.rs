//! `/staff/batches`: the postal operator's desk. The open batch (how many letters, how old the
//! oldest, a warning past `postal.warn_after`), closing it, the batches with their export (a
//! fresh TOTP code; one `.tar`, encrypted to the vendor's key outside the demo), and the
//! vendor's result and returns files: uploaded, previewed (what would be recorded, or every
//! bad line), then confirmed.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use minijinja::value::Value;
use reissue_core::catalogue::Arg;
use reissue_core::procedures::postal::{PostalError, VendorImport};
use reissue_core::staff::Permission;

use super::upload::Upload;
use super::{Console, FreshTotp, date_time};
use crate::AppState;
use crate::client::ClientIp;
use crate::pages::{Fields, FormErrors, Visit, see_other};
use crate::postal_desk::ExportFailure;

const DESK: &str = "/staff/batches";
const CLOSE: &str = "/staff/batches/close";
const IMPORT: &str = "/staff/batches/import";

/// What the desk shows beside its lists.
#[derive(Default)]
struct Extra {
    notice: String,
    errors: FormErrors,
    /// A previewed vendor file, waiting to be confirmed.
    preview: Option<Value>,
    /// Every bad line of a refused file.
    bad_lines: Vec<String>,
}

async fn render(state: &AppState, console: &Console, extra: Extra, status: StatusCode) -> Response {
    let lang = console.lang();
    let now = state.clock.now();
    let (queue, batches) = match (state.recovery.postal_queue().await, state.recovery.print_batches(50).await) {
        (Ok(q), Ok(b)) => (q, b),
        (Err(e), _) | (_, Err(e)) => return console.unavailable(state, &e),
    };
    let oldest = queue.oldest;
    let warn = oldest.is_some_and(|o| now - o > state.postal.warn_after);
    let age_hours = oldest.map(|o| (now - o).whole_hours()).unwrap_or_default();
    let rows: Vec<Value> = batches
        .iter()
        .map(|b| {
            let export = format!("/staff/batches/{}/export", b.id);
            minijinja::context! {
                id => b.id, letters => b.letters,
                state => state.site.t(lang, &format!("staff-batch-{}", b.state.as_str()), &[]),
                exportable => b.state.as_str() == "closed",
                closed_by => b.closed_by.clone(), closed_at => date_time(state, lang, b.closed_at),
                exported_by => b.exported_by.clone().unwrap_or_default(),
                exported_at => b.exported_at.map(|t| date_time(state, lang, t)).unwrap_or_default(),
                protection => b.protection.as_deref().map(|p| state.site.t(lang, &format!("staff-protection-{p}"), &[])).unwrap_or_default(),
                export_action => export.clone(), export_csrf => console.visit.form_token(state, &export),
            }
        })
        .collect();
    let (errs, error_of) = extra.errors.context();
    let ctx = minijinja::context! {
        queued => queue.letters,
        oldest => oldest.map(|o| date_time(state, lang, o)).unwrap_or_default(),
        age => state.site.t(lang, "staff-batches-age", &[("hours", Arg::from(age_hours))]),
        warn, warn_hours => state.postal.warn_after.whole_hours(),
        printing_ok => state.postal.printing.is_ok(),
        printing_problem => state.postal.printing.as_ref().err().cloned().unwrap_or_default(),
        may_export => console.caller.may(Permission::ExportBatch),
        may_import => console.caller.may(Permission::ImportVendorFiles),
        close_action => CLOSE, close_csrf => console.visit.form_token(state, CLOSE),
        import_action => IMPORT, import_csrf => console.visit.form_token(state, IMPORT),
        batches => rows, notice => extra.notice, errors => errs, error_of,
        preview => extra.preview, bad_lines => extra.bad_lines,
    };
    console.page(state, "staff_batches.html", DESK, ctx).status(status).render(&state.site)
}

pub async fn show(State(state): State<AppState>, ip: ClientIp, visit: Visit, uri: Uri) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ManageBatches).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let q = uri.query().unwrap_or("");
    let notice = if let Some(n) = q.strip_prefix("closed=") {
        let letters = n.parse::<i64>().unwrap_or_default();
        state.site.t(console.lang(), "staff-notice-batch-closed", &[("letters", Arg::from(letters))])
    } else if q == "nothing=1" {
        console.t(&state, "staff-notice-batch-empty")
    } else if let Some(n) = q.strip_prefix("imported=") {
        state.site.t(
            console.lang(),
            "staff-notice-imported",
            &[("letters", Arg::from(n.parse::<i64>().unwrap_or_default()))],
        )
    } else {
        String::new()
    };
    render(&state, &console, Extra { notice, ..Extra::default() }, StatusCode::OK).await
}

pub async fn close(State(state): State<AppState>, ip: ClientIp, visit: Visit, _fields: Fields) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ManageBatches).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.recovery.close_print_batch(&console.caller.requester, state.clock.now()).await {
        Ok(Some(b)) => see_other(&format!("{DESK}?closed={}", b.letters), &console.visit.cookies),
        Ok(None) => see_other(&format!("{DESK}?nothing=1"), &console.visit.cookies),
        Err(e) => console.unavailable(&state, &e),
    }
}

fn export_error(state: &AppState, console: &Console, e: &ExportFailure) -> Option<String> {
    let lang = console.lang();
    let t = |k: &str| state.site.t(lang, k, &[]);
    Some(match e {
        ExportFailure::NoFont(_) => t("staff-error-no-font"),
        ExportFailure::NoVendorKey => t("staff-error-no-vendor-key"),
        ExportFailure::Postal(PostalError::OwnLetters(refs)) => {
            state.site.t(lang, "staff-error-own-letters", &[("letters", Arg::Text(refs.join(", ")))])
        }
        ExportFailure::Postal(PostalError::AlreadyExported(_)) => t("staff-error-already-exported"),
        ExportFailure::Postal(PostalError::UnknownBatch(_)) => t("staff-error-unknown-batch"),
        _ => return None,
    })
}

/// The batch as one `.tar` download. The export runs on a blocking thread into a temporary
/// file (a batch of thousands of letters is not held in memory), which is then streamed.
pub async fn export(
    State(state): State<AppState>,
    ip: ClientIp,
    visit: Visit,
    Path(id): Path<i64>,
    fields: Fields,
) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ExportBatch).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let mut extra = Extra::default();
    match console.fresh_totp(&state, fields.get("totp"), now).await {
        Ok(()) => {}
        Err(FreshTotp::Wrong(k)) => {
            extra.errors.add(&format!("totp-{id}"), console.t(&state, k));
            return render(&state, &console, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(FreshTotp::Failed(r)) => return r,
    }
    let (desk, recovery, who) = (state.postal.clone(), state.recovery.clone(), console.caller.requester.clone());
    let handle = tokio::runtime::Handle::current();
    let done = tokio::task::spawn_blocking(move || {
        let file = tempfile::tempfile().map_err(|source| {
            ExportFailure::Batch(reissue_letters::export::ExportError::Io { path: std::env::temp_dir(), source }.into())
        })?;
        desk.export_to_tar(&recovery, id, file, &who, now, &handle)
    })
    .await;
    let exported = match done {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => {
            let Some(msg) = export_error(&state, &console, &e) else { return console.unavailable(&state, &e) };
            extra.errors.add(&format!("totp-{id}"), msg);
            return render(&state, &console, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return console.unavailable(&state, &e),
    };
    let mut file = exported.output;
    if let Err(e) = std::io::Seek::rewind(&mut file) {
        return console.unavailable(&state, &e);
    }
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    let mut resp = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-tar"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"batch-{id}.tar\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    console.visit.cookies.apply(h);
    resp
}

/// A vendor file: the preview first (nothing recorded), then, confirmed, the import.
pub async fn import(State(state): State<AppState>, ip: ClientIp, visit: Visit, upload: Upload) -> Response {
    let console = match Console::with(&state, visit, &ip, Permission::ImportVendorFiles).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let lang = console.lang();
    let confirm = upload.text("confirm") == "1";
    let returns = upload.text("kind") == "returns";
    let bytes = if confirm {
        base64::engine::general_purpose::STANDARD.decode(upload.text("file_b64").trim()).unwrap_or_default()
    } else {
        upload.bytes("file").to_vec()
    };
    let mut extra = Extra::default();
    if bytes.is_empty() {
        extra.errors.add("file", console.t(&state, "staff-error-no-file"));
        return render(&state, &console, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (desk, who, now) = (&state.postal, &console.caller.requester, state.clock.now());
    let preview = !confirm;
    let result = if returns {
        state.recovery.import_returns(&bytes, desk.import_encoding, preview, who, now).await
    } else {
        state.recovery.import_tracking(&bytes, desk.import_encoding, desk.check_rule, preview, who, now).await
    };
    match result {
        Ok(VendorImport { recorded, unchanged, .. }) if preview => {
            let ctx = minijinja::context! {
                kind => if returns { "returns" } else { "tracking" },
                kind_label => console.t(&state, if returns { "staff-import-returns" } else { "staff-import-tracking" }),
                recorded, unchanged,
                file_b64 => base64::engine::general_purpose::STANDARD.encode(&bytes),
            };
            extra.preview = Some(ctx);
            render(&state, &console, extra, StatusCode::OK).await
        }
        Ok(VendorImport { recorded, .. }) => {
            state.wake.notify_one();
            see_other(&format!("{DESK}?imported={}", recorded.len()), &console.visit.cookies)
        }
        Err(PostalError::File(errors)) => {
            extra.bad_lines = errors
                .errors
                .iter()
                .map(|e| {
                    let line = i64::try_from(e.line).unwrap_or_default();
                    state.site.t(
                        lang,
                        "staff-import-bad-line",
                        &[("line", Arg::from(line)), ("problem", Arg::Text(e.problem.to_string()))],
                    )
                })
                .collect();
            extra.errors.add("file", console.t(&state, "staff-error-file-refused"));
            render(&state, &console, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(PostalError::Changed) => {
            extra.errors.add("file", console.t(&state, "staff-error-file-changed"));
            render(&state, &console, extra, StatusCode::CONFLICT).await
        }
        Err(e) => console.unavailable(&state, &e),
    }
}
