package sqlstore

import "database/sql"

// Raw returns the read pool, for tests and tools that inspect the database
// as a whole (the access-control test's before/after digest). Application
// code goes through the store's methods.
func (db *DB) Raw() *sql.DB { return db.read }
