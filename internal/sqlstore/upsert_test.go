package sqlstore_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestConcurrentFirstWrite: many requests writing the same new cell at
// the same moment (two replicas, a double-clicked button, a retried
// upload) all succeed and leave exactly one row. A first write done as
// SELECT-then-INSERT fails this on PostgreSQL: every writer sees no row,
// all insert, and all but one hit the unique key.
func TestConcurrentFirstWrite(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		member := f.user(t, "member@example.org")
		m := &improve.Measure{CollaborativeID: f.c.ID, Name: "Conversations", Kind: improve.KindProcess, Ratio: true, Chart: "p"}
		if err := db.CreateMeasure(ctx, who, m); err != nil {
			t.Fatal(err)
		}
		month := collab.NewDate(2026, 4, 1)
		num := func(x float64) *float64 { return &x }
		tests := []struct {
			name  string
			write func(i int) error
			count string // the rows of the cell, with $1 the collaborative
		}{
			{"measure value", func(i int) error {
				_, err := db.SaveValues(ctx, who, f.c.ID, f.teamA.ID, []*improve.Value{{MeasureID: m.ID, Period: month, Numerator: num(float64(i)), Denominator: num(50)}}, "api")
				return err
			}, `SELECT COUNT(*) FROM measure_values v JOIN measures m ON m.id = v.measure_id WHERE m.collaborative_id = $1`},
			{"report draft", func(i int) error {
				return db.SaveReport(ctx, who, &learning.Report{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, Month: month, Narrative: fmt.Sprint("draft ", i)}, false, nil)
			}, `SELECT COUNT(*) FROM reports WHERE collaborative_id = $1`},
			{"calendar feed", func(i int) error {
				return db.SetCalendarFeed(ctx, who, member, fmt.Sprint("feed-", i))
			}, `SELECT COUNT(*) FROM calendar_feeds WHERE user_id = (SELECT id FROM users WHERE email = 'member@example.org') AND $1 > 0`},
			{"team role", func(i int) error {
				return db.AddMember(ctx, who, f.c.ID, f.teamB.ID, member, collab.RoleDirector)
			}, `SELECT COUNT(*) FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.collaborative_id = $1`},
			{"engagement settings", func(i int) error {
				return db.SaveEngagementSettings(ctx, who, f.c.ID, engage.DefaultSettings())
			}, `SELECT COUNT(*) FROM engagement_settings WHERE collaborative_id = $1`},
			{"learning settings", func(i int) error {
				s := learning.DefaultSettings(f.c.ID)
				return db.SaveLearningSettings(ctx, who, &s)
			}, `SELECT COUNT(*) FROM learning_settings WHERE collaborative_id = $1`},
			{"survey threshold", func(i int) error {
				return db.SetSuppressionThreshold(ctx, who, f.c.ID, 11)
			}, `SELECT COUNT(*) FROM wellbeing_settings WHERE collaborative_id = $1`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				const writers = 16
				start := make(chan struct{})
				errs := make(chan error, writers)
				var wg sync.WaitGroup
				for i := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						errs <- tt.write(i)
					}()
				}
				close(start)
				wg.Wait()
				close(errs)
				for err := range errs {
					if err != nil {
						t.Errorf("a concurrent first write failed: %v", err)
					}
				}
				var n int
				if err := db.Raw().QueryRowContext(ctx, tt.count, f.c.ID).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Errorf("%d rows after %d concurrent first writes of one cell, want 1", n, writers)
				}
			})
		}
	})
}
