package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// buildBinary compiles goeswell once for tests that need a real process.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func goeswellBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goeswell-bin")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "goeswell")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// auditKeys maps a PostgreSQL test database to the audit key file its
// replicas share.
var auditKeys sync.Map

// auditKeyFile is the audit key file servers of dsn use: for SQLite the
// default beside the database (""), for PostgreSQL one temporary file per
// database, shared by its replicas as a deployment would share it.
func auditKeyFile(t *testing.T, dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return ""
	}
	if v, ok := auditKeys.Load(dsn); ok {
		return v.(string)
	}
	v, _ := auditKeys.LoadOrStore(dsn, filepath.Join(t.TempDir(), "audit.key"))
	return v.(string)
}

// verifyAudit seals and verifies the audit log of a database that goeswell
// servers wrote, with their key and checkpoints, as `goeswell audit
// verify` would.
func verifyAudit(t *testing.T, db *sqlstore.DB, dsn string) sqlstore.AuditReport {
	t.Helper()
	ctx := context.Background()
	keyFile := auditKeyFile(t, dsn)
	if keyFile == "" {
		keyFile = filepath.Join(filepath.Dir(strings.TrimPrefix(dsn, "sqlite:")), "audit.key")
	}
	key, err := sqlstore.LoadAuditKey(keyFile, false)
	must(t, err)
	must(t, db.SetAuditChain(sqlstore.AuditChain{Key: key, Checkpoints: filepath.Join(filepath.Dir(keyFile), "audit-checkpoints")}))
	_, err = db.SealAudit(ctx)
	must(t, err)
	r, err := db.VerifyAudit(ctx)
	must(t, err)
	return r
}

// startServe runs `goeswell serve` as a process and waits for /readyz.
func startServe(t *testing.T, bin, dsn, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr, "--log-level", "warn")
	if k := auditKeyFile(t, dsn); k != "" {
		cmd.Env = append(os.Environ(), "GOESWELL_AUDIT_KEY_FILE="+k)
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A test that stops early (t.Fatal) must not leave the server running.
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	last := "no answer"
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				return cmd
			}
			last = fmt.Sprintf("%d %s", res.StatusCode, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server did not become ready; /readyz: %s", last)
	return nil
}

