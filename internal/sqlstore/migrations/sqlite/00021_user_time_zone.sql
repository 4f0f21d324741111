-- +goose Up
-- The time zone a person reads times in (Account settings): an IANA name,
-- or '' to read each meeting in its own zone and timestamps in UTC.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- A new notification kind, meeting_changed (a convener moved or cancelled
-- meetings of a series). SQLite cannot alter a CHECK, so the table is
-- made again with the same columns and rows; nothing references it.
CREATE TABLE notifications_new (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT REFERENCES teams(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    actor_id         BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('report_comment','report_reviewed','meeting_scheduled','meeting_changed','share_comment')),
    subject          TEXT NOT NULL DEFAULT '',
    link             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    read_at          TEXT,
    emailed_at       TEXT
);
INSERT INTO notifications_new SELECT id, collaborative_id, team_id, user_id, actor_id, kind, subject, link, created_at, read_at, emailed_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);

-- +goose Down
DELETE FROM notifications WHERE kind = 'meeting_changed';
ALTER TABLE users DROP COLUMN time_zone;
