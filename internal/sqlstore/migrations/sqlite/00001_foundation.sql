-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    lang          TEXT NOT NULL DEFAULT 'en',
    site_admin    BOOLEAN NOT NULL DEFAULT FALSE,
    reminders     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE signin_failures (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL,
    remote_addr TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX signin_failures_email ON signin_failures(email, at);
CREATE INDEX signin_failures_addr ON signin_failures(remote_addr, at);

CREATE TABLE collaboratives (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    aim                 TEXT NOT NULL DEFAULT '',
    start_date          DATE NOT NULL,
    end_date            DATE NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('planning','recruiting','active','closed')),
    required_roles      TEXT NOT NULL,
    allow_single_person BOOLEAN NOT NULL,
    min_reps            INTEGER NOT NULL,
    hours_min           DOUBLE PRECISION NOT NULL,
    hours_max           DOUBLE PRECISION NOT NULL,
    created_at          TEXT NOT NULL
);

CREATE TABLE criteria (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    text             TEXT NOT NULL
);
CREATE INDEX criteria_collab ON criteria(collaborative_id, position);

CREATE TABLE collab_roles (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('convener','coach','funder','evaluator')),
    PRIMARY KEY (collaborative_id, user_id, role)
);
CREATE INDEX collab_roles_user ON collab_roles(user_id);

CREATE TABLE organizations (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    size   TEXT NOT NULL CHECK (size IN ('small','medium','large'))
);

CREATE TABLE partners (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    org_id           BIGINT NOT NULL REFERENCES organizations(id),
    role             TEXT NOT NULL CHECK (role IN ('convener','funder','evaluator','faculty','partner')),
    note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partners_collab ON partners(collaborative_id);

CREATE TABLE teams (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    org_id           BIGINT REFERENCES organizations(id),
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('organization','community')),
    focus            TEXT NOT NULL DEFAULT '',
    single_person    BOOLEAN NOT NULL DEFAULT FALSE,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       TEXT NOT NULL
);
CREATE INDEX teams_collab ON teams(collaborative_id, name);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('director','direct_service','other')),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

CREATE TABLE applications (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    org_name         TEXT NOT NULL,
    region           TEXT NOT NULL DEFAULT '',
    sector           TEXT NOT NULL DEFAULT '',
    size             TEXT NOT NULL CHECK (size IN ('small','medium','large')),
    kind             TEXT NOT NULL CHECK (kind IN ('organization','community')),
    focus            TEXT NOT NULL DEFAULT '',
    contact_name     TEXT NOT NULL,
    contact_email    TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending','accepted','declined')),
    decision_note    TEXT NOT NULL DEFAULT '',
    decided_by       BIGINT REFERENCES users(id),
    decided_at       TEXT,
    team_id          BIGINT REFERENCES teams(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX applications_collab ON applications(collaborative_id, status);

CREATE TABLE application_answers (
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    criterion_id   BIGINT NOT NULL,
    criterion      TEXT NOT NULL,
    meets          BOOLEAN NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, criterion_id)
);

CREATE TABLE invitations (
    id               INTEGER PRIMARY KEY,
    token_hash       TEXT NOT NULL UNIQUE,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT REFERENCES teams(id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    name             TEXT NOT NULL,
    team_role        TEXT NOT NULL DEFAULT '',
    collab_role      TEXT NOT NULL DEFAULT '',
    invited_by       BIGINT REFERENCES users(id),
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    accepted_at      TEXT
);
CREATE INDEX invitations_collab ON invitations(collaborative_id);

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    actor_id         BIGINT,
    collaborative_id BIGINT,
    action           TEXT NOT NULL,
    target           TEXT NOT NULL DEFAULT '',
    detail           TEXT NOT NULL DEFAULT '',
    remote_addr      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_collab ON audit_log(collaborative_id, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE invitations;
DROP TABLE application_answers;
DROP TABLE applications;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE partners;
DROP TABLE organizations;
DROP TABLE collab_roles;
DROP TABLE criteria;
DROP TABLE collaboratives;
DROP TABLE signin_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
