-- The help desk: finding an account by its name in kana and its birth date, the account each
-- outbox message concerns (so staff see the delivery state of its calls and e-mails),
-- channels paused for everyone, and actions waiting for a second staff member's approval.
ALTER TABLE accounts ADD COLUMN name_kana TEXT;
CREATE INDEX accounts_by_name ON accounts (family_name, given_name);
CREATE INDEX accounts_by_kana ON accounts (name_kana);
CREATE INDEX accounts_by_birth_date ON accounts (birth_date);

ALTER TABLE outbox ADD COLUMN account_id BIGINT;
CREATE INDEX outbox_by_account ON outbox (account_id, id);

CREATE TABLE channel_pauses (
    channel TEXT PRIMARY KEY CHECK (channel IN ('voice', 'postal', 'initialization', 'reminder')),
    reason TEXT NOT NULL,
    paused_by TEXT NOT NULL,
    paused_at BIGINT NOT NULL
);

CREATE TABLE pending_actions (
    id BIGSERIAL PRIMARY KEY,
    action TEXT NOT NULL,
    login_id TEXT,
    payload TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'failed')),
    decided_by TEXT,
    decided_at BIGINT,
    outcome TEXT
);
CREATE INDEX pending_actions_by_state ON pending_actions (state, id);
