package web

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type feedPage struct {
	basePage
	Shares []*learning.Share
	Kinds  []learning.ShareKind
	Kind   learning.ShareKind
	// Query is the words searched for, "" for everything.
	Query  string
	MyTeam int64
}

func shareTable(p basePage, ss []*learning.Share) table {
	t := table{Name: "shared-learning", Head: []string{p.T("learning.field.shared_at"), p.T("field.team"), p.T("learning.field.kind"),
		p.T("learning.field.title"), p.T("learning.field.body"), p.T("learning.field.learned"), p.T("learning.field.comments")}}
	for _, s := range ss {
		t.Rows = append(t.Rows, []string{s.SharedAt.UTC().Format("2006-01-02 15:04"), s.TeamName, p.T("learning.share_kind." + string(s.Kind)),
			s.Summary.Title, s.Summary.Body, s.Summary.Learned, fmt.Sprint(len(s.Comments))})
	}
	return t
}

func (s *Server) feedData(r *http.Request, rc *reqCtx) (*feedPage, error) {
	p := &feedPage{basePage: s.base(r, rc, "learning.feed_title"), Kinds: learning.ShareKinds, Kind: learning.ShareKind(r.URL.Query().Get("kind")), MyTeam: myTeam(rc)}
	if !p.Kind.Valid() {
		p.Kind = ""
	}
	var err error
	p.Shares, err = s.db.Shares(r.Context(), rc.Collab.ID, sqlstore.ShareFilter{Kind: p.Kind})
	if err != nil {
		return nil, err
	}
	p.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if p.Query != "" {
		p.Shares = searchShares(p.Shares, p.Query)
	}
	return p, nil
}

// searchShares keeps the entries that hold every word of q, in any case,
// in their team's name, title, text or fields. The feed is one
// collaborative's: small enough to search as it is read.
func searchShares(ss []*learning.Share, q string) []*learning.Share {
	words := strings.Fields(strings.ToLower(q))
	var out []*learning.Share
	for _, s := range ss {
		parts := []string{s.TeamName, s.Summary.Title, s.Summary.Body, s.Summary.Learned, s.Summary.Signal}
		for _, v := range s.Summary.Fields {
			parts = append(parts, v)
		}
		text := strings.ToLower(strings.Join(parts, "\n"))
		all := true
		for _, w := range words {
			if !strings.Contains(text, w) {
				all = false
				break
			}
		}
		if all {
			out = append(out, s)
		}
	}
	return out
}

func (s *Server) feedPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.feedData(r, rc)
	if err != nil {
		return err
	}
	if format != "" {
		return s.export(w, r, rc, format, shareTable(p.basePage, p.Shares))
	}
	return s.render(w, http.StatusOK, "feed", p)
}

func (s *Server) feedComment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	id, err := pathID(r.PathValue("share"))
	if err != nil {
		return err
	}
	err = s.db.CommentOnShare(r.Context(), rc.who(), rc.Collab.ID, id, r.PostForm.Get("body"))
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.feedData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, map[string]string{fmt.Sprint("body-", id): fe["body"]}
		return s.render(w, http.StatusUnprocessableEntity, "feed", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/feed#share-%d", rc.Collab.ID, id), "learning.flash.commented")
}

type sharingPage struct {
	basePage
	Team      *collab.Team
	Shares    []*learning.Share
	Kinds     []learning.ShareKind
	Defaults  map[learning.ShareKind]bool
	CanManage bool
}

func (s *Server) sharingData(r *http.Request, rc *reqCtx) (*sharingPage, error) {
	ctx := r.Context()
	p := &sharingPage{basePage: s.base(r, rc, "learning.sharing_title"), Team: rc.Team, Kinds: learning.ShareKinds, CanManage: allowed(rc, collab.PermTeamManage)}
	var err error
	if p.Shares, err = s.db.Shares(ctx, rc.Collab.ID, sqlstore.ShareFilter{TeamID: rc.Team.ID, Withdrawn: true}); err != nil {
		return nil, err
	}
	p.Defaults, err = s.db.ShareDefaults(ctx, rc.Team.ID)
	return p, err
}

func (s *Server) sharingPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.sharingData(r, rc)
	if err != nil {
		return err
	}
	if format != "" {
		return s.export(w, r, rc, format, shareTable(p.basePage, p.Shares))
	}
	return s.render(w, http.StatusOK, "sharing", p)
}

// shareCreate shares a note (a lesson written for the cohort) from the
// team page. Other kinds are shared from their own pages through the same
// store call.
func (s *Server) shareCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	// A note is its own item, with no table of its own: its id is a random
	// number, unique within the team.
	sh := &learning.Share{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, Kind: learning.ShareNote, ItemID: noteID(),
		Summary: learning.Summary{Title: f.Get("title"), Body: f.Get("body"), Learned: f.Get("learned")}}
	err := s.db.Share(r.Context(), rc.who(), sh)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.sharingData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "sharing", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/sharing", rc.Collab.ID, rc.Team.ID), "learning.flash.shared")
}

func (s *Server) shareWithdraw(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("share"))
	if err != nil {
		return err
	}
	if err := s.db.WithdrawShare(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/sharing", rc.Collab.ID, rc.Team.ID), "learning.flash.withdrawn")
}

func (s *Server) shareDefaults(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	var kinds []learning.ShareKind
	for _, k := range r.PostForm["kinds"] {
		kinds = append(kinds, learning.ShareKind(strings.TrimSpace(k)))
	}
	if err := s.db.SetShareDefaults(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, kinds); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/sharing", rc.Collab.ID, rc.Team.ID), "flash.saved")
}

// noteID is a random positive id for a shared note.
func noteID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 2)
}
