-- +goose Up
-- In-app notifications: one row per person to tell, made in the same
-- transaction as the event (a coach's comment on a report or on what the
-- team shared, a review, a meeting scheduled), so a notification is never lost nor sent for an
-- event that rolled back. team_id scopes it: only that team's people get
-- rows. link is a path inside the site, never a full URL.
CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT REFERENCES teams(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    actor_id         BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('report_comment','report_reviewed','meeting_scheduled','share_comment')),
    subject          TEXT NOT NULL DEFAULT '',
    link             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    read_at          TEXT,
    emailed_at       TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);

-- A person's choices about notifications: email is off unless they opt in.
CREATE TABLE notification_settings (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email   BOOLEAN NOT NULL DEFAULT FALSE
);

-- When a person signed in last and the time before: their home shows what
-- was shared in the feed since the previous sign-in. Written with the
-- session, so reading a page never writes.
CREATE TABLE visits (
    user_id      BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    previous_at  TEXT,
    signed_in_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE visits;
DROP TABLE notification_settings;
DROP TABLE notifications;
