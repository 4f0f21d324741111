-- +goose Up
CREATE TABLE engagement_settings (
    collaborative_id       BIGINT PRIMARY KEY REFERENCES collaboratives(id) ON DELETE CASCADE,
    misses_at_risk         INTEGER NOT NULL,
    misses_off_track       INTEGER NOT NULL,
    window_months          INTEGER NOT NULL,
    short_months_off_track INTEGER NOT NULL,
    reminder_hours         INTEGER NOT NULL,
    deadline_day           INTEGER NOT NULL,
    deadline_notice_days   INTEGER NOT NULL
);

CREATE TABLE meeting_series (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    rule             TEXT NOT NULL,
    first_at         TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    duration_min     INTEGER NOT NULL,
    audience         TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX meeting_series_collab ON meeting_series(collaborative_id);

CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    series_id        BIGINT REFERENCES meeting_series(id) ON DELETE SET NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('in_person','virtual','coaching','all_teams','convening','site_visit','other')),
    title            TEXT NOT NULL,
    starts_at        TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    duration_min     INTEGER NOT NULL,
    location         TEXT NOT NULL DEFAULT '',
    video_url        TEXT NOT NULL DEFAULT '',
    agenda           TEXT NOT NULL DEFAULT '',
    materials        TEXT NOT NULL DEFAULT '',
    audience         TEXT NOT NULL CHECK (audience IN ('all_teams','some_teams','one_team','partners')),
    cancelled        BOOLEAN NOT NULL DEFAULT FALSE,
    moved            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL
);
CREATE INDEX meetings_collab ON meetings(collaborative_id, starts_at);
CREATE INDEX meetings_starts ON meetings(starts_at);

CREATE TABLE meeting_teams (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    team_id    BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, team_id)
);
CREATE INDEX meeting_teams_team ON meeting_teams(team_id);

CREATE TABLE attendance (
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id     BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    status      TEXT NOT NULL CHECK (status IN ('in_person','virtual','apologies','absent')),
    agreed_on   DATE,
    recorded_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE activities (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    month            DATE NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('site_visit','tools_forms','coaching','other')),
    hours            DOUBLE PRECISION NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);
CREATE INDEX activities_team ON activities(team_id, month);
CREATE INDEX activities_collab ON activities(collaborative_id, month);

CREATE TABLE calendar_feeds (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);

-- One row per reminder sent: the unique key makes a second replica's
-- claim fail, so each reminder goes once.
CREATE TABLE reminders_sent (
    kind    TEXT NOT NULL,
    ref     TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (kind, ref, user_id)
);

CREATE TABLE compensation_rates (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    basis            TEXT NOT NULL CHECK (basis IN ('meeting','month')),
    amount_cents     BIGINT NOT NULL,
    PRIMARY KEY (collaborative_id, user_id)
);

CREATE TABLE compensation (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('stipend','reimbursement')),
    source           TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    amount_cents     BIGINT NOT NULL,
    paid_on          DATE,
    created_at       TEXT NOT NULL,
    UNIQUE (collaborative_id, user_id, source)
);

CREATE TABLE feedback (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    helpful    BOOLEAN NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

-- +goose Down
DROP TABLE feedback;
DROP TABLE compensation;
DROP TABLE compensation_rates;
DROP TABLE reminders_sent;
DROP TABLE calendar_feeds;
DROP TABLE activities;
DROP TABLE attendance;
DROP TABLE meeting_teams;
DROP TABLE meetings;
DROP TABLE meeting_series;
DROP TABLE engagement_settings;