// TestCrashSafety kills the server with SIGKILL while clients write, again
// and again. Every write the server acknowledged must be in the database
// afterwards, the database must pass integrity_check after every crash,
// and writes retried with their idempotency key must not be applied twice.
// GOESWELL_CRASH_CYCLES sets the number of crashes (default 20, about
// half a minute).
//
// A SIGKILL cannot show a lost fsync (the kernel's page cache outlives the
// process, so even synchronous=OFF passes a kill), so the test also reads
// the durability settings back from the serving process itself (/readyz
// reports what its writer connection runs with) and refuses anything but
// journal_mode=wal synchronous=2. A write counts as acknowledged only when
// its whole answer arrived, a 201 naming the new team's id, and that id
// must hold that name afterwards. Each cycle must see at least
// minAckedPerCycle acknowledged writes, so a server that answers nothing
// cannot pass by having nothing to lose.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	const minAckedPerCycle = 20
	cycles := 20
	if v, err := strconv.Atoi(os.Getenv("GOESWELL_CRASH_CYCLES")); err == nil && v > 0 {
		cycles = v
	}
	bin := goeswellBinary(t)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	must(t, err)
	_, err = db.Migrate(ctx)
	must(t, err)
	admin := &collab.User{Email: "admin@example.org", Name: "Admin"}
	must(t, db.CreateUser(ctx, collab.Who{}, admin, ""))
	must(t, db.SetSiteAdmin(ctx, collab.Who{}, admin.ID))
	c := &collab.Collaborative{Name: "Crash", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 1, 1), Policy: collab.DefaultPolicy()}
	must(t, db.CreateCollaborative(ctx, collab.Who{}, c, nil, admin.ID))
	const token = "gw_crash-test-token"
	must(t, db.CreateAPIToken(ctx, collab.Who{}, &collab.APIToken{UserID: admin.ID, Name: "crash"}, token))
	db.Close()

	type write struct {
		name  string
		acked bool
		id    int64 // the team's id in the acknowledgement
	}
	var mu sync.Mutex
	writes := map[string]*write{} // by idempotency key
	var pending []string          // keys whose answer was lost
	client := &http.Client{Timeout: 5 * time.Second}
	// send reports a write acknowledged only once its whole answer has
	// arrived and names the team it made (or, for a retry, says the write
	// was already made): headers alone could come before a commit that
	// then fails.
	send := func(addr, key, name string) (int64, error) {
		body := fmt.Sprintf(`{"name":%q,"kind":"community"}`, name)
		req, _ := http.NewRequest("POST", fmt.Sprintf("http://%s/api/v1/collaboratives/%d/teams", addr, c.ID), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		if res.StatusCode != 201 && res.StatusCode != 200 {
			return 0, fmt.Errorf("status %d", res.StatusCode)
		}
		if res.Header.Get("Idempotent-Replayed") == "true" {
			// A retry of a write the crash left unanswered that had been
			// committed: acknowledged, with no id to name (it is checked
			// by name below).
			return 0, nil
		}
		var team struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		if err := json.NewDecoder(res.Body).Decode(&team); err != nil {
			return 0, fmt.Errorf("answer: %w", err)
		}
		if team.ID == 0 || team.Name != name {
			return 0, fmt.Errorf("answer names team %d %q, want %q", team.ID, team.Name, name)
		}
		return team.ID, nil
	}
	checkDurable := func(addr string) {
		t.Helper()
		res, err := http.Get("http://" + addr + "/readyz")
		must(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), "sqlite: journal_mode=wal synchronous=2") {
			t.Fatalf("the server does not commit as README promises (journal_mode=wal synchronous=2); /readyz says:\n%s", b)
		}
	}
	seq, totalAcked := 0, 0
	for cycle := 0; cycle < cycles; cycle++ {
		addr := freeAddr(t)
		srv := startServe(t, bin, dsn, addr)
		checkDurable(addr)
		// First, retry what the last crash left unanswered.
		for _, key := range pending {
			id, err := send(addr, key, writes[key].name)
			if err != nil {
				t.Fatalf("retry of %s after restart: %v", key, err)
			}
			writes[key].acked, writes[key].id = true, id
		}
		pending = nil
		ackedBefore := 0
		for _, wr := range writes {
			if wr.acked {
				ackedBefore++
			}
		}
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					mu.Lock()
					seq++
					key := fmt.Sprintf("c%d-w%d-%d", cycle, w, seq)
					wr := &write{name: "Team " + key}
					writes[key] = wr
					mu.Unlock()
					id, err := send(addr, key, wr.name)
					mu.Lock()
					if err == nil {
						wr.acked, wr.id = true, id
					} else {
						pending = append(pending, key)
					}
					mu.Unlock()
					if err != nil {
						return // the server is gone
					}
				}
			}(w)
		}
		time.Sleep(time.Duration(250+rand.IntN(400)) * time.Millisecond)
		if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		srv.Wait()
		close(stop)
		wg.Wait()

		// After the crash: the file is sound and holds every acknowledged write.
		db, err := sqlstore.Open(ctx, dsn)
		must(t, err)
		var check string
		must(t, db.Raw().QueryRow(`PRAGMA integrity_check`).Scan(&check))
		if check != "ok" {
			t.Fatalf("cycle %d: integrity_check: %s", cycle, check)
		}
		teams, err := db.Teams(ctx, c.ID, sqlstore.TeamFilter{})
		must(t, err)
		db.Close()
		have := map[string]int{}
		byID := map[int64]string{}
		for _, tm := range teams {
			have[tm.Name]++
			byID[tm.ID] = tm.Name
		}
		acked := 0
		for key, wr := range writes {
			if wr.acked {
				acked++
				if have[wr.name] != 1 {
					t.Errorf("cycle %d: acknowledged write %s is in the database %d times", cycle, key, have[wr.name])
				}
				if wr.id != 0 && byID[wr.id] != wr.name {
					t.Errorf("cycle %d: acknowledged write %s named team %d, which holds %q", cycle, key, wr.id, byID[wr.id])
				}
			}
			if have[wr.name] > 1 {
				t.Errorf("cycle %d: write %s applied %d times", cycle, key, have[wr.name])
			}
		}
		if acked-ackedBefore < minAckedPerCycle {
			t.Errorf("cycle %d: only %d writes acknowledged before the crash, want at least %d: the test saw too little to prove anything", cycle, acked-ackedBefore, minAckedPerCycle)
		}
		totalAcked = acked
		t.Logf("cycle %d: %d writes acknowledged so far, %d unanswered at the crash, all present", cycle, acked, len(pending))
	}
	t.Logf("%d crashes, %d acknowledged writes, none lost", cycles, totalAcked)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var _ = sqltest.EnvPostgres // cheap password hashing in this package's tests

