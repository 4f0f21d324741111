-- +goose Up
-- The time zone a person reads times in (Account settings): an IANA name,
-- or '' to read each meeting in its own zone and timestamps in UTC.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- A new notification kind, meeting_changed (a convener moved or cancelled
-- meetings of a series).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('report_comment','report_reviewed','meeting_scheduled','meeting_changed','share_comment'));

-- +goose Down
DELETE FROM notifications WHERE kind = 'meeting_changed';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('report_comment','report_reviewed','meeting_scheduled','share_comment'));
ALTER TABLE users DROP COLUMN time_zone;
