-- State columns hold only the states the code writes; counters never go below zero.
-- accounts: kind individual|organization, status active|suspended; credentials: locked and
-- must_change 0|1; calls: pending|placed|in_progress|code_issued|ended; reset_codes:
-- active|void|spent|dead on channel voice|postal; reset_sessions: open|ended|spent; api_tokens:
-- integrator|auditor|admin; outbox: pending|done|failed, kind place_call|email|webhook;
-- identity_requests: initialization|reminder.
-- SQLite cannot add a CHECK constraint to an existing table, and rebuilding tables that
-- others reference would cascade deletes; triggers enforce the same conditions on every insert
-- and update, failing the statement with the constraint's name.

CREATE TRIGGER accounts_states_insert BEFORE INSERT ON accounts
WHEN NOT (NEW.kind IN ('individual', 'organization') AND NEW.status IN ('active', 'suspended') AND NEW.code_failures >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: accounts_states'); END;

CREATE TRIGGER accounts_states_update BEFORE UPDATE ON accounts
WHEN NOT (NEW.kind IN ('individual', 'organization') AND NEW.status IN ('active', 'suspended') AND NEW.code_failures >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: accounts_states'); END;

CREATE TRIGGER credentials_flags_insert BEFORE INSERT ON credentials
WHEN NOT (NEW.locked IN (0, 1) AND NEW.must_change IN (0, 1) AND NEW.failures >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: credentials_flags'); END;

CREATE TRIGGER credentials_flags_update BEFORE UPDATE ON credentials
WHEN NOT (NEW.locked IN (0, 1) AND NEW.must_change IN (0, 1) AND NEW.failures >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: credentials_flags'); END;

CREATE TRIGGER voice_applications_flags_insert BEFORE INSERT ON voice_applications
WHEN NOT (NEW.eligible IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: voice_applications_flags'); END;

CREATE TRIGGER voice_applications_flags_update BEFORE UPDATE ON voice_applications
WHEN NOT (NEW.eligible IN (0, 1))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: voice_applications_flags'); END;

CREATE TRIGGER calls_state_insert BEFORE INSERT ON calls
WHEN NOT (NEW.state IN ('pending', 'placed', 'in_progress', 'code_issued', 'ended') AND NEW.pin_tries >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: calls_state'); END;

CREATE TRIGGER calls_state_update BEFORE UPDATE ON calls
WHEN NOT (NEW.state IN ('pending', 'placed', 'in_progress', 'code_issued', 'ended') AND NEW.pin_tries >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: calls_state'); END;

CREATE TRIGGER reset_codes_state_insert BEFORE INSERT ON reset_codes
WHEN NOT (NEW.state IN ('active', 'void', 'spent', 'dead') AND NEW.channel IN ('voice', 'postal') AND NEW.failures >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reset_codes_state'); END;

CREATE TRIGGER reset_codes_state_update BEFORE UPDATE ON reset_codes
WHEN NOT (NEW.state IN ('active', 'void', 'spent', 'dead') AND NEW.channel IN ('voice', 'postal') AND NEW.failures >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reset_codes_state'); END;

CREATE TRIGGER reset_sessions_state_insert BEFORE INSERT ON reset_sessions
WHEN NOT (NEW.state IN ('open', 'ended', 'spent'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reset_sessions_state'); END;

CREATE TRIGGER reset_sessions_state_update BEFORE UPDATE ON reset_sessions
WHEN NOT (NEW.state IN ('open', 'ended', 'spent'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: reset_sessions_state'); END;

CREATE TRIGGER api_tokens_role_insert BEFORE INSERT ON api_tokens
WHEN NOT (NEW.role IN ('integrator', 'auditor', 'admin'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: api_tokens_role'); END;

CREATE TRIGGER api_tokens_role_update BEFORE UPDATE ON api_tokens
WHEN NOT (NEW.role IN ('integrator', 'auditor', 'admin'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: api_tokens_role'); END;

CREATE TRIGGER outbox_state_insert BEFORE INSERT ON outbox
WHEN NOT (NEW.state IN ('pending', 'done', 'failed') AND NEW.kind IN ('place_call', 'email', 'webhook') AND NEW.attempts >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbox_state'); END;

CREATE TRIGGER outbox_state_update BEFORE UPDATE ON outbox
WHEN NOT (NEW.state IN ('pending', 'done', 'failed') AND NEW.kind IN ('place_call', 'email', 'webhook') AND NEW.attempts >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: outbox_state'); END;

CREATE TRIGGER identity_requests_kind_insert BEFORE INSERT ON identity_requests
WHEN NOT (NEW.kind IN ('initialization', 'reminder'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: identity_requests_kind'); END;

CREATE TRIGGER identity_requests_kind_update BEFORE UPDATE ON identity_requests
WHEN NOT (NEW.kind IN ('initialization', 'reminder'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: identity_requests_kind'); END;

CREATE TRIGGER ip_budget_count_insert BEFORE INSERT ON ip_budget
WHEN NOT (NEW.count >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ip_budget_count'); END;

CREATE TRIGGER ip_budget_count_update BEFORE UPDATE ON ip_budget
WHEN NOT (NEW.count >= 0)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ip_budget_count'); END;