// TestBackupUnderLoad takes `goeswell backup` while clients write, then
// checks that the copy is sound, holds a consistent prefix of the writes
// and serves.
func TestBackupUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	bin := goeswellBinary(t)
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "live.db")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	must(t, err)
	_, err = db.Migrate(ctx)
	must(t, err)
	admin := &collab.User{Email: "admin@example.org", Name: "Admin"}
	must(t, db.CreateUser(ctx, collab.Who{}, admin, ""))
	c := &collab.Collaborative{Name: "Backup", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 1, 1), Policy: collab.DefaultPolicy()}
	must(t, db.CreateCollaborative(ctx, collab.Who{}, c, nil, admin.ID))
	must(t, db.CreateAPIToken(ctx, collab.Who{}, &collab.APIToken{UserID: admin.ID, Name: "b"}, "gw_backup"))
	db.Close()

	addr := freeAddr(t)
	srv := startServe(t, bin, dsn, addr)
	defer func() { srv.Process.Signal(syscall.SIGTERM); srv.Wait() }()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", fmt.Sprintf("http://%s/api/v1/collaboratives/%d/teams", addr, c.ID),
					strings.NewReader(fmt.Sprintf(`{"name":"w%d-%d","kind":"community"}`, w, i)))
				req.Header.Set("Authorization", "Bearer gw_backup")
				if res, err := http.DefaultClient.Do(req); err == nil {
					res.Body.Close()
				}
			}
		}(w)
	}
	// Back up once the sealer has chained some rows, so the copy holds a
	// sealed chain to verify (it seals about once a second).
	live, err := sqlstore.Open(ctx, dsn)
	must(t, err)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var sealed int
		must(t, live.Raw().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE sealed`).Scan(&sealed))
		if sealed > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server sealed no audit row in 30 s")
		}
	}
	live.Close()
	time.Sleep(300 * time.Millisecond)
	copyPath := filepath.Join(dir, "copy.db")
	out, err := exec.Command(bin, "backup", "--db", dsn, "--to", copyPath).CombinedOutput()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()

	cp, err := sqlstore.Open(ctx, "sqlite:"+copyPath)
	must(t, err)
	var check string
	must(t, cp.Raw().QueryRow(`PRAGMA integrity_check`).Scan(&check))
	if check != "ok" {
		t.Fatalf("backup integrity_check: %s", check)
	}
	must(t, cp.CheckSchema(ctx))
	// The copy's chain, with the server's key; not against the live
	// checkpoints, which rightly see the copy as a log cut short.
	key, err := sqlstore.LoadAuditKey(filepath.Join(dir, "audit.key"), false)
	must(t, err)
	must(t, cp.SetAuditChain(sqlstore.AuditChain{Key: key}))
	if r, err := cp.VerifyAudit(ctx); err != nil || !r.OK() || r.Sealed == 0 {
		t.Fatalf("backup's audit chain: %+v (%v)", r, err)
	}
	teams, err := cp.Teams(ctx, c.ID, sqlstore.TeamFilter{})
	must(t, err)
	cp.Close()
	if len(teams) == 0 {
		t.Fatal("the backup holds none of the writes made before it")
	}
	// Each writer's teams in the copy are a prefix 0..k: a snapshot, not a patchwork.
	seen := map[int][]bool{}
	for _, tm := range teams {
		var w, i int
		if _, err := fmt.Sscanf(tm.Name, "w%d-%d", &w, &i); err != nil {
			t.Fatalf("team %q", tm.Name)
		}
		for len(seen[w]) <= i {
			seen[w] = append(seen[w], false)
		}
		seen[w][i] = true
	}
	for w, s := range seen {
		for i, ok := range s {
			if !ok {
				t.Errorf("writer %d: write %d missing from the backup but a later one is there", w, i)
			}
		}
	}
	// The copy serves.
	addr2 := freeAddr(t)
	srv2 := startServe(t, bin, "sqlite:"+copyPath, addr2)
	srv2.Process.Signal(syscall.SIGTERM)
	srv2.Wait()
	t.Logf("backup under load: %d teams in the copy", len(teams))
}
