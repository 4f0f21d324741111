package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

var ctx = context.Background()

// TestPlaceholders pins the contract the whole store relies on: both
// drivers bind $n by number, out of order and repeated.
func TestPlaceholders(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		var a, b string
		if err := db.Raw().QueryRowContext(ctx, `SELECT $2 || '-' || $1, $1`, "one", "two").Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		if a != "two-one" || b != "one" {
			t.Fatalf("got %q, %q; want two-one, one", a, b)
		}
	})
}

func columns(t *testing.T, db *sqlstore.DB) map[string][]string {
	t.Helper()
	q := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`
	if db.Dialect == sqlstore.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`
	}
	rows, err := db.Raw().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		out[tbl] = append(out[tbl], col)
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

// TestSchemasMatch checks that both dialects' migrations end with the same
// tables and columns.
func TestSchemasMatch(t *testing.T) {
	lite := columns(t, sqltest.SQLite(t))
	pg := columns(t, sqltest.Postgres(t))
	if len(lite) == 0 {
		t.Fatal("no tables in SQLite")
	}
	for tbl, cols := range lite {
		if strings.Join(cols, ",") != strings.Join(pg[tbl], ",") {
			t.Errorf("table %s: sqlite %v, postgres %v", tbl, cols, pg[tbl])
		}
	}
	for tbl := range pg {
		if _, ok := lite[tbl]; !ok {
			t.Errorf("table %s only in postgres", tbl)
		}
	}
}

func TestSchemaVersion(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after Migrate: %v", err)
		}
		have, want, err := db.SchemaStatus(ctx)
		if err != nil || have != want || want < 1 {
			t.Fatalf("SchemaStatus = %d, %d, %v", have, want, err)
		}
	})
}

type fixture struct {
	db     *sqlstore.DB
	c      *collab.Collaborative
	convID int64
	teamA  *collab.Team
	teamB  *collab.Team
	clock  *time.Time
}

func newFixture(t *testing.T, db *sqlstore.DB) *fixture {
	t.Helper()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	f := &fixture{db: db, clock: &now}
	db.Now = func() time.Time { return *f.clock }
	f.convID = f.user(t, "convener@example.org")
	f.c = &collab.Collaborative{Name: "WLC", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 6, 30), Policy: collab.DefaultPolicy()}
	if err := db.CreateCollaborative(ctx, collab.Who{}, f.c, nil, f.convID); err != nil {
		t.Fatal(err)
	}
	// Both teams joined when the collaborative started, months before the
	// frozen clock at which they are entered.
	f.teamA = &collab.Team{CollaborativeID: f.c.ID, Name: "Team A", Kind: collab.KindCommunity, JoinedOn: f.c.StartDate}
	f.teamB = &collab.Team{CollaborativeID: f.c.ID, Name: "Team B", Kind: collab.KindOrganization, Org: collab.Organization{Name: "Team B", Size: collab.SizeSmall}, JoinedOn: f.c.StartDate}
	for _, tm := range []*collab.Team{f.teamA, f.teamB} {
		if err := db.CreateTeam(ctx, collab.Who{}, tm); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) user(t *testing.T, email string) int64 {
	t.Helper()
	u := &collab.User{Email: email, Name: email}
	if err := f.db.CreateUser(ctx, collab.Who{}, u, "hash"); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestSessions(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		uid := f.user(t, "a@example.org")
		for _, tok := range []string{"s1", "s2"} {
			if err := db.CreateSession(ctx, tok, uid); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := db.SessionUser(ctx, "s1"); err != nil || got != uid {
			t.Fatalf("SessionUser = %d, %v", got, err)
		}
		if _, err := db.SessionUser(ctx, "nope"); !errors.Is(err, collab.ErrUnauthorized) {
			t.Fatalf("unknown session: %v", err)
		}
		// A password change keeps this session and ends the others.
		if err := db.SetPassword(ctx, collab.Who{UserID: uid}, uid, "h2", "s1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionUser(ctx, "s2"); !errors.Is(err, collab.ErrUnauthorized) {
			t.Errorf("other session survived a password change: %v", err)
		}
		// Idle timeout.
		*f.clock = f.clock.Add(sqlstore.IdleTimeout + time.Minute)
		if _, err := db.SessionUser(ctx, "s1"); !errors.Is(err, collab.ErrUnauthorized) {
			t.Errorf("idle session still valid: %v", err)
		}
		// Absolute timeout, even when used every hour.
		if err := db.CreateSession(ctx, "s3", uid); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(sqlstore.AbsoluteTimeout/time.Hour); i++ {
			*f.clock = f.clock.Add(time.Hour)
			if _, err := db.SessionUser(ctx, "s3"); err != nil {
				t.Fatalf("hour %d: %v", i, err)
			}
		}
		*f.clock = f.clock.Add(2 * time.Hour)
		if _, err := db.SessionUser(ctx, "s3"); !errors.Is(err, collab.ErrUnauthorized) {
			t.Errorf("session outlived the absolute timeout: %v", err)
		}
	})
}

