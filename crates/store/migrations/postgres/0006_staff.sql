-- Staff members of the console, their sign-in and their sessions. A password is an Argon2id
-- PHC string with the pepper; the TOTP secret is sealed (purpose staff-totp, bound to the
-- member's ID); totp_step is the last time step whose code was accepted, and only a later one
-- is accepted next. A session is stored only as the MAC of its token. Times are Unix
-- milliseconds, flags 0/1; the states are checked here as migration 0003 checks the others.
CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    status TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    sealed_totp BYTEA NOT NULL,
    totp_step BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    locked BIGINT NOT NULL DEFAULT 0,
    must_change_password BIGINT NOT NULL DEFAULT 1,
    reserved_at BIGINT,
    last_sign_in_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT staff_states CHECK (
        role IN ('helpdesk', 'postal_operator', 'counter', 'auditor', 'admin')
        AND status IN ('active', 'disabled')
        AND locked IN (0, 1) AND must_change_password IN (0, 1)
        AND failures >= 0 AND totp_step >= 0
    )
);

CREATE TABLE staff_sessions (
    id BIGSERIAL PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    token_mac BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    ended_at BIGINT,
    CONSTRAINT staff_sessions_times CHECK (last_seen_at >= created_at AND absolute_expires_at > created_at)
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id, ended_at);
