//! The OpenAPI document served at `/api/v1/openapi.json`: what `api.rs` declares with utoipa,
//! completed with every answer each operation can give (`ANSWERS`), the bearer scheme, and
//! the credential names this server is configured with, so that a request the document calls
//! valid is one the server takes and a request it calls invalid is refused. The black-box
//! test `tests/it/openapi.rs` holds the two together with schemathesis.

use reissue_core::credential::CredentialSet;
use serde_json::{Value, json};
use utoipa::OpenApi;

use crate::routes::ops::ApiDoc;

/// Every status each operation can answer besides its success, by path and method.
pub const ANSWERS: &[(&str, &str, &[u16])] = &[
    ("/api/v1/voice-applications", "post", &[400, 413, 415, 422, 429, 503]),
    ("/api/v1/password-initializations", "post", &[400, 413, 415, 422, 429, 503]),
    ("/api/v1/login-id-notifications", "post", &[400, 413, 415, 422, 429, 503]),
    ("/api/v1/resets", "post", &[400, 413, 415, 422, 429, 503]),
    ("/api/v1/resets/complete", "post", &[400, 401, 413, 415, 422, 429, 503]),
    ("/api/v1/credentials/change", "post", &[400, 401, 403, 413, 415, 422, 423, 429, 503]),
    ("/api/v1/credentials/verify", "post", &[400, 401, 403, 413, 415, 422, 423, 429, 503]),
    ("/api/v1/audit", "get", &[400, 401, 403, 503]),
    ("/api/v1/staff/sessions", "post", &[400, 401, 413, 415, 422, 429, 503]),
    ("/api/v1/staff/sessions", "delete", &[401, 403, 503]),
    ("/api/v1/staff/sessions/current", "delete", &[401, 403, 503]),
    ("/api/v1/staff/sessions/current/password", "post", &[400, 401, 403, 413, 415, 422, 503]),
    ("/api/v1/staff/accounts", "get", &[400, 401, 403, 422, 503]),
    ("/api/v1/staff/accounts/{login_id}", "get", &[401, 403, 404, 422, 503]),
    ("/api/v1/staff/accounts/{login_id}/reveal", "post", &[400, 401, 403, 404, 413, 415, 422, 503]),
    ("/api/v1/staff/postal-applications", "post", &[400, 401, 403, 404, 413, 415, 422, 503]),
    ("/api/v1/staff/actions", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/approvals", "get", &[401, 403, 503]),
    ("/api/v1/staff/approvals/{id}/approve", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/approvals/{id}/reject", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/postal/queue", "get", &[401, 403, 503]),
    ("/api/v1/staff/postal/batches", "get", &[401, 403, 503]),
    ("/api/v1/staff/postal/batches", "post", &[401, 403, 503]),
    ("/api/v1/staff/postal/batches/{id}/export", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/postal/tracking", "post", &[400, 401, 403, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/postal/returns", "post", &[400, 401, 403, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/members", "get", &[401, 403, 503]),
    ("/api/v1/staff/members", "post", &[400, 401, 403, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/members/{login}/disable", "post", &[401, 403, 404, 422, 503]),
    ("/api/v1/staff/members/{login}/reset", "post", &[401, 403, 404, 422, 503]),
    ("/api/v1/staff/counter/cases", "get", &[400, 401, 403, 404, 422, 503]),
    ("/api/v1/staff/counter/cases", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/counter/cases/{reference}", "get", &[401, 403, 404, 503]),
    ("/api/v1/staff/counter/cases/{reference}/items", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/counter/cases/{reference}/inquiry/mailed", "post", &[401, 403, 404, 409, 422, 503]),
    (
        "/api/v1/staff/counter/cases/{reference}/inquiry/returned",
        "post",
        &[400, 401, 403, 404, 409, 413, 415, 422, 503],
    ),
    ("/api/v1/staff/counter/cases/{reference}/second-visit", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/counter/cases/{reference}/pin-step", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/counter/cases/{reference}/case-tokens", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/counter/cases/{reference}/cancel", "post", &[400, 401, 403, 404, 409, 413, 415, 422, 503]),
    ("/api/v1/staff/counter/cases/{reference}/inquiry.pdf", "get", &[401, 403, 404, 422, 503]),
    ("/api/v1/staff/counter/cases/{reference}/receipt.pdf", "get", &[401, 403, 404, 503]),
    ("/api/v1/counter/case-tokens/claim", "post", &[400, 403, 404, 409, 410, 413, 415, 422, 429, 503]),
    ("/api/v1/counter/case-tokens/report", "post", &[400, 403, 404, 409, 410, 413, 415, 422, 429, 503]),
];

fn description(status: u16) -> &'static str {
    match status {
        200 => "Done",
        201 => "Created",
        202 => "Accepted",
        400 => "Malformed JSON or query, or a field that is not well-formed (the error names it)",
        401 => "No valid bearer token, or the secret or reset token is not right",
        403 => "This token's role may not do this (the staff API names the permission it needs)",
        404 => "No such account, batch, approval, staff member, counter case or case token",
        409 => {
            "Already exported or decided, a case token already used, a case that moved on meanwhile or is not ready, or the action would change nothing"
        }
        410 => "The case token expired, or its report came too late",
        413 => "The body is larger than 16 KiB",
        415 => "The body is not sent with Content-Type: application/json",
        422 => {
            "The JSON does not fit the request (a missing, unknown or mistyped field, named), or the procedure refuses a value (a credential that cannot be set here, a new secret against its policy)"
        }
        423 => "The credential is locked after too many failures",
        429 => {
            "Over the client address's budget, or too many checks of one credential at once; retry after Retry-After seconds"
        }
        503 => {
            "The service cannot answer right now: the database does not answer, or too many secrets are waiting to be hashed (`busy`, with Retry-After)"
        }
        _ => "",
    }
}

fn error_response(status: u16) -> Value {
    let mut r = json!({
        "description": description(status),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    });
    if status == 429 || status == 503 {
        r["headers"] =
            json!({"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 1}}});
    }
    r
}

/// The document for a server with these credentials.
pub fn document(credentials: &CredentialSet) -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    doc["components"]["securitySchemes"]["bearer"] = json!({"type": "http", "scheme": "bearer", "description": "A token from `reissue token create`, or on the staff API a staff session token from `POST /api/v1/staff/sessions`"});
    for (path, method, statuses) in ANSWERS {
        let op = &mut doc["paths"][*path][*method];
        if !op.is_object() {
            continue;
        }
        for s in *statuses {
            let key = s.to_string();
            match op["responses"].get_mut(&key) {
                Some(existing) if existing.get("content").is_some() => {
                    if existing["description"].as_str().is_none_or(str::is_empty) {
                        existing["description"] = json!(description(*s));
                    }
                    if *s == 429 || *s == 503 {
                        existing["headers"] = error_response(429)["headers"].clone();
                    }
                }
                Some(existing) => {
                    let desc = existing.get("description").cloned();
                    *existing = error_response(*s);
                    if let Some(d) = desc.filter(|d| d.as_str().is_some_and(|d| !d.is_empty())) {
                        existing["description"] = d;
                    }
                }
                None => op["responses"][key] = error_response(*s),
            }
        }
    }
    // OpenAPI requires a description on every response.
    for item in doc["paths"].as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
        for op in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
            for (status, r) in op["responses"].as_object_mut().into_iter().flat_map(|r| r.iter_mut()) {
                if r["description"].as_str().is_none_or(str::is_empty) {
                    r["description"] = json!(description(status.parse().unwrap_or(0)));
                }
            }
        }
    }
    let names = |online: bool| -> Value {
        credentials.iter().filter(|c| !online || c.resettable_online).map(|c| json!(c.name)).collect()
    };
    let schemas = &mut doc["components"]["schemas"];
    schemas["VerifyRequest"]["properties"]["credential"]["enum"] = names(false);
    schemas["ChangeRequest"]["properties"]["credential"]["enum"] = names(true);
    schemas["CompleteResetRequest"]["properties"]["credentials"]["propertyNames"] =
        json!({"type": "string", "enum": names(true)});
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_document_has_its_answers_listed() {
        let doc = document(&CredentialSet::bank_default());
        let paths = doc["paths"].as_object().unwrap();
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                assert!(
                    ANSWERS.iter().any(|(p, m, _)| p == path && m == method),
                    "{method} {path} has no entry in ANSWERS"
                );
                for (status, r) in op["responses"].as_object().unwrap() {
                    assert!(r["description"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path} {status}");
                }
            }
        }
        let verify = &doc["paths"]["/api/v1/credentials/verify"]["post"]["responses"];
        for s in ["200", "400", "401", "403", "413", "415", "422", "423", "429", "503"] {
            assert!(verify[s].is_object(), "verify answers {s}");
        }
        assert!(verify["429"]["headers"]["Retry-After"].is_object());
    }

    #[test]
    fn credential_names_are_the_configured_ones() {
        let doc = document(&CredentialSet::bank_default());
        let s = &doc["components"]["schemas"];
        let all = s["VerifyRequest"]["properties"]["credential"]["enum"].as_array().unwrap();
        assert!(all.contains(&json!("cash_card_pin")) && all.contains(&json!("login_password")));
        let online = s["ChangeRequest"]["properties"]["credential"]["enum"].as_array().unwrap();
        assert!(!online.contains(&json!("cash_card_pin")) && online.contains(&json!("login_password")));
    }
}
