package sqlstore

import "database/sql"

// Raw exposes the read pool to tests of SQL behaviour.
func (db *DB) Raw() *sql.DB { return db.read }
