package sqlstore_test

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestAuditAppendOnly: the database refuses to change or remove audit
// rows, except for the sealer's one update of an unsealed row's chain
// columns, and the chain reveals a row edited behind the triggers' back.
func TestAuditAppendOnly(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		for i := 0; i < 3; i++ {
			if err := db.Audit(ctx, collab.Who{UserID: f.convID}, f.c.ID, "export.teams", "", "csv"); err != nil {
				t.Fatal(err)
			}
		}
		// Row 1 sealed, the rest not yet: the triggers must refuse every
		// change to both kinds but the seal itself.
		if _, err := db.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.Audit(ctx, collab.Who{UserID: f.convID}, f.c.ID, "export.teams", "", "csv"); err != nil {
			t.Fatal(err)
		}
		var unsealed int64
		if err := db.Raw().QueryRowContext(ctx, `SELECT MAX(id) FROM audit_log WHERE NOT sealed`).Scan(&unsealed); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{
			`UPDATE audit_log SET detail = 'edited' WHERE id = 2`,
			`DELETE FROM audit_log WHERE id = 2`,
			`UPDATE audit_log SET seq = seq + 1000, hash = 'x' WHERE id = 2`,
			`UPDATE audit_log SET sealed = FALSE, seq = NULL, prev_hash = '', hash = '' WHERE id = 2`,
			fmt.Sprintf(`UPDATE audit_log SET detail = 'edited', seq = 99999, hash = 'x', sealed = TRUE WHERE id = %d`, unsealed),
			fmt.Sprintf(`UPDATE audit_log SET detail = 'edited' WHERE id = %d`, unsealed),
			fmt.Sprintf(`DELETE FROM audit_log WHERE id = %d`, unsealed),
		} {
			if _, err := db.Exec(ctx, stmt); err == nil {
				t.Errorf("%s: accepted", stmt)
			}
		}
		if db.Dialect == sqlstore.Postgres {
			if _, err := db.Exec(ctx, `TRUNCATE audit_log`); err == nil {
				t.Error("TRUNCATE audit_log: accepted")
			}
		}
		// The seal itself is allowed.
		if _, err := db.Exec(ctx, fmt.Sprintf(`UPDATE audit_log SET seq = 99999, prev_hash = 'p', hash = 'h', sealed = TRUE WHERE id = %d`, unsealed)); err != nil {
			t.Errorf("the sealer's update refused: %v", err)
		}
	})
}

