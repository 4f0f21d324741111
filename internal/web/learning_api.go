package web

import (
	"net/http"
	"time"

	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type apiResource struct {
	ID          int64                 `json:"id"`
	Kind        learning.ResourceKind `json:"kind"`
	Title       string                `json:"title"`
	Description string                `json:"description"`
	URL         string                `json:"url,omitempty"`
	FileName    string                `json:"fileName,omitempty"`
	FileType    string                `json:"fileType,omitempty"`
	FileSize    int64                 `json:"fileSize,omitempty"`
	Domains     []string              `json:"domains"`
	Nodes       []string              `json:"nodes"`
	UsedBy      []apiResourceUse      `json:"usedBy"`
	CreatedAt   time.Time             `json:"createdAt"`
}

type apiResourceUse struct {
	TeamID   int64  `json:"teamId"`
	TeamName string `json:"teamName"`
	Note     string `json:"note"`
}

func (s *Server) apiResources(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := r.URL.Query()
	rs, err := s.db.Resources(r.Context(), rc.Collab.ID, sqlstore.ResourceFilter{Query: q.Get("q"), Kind: learning.ResourceKind(q.Get("kind")), Domain: q.Get("domain"), Node: q.Get("node")})
	if err != nil {
		return err
	}
	out := []apiResource{}
	for _, x := range rs {
		a := apiResource{ID: x.ID, Kind: x.Kind, Title: x.Title, Description: x.Description, URL: x.URL, FileName: x.FileName, FileType: x.FileType, FileSize: x.FileSize,
			Domains: append([]string{}, x.Domains...), Nodes: append([]string{}, x.Nodes...), UsedBy: []apiResourceUse{}, CreatedAt: x.CreatedAt}
		for _, u := range x.Uses {
			a.UsedBy = append(a.UsedBy, apiResourceUse{u.TeamID, u.TeamName, u.Note})
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"resources": out})
	return nil
}

type apiTopic struct {
	ID          int64                `json:"id"`
	Title       string               `json:"title"`
	Detail      string               `json:"detail"`
	ProposedBy  string               `json:"proposedBy,omitempty"`
	Anonymous   bool                 `json:"anonymous"`
	Mine        bool                 `json:"mine"`
	Status      learning.TopicStatus `json:"status"`
	Votes       int                  `json:"votes"`
	Voted       bool                 `json:"voted"`
	SessionText string               `json:"sessionText,omitempty"`
	SessionDate string               `json:"sessionDate,omitempty"`
	Outcome     string               `json:"outcome,omitempty"`
	CreatedAt   time.Time            `json:"createdAt"`
}

func (s *Server) apiAgenda(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ts, err := s.db.Topics(r.Context(), rc.Collab.ID, rc.Actor.UserID)
	if err != nil {
		return err
	}
	out := []apiTopic{}
	for _, t := range ts {
		out = append(out, apiTopic{ID: t.ID, Title: t.Title, Detail: t.Detail, ProposedBy: t.ProposerName, Anonymous: t.Anonymous, Mine: t.Mine, Status: t.Status,
			Votes: t.Votes, Voted: t.Voted, SessionText: t.SessionText, SessionDate: t.SessionDate.String(), Outcome: t.Outcome, CreatedAt: t.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"topics": out})
	return nil
}

type apiShare struct {
	ID       int64              `json:"id"`
	TeamID   int64              `json:"teamId"`
	TeamName string             `json:"teamName"`
	Kind     learning.ShareKind `json:"kind"`
	ItemID   int64              `json:"itemId"`
	Summary  learning.Summary   `json:"summary"`
	SharedAt time.Time          `json:"sharedAt"`
	Comments []apiComment       `json:"comments"`
}

type apiComment struct {
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
}

func toAPIShare(x *learning.Share) apiShare {
	a := apiShare{ID: x.ID, TeamID: x.TeamID, TeamName: x.TeamName, Kind: x.Kind, ItemID: x.ItemID, Summary: x.Summary, SharedAt: x.SharedAt, Comments: []apiComment{}}
	for _, c := range x.Comments {
		a.Comments = append(a.Comments, apiComment{c.UserName, c.Body, c.CreatedAt})
	}
	return a
}

func (s *Server) apiFeed(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ss, err := s.db.Shares(r.Context(), rc.Collab.ID, sqlstore.ShareFilter{Kind: learning.ShareKind(r.URL.Query().Get("kind"))})
	if err != nil {
		return err
	}
	out := []apiShare{}
	for _, x := range ss {
		out = append(out, toAPIShare(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"shares": out})
	return nil
}

type apiShareInput struct {
	Kind    learning.ShareKind `json:"kind"`
	ItemID  int64              `json:"itemId"`
	Summary apiSummaryInput    `json:"summary"`
}

// apiSummaryInput is what a client may say about a shared item: no chart
// markup, which only the server draws.
type apiSummaryInput struct {
	Title   string            `json:"title"`
	Body    string            `json:"body"`
	Learned string            `json:"learned"`
	Signal  string            `json:"signal"`
	Fields  map[string]string `json:"fields"`
}

// apiShare shares one of the team's items on the feed: the generic entry
// point for any feature's items.
func (s *Server) apiShare(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiShareInput](r)
	if err != nil {
		return err
	}
	sum := learning.Summary{Title: in.Summary.Title, Body: in.Summary.Body, Learned: in.Summary.Learned, Signal: in.Summary.Signal, Fields: in.Summary.Fields}
	sh := &learning.Share{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, Kind: in.Kind, ItemID: in.ItemID, Summary: sum}
	if err := s.db.Share(r.Context(), rc.who(), sh); err != nil {
		return err
	}
	sh.TeamName = rc.Team.Name
	writeJSON(w, http.StatusCreated, toAPIShare(sh))
	return nil
}

type apiIndicator struct {
	Name        string   `json:"name"`
	Geography   string   `json:"geography"`
	Period      string   `json:"period"`
	Count       *int64   `json:"count"`
	Suppressed  bool     `json:"suppressed"`
	Denominator *int64   `json:"denominator"`
	Value       *float64 `json:"value"`
	Unit        string   `json:"unit,omitempty"`
	Source      string   `json:"source"`
	AsOf        string   `json:"asOf"`
}

func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	st, err := s.db.LearningSettings(ctx, rc.Collab.ID)
	if err != nil {
		return err
	}
	ins, err := s.db.Indicators(ctx, rc.Collab.ID)
	if err != nil {
		return err
	}
	out := []apiIndicator{}
	for _, raw := range ins {
		in := learning.ShowIndicator(raw, st.MinCell)
		out = append(out, apiIndicator{Name: in.Name, Geography: in.Geography, Period: in.Period, Count: in.Count, Suppressed: in.Hidden,
			Denominator: in.Denominator, Value: in.Value, Unit: in.Unit, Source: in.Source, AsOf: in.AsOf.String()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"indicators": out, "minCell": st.MinCell})
	return nil
}