func TestSigninThrottle(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		for i := 0; i < sqlstore.MaxFailsPerEmail; i++ {
			if th, _, err := db.SigninThrottled(ctx, "x@example.org", "10.0.0.1"); err != nil || th {
				t.Fatalf("throttled after %d failures (%v)", i, err)
			}
			if err := db.RecordSigninFailure(ctx, "x@example.org", "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		th, until, err := db.SigninThrottled(ctx, "X@example.org", "10.0.0.2")
		if err != nil || !th {
			t.Fatalf("not throttled after %d failures", sqlstore.MaxFailsPerEmail)
		}
		if want := f.clock.Add(sqlstore.ThrottleWindow); !until.Equal(want) {
			t.Errorf("until = %v, want %v", until, want)
		}
		if th, _, _ := db.SigninThrottled(ctx, "other@example.org", "10.0.0.2"); th {
			t.Error("another account throttled")
		}
		// Per address: many accounts from one address.
		for i := 0; i < sqlstore.MaxFailsPerAddr; i++ {
			db.RecordSigninFailure(ctx, "spray"+string(rune('a'+i))+"@example.org", "10.0.0.9")
		}
		if th, _, _ := db.SigninThrottled(ctx, "fresh@example.org", "10.0.0.9"); !th {
			t.Error("address not throttled after spraying")
		}
		*f.clock = f.clock.Add(sqlstore.ThrottleWindow + time.Second)
		if th, _, _ := db.SigninThrottled(ctx, "x@example.org", "10.0.0.1"); th {
			t.Error("still throttled after the window")
		}
	})
}

func TestInvitations(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		in := &collab.Invitation{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, Email: "New@Example.org", Name: "New Person", TeamRole: collab.RoleDirectService}
		if err := db.CreateInvitation(ctx, collab.Who{UserID: f.convID}, in, "tok"); err != nil {
			t.Fatal(err)
		}
		if got, err := db.FindInvitation(ctx, "tok"); err != nil || got.Email != "new@example.org" {
			t.Fatalf("FindInvitation = %+v, %v", got, err)
		}
		// Creating the account does not use the invitation; the new
		// person signs in and accepts it.
		if created, err := db.CreateInvitedAccount(ctx, collab.Who{}, "tok", "New Person", "hash"); err != nil || !created {
			t.Fatalf("CreateInvitedAccount = %v, %v", created, err)
		}
		u, _, err := db.FindUserByEmail(ctx, "new@example.org")
		if err != nil {
			t.Fatal(err)
		}
		uid := u.ID
		if err := db.AcceptInvitation(ctx, collab.Who{}, "tok", uid); err != nil {
			t.Fatal(err)
		}
		if err := db.AcceptInvitation(ctx, collab.Who{}, "tok", uid); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("second use: %v, want not found", err)
		}
		team, err := db.FindTeam(ctx, f.c.ID, f.teamA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(team.Members) != 1 || team.Members[0].UserID != uid || team.Members[0].Role != collab.RoleDirectService {
			t.Errorf("members = %+v", team.Members)
		}
		// Expiry.
		in2 := &collab.Invitation{CollaborativeID: f.c.ID, CollabRole: collab.RoleCoach, Email: "c@example.org", Name: "Coach"}
		if err := db.CreateInvitation(ctx, collab.Who{}, in2, "tok2"); err != nil {
			t.Fatal(err)
		}
		*f.clock = f.clock.Add(collab.InvitationTTL + time.Second)
		if _, err := db.CreateInvitedAccount(ctx, collab.Who{}, "tok2", "Coach", "h"); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("expired invitation: %v, want not found", err)
		}
		// A team of another collaborative cannot be named.
		other := &collab.Collaborative{Name: "Other", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2026, 12, 31), Policy: collab.DefaultPolicy()}
		if err := db.CreateCollaborative(ctx, collab.Who{}, other, nil, 0); err != nil {
			t.Fatal(err)
		}
		bad := &collab.Invitation{CollaborativeID: other.ID, TeamID: f.teamA.ID, Email: "z@example.org", Name: "Z", TeamRole: collab.RoleOther}
		if err := db.CreateInvitation(ctx, collab.Who{}, bad, "tok3"); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("cross-collaborative invitation: %v, want not found", err)
		}
		if _, err := db.FindTeam(ctx, other.ID, f.teamA.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("FindTeam across collaboratives: %v", err)
		}
	})
}

