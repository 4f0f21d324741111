-- +goose Up
-- Client idempotency keys: a write carrying a key records it in its own
-- transaction, so a retried request (its answer lost to a crash or a
-- network cut) is recognised instead of applied twice.
CREATE TABLE idempotency_keys (
    user_id    BIGINT NOT NULL,
    key        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
