-- State columns hold only the states the code writes; counters never go below zero.
-- accounts: kind individual|organization, status active|suspended; credentials: locked and
-- must_change 0|1; calls: pending|placed|in_progress|code_issued|ended; reset_codes:
-- active|void|spent|dead on channel voice|postal; reset_sessions: open|ended|spent; api_tokens:
-- integrator|auditor|admin; outbox: pending|done|failed, kind place_call|email|webhook;
-- identity_requests: initialization|reminder.

ALTER TABLE accounts ADD CONSTRAINT accounts_states CHECK (kind IN ('individual', 'organization') AND status IN ('active', 'suspended') AND code_failures >= 0);
ALTER TABLE credentials ADD CONSTRAINT credentials_flags CHECK (locked IN (0, 1) AND must_change IN (0, 1) AND failures >= 0);
ALTER TABLE voice_applications ADD CONSTRAINT voice_applications_flags CHECK (eligible IN (0, 1));
ALTER TABLE calls ADD CONSTRAINT calls_state CHECK (state IN ('pending', 'placed', 'in_progress', 'code_issued', 'ended') AND pin_tries >= 0);
ALTER TABLE reset_codes ADD CONSTRAINT reset_codes_state CHECK (state IN ('active', 'void', 'spent', 'dead') AND channel IN ('voice', 'postal') AND failures >= 0);
ALTER TABLE reset_sessions ADD CONSTRAINT reset_sessions_state CHECK (state IN ('open', 'ended', 'spent'));
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role CHECK (role IN ('integrator', 'auditor', 'admin'));
ALTER TABLE outbox ADD CONSTRAINT outbox_state CHECK (state IN ('pending', 'done', 'failed') AND kind IN ('place_call', 'email', 'webhook') AND attempts >= 0);
ALTER TABLE identity_requests ADD CONSTRAINT identity_requests_kind CHECK (kind IN ('initialization', 'reminder'));
ALTER TABLE ip_budget ADD CONSTRAINT ip_budget_count CHECK (count >= 0);
