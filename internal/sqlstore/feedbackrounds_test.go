package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestFeedbackRoundLifecycle: a round opens and closes on the convener's
// dates, takes answers only while open, stays closed once closed, and may
// be deleted only before anyone answered.
func TestFeedbackRoundLifecycle(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db) // today is 2026-05-01
		who := collab.Who{UserID: f.convID}
		bad := &collab.FeedbackRound{CollaborativeID: f.c.ID, Title: " ", OpensOn: collab.NewDate(2026, 5, 10), ClosesOn: collab.NewDate(2026, 5, 1)}
		fe := collab.FieldErrors(db.CreateFeedbackRound(ctx, who, bad))
		if fe["title"] == "" || fe["closesOn"] == "" {
			t.Fatalf("a round without a title, closing before it opens: errors %v", fe)
		}
		r := &collab.FeedbackRound{CollaborativeID: f.c.ID, Title: "Spring", OpensOn: collab.NewDate(2026, 5, 5), ClosesOn: collab.NewDate(2026, 5, 20)}
		if err := db.CreateFeedbackRound(ctx, who, r); err != nil {
			t.Fatal(err)
		}
		uid := f.user(t, "staff@example.org")
		ans := &collab.FeedbackAnswer{Ratings: map[string]int{"meetings": 4}}
		// Not open yet.
		if fe := collab.FieldErrors(db.AnswerFeedback(ctx, collab.Who{UserID: uid}, f.c.ID, r.ID, uid, ans)); fe["answers"] == "" {
			t.Fatalf("answer before the round opens: %v", fe)
		}
		if todo, err := db.FeedbackToAnswer(ctx, f.c.ID, uid); err != nil || len(todo) != 0 {
			t.Fatalf("to answer before opening: %v, %v", todo, err)
		}
		*f.clock = time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
		if todo, err := db.FeedbackToAnswer(ctx, f.c.ID, uid); err != nil || len(todo) != 1 || todo[0].ID != r.ID {
			t.Fatalf("to answer on the opening day: %v, %v", todo, err)
		}
		r.Title, r.ClosesOn = "Spring round", collab.NewDate(2026, 5, 25)
		if err := db.UpdateFeedbackRound(ctx, who, r); err != nil {
			t.Fatal(err)
		}
		if err := db.AnswerFeedback(ctx, collab.Who{UserID: uid}, f.c.ID, r.ID, uid, ans); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteFeedbackRound(ctx, who, f.c.ID, r.ID); !errors.Is(err, collab.ErrConflict) {
			t.Errorf("deleting an answered round: %v", err)
		}
		got, err := db.FindFeedbackRound(ctx, f.c.ID, r.ID)
		if err != nil || got.Title != "Spring round" || got.ClosesOn != collab.NewDate(2026, 5, 25) || got.Respondents != 1 {
			t.Fatalf("round after update and one answer: %+v, %v", got, err)
		}
		if _, err := db.FindFeedbackRound(ctx, f.c.ID+1000, r.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("round under another collaborative: %v", err)
		}
		// Closed: no answers, no reopening.
		*f.clock = time.Date(2026, 5, 26, 9, 0, 0, 0, time.UTC)
		late := f.user(t, "late@example.org")
		if fe := collab.FieldErrors(db.AnswerFeedback(ctx, collab.Who{UserID: late}, f.c.ID, r.ID, late, ans)); fe["answers"] == "" {
			t.Errorf("answer after the round closed: %v", fe)
		}
		r.ClosesOn = collab.NewDate(2026, 6, 30)
		if fe := collab.FieldErrors(db.UpdateFeedbackRound(ctx, who, r)); fe["closesOn"] == "" {
			t.Errorf("a closed round reopened: %v", fe)
		}
		empty := &collab.FeedbackRound{CollaborativeID: f.c.ID, Title: "Unused", OpensOn: collab.NewDate(2026, 7, 1), ClosesOn: collab.NewDate(2026, 7, 15)}
		if err := db.CreateFeedbackRound(ctx, who, empty); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteFeedbackRound(ctx, who, f.c.ID, empty.ID); err != nil {
			t.Fatal(err)
		}
		rounds, err := db.FeedbackRounds(ctx, f.c.ID)
		if err != nil || len(rounds) != 1 {
			t.Fatalf("rounds after deleting the unused one: %v, %v", rounds, err)
		}
	})
}