// sealedLog fills a store's audit log and seals it in two rounds, with a
// known key and a checkpoint file; it returns the key, the file and the
// chain's newest position.
func sealedLog(t *testing.T, db *sqlstore.DB) (key []byte, checkpoints string, head int64) {
	t.Helper()
	key = bytes.Repeat([]byte{7}, 32)
	checkpoints = filepath.Join(t.TempDir(), "audit-checkpoints")
	if err := db.SetAuditChain(sqlstore.AuditChain{Key: key, Checkpoints: checkpoints}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, db)
	for round := 0; round < 2; round++ {
		for i := 0; i < 4; i++ {
			if err := db.Audit(ctx, collab.Who{UserID: f.convID}, f.c.ID, "export.teams", "", fmt.Sprint(round, i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	r, err := db.VerifyAudit(ctx)
	if err != nil || !r.OK() || r.Unsealed != 0 || r.Checkpoints != 2 || r.Sealed != r.Head.Seq {
		t.Fatalf("VerifyAudit of an intact, sealed log = %+v, %v", r, err)
	}
	return key, checkpoints, r.Head.Seq
}

// TestAuditTamper (issue 11 item 8): someone with write access to the
// database — triggers dropped — edits, deletes or cuts off audit rows and
// repairs the chain as best they can. Each attack is checked twice: with
// the checkpoint file, where it must be found, and without it, which
// shows what the keyed chain catches by itself (an attacker holding the
// key can rewrite it; only the checkpoints outside the database catch
// that, or rows cut off the end).
func TestAuditTamper(t *testing.T) {
	wrongKey := bytes.Repeat([]byte{9}, 32)
	tests := []struct {
		name string
		// tamper attacks a chain whose newest position is head, sealed
		// with key.
		tamper func(t *testing.T, db *sqlstore.DB, key []byte, head int64)
		// what verify says with the checkpoints and without them ("" for
		// intact).
		with, without string
		// whether a sealer refuses to extend the chain afterwards: it
		// checks the newest entry and the last checkpoint, not the whole
		// chain, so damage further back is left for verify to report.
		sealerRefuses bool
	}{
		{"edit a middle entry", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, `UPDATE audit_log SET detail = 'edited' WHERE seq = 3`))
		}, "entry at 3 does not match its hash", "entry at 3 does not match its hash", false},
		{"edit a middle entry and rehash the rest without the key", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, `UPDATE audit_log SET detail = 'edited' WHERE seq = 3`))
			must(t, db.RechainForTest(ctx, wrongKey, 3))
		}, "entry at 3 does not match its hash", "entry at 3 does not match its hash", true},
		{"edit a middle entry and rehash the rest with a stolen key", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, `UPDATE audit_log SET detail = 'edited' WHERE seq = 3`))
			must(t, db.RechainForTest(ctx, key, 3))
		}, "differs from its checkpoint", "", true},
		{"delete the newest entries", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, fmt.Sprintf(`DELETE FROM audit_log WHERE seq > %d`, head-2)))
		}, "entries were removed from the end", "", true},
		{"delete a middle entry", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, `DELETE FROM audit_log WHERE seq = 3`))
		}, "entry at 4 is at chain position 4, after position 2", "entry at 4 is at chain position 4, after position 2", false},
		{"delete a middle entry and rehash the rest without the key", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, `DELETE FROM audit_log WHERE seq = 3`))
			must(t, db.RechainForTest(ctx, wrongKey, 3))
		}, "entry at 4 does not match its hash", "entry at 4 does not match its hash", true},
		{"delete a middle entry and rehash the rest with a stolen key", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, `DELETE FROM audit_log WHERE seq = 3`))
			must(t, db.RechainForTest(ctx, key, 3))
		}, "differs from its checkpoint", "", true},
		{"unseal a middle entry to edit it", func(t *testing.T, db *sqlstore.DB, key []byte, head int64) {
			must(t, db.TamperForTest(ctx, `UPDATE audit_log SET detail = 'edited', sealed = FALSE, seq = NULL, prev_hash = '', hash = '' WHERE seq = 3`))
		}, "entry at 4 is at chain position 4, after position 2", "entry at 4 is at chain position 4, after position 2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
				key, checkpoints, head := sealedLog(t, db)
				// "entry at N" in a want names the row at chain position N
				// before the attack.
				ids := map[int64]int64{}
				rows, err := db.Raw().QueryContext(ctx, `SELECT seq, id FROM audit_log WHERE sealed`)
				must(t, err)
				for rows.Next() {
					var seq, id int64
					must(t, rows.Scan(&seq, &id))
					ids[seq] = id
				}
				rows.Close()
				want := func(s string) string {
					for seq, id := range ids {
						s = strings.ReplaceAll(s, fmt.Sprintf("entry at %d ", seq), fmt.Sprintf("entry %d ", id))
					}
					return s
				}
				tt.tamper(t, db, key, head)
				for _, c := range []struct {
					checkpoints, want string
				}{{checkpoints, want(tt.with)}, {"", want(tt.without)}} {
					must(t, db.SetAuditChain(sqlstore.AuditChain{Key: key, Checkpoints: c.checkpoints}))
					r, err := db.VerifyAudit(ctx)
					must(t, err)
					switch {
					case c.want == "" && !r.OK():
						t.Errorf("checkpoints %q: VerifyAudit found %q, want intact", c.checkpoints, r.Problem)
					case c.want != "" && !strings.Contains(r.Problem, c.want):
						t.Errorf("checkpoints %q: VerifyAudit found %q, want %q", c.checkpoints, r.Problem, c.want)
					}
				}
				// A sealer that knows the checkpoints will not extend a
				// chain whose end was tampered with: new rows stay unsealed
				// and it says why. Where it does seal on, the damage further
				// back still shows.
				must(t, db.SetAuditChain(sqlstore.AuditChain{Key: key, Checkpoints: checkpoints}))
				must(t, db.Audit(ctx, collab.Who{}, 0, "after.attack", "", ""))
				_, err = db.SealAudit(ctx)
				switch {
				case tt.sealerRefuses && !errors.Is(err, sqlstore.ErrAuditChain):
					t.Errorf("SealAudit after the attack = %v, want ErrAuditChain", err)
				case !tt.sealerRefuses && err != nil:
					t.Errorf("SealAudit after the attack = %v", err)
				case !tt.sealerRefuses:
					if r, err := db.VerifyAudit(ctx); err != nil || r.OK() {
						t.Errorf("VerifyAudit after sealing on = %+v, %v; want the damage still found", r, err)
					}
				}
			})
		})
	}
}

