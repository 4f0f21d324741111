-- +goose Up
CREATE TABLE wellbeing_settings (
    collaborative_id      BIGINT PRIMARY KEY REFERENCES collaboratives(id) ON DELETE CASCADE,
    suppression_threshold INTEGER NOT NULL DEFAULT 11 CHECK (suppression_threshold >= 5)
);

CREATE TABLE surveys (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('five_domains', 'staff_pulse', 'custom')),
    questions        TEXT NOT NULL,
    open             BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       TEXT NOT NULL
);
CREATE INDEX surveys_collab ON surveys(collaborative_id);

CREATE TABLE survey_links (
    id         INTEGER PRIMARY KEY,
    survey_id  BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    team_id    BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    single_use BOOLEAN NOT NULL DEFAULT FALSE,
    used       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);
CREATE INDEX survey_links_survey ON survey_links(survey_id);

CREATE TABLE survey_responses (
    id        INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    team_id   BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    period    DATE NOT NULL,
    answers   TEXT NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses(survey_id);

CREATE TABLE assets (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('person', 'place', 'service', 'organization', 'relationship', 'event')),
    informal         BOOLEAN NOT NULL DEFAULT FALSE,
    address          TEXT NOT NULL DEFAULT '',
    lat              DOUBLE PRECISION,
    lng              DOUBLE PRECISION,
    domains          TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL DEFAULT '',
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX assets_team ON assets(team_id);
CREATE INDEX assets_collab ON assets(collaborative_id, shared);

CREATE TABLE asset_snapshots (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    label            TEXT NOT NULL,
    data             TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX asset_snapshots_team ON asset_snapshots(team_id);

CREATE TABLE success_moments (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    story            TEXT NOT NULL,
    made_possible    TEXT NOT NULL DEFAULT '',
    who_involved     TEXT NOT NULL DEFAULT '',
    learning         TEXT NOT NULL DEFAULT '',
    domains          TEXT NOT NULL DEFAULT '',
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL
);
CREATE INDEX success_moments_team ON success_moments(team_id);

CREATE TABLE barriers (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    system_name      TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL,
    description      TEXT NOT NULL,
    workaround       TEXT NOT NULL DEFAULT '',
    domain           TEXT NOT NULL DEFAULT '',
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL
);
CREATE INDEX barriers_team ON barriers(team_id);
CREATE INDEX barriers_collab ON barriers(collaborative_id);

CREATE TABLE tradeoffs (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    subject          TEXT NOT NULL CHECK (subject IN ('person', 'policy')),
    gives_up         TEXT NOT NULL,
    gains            TEXT NOT NULL,
    description      TEXT NOT NULL,
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL
);
CREATE INDEX tradeoffs_team ON tradeoffs(team_id);
CREATE INDEX tradeoffs_collab ON tradeoffs(collaborative_id);

CREATE TABLE habits (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    habit            TEXT NOT NULL,
    antidote         TEXT NOT NULL,
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL
);
CREATE INDEX habits_team ON habits(team_id);

CREATE TABLE habit_checkins (
    id       INTEGER PRIMARY KEY,
    habit_id BIGINT NOT NULL REFERENCES habits(id) ON DELETE CASCADE,
    on_date  DATE NOT NULL,
    rating   INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX habit_checkins_habit ON habit_checkins(habit_id);

CREATE TABLE net_nodes (
    id       INTEGER PRIMARY KEY,
    team_id  BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('person', 'group')),
    notes    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX net_nodes_team ON net_nodes(team_id);

CREATE TABLE net_edges (
    id        INTEGER PRIMARY KEY,
    team_id   BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    from_node BIGINT NOT NULL REFERENCES net_nodes(id) ON DELETE CASCADE,
    to_node   BIGINT NOT NULL REFERENCES net_nodes(id) ON DELETE CASCADE,
    strength  INTEGER NOT NULL CHECK (strength BETWEEN 1 AND 3),
    kind      TEXT NOT NULL DEFAULT '',
    plan      TEXT NOT NULL CHECK (plan IN ('existing', 'invest', 'cultivate'))
);
CREATE INDEX net_edges_team ON net_edges(team_id);

CREATE TABLE pd_inquiries (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    question         TEXT NOT NULL,
    outliers         TEXT NOT NULL DEFAULT '',
    practices        TEXT NOT NULL DEFAULT '',
    actions          TEXT NOT NULL DEFAULT '',
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL
);
CREATE INDEX pd_inquiries_team ON pd_inquiries(team_id);

-- +goose Down
DROP TABLE pd_inquiries;
DROP TABLE net_edges;
DROP TABLE net_nodes;
DROP TABLE habit_checkins;
DROP TABLE habits;
DROP TABLE tradeoffs;
DROP TABLE barriers;
DROP TABLE success_moments;
DROP TABLE asset_snapshots;
DROP TABLE assets;
DROP TABLE survey_responses;
DROP TABLE survey_links;
DROP TABLE surveys;
DROP TABLE wellbeing_settings;
