-- Counter cases for ID-card PINs (P8b): the case, what staff recorded of each item the
-- applicant brought (a document's type and at most the last four characters of its number,
-- never a My Number, never a copy), a proxy case's check code (a MAC, and the code sealed only
-- until the inquiry letter is mailed) and the one-time case tokens of the card client (MACs).
CREATE TABLE counter_cases (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    case_type TEXT NOT NULL CHECK (case_type IN ('in_person', 'legal_representative', 'proxy')),
    ground TEXT CHECK (ground IS NULL OR ground IN ('under_15', 'adult_ward')),
    pins TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('change', 'reset')),
    state TEXT NOT NULL CHECK (state IN ('open', 'inquiry_ready', 'awaiting_reply', 'second_visit', 'completed', 'undeliverable', 'check_code_refused', 'expired', 'cancelled')),
    check_salt BYTEA,
    check_mac BYTEA,
    sealed_check_code BYTEA,
    check_failures BIGINT NOT NULL DEFAULT 0 CHECK (check_failures >= 0),
    recipient TEXT,
    pins_done TEXT NOT NULL DEFAULT '',
    opened_by TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    mailed_at BIGINT,
    closed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX counter_cases_by_account ON counter_cases (account_id, id);
CREATE INDEX counter_cases_by_state ON counter_cases (state, id);

CREATE TABLE counter_case_items (
    case_id BIGINT NOT NULL REFERENCES counter_cases(id) ON DELETE CASCADE,
    visit BIGINT NOT NULL CHECK (visit IN (1, 2)),
    item TEXT NOT NULL CHECK (item IN ('card', 'representative_photo_id', 'family_register_certificate', 'guardianship_certificate', 'proxy_id', 'proxy_photo_id', 'response_form', 'power_of_attorney', 'sealed_pin_request')),
    document TEXT CHECK (document IS NULL OR document IN ('drivers_licence', 'passport', 'my_number_card', 'residence_card', 'disability_certificate', 'other_photo_id', 'health_insurance_card', 'pension_book', 'other_id')),
    number_last4 TEXT CHECK (number_last4 IS NULL OR length(number_last4) <= 4),
    exemption TEXT CHECK (exemption IS NULL OR exemption IN ('domicile_here', 'resident_record_shows_parent')),
    collected BIGINT NOT NULL CHECK (collected IN (0, 1)),
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, visit, item)
);

CREATE TABLE counter_case_tokens (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES counter_cases(id) ON DELETE CASCADE,
    token_mac BYTEA NOT NULL UNIQUE,
    pin TEXT NOT NULL CHECK (pin IN ('sign', 'auth', 'juki', 'text')),
    issued_by TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    claimed_at BIGINT,
    report_mac BYTEA UNIQUE,
    reported_at BIGINT,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('success', 'failure')),
    tries_left BIGINT
);
CREATE INDEX counter_case_tokens_by_case ON counter_case_tokens (case_id, id);