// TestAuditSealerKey: a store given another key will not seal onto the
// chain (a replica started with the wrong key file), and CheckAuditKey
// says so before a server starts.
func TestAuditSealerKey(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		sealedLog(t, db)
		must(t, db.SetAuditChain(sqlstore.AuditChain{Key: bytes.Repeat([]byte{9}, 32)}))
		if err := db.CheckAuditKey(ctx); !errors.Is(err, sqlstore.ErrAuditChain) {
			t.Errorf("CheckAuditKey with another key = %v, want ErrAuditChain", err)
		}
		must(t, db.Audit(ctx, collab.Who{}, 0, "x", "", ""))
		if n, err := db.SealAudit(ctx); !errors.Is(err, sqlstore.ErrAuditChain) || n != 0 {
			t.Errorf("SealAudit with another key = %d, %v; want 0, ErrAuditChain", n, err)
		}
	})
}

// TestAuditSealUnderLoad: writers append audit rows while sealers run
// concurrently (on PostgreSQL several connections, as several replicas
// would: ids commit out of order there). Every row ends in the chain
// exactly once and the chain verifies.
func TestAuditSealUnderLoad(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, checkpoints, _ := sealedLog(t, db)
		var before int64
		must(t, db.Raw().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&before))
		const writers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, writers*each+100)
		stop := make(chan struct{})
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					errs <- db.Audit(ctx, collab.Who{}, 0, "load", "", fmt.Sprint(w, i))
				}
			}()
		}
		var sealers sync.WaitGroup
		for s := 0; s < 3; s++ {
			sealers.Add(1)
			go func() {
				defer sealers.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := db.SealAudit(ctx); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		sealers.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.SealAudit(ctx)
		must(t, err)
		r, err := db.VerifyAudit(ctx)
		must(t, err)
		if !r.OK() || r.Unsealed != 0 || r.Sealed != before+writers*each {
			t.Errorf("after concurrent writes and seals: %+v, want %d sealed and intact", r, before+writers*each)
		}
		cps, err := sqlstore.ReadAuditCheckpoints(checkpoints)
		must(t, err)
		if len(cps) < 3 || cps[len(cps)-1].Seq > r.Head.Seq {
			t.Errorf("checkpoints %v, head %v", cps, r.Head)
		}
	})
}

// TestAuditSealsLateCommits: on PostgreSQL a transaction can hold a
// smaller id than one that commits before it. The late row joins the
// chain after the rows sealed meanwhile, and nothing is lost or broken.
func TestAuditSealsLateCommits(t *testing.T) {
	db := sqltest.Postgres(t)
	must(t, db.Audit(ctx, collab.Who{}, 0, "first", "", ""))
	late, err := db.Raw().BeginTx(ctx, nil)
	must(t, err)
	defer late.Rollback()
	var lateID int64
	must(t, late.QueryRowContext(ctx, `INSERT INTO audit_log (at, action) VALUES (now(), 'late') RETURNING id`).Scan(&lateID))
	must(t, db.Audit(ctx, collab.Who{}, 0, "after", "", ""))
	if n, err := db.SealAudit(ctx); err != nil || n != 2 {
		t.Fatalf("SealAudit with a transaction in flight = %d, %v; want 2", n, err)
	}
	must(t, late.Commit())
	if n, err := db.SealAudit(ctx); err != nil || n != 1 {
		t.Fatalf("SealAudit after the late commit = %d, %v; want 1", n, err)
	}
	r, err := db.VerifyAudit(ctx)
	must(t, err)
	var seq int64
	must(t, db.Raw().QueryRowContext(ctx, `SELECT seq FROM audit_log WHERE id = $1`, lateID).Scan(&seq))
	if !r.OK() || r.Sealed != 3 || seq != 3 {
		t.Errorf("report %+v, the late row at position %d; want 3 sealed, the late row third", r, seq)
	}
}

