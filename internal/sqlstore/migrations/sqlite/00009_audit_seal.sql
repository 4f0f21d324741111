-- +goose Up
-- Audit rows are now written outside the hash chain, in the change's own
-- transaction, and a sealer chains them afterwards (internal/sqlstore/
-- auditchain.go says why): seq is a row's place in the chain, sealed says
-- it has one. The chain is keyed (HMAC) with a key kept outside the
-- database.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN sealed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
CREATE INDEX audit_log_unsealed ON audit_log(id) WHERE NOT sealed;

-- The old chain was unkeyed, so anyone could recompute it; the rows it
-- covered are sealed again, with the key, by the first sealer to run.
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET prev_hash = '', hash = '';

-- The one update allowed is the seal: an unsealed row gets its place in
-- the chain and its hash, and nothing else about it changes. A sealed row
-- never changes again.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.sealed = 0 AND NEW.sealed = 1 AND NEW.seq IS NOT NULL AND NEW.hash <> ''
    AND NEW.id = OLD.id AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id
    AND NEW.collaborative_id IS OLD.collaborative_id AND NEW.action IS OLD.action
    AND NEW.target IS OLD.target AND NEW.detail IS OLD.detail AND NEW.remote_addr IS OLD.remote_addr)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_update;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
DROP INDEX audit_log_unsealed;
DROP INDEX audit_log_seq;
ALTER TABLE audit_log DROP COLUMN sealed;
ALTER TABLE audit_log DROP COLUMN seq;
