-- +goose Up
-- Issue 14, the partnership and disclosure model.
--
-- teams.joined_on: the day a team joined; participation is judged from it,
-- so a team that joined mid-way owes no meeting held before. NULL means the
-- day the team was created.
ALTER TABLE teams ADD COLUMN joined_on DATE;
-- An alternative to attending, agreed in advance, says with whom it was
-- agreed (seed 000: "with FFI and DPH") and what it is, besides the day.
ALTER TABLE attendance ADD COLUMN agreed_with TEXT NOT NULL DEFAULT '';
ALTER TABLE attendance ADD COLUMN alternative TEXT NOT NULL DEFAULT '';
-- When the applicant ticked that they agree to the commitments shown on the
-- form; NULL for applications made before the form asked.
ALTER TABLE applications ADD COLUMN commitments_agreed_at TEXT;
-- The roles a community team designates (a lead; the rest are members),
-- what the meetings commitment is in the convener's words, and which
-- partner roles see team names beside activity figures.
ALTER TABLE collaboratives ADD COLUMN community_roles TEXT NOT NULL DEFAULT 'lead';
ALTER TABLE collaboratives ADD COLUMN meetings_commitment TEXT NOT NULL DEFAULT '';
ALTER TABLE collaboratives ADD COLUMN team_names_to TEXT NOT NULL DEFAULT 'coach';

-- A community team's people are a lead and members. SQLite cannot alter a
-- CHECK, so the table is rebuilt; nothing references team_members.
CREATE TABLE team_members_new (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('director','direct_service','other','lead','member')),
    PRIMARY KEY (team_id, user_id)
);
INSERT INTO team_members_new (team_id, user_id, role) SELECT team_id, user_id, role FROM team_members;
DROP TABLE team_members;
ALTER TABLE team_members_new RENAME TO team_members;
CREATE INDEX team_members_user ON team_members(user_id);

-- A state co-lead (seed 000: DPH co-leads with FFI) reads what the
-- convener reads about participation, the calendar, the agenda and
-- feedback, without the convener's writes. Rebuilt like team_members.
CREATE TABLE collab_roles_new (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('convener','coach','funder','evaluator','co_lead')),
    PRIMARY KEY (collaborative_id, user_id, role)
);
INSERT INTO collab_roles_new (collaborative_id, user_id, role) SELECT collaborative_id, user_id, role FROM collab_roles;
DROP TABLE collab_roles;
ALTER TABLE collab_roles_new RENAME TO collab_roles;
CREATE INDEX collab_roles_user ON collab_roles(user_id);

-- +goose Down
DELETE FROM collab_roles WHERE role = 'co_lead';
CREATE TABLE collab_roles_old (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('convener','coach','funder','evaluator')),
    PRIMARY KEY (collaborative_id, user_id, role)
);
INSERT INTO collab_roles_old (collaborative_id, user_id, role) SELECT collaborative_id, user_id, role FROM collab_roles;
DROP TABLE collab_roles;
ALTER TABLE collab_roles_old RENAME TO collab_roles;
CREATE INDEX collab_roles_user ON collab_roles(user_id);
DELETE FROM team_members WHERE role IN ('lead','member');
CREATE TABLE team_members_old (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('director','direct_service','other')),
    PRIMARY KEY (team_id, user_id)
);
INSERT INTO team_members_old (team_id, user_id, role) SELECT team_id, user_id, role FROM team_members;
DROP TABLE team_members;
ALTER TABLE team_members_old RENAME TO team_members;
CREATE INDEX team_members_user ON team_members(user_id);
ALTER TABLE collaboratives DROP COLUMN team_names_to;
ALTER TABLE collaboratives DROP COLUMN meetings_commitment;
ALTER TABLE collaboratives DROP COLUMN community_roles;
ALTER TABLE applications DROP COLUMN commitments_agreed_at;
ALTER TABLE attendance DROP COLUMN alternative;
ALTER TABLE attendance DROP COLUMN agreed_with;
ALTER TABLE teams DROP COLUMN joined_on;
