-- API tokens of a staff role: a help-desk tool calls the staff API under one of the staff
-- roles (helpdesk, postal_operator, counter) besides integrator, auditor and admin. The role
-- triggers of migration 0003 are replaced by ones that accept them.

DROP TRIGGER api_tokens_role_insert;
DROP TRIGGER api_tokens_role_update;

CREATE TRIGGER api_tokens_role_insert BEFORE INSERT ON api_tokens
WHEN NOT (NEW.role IN ('integrator', 'auditor', 'admin', 'helpdesk', 'postal_operator', 'counter'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: api_tokens_role'); END;

CREATE TRIGGER api_tokens_role_update BEFORE UPDATE ON api_tokens
WHEN NOT (NEW.role IN ('integrator', 'auditor', 'admin', 'helpdesk', 'postal_operator', 'counter'))
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: api_tokens_role'); END;
