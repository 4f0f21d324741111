package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type agendaPage struct {
	basePage
	Topics   []*learning.Topic
	Statuses []learning.TopicStatus
	// IsManager: the actor schedules topics (agenda.schedule).
	IsManager bool
	// Meetings are those a convener may schedule a topic into.
	Meetings []*engage.Meeting
}

func (s *Server) agendaData(r *http.Request, rc *reqCtx) (*agendaPage, error) {
	p := &agendaPage{basePage: s.base(r, rc, "agenda.title"), Statuses: learning.TopicStatuses, IsManager: allowed(rc, collab.PermAgendaSchedule)}
	var err error
	if p.Topics, err = s.db.Topics(r.Context(), rc.Collab.ID, rc.Actor.UserID); err != nil {
		return nil, err
	}
	if p.IsManager {
		// Upcoming sessions of the whole cohort, by date: a topic is for
		// every team, so a team's own coaching calls (four alike, one a
		// team) are not offered, nor meetings already held — except the
		// one a topic is already in, so its choice stays shown.
		ms, err := s.db.Meetings(r.Context(), rc.Collab.ID, sqlstore.MeetingFilter{From: s.db.Now().AddDate(0, -1, 0)})
		if err != nil {
			return nil, err
		}
		chosen := map[int64]bool{}
		for _, t := range p.Topics {
			chosen[t.MeetingID] = true
		}
		now := s.db.Now()
		for _, m := range ms {
			if chosen[m.ID] || (m.Audience == engage.AudienceAllTeams && m.StartsAt.After(now)) {
				p.Meetings = append(p.Meetings, m)
			}
		}
	}
	return p, err
}

// MeetingLabel names a meeting in the decide form.
func (p *agendaPage) MeetingLabel(m *engage.Meeting) string {
	return p.MeetingWhen(m) + " — " + m.Title
}

// agendaTable is the agenda as exported: what was asked, by whom (never for
// an anonymous topic: the store has already blanked the name), votes and
// what became of it.
func agendaTable(p *agendaPage) table {
	t := table{Name: "learning-agenda", Head: []string{p.T("learning.field.title"), p.T("agenda.detail"), p.T("agenda.asked_by"), p.T("agenda.votes"),
		p.T("agenda.status"), p.T("agenda.session"), p.T("agenda.outcome"), p.T("agenda.asked_on")}}
	for _, tp := range p.Topics {
		if tp.Status == learning.TopicWithdrawn {
			continue
		}
		by := tp.ProposerName
		if tp.Anonymous {
			by = p.T("agenda.anonymous")
		}
		when := joinNonEmpty(tp.SessionDate.String(), tp.SessionText)
		if tp.MeetingID != 0 {
			when = joinNonEmpty(tp.MeetingAt.UTC().Format("2006-01-02"), tp.MeetingTitle)
		}
		t.Rows = append(t.Rows, []string{tp.Title, tp.Detail, by, fmt.Sprint(tp.Votes), p.T("agenda.status." + string(tp.Status)),
			when, tp.Outcome, tp.CreatedAt.UTC().Format("2006-01-02")})
	}
	return t
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

func (s *Server) agendaPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.agendaData(r, rc)
	if err != nil {
		return err
	}
	if format != "" {
		return s.export(w, r, rc, format, agendaTable(p))
	}
	return s.render(w, http.StatusOK, "agenda", p)
}

func (s *Server) agendaPropose(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	t := &learning.Topic{CollaborativeID: rc.Collab.ID, Title: f.Get("title"), Detail: f.Get("detail"), Anonymous: f.Get("anonymous") != ""}
	err := s.db.ProposeTopic(r.Context(), rc.who(), t)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.agendaData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "agenda", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/agenda", rc.Collab.ID), "learning.flash.proposed")
}

func (s *Server) agendaVote(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	id, err := pathID(r.PathValue("topic"))
	if err != nil {
		return err
	}
	if err := s.db.Vote(r.Context(), rc.who(), rc.Collab.ID, id, r.PostForm.Get("vote") != "withdraw"); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/agenda#topic-%d", rc.Collab.ID, id), "flash.saved")
}

func (s *Server) agendaWithdraw(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("topic"))
	if err != nil {
		return err
	}
	err = s.db.WithdrawTopic(r.Context(), rc.who(), rc.Collab.ID, id)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.agendaData(r, rc)
		if perr != nil {
			return perr
		}
		p.Errors = fe
		return s.render(w, http.StatusUnprocessableEntity, "agenda", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/agenda", rc.Collab.ID), "learning.flash.withdrawn")
}

func (s *Server) agendaDecide(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	id, err := pathID(r.PathValue("topic"))
	if err != nil {
		return err
	}
	f := r.PostForm
	d := learning.TopicDecision{Status: learning.TopicStatus(f.Get("status")), SessionText: f.Get("sessionText"), Outcome: f.Get("outcome")}
	if v := f.Get("meetingId"); v != "" {
		d.MeetingID, _ = strconv.ParseInt(v, 10, 64)
		if d.MeetingID <= 0 {
			d.MeetingID = -1 // not a meeting: the store says so
		}
	}
	var derr error
	if d.SessionDate, derr = collab.ParseDate(f.Get("sessionDate")); derr != nil {
		err = &collab.ValidationError{Fields: map[string]string{"sessionDate": "error.date"}}
	} else {
		err = s.db.DecideTopic(r.Context(), rc.who(), rc.Collab.ID, id, d)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.agendaData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "agenda", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/agenda#topic-%d", rc.Collab.ID, id), "flash.saved")
}

// When says when a topic is to be covered: its session's date and text.
func (p basePage) When(d collab.Date, text string) string { return joinNonEmpty(d.String(), text) }
