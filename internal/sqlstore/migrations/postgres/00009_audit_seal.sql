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
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET prev_hash = '', hash = '';
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

-- The one update allowed is the seal: an unsealed row gets its place in
-- the chain and its hash, and nothing else about it changes. A sealed row
-- never changes again; DELETE and TRUNCATE are refused as before.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NOT OLD.sealed AND NEW.sealed AND NEW.seq IS NOT NULL AND NEW.hash <> ''
           AND (NEW.id, NEW.at, NEW.actor_id, NEW.collaborative_id, NEW.action, NEW.target, NEW.detail, NEW.remote_addr)
               IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor_id, OLD.collaborative_id, OLD.action, OLD.target, OLD.detail, OLD.remote_addr) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
DROP INDEX audit_log_unsealed;
DROP INDEX audit_log_seq;
ALTER TABLE audit_log DROP COLUMN sealed;
ALTER TABLE audit_log DROP COLUMN seq;
