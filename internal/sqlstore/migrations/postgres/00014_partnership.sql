-- +goose Up
-- Issue 14, the partnership and disclosure model (see the SQLite file for
-- the reasons of each column).
ALTER TABLE teams ADD COLUMN joined_on DATE;
ALTER TABLE attendance ADD COLUMN agreed_with TEXT NOT NULL DEFAULT '';
ALTER TABLE attendance ADD COLUMN alternative TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN commitments_agreed_at TIMESTAMPTZ;
ALTER TABLE collaboratives ADD COLUMN community_roles TEXT NOT NULL DEFAULT 'lead';
ALTER TABLE collaboratives ADD COLUMN meetings_commitment TEXT NOT NULL DEFAULT '';
ALTER TABLE collaboratives ADD COLUMN team_names_to TEXT NOT NULL DEFAULT 'coach';
ALTER TABLE team_members DROP CONSTRAINT team_members_role_check;
ALTER TABLE team_members ADD CONSTRAINT team_members_role_check CHECK (role IN ('director','direct_service','other','lead','member'));
ALTER TABLE collab_roles DROP CONSTRAINT collab_roles_role_check;
ALTER TABLE collab_roles ADD CONSTRAINT collab_roles_role_check CHECK (role IN ('convener','coach','funder','evaluator','co_lead'));

-- +goose Down
DELETE FROM collab_roles WHERE role = 'co_lead';
ALTER TABLE collab_roles DROP CONSTRAINT collab_roles_role_check;
ALTER TABLE collab_roles ADD CONSTRAINT collab_roles_role_check CHECK (role IN ('convener','coach','funder','evaluator'));
DELETE FROM team_members WHERE role IN ('lead','member');
ALTER TABLE team_members DROP CONSTRAINT team_members_role_check;
ALTER TABLE team_members ADD CONSTRAINT team_members_role_check CHECK (role IN ('director','direct_service','other'));
ALTER TABLE collaboratives DROP COLUMN team_names_to;
ALTER TABLE collaboratives DROP COLUMN meetings_commitment;
ALTER TABLE collaboratives DROP COLUMN community_roles;
ALTER TABLE applications DROP COLUMN commitments_agreed_at;
ALTER TABLE attendance DROP COLUMN alternative;
ALTER TABLE attendance DROP COLUMN agreed_with;
ALTER TABLE teams DROP COLUMN joined_on;
