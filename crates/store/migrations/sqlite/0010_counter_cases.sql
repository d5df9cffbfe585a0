-- Counter cases for ID-card PINs (P8b): the case, what staff recorded of each item the
-- applicant brought (a document's type and at most the last four characters of its number,
-- never a My Number, never a copy), a proxy case's check code (a MAC, and the code sealed only
-- until the inquiry letter is mailed) and the one-time case tokens of the card client (MACs).
CREATE TABLE counter_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    case_type TEXT NOT NULL CHECK (case_type IN ('in_person', 'legal_representative', 'proxy')),
    ground TEXT CHECK (ground IS NULL OR ground IN ('under_15', 'adult_ward')),
    pins TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('change', 'reset')),
    state TEXT NOT NULL CHECK (state IN ('open', 'inquiry_ready', 'awaiting_reply', 'second_visit', 'completed', 'undeliverable', 'check_code_refused', 'expired', 'cancelled')),
    check_salt BLOB,
    check_mac BLOB,
    sealed_check_code BLOB,
    check_failures INTEGER NOT NULL DEFAULT 0 CHECK (check_failures >= 0),
    recipient TEXT,
    pins_done TEXT NOT NULL DEFAULT '',
    opened_by TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    mailed_at INTEGER,
    closed_at INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX counter_cases_by_account ON counter_cases (account_id, id);
CREATE INDEX counter_cases_by_state ON counter_cases (state, id);

CREATE TABLE counter_case_items (
    case_id INTEGER NOT NULL REFERENCES counter_cases(id) ON DELETE CASCADE,
    visit INTEGER NOT NULL CHECK (visit IN (1, 2)),
    item TEXT NOT NULL CHECK (item IN ('card', 'representative_photo_id', 'family_register_certificate', 'guardianship_certificate', 'proxy_id', 'proxy_photo_id', 'response_form', 'power_of_attorney', 'sealed_pin_request')),
    document TEXT CHECK (document IS NULL OR document IN ('drivers_licence', 'passport', 'my_number_card', 'residence_card', 'disability_certificate', 'other_photo_id', 'health_insurance_card', 'pension_book', 'other_id')),
    number_last4 TEXT CHECK (number_last4 IS NULL OR length(number_last4) <= 4),
    exemption TEXT CHECK (exemption IS NULL OR exemption IN ('domicile_here', 'resident_record_shows_parent')),
    collected INTEGER NOT NULL CHECK (collected IN (0, 1)),
    recorded_by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, visit, item)
);

CREATE TABLE counter_case_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES counter_cases(id) ON DELETE CASCADE,
    token_mac BLOB NOT NULL UNIQUE,
    pin TEXT NOT NULL CHECK (pin IN ('sign', 'auth', 'juki', 'text')),
    issued_by TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    claimed_at INTEGER,
    report_mac BLOB UNIQUE,
    reported_at INTEGER,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('success', 'failure')),
    tries_left INTEGER
);
CREATE INDEX counter_case_tokens_by_case ON counter_case_tokens (case_id, id);
