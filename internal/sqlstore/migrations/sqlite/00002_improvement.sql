-- +goose Up
CREATE TABLE collab_frameworks (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    fw_key           TEXT NOT NULL,
    name             TEXT NOT NULL,
    builtin_key      TEXT NOT NULL DEFAULT '',
    header           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (collaborative_id, fw_key)
);

CREATE TABLE framework_nodes (
    id           INTEGER PRIMARY KEY,
    framework_id BIGINT NOT NULL REFERENCES collab_frameworks(id) ON DELETE CASCADE,
    parent_id    BIGINT REFERENCES framework_nodes(id),
    code         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    extra        TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL,
    retired      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX framework_nodes_fw ON framework_nodes(framework_id, parent_id, position);

CREATE TABLE framework_changes (
    id           INTEGER PRIMARY KEY,
    framework_id BIGINT NOT NULL REFERENCES collab_frameworks(id) ON DELETE CASCADE,
    node_id      BIGINT,
    at           TEXT NOT NULL,
    user_id      BIGINT REFERENCES users(id),
    action       TEXT NOT NULL,
    before_text  TEXT NOT NULL DEFAULT '',
    after_text   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX framework_changes_fw ON framework_changes(framework_id, id);

CREATE TABLE measures (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT REFERENCES teams(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('outcome','process','balancing')),
    definition       TEXT NOT NULL DEFAULT '',
    ratio            BOOLEAN NOT NULL DEFAULT FALSE,
    unit             TEXT NOT NULL DEFAULT '',
    better           TEXT NOT NULL CHECK (better IN ('up','down','neither')),
    target           DOUBLE PRECISION,
    chart            TEXT NOT NULL,
    period           TEXT NOT NULL CHECK (period IN ('monthly','weekly')),
    group_key        TEXT NOT NULL DEFAULT '',
    group_values     TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);
CREATE INDEX measures_collab ON measures(collaborative_id, team_id);

CREATE TABLE measure_values (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    measure_id       BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    period           DATE NOT NULL,
    grp              TEXT NOT NULL DEFAULT '',
    value            DOUBLE PRECISION,
    numerator        DOUBLE PRECISION,
    denominator      DOUBLE PRECISION,
    entered_by       BIGINT REFERENCES users(id),
    entered_at       TEXT NOT NULL,
    first_entered_at TEXT NOT NULL,
    UNIQUE (team_id, measure_id, period, grp)
);
CREATE INDEX measure_values_measure ON measure_values(measure_id, team_id, period);

CREATE TABLE measure_value_history (
    id          INTEGER PRIMARY KEY,
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    measure_id  BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    period      DATE NOT NULL,
    grp         TEXT NOT NULL DEFAULT '',
    value       DOUBLE PRECISION,
    numerator   DOUBLE PRECISION,
    denominator DOUBLE PRECISION,
    entered_by  BIGINT REFERENCES users(id),
    entered_at  TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX measure_value_history_key ON measure_value_history(team_id, measure_id, period, grp);

CREATE TABLE aims (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    statement        TEXT NOT NULL,
    how_know         TEXT NOT NULL DEFAULT '',
    what_changes     TEXT NOT NULL DEFAULT '',
    target_date      DATE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX aims_team ON aims(team_id);

CREATE TABLE aim_measures (
    aim_id     BIGINT NOT NULL REFERENCES aims(id) ON DELETE CASCADE,
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    PRIMARY KEY (aim_id, measure_id)
);

CREATE TABLE drivers (
    id                INTEGER PRIMARY KEY,
    collaborative_id  BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id           BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    aim_id            BIGINT NOT NULL REFERENCES aims(id) ON DELETE CASCADE,
    parent_id         BIGINT REFERENCES drivers(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('primary','secondary','change')),
    title             TEXT NOT NULL,
    framework_node_id BIGINT REFERENCES framework_nodes(id) ON DELETE SET NULL,
    position          INTEGER NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX drivers_aim ON drivers(aim_id, parent_id, position);

CREATE TABLE pdsa_cycles (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    change_id        BIGINT NOT NULL REFERENCES drivers(id) ON DELETE CASCADE,
    previous_id      BIGINT REFERENCES pdsa_cycles(id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    objective        TEXT NOT NULL DEFAULT '',
    questions        TEXT NOT NULL DEFAULT '',
    predictions      TEXT NOT NULL DEFAULT '',
    plan_who         TEXT NOT NULL DEFAULT '',
    plan_what        TEXT NOT NULL DEFAULT '',
    plan_when        TEXT NOT NULL DEFAULT '',
    plan_where       TEXT NOT NULL DEFAULT '',
    data_plan        TEXT NOT NULL DEFAULT '',
    do_notes         TEXT NOT NULL DEFAULT '',
    started_on       DATE,
    ended_on         DATE,
    went_well        TEXT NOT NULL DEFAULT '',
    differed         TEXT NOT NULL DEFAULT '',
    decision         TEXT NOT NULL DEFAULT '' CHECK (decision IN ('','adopt','adapt','abandon')),
    next_step        TEXT NOT NULL DEFAULT '',
    created_by       BIGINT REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX pdsa_team ON pdsa_cycles(team_id, change_id);

-- +goose Down
DROP TABLE pdsa_cycles;
DROP TABLE drivers;
DROP TABLE aim_measures;
DROP TABLE aims;
DROP TABLE measure_value_history;
DROP TABLE measure_values;
DROP TABLE measures;
DROP TABLE framework_changes;
DROP TABLE framework_nodes;
DROP TABLE collab_frameworks;
