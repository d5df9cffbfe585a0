-- When an attempt at a credential was last counted before its check. Attempts counted but
-- never settled (the process died half way) stop holding the credential "in progress" once
-- this is older than the attempt lease: they are settled as failures.
ALTER TABLE credentials ADD COLUMN reserved_at BIGINT;