// TestFeedbackOneAnswerAnonymous: a person answers a round once; an
// anonymous answer holds no user id and nothing about when it came in;
// a named one holds its respondent; the audit names no anonymous actor.
func TestFeedbackOneAnswerAnonymous(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		r := &collab.FeedbackRound{CollaborativeID: f.c.ID, Title: "Q2", OpensOn: collab.NewDate(2026, 4, 1), ClosesOn: collab.NewDate(2026, 5, 31)}
		if err := db.CreateFeedbackRound(ctx, collab.Who{UserID: f.convID}, r); err != nil {
			t.Fatal(err)
		}
		anon := f.user(t, "anon@example.org")
		named := f.user(t, "named@example.org")
		a1 := &collab.FeedbackAnswer{Ratings: map[string]int{"meetings": 5}, Texts: map[string]string{"change": "More time with peers"}}
		if err := db.AnswerFeedback(ctx, collab.Who{UserID: anon, RemoteAddr: "10.1.2.3"}, f.c.ID, r.ID, anon, a1); err != nil {
			t.Fatal(err)
		}
		if err := db.AnswerFeedback(ctx, collab.Who{UserID: anon}, f.c.ID, r.ID, anon, a1); !errors.Is(err, collab.ErrConflict) {
			t.Fatalf("second answer by the same person: %v", err)
		}
		a2 := &collab.FeedbackAnswer{Ratings: map[string]int{"meetings": 3}, Texts: map[string]string{"worked": "The coaching"}, Named: true}
		if err := db.AnswerFeedback(ctx, collab.Who{UserID: named}, f.c.ID, r.ID, named, a2); err != nil {
			t.Fatal(err)
		}
		for _, uid := range []int64{anon, named} {
			if ok, err := db.HasAnsweredFeedback(ctx, r.ID, uid); err != nil || !ok {
				t.Errorf("user %d answered: %v, %v", uid, ok, err)
			}
		}
		raw := db.Raw()
		var withID, all int
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(user_id), COUNT(*) FROM feedback_answers WHERE round_id = $1`, r.ID).Scan(&withID, &all); err != nil {
			t.Fatal(err)
		}
		if all != 2 || withID != 1 {
			t.Errorf("answers: %d stored, %d with a user id; want 2 and 1 (the named one)", all, withID)
		}
		var stored string
		if err := raw.QueryRowContext(ctx, `SELECT answers FROM feedback_answers WHERE round_id = $1 AND user_id IS NULL`, r.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if want := `{"ratings":{"meetings":5},"texts":{"change":"More time with peers"}}`; stored != want {
			t.Errorf("anonymous answer stored as %s, want %s (nothing but the answers)", stored, want)
		}
		// The tables hold no time and no address; the anonymous answer's
		// audit row names neither actor nor address.
		schema := columns(t, db)
		for _, tbl := range []string{"feedback_answers", "feedback_respondents"} {
			for _, c := range schema[tbl] {
				if c != "id" && c != "round_id" && c != "user_id" && c != "answers" {
					t.Errorf("%s has column %s: an answer must carry nothing that re-identifies", tbl, c)
				}
			}
		}
		var anonRows int
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'feedback_round.answer' AND actor_id IS NULL AND remote_addr = ''`).Scan(&anonRows); err != nil {
			t.Fatal(err)
		}
		if anonRows != 1 {
			t.Errorf("audit rows of anonymous answers without actor or address: %d, want 1", anonRows)
		}
		got, err := db.FeedbackAnswers(ctx, f.c.ID, r.ID)
		if err != nil || len(got) != 2 {
			t.Fatalf("answers: %v, %v", got, err)
		}
		for _, a := range got {
			if a.Named != (a.Name == "named@example.org") || (!a.Named && a.UserID != 0) {
				t.Errorf("answer read back as %+v", a)
			}
		}
		if other, err := db.FeedbackAnswers(ctx, f.c.ID+1000, r.ID); err != nil || len(other) != 0 {
			t.Errorf("answers under another collaborative: %v, %v", other, err)
		}
	})
}
