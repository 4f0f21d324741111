-- +goose Up
-- Password reset links: single-use, short-lived, only the token's SHA-256
-- kept. created_by is the administrator or convener who made a link to
-- pass on (NULL when the person asked for it by email).
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id);

-- +goose Down
DROP TABLE password_resets;
