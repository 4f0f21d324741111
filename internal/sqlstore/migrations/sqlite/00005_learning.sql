-- +goose Up
-- Learning community and reports (issue 7): resource library, learning
-- agenda, population indicators, shared-learning feed, monthly reports,
-- report card.

-- learning_settings holds a collaborative's choices for this feature: the
-- small-count threshold, the monthly report's due day, and the community
-- report card (its wording and whether it is published at a public URL).
CREATE TABLE learning_settings (
    collaborative_id BIGINT PRIMARY KEY REFERENCES collaboratives(id) ON DELETE CASCADE,
    min_cell         INTEGER NOT NULL DEFAULT 11,
    report_due_day   INTEGER NOT NULL DEFAULT 10,
    card_title       TEXT NOT NULL DEFAULT '',
    card_intro       TEXT NOT NULL DEFAULT '',
    card_public      BOOLEAN NOT NULL DEFAULT FALSE,
    card_token       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE resources (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('tool','form','toolkit','playbook','other')),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    url              TEXT NOT NULL DEFAULT '',
    file_name        TEXT NOT NULL DEFAULT '',
    file_key         TEXT NOT NULL DEFAULT '',
    file_type        TEXT NOT NULL DEFAULT '',
    file_size        BIGINT NOT NULL DEFAULT 0,
    created_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX resources_collab ON resources(collaborative_id, title);

-- A tag is a framework node ("node", value "framework-key:code") or one of
-- the five domains of wellbeing ("domain", value the domain's code).
CREATE TABLE resource_tags (
    resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('node','domain')),
    value       TEXT NOT NULL,
    PRIMARY KEY (resource_id, kind, value)
);

CREATE TABLE resource_uses (
    resource_id BIGINT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    note        TEXT NOT NULL DEFAULT '',
    marked_by   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    marked_at   TEXT NOT NULL,
    PRIMARY KEY (resource_id, team_id)
);

-- agenda_topics keeps proposed_by even for an anonymous topic, so its
-- proposer can see and withdraw it; pages never show it when anonymous.
CREATE TABLE agenda_topics (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '',
    proposed_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    anonymous        BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL CHECK (status IN ('proposed','scheduled','covered','declined','withdrawn')),
    session_text     TEXT NOT NULL DEFAULT '',
    session_date     DATE,
    meeting_id       BIGINT REFERENCES meetings(id) ON DELETE SET NULL,
    outcome          TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX agenda_topics_collab ON agenda_topics(collaborative_id, status);

CREATE TABLE agenda_votes (
    topic_id   BIGINT NOT NULL REFERENCES agenda_topics(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (topic_id, user_id)
);

CREATE TABLE indicator_imports (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    source           TEXT NOT NULL,
    as_of            DATE NOT NULL,
    file_name        TEXT NOT NULL DEFAULT '',
    row_count        INTEGER NOT NULL,
    imported_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    imported_at      TEXT NOT NULL
);

-- count_value and denominator are NULL when the source gives none; value is
-- the rate or measure as published.
CREATE TABLE indicators (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    import_id        BIGINT NOT NULL REFERENCES indicator_imports(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    geography        TEXT NOT NULL,
    period           TEXT NOT NULL,
    count_value      BIGINT,
    denominator      BIGINT,
    value            DOUBLE PRECISION,
    unit             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX indicators_collab ON indicators(collaborative_id, name, geography, period);

-- shares is the shared-learning feed: a team shares one item of one kind
-- (a PDSA cycle, a success moment, a chart, a resource use, ...); summary
-- is a JSON snapshot taken at share time, so the feed shows what was shared.
CREATE TABLE shares (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    item_id          BIGINT NOT NULL,
    title            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '{}',
    shared_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    shared_at        TEXT NOT NULL,
    withdrawn_at     TEXT,
    UNIQUE (team_id, kind, item_id)
);
CREATE INDEX shares_feed ON shares(collaborative_id, shared_at);

CREATE TABLE share_defaults (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    PRIMARY KEY (team_id, kind)
);

CREATE TABLE share_comments (
    id         INTEGER PRIMARY KEY,
    share_id   BIGINT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    user_id    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX share_comments_share ON share_comments(share_id, id);

-- reports are teams' monthly reports; content is the compiled report frozen
-- as JSON at submission.
CREATE TABLE reports (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    month            DATE NOT NULL,
    narrative        TEXT NOT NULL DEFAULT '',
    progress         INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 5),
    status           TEXT NOT NULL CHECK (status IN ('draft','submitted','reviewed')),
    content          TEXT NOT NULL DEFAULT '',
    submitted_by     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    submitted_at     TEXT,
    reviewed_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at      TEXT,
    updated_at       TEXT NOT NULL,
    UNIQUE (team_id, month)
);
CREATE INDEX reports_collab ON reports(collaborative_id, month);

CREATE TABLE report_comments (
    id         INTEGER PRIMARY KEY,
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    user_id    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- card_items are the community report card's lines, chosen and worded by
-- the convener: an indicator (ref: the indicator's name) or a collaborative
-- figure (ref: its key).
CREATE TABLE card_items (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('indicator','figure')),
    ref              TEXT NOT NULL,
    label            TEXT NOT NULL,
    wording          TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE card_items;
DROP TABLE report_comments;
DROP TABLE reports;
DROP TABLE share_comments;
DROP TABLE share_defaults;
DROP TABLE shares;
DROP TABLE indicators;
DROP TABLE indicator_imports;
DROP TABLE agenda_votes;
DROP TABLE agenda_topics;
DROP TABLE resource_uses;
DROP TABLE resource_tags;
DROP TABLE resources;
DROP TABLE learning_settings;
