-- API tokens of a staff role: a help-desk tool calls the staff API under one of the staff
-- roles (helpdesk, postal_operator, counter) besides integrator, auditor and admin.

ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role CHECK (role IN ('integrator', 'auditor', 'admin', 'helpdesk', 'postal_operator', 'counter'));
