-- The postal reset code (P4): letters, print batches, undeliverable addresses and account
-- holds. A letter's code is a reset_codes row like any other; `sealed_code` holds it sealed
-- only while the letter waits for its batch's export, which wipes it.
CREATE TABLE print_batches (
    id BIGSERIAL PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('closed', 'exported')),
    letters BIGINT NOT NULL CHECK (letters >= 0),
    closed_by TEXT NOT NULL,
    closed_at BIGINT NOT NULL,
    exported_by TEXT,
    exported_at BIGINT,
    protection TEXT CHECK (protection IS NULL OR protection IN ('encrypted', 'clear'))
);

CREATE TABLE letters (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('postal_code')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'in_batch', 'exported', 'accepted', 'returned', 'withdrawn')),
    code_id BIGINT REFERENCES reset_codes(id) ON DELETE SET NULL,
    sealed_code BYTEA,
    recipient TEXT NOT NULL,
    applied_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    identity_checks TEXT NOT NULL,
    batch_id BIGINT REFERENCES print_batches(id),
    tracking_number TEXT,
    accepted_on TEXT,
    return_reason TEXT,
    returned_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX letters_by_account ON letters (account_id, id);
CREATE INDEX letters_by_state ON letters (state, batch_id);

CREATE TABLE address_flags (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    reason TEXT NOT NULL,
    letter_id BIGINT REFERENCES letters(id),
    flagged_at BIGINT NOT NULL
);

CREATE TABLE account_holds (
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('fraud', 'review')),
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind)
);
