-- +goose Up
-- The groups of a collaborative beside its teams (seed 001's steering
-- committee and workgroups): members from several teams and partners,
-- with or without an account, the group's decisions, and its action
-- items with an owner, a due date and a status, followed up at the next
-- meeting.
CREATE TABLE collab_groups (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('steering', 'workgroup')),
    name             TEXT NOT NULL,
    purpose          TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);
CREATE INDEX collab_groups_collab ON collab_groups(collaborative_id);

CREATE TABLE group_members (
    id          INTEGER PRIMARY KEY,
    group_id    BIGINT NOT NULL REFERENCES collab_groups(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT '',
    user_id     BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX group_members_group ON group_members(group_id);

CREATE TABLE group_items (
    id         INTEGER PRIMARY KEY,
    group_id   BIGINT NOT NULL REFERENCES collab_groups(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('decision', 'action')),
    title      TEXT NOT NULL,
    owner      TEXT NOT NULL DEFAULT '',
    due        DATE,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    follow_up  TEXT NOT NULL DEFAULT '',
    created_on DATE NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX group_items_group ON group_items(group_id, id);

-- +goose Down
DROP TABLE group_items;
DROP TABLE group_members;
DROP TABLE collab_groups;
