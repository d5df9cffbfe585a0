-- Password initialization (P5) and login-ID notification (P6).
-- A temporary password waits beside the credential's hash until it is first used; then it
-- becomes the hash, which stops working at hash_expires_at unless changed before.
ALTER TABLE credentials ADD COLUMN temp_hash TEXT;
ALTER TABLE credentials ADD COLUMN temp_expires_at INTEGER;
ALTER TABLE credentials ADD COLUMN hash_expires_at INTEGER;

CREATE TABLE identity_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX identity_requests_by_account ON identity_requests (account_id, kind, created_at);
CREATE INDEX accounts_by_email ON accounts (lower(email));
