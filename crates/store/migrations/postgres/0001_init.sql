-- reissue schema for PostgreSQL. Times are Unix milliseconds; flags are 0/1 integers.
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    login_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    organization_name TEXT,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    birth_date TEXT,
    email TEXT,
    phone TEXT,
    language TEXT NOT NULL,
    address TEXT,
    changed_at TEXT NOT NULL,
    code_failures BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE credentials (
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hash TEXT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    locked BIGINT NOT NULL DEFAULT 0,
    must_change BIGINT NOT NULL DEFAULT 0,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE voice_applications (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    eligible BIGINT NOT NULL,
    call_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX voice_applications_by_account ON voice_applications (account_id, created_at);

CREATE TABLE calls (
    id TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    pin_tries BIGINT NOT NULL DEFAULT 0,
    provider_sid TEXT,
    last_status TEXT,
    sealed_code BYTEA,
    place_attempted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX calls_by_account ON calls (account_id, state);

CREATE TABLE reset_codes (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    salt BYTEA NOT NULL,
    mac BYTEA NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL
);
CREATE INDEX reset_codes_by_account ON reset_codes (account_id, channel, state);

CREATE TABLE reset_sessions (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    code_id BIGINT NOT NULL REFERENCES reset_codes(id) ON DELETE CASCADE,
    token_mac BYTEA NOT NULL UNIQUE,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reset_sessions_by_code ON reset_sessions (code_id, state);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_mac BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    login_id TEXT,
    outcome TEXT NOT NULL,
    client_ip TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_by_login ON audit_events (login_id, seq);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE ip_budget (
    ip TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (ip, window_start)
);