// TestInvitationOnlyForItsEmail: an invitation is accepted only by the
// account with its email, and creating an account for an email that
// already has one changes nothing (and is audited). Before the fix,
// AcceptInvitation took any existing user id the caller had "proved" by a
// password typed on the invitation page.
func TestInvitationOnlyForItsEmail(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		victim := f.user(t, "victim@example.org")
		other := f.user(t, "other@example.org")
		in := &collab.Invitation{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, Email: "Victim@example.org", Name: "V", TeamRole: collab.RoleDirector}
		if err := db.CreateInvitation(ctx, collab.Who{UserID: f.convID}, in, "tok"); err != nil {
			t.Fatal(err)
		}
		if created, err := db.CreateInvitedAccount(ctx, collab.Who{}, "tok", "Attacker", "attacker-hash"); err != nil || created {
			t.Fatalf("account for an existing email: created %v, %v", created, err)
		}
		if h, err := db.PasswordHash(ctx, victim); err != nil || h != "hash" {
			t.Errorf("the existing account's password hash is now %q (%v)", h, err)
		}
		if err := db.AcceptInvitation(ctx, collab.Who{UserID: other}, "tok", other); !errors.Is(err, collab.ErrForbidden) {
			t.Errorf("accepted by another account: %v, want forbidden", err)
		}
		team, err := db.FindTeam(ctx, f.c.ID, f.teamA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(team.Members) != 0 {
			t.Errorf("members after refused attempts: %+v", team.Members)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		refused := 0
		for _, e := range es {
			if e.Action == "invitation.signup_refused" {
				refused++
			}
		}
		if refused != 1 {
			t.Errorf("%d invitation.signup_refused audit rows, want 1", refused)
		}
		if err := db.AcceptInvitation(ctx, collab.Who{UserID: victim}, "tok", victim); err != nil {
			t.Fatalf("accepted by its own account: %v", err)
		}
	})
}