// TestAuditMigrationReseals: a database from before the keyed chain
// (schema 8: every row chained with plain SHA-256 as it was written)
// upgrades to rows the sealer seals again under the key, in id order,
// and the result verifies.
func TestAuditMigrationReseals(t *testing.T) {
	for _, st := range []struct {
		name string
		dsn  func(testing.TB) string
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "old.db") }},
		{"postgres", sqltest.PostgresDSN},
	} {
		t.Run(st.name, func(t *testing.T) {
			db, err := sqlstore.Open(ctx, st.dsn(t))
			must(t, err)
			defer db.Close()
			must(t, db.MigrateToForTest(ctx, 8))
			for i := 1; i <= 3; i++ {
				// What the old audit() wrote: a hash and a link.
				_, err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO audit_log (at, action, prev_hash, hash) VALUES ('2026-01-0%dT00:00:00.000000Z', 'old.%d', 'prev%d', 'hash%d')`, i, i, i, i))
				must(t, err)
			}
			_, err = db.Migrate(ctx)
			must(t, err)
			if n, err := db.SealAudit(ctx); err != nil || n != 3 {
				t.Fatalf("SealAudit after the upgrade = %d, %v; want 3", n, err)
			}
			r, err := db.VerifyAudit(ctx)
			must(t, err)
			var first string
			must(t, db.Raw().QueryRowContext(ctx, `SELECT action FROM audit_log WHERE seq = 1`).Scan(&first))
			if !r.OK() || r.Sealed != 3 || first != "old.1" {
				t.Errorf("after the upgrade: %+v, first in the chain %q; want 3 sealed, intact, old.1 first", r, first)
			}
		})
	}
}

// TestAuditBeforeAfter: an update's audit row names each changed field
// with its value before and after.
func TestAuditBeforeAfter(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		name, focus := "Team A renamed", "Housing first"
		if _, err := db.UpdateTeam(ctx, collab.Who{UserID: f.convID}, f.c.ID, f.teamA.ID, sqlstore.TeamUpdate{Name: &name, Focus: &focus}); err != nil {
			t.Fatal(err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"focus":["","Housing first"],"name":["Team A","Team A renamed"]}`; es[0].Action != "team.update" || es[0].Detail != want {
			t.Errorf("audit detail = %s %s, want %s", es[0].Action, es[0].Detail, want)
		}
		c := *f.c
		c.Policy.HoursMax = 8
		if err := db.UpdateCollaborative(ctx, collab.Who{UserID: f.convID}, &c, nil); err != nil {
			t.Fatal(err)
		}
		es, _ = db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if want := `{"hoursMax":[6,8]}`; es[0].Detail != want {
			t.Errorf("audit detail = %s, want %s", es[0].Detail, want)
		}
	})
}

// TestAuditDiffHidesSecrets: a person's own settings change is audited
// field by field, and no secret column ever reaches the detail.
func TestAuditDiffHidesSecrets(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		name := "New Name"
		off := false
		if err := db.UpdateUser(ctx, collab.Who{UserID: f.convID}, f.convID, sqlstore.UserUpdate{Name: &name, Reminders: &off}); err != nil {
			t.Fatal(err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		d := es[0].Detail
		if es[0].Action != "user.update" || !strings.Contains(d, `"name":["convener@example.org","New Name"]`) || !strings.Contains(d, `"reminders"`) {
			t.Errorf("detail = %s", d)
		}
		if strings.Contains(d, "password_hash") || strings.Contains(d, "hash") {
			t.Errorf("a secret column in the audit detail: %s", d)
		}
	})
}
