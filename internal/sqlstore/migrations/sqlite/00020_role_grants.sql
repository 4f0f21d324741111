-- +goose Up
-- Issue 14: roles as data. A collaborative role is a set of grants over
-- named capabilities; the built-in roles are templates in code
-- (collab.Programs), so a collaborative without rows here behaves exactly
-- as before.
--
-- role_grants: a convener's override of one role's grants, the
-- capabilities' names space-separated; no row means the template's
-- defaults.
CREATE TABLE role_grants (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    grants           TEXT NOT NULL,
    PRIMARY KEY (collaborative_id, role)
);
-- role_programs: which seed program's roles the collaborative lists (and
-- offers in invitations); no row means seed 000's.
CREATE TABLE role_programs (
    collaborative_id BIGINT PRIMARY KEY REFERENCES collaboratives(id) ON DELETE CASCADE,
    program          TEXT NOT NULL CHECK (program IN ('wellbeing','community','bsc'))
);
-- role_teams: the teams a person serves in a role that reads assigned
-- teams only (seed 001's local evaluator per community).
CREATE TABLE role_teams (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    PRIMARY KEY (collaborative_id, user_id, team_id)
);
CREATE INDEX role_teams_user ON role_teams(user_id);

-- A role is any built-in template's name now (the domain checks it), so
-- collab_roles loses its CHECK. SQLite cannot drop a CHECK: rebuilt as in
-- 00014.
CREATE TABLE collab_roles_new (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role <> ''),
    PRIMARY KEY (collaborative_id, user_id, role)
);
INSERT INTO collab_roles_new (collaborative_id, user_id, role) SELECT collaborative_id, user_id, role FROM collab_roles;
DROP TABLE collab_roles;
ALTER TABLE collab_roles_new RENAME TO collab_roles;
CREATE INDEX collab_roles_user ON collab_roles(user_id);

-- +goose Down
DELETE FROM collab_roles WHERE role NOT IN ('convener','coach','funder','evaluator','co_lead');
CREATE TABLE collab_roles_old (
    collaborative_id BIGINT NOT NULL REFERENCES collaboratives(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('convener','coach','funder','evaluator','co_lead')),
    PRIMARY KEY (collaborative_id, user_id, role)
);
INSERT INTO collab_roles_old (collaborative_id, user_id, role) SELECT collaborative_id, user_id, role FROM collab_roles;
DROP TABLE collab_roles;
ALTER TABLE collab_roles_old RENAME TO collab_roles;
CREATE INDEX collab_roles_user ON collab_roles(user_id);
DROP TABLE role_teams;
DROP TABLE role_programs;
DROP TABLE role_grants;
