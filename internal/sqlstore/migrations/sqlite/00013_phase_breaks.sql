-- +goose Up
-- Limit recalculations (phase breaks): a team's chart of a measure keeps
-- its baseline centre line and limits until a person chooses to
-- recalculate them from a period, with the reason (typically a sustained
-- shift after an adopted change). PDSA cycles are annotations, not breaks.
CREATE TABLE limit_recalculations (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    measure_id       BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    period           DATE NOT NULL,
    reason           TEXT NOT NULL,
    created_by       BIGINT REFERENCES users(id),
    created_at       TEXT NOT NULL,
    UNIQUE (team_id, measure_id, period)
);
CREATE INDEX limit_recalculations_measure ON limit_recalculations(measure_id, team_id);

-- The measure a PDSA cycle is expected to move (at most one a cycle): a
-- signal on that measure after the cycle's change was adopted suggests
-- recalculating its limits. A table, not a column, so that SQLite's Down
-- can drop it (SQLite cannot drop a column with a foreign key).
CREATE TABLE pdsa_measures (
    pdsa_id    BIGINT NOT NULL PRIMARY KEY REFERENCES pdsa_cycles(id) ON DELETE CASCADE,
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE
);
CREATE INDEX pdsa_measures_measure ON pdsa_measures(measure_id);

-- +goose Down
DROP TABLE pdsa_measures;
DROP TABLE limit_recalculations;
