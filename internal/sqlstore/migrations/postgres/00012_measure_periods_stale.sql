-- +goose Up
-- On PostgreSQL every team writes the shared measures at once, from
-- several replicas. Rewriting a period's total over every team in each
-- write's transaction needed a lock on the measure until commit, and
-- every team's save queued on it. Instead a write notes here which
-- periods of which measures it changed (a plain insert: no key to wait
-- on), readers sum those periods afresh from measure_team_periods, and
-- a background round folds them into measure_periods and clears them in
-- one transaction (FoldMeasurePeriods). SQLite's single writer rewrites
-- measure_periods in the write itself and leaves this table empty.
CREATE TABLE measure_periods_stale (
    id         BIGSERIAL PRIMARY KEY,
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    period     DATE NOT NULL
);
CREATE INDEX measure_periods_stale_measure ON measure_periods_stale(measure_id, period);

-- +goose Down
DROP TABLE measure_periods_stale;
