-- Key checks: a MAC of a fixed label under each server key, per kind and key ID, so that an
-- instance whose key differs from the one the database was used with refuses to start.
CREATE TABLE key_checks (
    kind TEXT NOT NULL,
    key_id BIGINT NOT NULL,
    key_check TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, key_id)
);
