-- +goose Up
-- Issue 14: roles as data (see the SQLite file for the reasons of each
-- table).
CREATE TABLE role_grants (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    grants           TEXT NOT NULL,
    PRIMARY KEY (collaborative_id, role)
);
CREATE TABLE role_programs (
    collaborative_id BIGINT PRIMARY KEY REFERENCES collaboratives(id) ON DELETE CASCADE,
    program          TEXT NOT NULL CHECK (program IN ('wellbeing','community','bsc'))
);
CREATE TABLE role_teams (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    PRIMARY KEY (collaborative_id, user_id, team_id)
);
CREATE INDEX role_teams_user ON role_teams(user_id);
ALTER TABLE collab_roles DROP CONSTRAINT collab_roles_role_check;
ALTER TABLE collab_roles ADD CONSTRAINT collab_roles_role_check CHECK (role <> '');

-- +goose Down
DELETE FROM collab_roles WHERE role NOT IN ('convener','coach','funder','evaluator','co_lead');
ALTER TABLE collab_roles DROP CONSTRAINT collab_roles_role_check;
ALTER TABLE collab_roles ADD CONSTRAINT collab_roles_role_check CHECK (role IN ('convener','coach','funder','evaluator','co_lead'));
DROP TABLE role_teams;
DROP TABLE role_programs;
DROP TABLE role_grants;
