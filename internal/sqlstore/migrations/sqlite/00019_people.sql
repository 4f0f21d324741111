-- +goose Up
-- Issue 14, item 4: people without accounts. Community members and
-- lived-experience partners (seeds 001 and 002) are people of a
-- collaborative by name, contact and preferred payment method, optionally
-- on a team or in a group; they are paid stipends, attend meetings and
-- are counted without signing in. user_id is set when they accept an
-- invitation to an account, and their history moves to it.
CREATE TABLE community_people (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    contact          TEXT NOT NULL DEFAULT '',
    payment_method   TEXT NOT NULL CHECK (payment_method IN ('check','direct_deposit','gift_card','mobile_payment','cash','other')),
    team_id          BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    group_id         BIGINT REFERENCES collab_groups(id) ON DELETE SET NULL,
    user_id          BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX community_people_collab ON community_people(collaborative_id, name);

-- Attendance of a person without an account; it moves to attendance
-- when they take an account.
CREATE TABLE person_attendance (
    meeting_id  BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL REFERENCES community_people(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('in_person','virtual','apologies','absent')),
    recorded_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX person_attendance_person ON person_attendance(person_id);

-- A rate and what is owed belong to a person with an account (user_id)
-- or without one (person_id), never both. SQLite cannot loosen NOT NULL,
-- so both tables are rebuilt; nothing references them. person_id comes
-- last, where PostgreSQL's ADD COLUMN puts it, so both stores list the
-- same columns in the same order (archives compare them).
CREATE TABLE compensation_rates_new (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT REFERENCES users(id) ON DELETE CASCADE,
    basis            TEXT NOT NULL CHECK (basis IN ('meeting','month')),
    amount_cents     BIGINT NOT NULL,
    person_id        BIGINT REFERENCES community_people(id) ON DELETE CASCADE,
    CHECK ((user_id IS NULL) <> (person_id IS NULL)),
    UNIQUE (collaborative_id, user_id),
    UNIQUE (collaborative_id, person_id)
);
INSERT INTO compensation_rates_new (collaborative_id, user_id, basis, amount_cents)
    SELECT collaborative_id, user_id, basis, amount_cents FROM compensation_rates;
DROP TABLE compensation_rates;
ALTER TABLE compensation_rates_new RENAME TO compensation_rates;

CREATE TABLE compensation_new (
    id               INTEGER PRIMARY KEY,
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('stipend','reimbursement')),
    source           TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    amount_cents     BIGINT NOT NULL,
    paid_on          DATE,
    created_at       TEXT NOT NULL,
    person_id        BIGINT REFERENCES community_people(id) ON DELETE CASCADE,
    CHECK ((user_id IS NULL) <> (person_id IS NULL)),
    UNIQUE (collaborative_id, user_id, source),
    UNIQUE (collaborative_id, person_id, source)
);
INSERT INTO compensation_new (id, collaborative_id, user_id, kind, source, description, amount_cents, paid_on, created_at)
    SELECT id, collaborative_id, user_id, kind, source, description, amount_cents, paid_on, created_at FROM compensation;
DROP TABLE compensation;
ALTER TABLE compensation_new RENAME TO compensation;

-- An invitation may offer a person without an account one; accepting it
-- links the person to the new account.
ALTER TABLE invitations ADD COLUMN person_id BIGINT REFERENCES community_people(id) ON DELETE SET NULL;

-- A meeting may be a group's (the steering committee's), and an item the
-- group recorded names the meeting it was recorded at, so the group's
-- next meeting follows it up.
ALTER TABLE meetings ADD COLUMN group_id BIGINT REFERENCES collab_groups(id) ON DELETE SET NULL;
ALTER TABLE group_items ADD COLUMN meeting_id BIGINT REFERENCES meetings(id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE group_items DROP COLUMN meeting_id;
ALTER TABLE meetings DROP COLUMN group_id;
ALTER TABLE invitations DROP COLUMN person_id;
DELETE FROM compensation WHERE user_id IS NULL;
DELETE FROM compensation_rates WHERE user_id IS NULL;
CREATE TABLE compensation_old (
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
INSERT INTO compensation_old (id, collaborative_id, user_id, kind, source, description, amount_cents, paid_on, created_at)
    SELECT id, collaborative_id, user_id, kind, source, description, amount_cents, paid_on, created_at FROM compensation;
DROP TABLE compensation;
ALTER TABLE compensation_old RENAME TO compensation;
CREATE TABLE compensation_rates_old (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    basis            TEXT NOT NULL CHECK (basis IN ('meeting','month')),
    amount_cents     BIGINT NOT NULL,
    PRIMARY KEY (collaborative_id, user_id)
);
INSERT INTO compensation_rates_old SELECT collaborative_id, user_id, basis, amount_cents FROM compensation_rates;
DROP TABLE compensation_rates;
ALTER TABLE compensation_rates_old RENAME TO compensation_rates;
DROP TABLE person_attendance;
DROP TABLE community_people;
