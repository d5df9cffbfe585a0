-- The postal reset code (P4): letters, print batches, undeliverable addresses and account
-- holds. A letter's code is a reset_codes row like any other; `sealed_code` holds it sealed
-- only while the letter waits for its batch's export, which wipes it.
CREATE TABLE print_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state TEXT NOT NULL CHECK (state IN ('closed', 'exported')),
    letters INTEGER NOT NULL CHECK (letters >= 0),
    closed_by TEXT NOT NULL,
    closed_at INTEGER NOT NULL,
    exported_by TEXT,
    exported_at INTEGER,
    protection TEXT CHECK (protection IS NULL OR protection IN ('encrypted', 'clear'))
);

CREATE TABLE letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('postal_code')),
    state TEXT NOT NULL CHECK (state IN ('queued', 'in_batch', 'exported', 'accepted', 'returned', 'withdrawn')),
    code_id INTEGER REFERENCES reset_codes(id) ON DELETE SET NULL,
    sealed_code BLOB,
    recipient TEXT NOT NULL,
    applied_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    identity_checks TEXT NOT NULL,
    batch_id INTEGER REFERENCES print_batches(id),
    tracking_number TEXT,
    accepted_on TEXT,
    return_reason TEXT,
    returned_on TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX letters_by_account ON letters (account_id, id);
CREATE INDEX letters_by_state ON letters (state, batch_id);

CREATE TABLE address_flags (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    reason TEXT NOT NULL,
    letter_id INTEGER REFERENCES letters(id),
    flagged_at INTEGER NOT NULL
);

CREATE TABLE account_holds (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('fraud', 'review')),
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, kind)
);
