-- +goose Up
-- Summaries of measure values that the views of every team read instead
-- of every value: each is a function of measure_values alone, rewritten
-- by SaveValues (its only writer) in the transaction that changes the
-- values, for the team, measures and periods it touched. Sums are
-- recomputed from the rows below them, never adjusted by differences, so
-- they stay exactly what a fresh sum would give.

-- A team's total of a measure for one period: the sum over its groups of
-- the values, or of the numerators and denominators (a ratio counts only
-- rows with both). A period with nothing to count has no row.
CREATE TABLE measure_team_periods (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    measure_id       BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    period           DATE NOT NULL,
    y                DOUBLE PRECISION NOT NULL,
    n                DOUBLE PRECISION NOT NULL,
    first_entered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (measure_id, team_id, period)
);
-- The aggregate of a period is recomputed from every team's total of it,
-- from this index alone (collaborative_id too, for the GROUP BY).
CREATE INDEX measure_team_periods_period ON measure_team_periods(measure_id, period, collaborative_id, y, n);

-- Every team's totals of a measure for one period together: the
-- aggregate chart (a ratio's sums; a plain value's mean is y / teams).
CREATE TABLE measure_periods (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    measure_id       BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    period           DATE NOT NULL,
    teams            INTEGER NOT NULL,
    y                DOUBLE PRECISION NOT NULL,
    n                DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (measure_id, period)
);

-- A team's reporting of a measure: how many periods it reported and its
-- latest total. A team that reported nothing has no row.
CREATE TABLE measure_team_summaries (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    measure_id       BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    periods          INTEGER NOT NULL,
    last_period      DATE NOT NULL,
    last_y           DOUBLE PRECISION NOT NULL,
    last_n           DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (measure_id, team_id)
);

-- The values already there.
INSERT INTO measure_team_periods (collaborative_id, measure_id, team_id, period, y, n, first_entered_at)
SELECT v.collaborative_id, v.measure_id, v.team_id, v.period,
       SUM(CASE WHEN m.ratio THEN v.numerator ELSE v.value END),
       SUM(CASE WHEN m.ratio THEN v.denominator ELSE 0 END),
       MIN(v.first_entered_at)
FROM measure_values v JOIN measures m ON m.id = v.measure_id
WHERE (m.ratio AND v.numerator IS NOT NULL AND v.denominator IS NOT NULL) OR (NOT m.ratio AND v.value IS NOT NULL)
GROUP BY v.collaborative_id, v.measure_id, v.team_id, v.period;

INSERT INTO measure_periods (collaborative_id, measure_id, period, teams, y, n)
SELECT collaborative_id, measure_id, period, COUNT(*), SUM(y), SUM(n)
FROM measure_team_periods GROUP BY collaborative_id, measure_id, period;

INSERT INTO measure_team_summaries (collaborative_id, measure_id, team_id, periods, last_period, last_y, last_n)
SELECT p.collaborative_id, p.measure_id, p.team_id,
       (SELECT COUNT(*) FROM measure_team_periods c WHERE c.measure_id = p.measure_id AND c.team_id = p.team_id),
       p.period, p.y, p.n
FROM measure_team_periods p
WHERE p.period = (SELECT MAX(l.period) FROM measure_team_periods l WHERE l.measure_id = p.measure_id AND l.team_id = p.team_id);

-- +goose Down
DROP TABLE measure_team_summaries;
DROP TABLE measure_periods;
DROP TABLE measure_team_periods;