func TestApplications(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		crit, err := db.Criteria(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(crit) != len(collab.DefaultCriteria) {
			t.Fatalf("criteria = %d, want %d", len(crit), len(collab.DefaultCriteria))
		}
		bad := &collab.Application{CollaborativeID: f.c.ID, ContactEmail: "not an email"}
		fe := collab.FieldErrors(db.CreateApplication(ctx, collab.Who{}, bad))
		// Issue 14: the commitments are agreed with the application or it is
		// refused, naming the box.
		for _, field := range []string{"orgName", "contactName", "contactEmail", "agreeCommitments"} {
			if fe[field] == "" {
				t.Errorf("no error for %s in %v", field, fe)
			}
		}
		a := &collab.Application{CollaborativeID: f.c.ID, ContactName: "Grace", ContactEmail: "grace@example.org", CommitmentsAgreed: true,
			Org: collab.Organization{Name: "North Shore", Size: collab.SizeSmall}, Answers: []collab.Answer{{CriterionID: crit[0].ID, Meets: true, Comment: "yes"}}}
		if err := db.CreateApplication(ctx, collab.Who{}, a); err != nil {
			t.Fatal(err)
		}
		apps, err := db.Applications(ctx, f.c.ID)
		if err != nil || len(apps) != 1 || len(apps[0].Answers) != len(crit) || !apps[0].Answers[0].Meets || !apps[0].CommitmentsAgreed || !apps[0].CommitmentsAgreedAt.Equal(apps[0].CreatedAt) {
			t.Fatalf("Applications = %+v, %v", apps, err)
		}
		got, err := db.DecideApplication(ctx, collab.Who{UserID: f.convID}, f.c.ID, a.ID, sqlstore.Decision{Accept: true, Note: "welcome", InviteToken: "inv"})
		if err != nil {
			t.Fatal(err)
		}
		team, err := db.FindTeam(ctx, f.c.ID, got.TeamID)
		if err != nil {
			t.Fatal(err)
		}
		if team.Name != "North Shore" || !team.SinglePerson {
			t.Errorf("team = %+v; a small organization should be allowed one person", team)
		}
		in, err := db.FindInvitation(ctx, "inv")
		if err != nil || in.TeamRole != collab.RoleDirector || in.TeamID != team.ID {
			t.Errorf("invitation = %+v, %v", in, err)
		}
		if _, err := db.DecideApplication(ctx, collab.Who{}, f.c.ID, a.ID, sqlstore.Decision{}); !errors.Is(err, collab.ErrConflict) {
			t.Errorf("second decision: %v, want conflict", err)
		}
		st, err := db.Stats(ctx, f.c)
		if err != nil {
			t.Fatal(err)
		}
		if st.Teams != 3 || st.TeamsMissingRoles != 3 || st.PendingApplications != 0 {
			t.Errorf("stats = %+v", st)
		}
	})
}

func TestAuditAndPeople(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		uid := f.user(t, "m@example.org")
		if err := db.AddMember(ctx, collab.Who{UserID: f.convID, RemoteAddr: "1.2.3.4"}, f.c.ID, f.teamA.ID, uid, collab.RoleDirector); err != nil {
			t.Fatal(err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 || es[0].Action != "role.designate" || es[0].RemoteAddr != "1.2.3.4" || es[0].ActorID != f.convID {
			t.Fatalf("newest audit entry = %+v", es[0])
		}
		older, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID, BeforeID: es[0].ID})
		if err != nil || len(older) != len(es)-1 {
			t.Errorf("paging: %d entries before %d, want %d (%v)", len(older), es[0].ID, len(es)-1, err)
		}
		ps, err := db.People(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sawConvener, sawMember bool
		for _, p := range ps {
			sawConvener = sawConvener || (p.UserID == f.convID && len(p.Roles) == 1 && p.Roles[0] == collab.RoleConvener)
			sawMember = sawMember || (p.UserID == uid && len(p.Teams) == 1 && p.Teams[0].Role == collab.RoleDirector)
		}
		if !sawConvener || !sawMember {
			t.Errorf("people = %+v", ps)
		}
		a, err := db.LoadActor(ctx, uid)
		if err != nil || a.Teams[f.teamA.ID].Role != collab.RoleDirector {
			t.Errorf("LoadActor = %+v, %v", a, err)
		}
	})
}

func TestBackup(t *testing.T) {
	db := sqltest.SQLite(t)
	newFixture(t, db)
	to := t.TempDir() + "/copy.db"
	if err := db.Backup(ctx, to); err != nil {
		t.Fatal(err)
	}
	cp, err := sqlstore.Open(ctx, "sqlite:"+to)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if err := cp.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := cp.FindCollaborative(ctx, 1)
	if err != nil || c.Name != "WLC" {
		t.Fatalf("restored collaborative = %+v, %v", c, err)
	}
	if err := db.Backup(ctx, to); err == nil {
		t.Error("backup overwrote an existing file")
	}
	if _, err := os.Stat(to); err != nil {
		t.Fatal(err)
	}
}
