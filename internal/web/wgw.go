package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/funnel"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/netmap"
	"github.com/goeswell/goeswell/internal/spc"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// wgwRoutes are the team working spaces of "Learning from What Goes
// Well" besides the asset map, and the collaborative's view of them.
func (s *Server) wgwRoutes() []Route {
	return []Route{
		get("/c/{collab}/teams/{team}/moments", collab.PermTeamRead, s.momentsPage),
		post("/c/{collab}/teams/{team}/moments", collab.PermTeamWrite, s.momentCreate),
		get("/c/{collab}/teams/{team}/moments/workshop", collab.PermTeamWrite, s.workshopStart),
		post("/c/{collab}/teams/{team}/moments/workshop", collab.PermTeamWrite, s.workshopStep),
		get("/c/{collab}/teams/{team}/moments/{moment}", collab.PermTeamRead, s.momentPage),
		post("/c/{collab}/teams/{team}/moments/{moment}", collab.PermTeamWrite, s.momentUpdate),
		get("/c/{collab}/teams/{team}/barriers", collab.PermTeamRead, s.barriersPage),
		post("/c/{collab}/teams/{team}/barriers", collab.PermTeamWrite, s.barrierCreate),
		post("/c/{collab}/teams/{team}/tradeoffs", collab.PermTeamWrite, s.tradeoffCreate),
		get("/c/{collab}/teams/{team}/habits", collab.PermTeamRead, s.habitsPage),
		post("/c/{collab}/teams/{team}/habits", collab.PermTeamWrite, s.habitCreate),
		post("/c/{collab}/teams/{team}/habits/checkins", collab.PermTeamWrite, s.habitCheckin),
		get("/c/{collab}/teams/{team}/network", collab.PermTeamRead, s.networkPage),
		post("/c/{collab}/teams/{team}/network/nodes", collab.PermTeamWrite, s.nodeCreate),
		post("/c/{collab}/teams/{team}/network/edges", collab.PermTeamWrite, s.edgeCreate),
		get("/c/{collab}/teams/{team}/inquiries", collab.PermTeamRead, s.inquiriesPage),
		post("/c/{collab}/teams/{team}/inquiries", collab.PermTeamWrite, s.inquiryCreate),
		post("/c/{collab}/teams/{team}/wgw-delete", collab.PermTeamWrite, s.wgwDelete),
		get("/c/{collab}/what-goes-well", collab.PermCollabAggregate, s.wgwOverview),
		get("/c/{collab}/positive-deviance", collab.PermCollabCohort, s.funnelPage),

		apiGet("/collaboratives/{collab}/teams/{team}/moments", collab.PermTeamRead, s.apiMoments),
		apiGet("/collaboratives/{collab}/what-goes-well", collab.PermCollabAggregate, s.apiWGW),
	}
}

// teamTool is what every team tool page carries.
type teamTool struct {
	basePage
	Team     *collab.Team
	CanWrite bool
}

func (s *Server) tool(r *http.Request, rc *reqCtx, title string) teamTool {
	return teamTool{basePage: s.base(r, rc, title), Team: rc.Team,
		CanWrite: collab.Authorize(rc.Actor, collab.PermTeamWrite, rc.Collab.ID, rc.Team.ID) == collab.Allow}
}

func (s *Server) teamURL(rc *reqCtx, rest string) string {
	return fmt.Sprintf("/c/%d/teams/%d/%s", rc.Collab.ID, rc.Team.ID, rest)
}

// ---- Success moments.

type momentsPage struct {
	teamTool
	Moments []*collab.SuccessMoment
	Query   string
	Domain  string
	Edit    *collab.SuccessMoment
}

func momentFromForm(f url.Values) (*collab.SuccessMoment, error) {
	m := &collab.SuccessMoment{Title: f.Get("title"), Story: strings.TrimSpace(f.Get("story")), MadePossible: strings.TrimSpace(f.Get("madePossible")),
		WhoInvolved: strings.TrimSpace(f.Get("whoInvolved")), Learning: strings.TrimSpace(f.Get("learning")), Shared: f.Get("shared") != ""}
	ds, bad := collab.ParseDomains(f["domains"]...)
	m.Domains = ds
	err := m.Validate()
	if bad != "" {
		fe := collab.FieldErrors(err)
		if fe == nil {
			fe = map[string]string{}
		}
		fe["domains"] = "error.invalid_choice"
		err = &collab.ValidationError{Fields: fe}
	}
	return m, err
}

func (s *Server) momentsData(r *http.Request, rc *reqCtx) (*momentsPage, error) {
	q := r.URL.Query()
	p := &momentsPage{teamTool: s.tool(r, rc, "moment.title"), Query: strings.TrimSpace(q.Get("q")), Domain: q.Get("domain"), Edit: &collab.SuccessMoment{}}
	f := sqlstore.ItemFilter{TeamID: rc.Team.ID, Query: p.Query}
	if d := collab.Domain(p.Domain); d.Valid() {
		f.Domain = d
	}
	var err error
	p.Moments, err = s.db.Moments(r.Context(), rc.Collab.ID, f)
	return p, err
}

func (s *Server) momentsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.momentsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "moments", p)
}

func (s *Server) momentCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	m, err := momentFromForm(r.PostForm)
	if err == nil {
		err = s.db.SaveMoment(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, m)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.momentsData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "moments", p)
	}
	if err != nil {
		return err
	}
	s.syncMomentShare(r.Context(), rc, m)
	return s.redirect(w, r, s.teamURL(rc, fmt.Sprint("moments/", m.ID)), "flash.created")
}

type momentPage struct {
	teamTool
	Moment *collab.SuccessMoment
	Edit   *collab.SuccessMoment
}

func (s *Server) findMoment(r *http.Request, rc *reqCtx) (*collab.SuccessMoment, error) {
	id, err := pathID(r.PathValue("moment"))
	if err != nil {
		return nil, err
	}
	return s.db.FindMoment(r.Context(), rc.Collab.ID, rc.Team.ID, id)
}

func (s *Server) momentPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := s.findMoment(r, rc)
	if err != nil {
		return err
	}
	p := &momentPage{teamTool: s.tool(r, rc, "moment.title"), Moment: m, Edit: m}
	p.Title = m.Title
	return s.render(w, http.StatusOK, "moment", p)
}

func (s *Server) momentUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	old, err := s.findMoment(r, rc)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	m, err := momentFromForm(r.PostForm)
	if err == nil {
		m.ID = old.ID
		err = s.db.SaveMoment(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, m)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p := &momentPage{teamTool: s.tool(r, rc, "moment.title"), Moment: old, Edit: old}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "moment", p)
	}
	if err != nil {
		return err
	}
	s.syncMomentShare(r.Context(), rc, m)
	return s.redirect(w, r, s.teamURL(rc, fmt.Sprint("moments/", old.ID)), "flash.saved")
}

// workshopPage walks a group through the Success Moment Workshop's
// reflection questions, one per step. Every answer so far travels in
// hidden fields, so it works without JavaScript and without a session.
type workshopPage struct {
	teamTool
	Step, Steps int
	Field       string
	Answers     url.Values
	Hidden      [][2]string
	NoDomains   []collab.Domain
}

func (s *Server) renderWorkshop(w http.ResponseWriter, r *http.Request, rc *reqCtx, status, step int, answers url.Values, errs map[string]string) error {
	p := &workshopPage{teamTool: s.tool(r, rc, "workshop.title"), Step: step, Steps: len(collab.MomentSteps), Field: collab.MomentSteps[step], Answers: answers}
	p.Form, p.Errors = answers, errs
	if p.Form == nil {
		p.Form = url.Values{}
	}
	for _, f := range collab.MomentSteps {
		if f == p.Field {
			continue
		}
		for _, v := range answers[f] {
			p.Hidden = append(p.Hidden, [2]string{f, v})
		}
	}
	if answers.Get("shared") != "" && p.Field != "learning" {
		p.Hidden = append(p.Hidden, [2]string{"shared", "1"})
	}
	return s.render(w, status, "workshop", p)
}

func (s *Server) workshopStart(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return s.renderWorkshop(w, r, rc, http.StatusOK, 0, url.Values{}, nil)
}

func (s *Server) workshopStep(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	step, _ := strconv.Atoi(f.Get("step"))
	step = max(0, min(step, len(collab.MomentSteps)-1))
	answers := url.Values{}
	for _, k := range append(collab.MomentSteps, "shared") {
		if v, ok := f[k]; ok {
			answers[k] = v
		}
	}
	field := collab.MomentSteps[step]
	switch f.Get("go") {
	case "back":
		return s.renderWorkshop(w, r, rc, http.StatusOK, max(0, step-1), answers, nil)
	case "save":
	default:
		// The first two questions must be answered before going on.
		if (field == "title" || field == "story") && strings.TrimSpace(answers.Get(field)) == "" {
			return s.renderWorkshop(w, r, rc, http.StatusUnprocessableEntity, step, answers, map[string]string{field: "error.required"})
		}
		if step < len(collab.MomentSteps)-1 {
			return s.renderWorkshop(w, r, rc, http.StatusOK, step+1, answers, nil)
		}
	}
	m, err := momentFromForm(answers)
	if err == nil {
		err = s.db.SaveMoment(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, m)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		at := 0
		for i, st := range collab.MomentSteps {
			if _, bad := fe[st]; bad {
				at = i
				break
			}
		}
		return s.renderWorkshop(w, r, rc, http.StatusUnprocessableEntity, at, answers, fe)
	}
	if err != nil {
		return err
	}
	s.syncMomentShare(r.Context(), rc, m)
	return s.redirect(w, r, s.teamURL(rc, fmt.Sprint("moments/", m.ID)), "flash.moment_saved")
}

// ---- Barriers, workarounds and tradeoffs.

type barriersPage struct {
	teamTool
	Barriers  []*collab.Barrier
	Tradeoffs []*collab.Tradeoff
	Pairs     []sqlstore.PairCount
	ByCat     []sqlstore.CategoryCount
	Subjects  []string
}

func (s *Server) barriersData(r *http.Request, rc *reqCtx) (*barriersPage, error) {
	ctx := r.Context()
	p := &barriersPage{teamTool: s.tool(r, rc, "barrier.title"), Subjects: []string{"person", "policy"}}
	f := sqlstore.ItemFilter{TeamID: rc.Team.ID}
	var err error
	if p.Barriers, err = s.db.Barriers(ctx, rc.Collab.ID, f); err != nil {
		return nil, err
	}
	if p.Tradeoffs, err = s.db.Tradeoffs(ctx, rc.Collab.ID, f); err != nil {
		return nil, err
	}
	if p.Pairs, err = s.db.TradeoffSummary(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, b := range p.Barriers {
		if counts[b.Category] == 0 {
			p.ByCat = append(p.ByCat, sqlstore.CategoryCount{Category: b.Category})
		}
		counts[b.Category]++
	}
	for i := range p.ByCat {
		p.ByCat[i].Count, p.ByCat[i].Teams = counts[p.ByCat[i].Category], 1
	}
	return p, nil
}

func (s *Server) barriersPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.barriersData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "barriers", p)
}

func (s *Server) formRetry(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error, page string, data func() (any, error), set func(any, url.Values, map[string]string), next, flash string) error {
	if fe := collab.FieldErrors(err); fe != nil {
		p, derr := data()
		if derr != nil {
			return derr
		}
		set(p, r.PostForm, fe)
		return s.render(w, http.StatusUnprocessableEntity, page, p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, next, flash)
}

func (s *Server) barrierCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	b := &collab.Barrier{System: strings.TrimSpace(f.Get("system")), Category: f.Get("category"), Description: strings.TrimSpace(f.Get("description")),
		Workaround: strings.TrimSpace(f.Get("workaround")), Domain: collab.Domain(f.Get("domain")), Shared: f.Get("shared") != ""}
	err := s.db.CreateBarrier(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, b)
	return s.formRetry(w, r, rc, err, "barriers", func() (any, error) { return s.barriersData(r, rc) },
		func(p any, f url.Values, e map[string]string) {
			p.(*barriersPage).Form, p.(*barriersPage).Errors = f, e
		}, s.teamURL(rc, "barriers"), "flash.created")
}

func (s *Server) tradeoffCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	t := &collab.Tradeoff{Subject: f.Get("subject"), GivesUp: collab.Domain(f.Get("givesUp")), Gains: collab.Domain(f.Get("gains")),
		Description: strings.TrimSpace(f.Get("tdescription")), Shared: f.Get("tshared") != ""}
	err := s.db.CreateTradeoff(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, t)
	if fe := collab.FieldErrors(err); fe != nil && fe["description"] != "" {
		fe["tdescription"] = fe["description"]
	}
	return s.formRetry(w, r, rc, err, "barriers", func() (any, error) { return s.barriersData(r, rc) },
		func(p any, f url.Values, e map[string]string) {
			p.(*barriersPage).Form, p.(*barriersPage).Errors = f, e
		}, s.teamURL(rc, "barriers"), "flash.created")
}

// ---- Habits and antidotes.

type habitsPage struct {
	teamTool
	Habits  []*collab.Habit
	Ratings []int
	Today   string
}

func (s *Server) habitsData(r *http.Request, rc *reqCtx) (*habitsPage, error) {
	p := &habitsPage{teamTool: s.tool(r, rc, "habit.title"), Ratings: []int{1, 2, 3, 4, 5}, Today: collab.DateOf(s.db.Now()).String()}
	var err error
	p.Habits, err = s.db.Habits(r.Context(), rc.Collab.ID, sqlstore.ItemFilter{TeamID: rc.Team.ID})
	return p, err
}

// Trend draws a habit's check-ins over time.
func (p *habitsPage) Trend(h *collab.Habit) template.HTML {
	var pts []bar
	for _, c := range h.Checkins {
		pts = append(pts, bar{Label: c.On.String(), Value: float64(c.Rating)})
	}
	return lineChart(p.T("habit.trend", h.Habit), pts, 5, "")
}

func (s *Server) habitsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.habitsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "habits", p)
}

func (s *Server) habitCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	h := &collab.Habit{Habit: f.Get("habit"), Antidote: strings.TrimSpace(f.Get("antidote")), Shared: f.Get("shared") != ""}
	err := s.db.SaveHabit(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, h)
	return s.formRetry(w, r, rc, err, "habits", func() (any, error) { return s.habitsData(r, rc) },
		func(p any, f url.Values, e map[string]string) { p.(*habitsPage).Form, p.(*habitsPage).Errors = f, e }, s.teamURL(rc, "habits"), "flash.created")
}

func (s *Server) habitCheckin(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	hid, _ := strconv.ParseInt(f.Get("habit"), 10, 64)
	c := &collab.HabitCheckin{Note: strings.TrimSpace(f.Get("note"))}
	c.Rating, _ = strconv.Atoi(f.Get("rating"))
	c.On, _ = collab.ParseDate(f.Get("on"))
	err := s.db.AddHabitCheckin(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, hid, c)
	return s.formRetry(w, r, rc, err, "habits", func() (any, error) { return s.habitsData(r, rc) },
		func(p any, f url.Values, e map[string]string) { p.(*habitsPage).Form, p.(*habitsPage).Errors = f, e }, s.teamURL(rc, "habits"), "flash.saved")
}

// ---- Community leaders and natural supports.

type netRow struct {
	Node collab.NetNode
	M    *netmap.Metrics
}

type edgeRow struct {
	Edge     collab.NetEdge
	From, To string
}

type networkPage struct {
	teamTool
	Nodes      []collab.NetNode
	Rows       []netRow
	Edges      []edgeRow
	Isolated   [][]string
	SVG        template.HTML
	Plans      []string
	Strengths  []int
	Components int
}

func (s *Server) networkData(r *http.Request, rc *reqCtx) (*networkPage, error) {
	nodes, edges, err := s.db.Network(r.Context(), rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return nil, err
	}
	p := &networkPage{teamTool: s.tool(r, rc, "network.title"), Nodes: nodes, Plans: collab.EdgePlans, Strengths: []int{1, 2, 3}}
	res := netmap.Measure(nodes, edges)
	name := map[int64]string{}
	byID := map[int64]collab.NetNode{}
	for _, n := range nodes {
		name[n.ID], byID[n.ID] = n.Name, n
	}
	for _, id := range res.Order {
		p.Rows = append(p.Rows, netRow{Node: byID[id], M: res.Nodes[id]})
	}
	for _, e := range edges {
		p.Edges = append(p.Edges, edgeRow{Edge: e, From: name[e.From], To: name[e.To]})
	}
	p.Components = len(res.Components)
	for _, cc := range res.Components[min(1, len(res.Components)):] {
		var names []string
		for _, id := range cc {
			names = append(names, name[id])
		}
		p.Isolated = append(p.Isolated, names)
	}
	p.SVG = networkSVG(p.T("network.svg_title", rc.Team.Name), nodes, edges, res)
	return p, nil
}

// networkSVG draws the relationship map: edges by strength and plan, nodes
// by kind, the people others route through ringed.
func networkSVG(title string, nodes []collab.NetNode, edges []collab.NetEdge, res netmap.Result) template.HTML {
	const w, h = 640, 420
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart network" role="img" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`, w, h, svgEsc(title))
	pos := func(id int64) (float64, float64) {
		m := res.Nodes[id]
		return 30 + m.X*(w-60), 20 + m.Y*(h-40)
	}
	for _, e := range edges {
		if res.Nodes[e.From] == nil || res.Nodes[e.To] == nil {
			continue
		}
		x1, y1 := pos(e.From)
		x2, y2 := pos(e.To)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="net-edge s%d plan-%s"/>`, x1, y1, x2, y2, e.Strength, svgEsc(e.Plan))
	}
	for _, n := range nodes {
		m := res.Nodes[n.ID]
		x, y := pos(n.ID)
		cls := "net-node kind-" + n.Kind
		if m.Broker {
			cls += " broker"
		}
		r := 6 + math.Min(10, float64(m.Degree)*1.5)
		fmt.Fprintf(&b, `<g class="%s"><circle cx="%.1f" cy="%.1f" r="%.1f"><title>%s</title></circle><text x="%.1f" y="%.1f" class="chart-label" text-anchor="middle">%s</text></g>`,
			svgEsc(cls), x, y, r, svgEsc(n.Name), x, y+r+12, svgEsc(n.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func (s *Server) networkPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.networkData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "network", p)
}

func (s *Server) nodeCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	n := &collab.NetNode{Name: f.Get("name"), Kind: f.Get("kind"), Notes: strings.TrimSpace(f.Get("notes"))}
	err := s.db.CreateNode(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, n)
	return s.formRetry(w, r, rc, err, "network", func() (any, error) { return s.networkData(r, rc) },
		func(p any, f url.Values, e map[string]string) { p.(*networkPage).Form, p.(*networkPage).Errors = f, e }, s.teamURL(rc, "network"), "flash.created")
}

func (s *Server) edgeCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	e := &collab.NetEdge{Kind: strings.TrimSpace(f.Get("kind")), Plan: f.Get("plan")}
	e.From, _ = strconv.ParseInt(f.Get("from"), 10, 64)
	e.To, _ = strconv.ParseInt(f.Get("to"), 10, 64)
	e.Strength, _ = strconv.Atoi(f.Get("strength"))
	err := s.db.CreateEdge(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, e)
	return s.formRetry(w, r, rc, err, "network", func() (any, error) { return s.networkData(r, rc) },
		func(p any, f url.Values, e map[string]string) { p.(*networkPage).Form, p.(*networkPage).Errors = f, e }, s.teamURL(rc, "network"), "flash.created")
}

// ---- Positive deviance.

type inquiriesPage struct {
	teamTool
	Inquiries []*collab.PDInquiry
	Outlier   string
}

func (s *Server) inquiriesData(r *http.Request, rc *reqCtx) (*inquiriesPage, error) {
	p := &inquiriesPage{teamTool: s.tool(r, rc, "inquiry.title"), Outlier: r.URL.Query().Get("outlier")}
	var err error
	p.Inquiries, err = s.db.Inquiries(r.Context(), rc.Collab.ID, sqlstore.ItemFilter{TeamID: rc.Team.ID})
	return p, err
}

func (s *Server) inquiriesPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.inquiriesData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "inquiries", p)
}

func (s *Server) inquiryCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	q := &collab.PDInquiry{Question: f.Get("question"), Outliers: strings.TrimSpace(f.Get("outliers")), Practices: strings.TrimSpace(f.Get("practices")),
		Actions: strings.TrimSpace(f.Get("actions")), Shared: f.Get("shared") != ""}
	err := s.db.SaveInquiry(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, q)
	return s.formRetry(w, r, rc, err, "inquiries", func() (any, error) { return s.inquiriesData(r, rc) },
		func(p any, f url.Values, e map[string]string) {
			p.(*inquiriesPage).Form, p.(*inquiriesPage).Errors = f, e
		}, s.teamURL(rc, "inquiries"), "flash.created")
}

// funnelPage finds candidate positive outliers: teams beyond the
// collaborative's limits on the good side of a shared ratio measure over
// its latest periods, and teams whose run chart shows a sustained
// improvement signal. Team-by-team results of shared measures are the
// coaches' to see (as on the measure pages), so the measure choice is
// theirs; anyone in the cohort may paste numbers instead (team,
// numerator, denominator a line), which are not stored.
type funnelView struct {
	basePage
	Data           string
	HigherIsBetter bool
	Result         *funnel.Result
	SVG            template.HTML
	Candidates     []funnel.Point
	MyTeam         int64
	Problem        string
	Coach          bool
	Measures       []*improve.Measure
	MeasureID      int64
	Last           int
	Improving      []string
	// TeamOf maps a point's id to its team when the data are a measure's.
	TeamOf map[int64]int64
}

// InquiryLink is where a candidate's "start an inquiry" leads: the
// viewer's own team's inquiries, or the candidate team's.
func (p *funnelView) InquiryLink(pt funnel.Point) string {
	q := url.Values{"outlier": {pt.Label}}
	if p.MyTeam != 0 {
		return fmt.Sprintf("/c/%d/teams/%d/inquiries?%s", p.Collab.ID, p.MyTeam, q.Encode())
	}
	if t := p.TeamOf[pt.ID]; t != 0 {
		return fmt.Sprintf("/c/%d/teams/%d/inquiries?%s", p.Collab.ID, t, q.Encode())
	}
	return ""
}

func (s *Server) funnelPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := r.URL.Query()
	c := rc.Collab.ID
	p := &funnelView{basePage: s.base(r, rc, "pd.title"), Data: q.Get("data"), HigherIsBetter: q.Get("direction") != "lower",
		Coach: collab.Authorize(rc.Actor, collab.PermCollabCoach, c, 0) == collab.Allow, Last: 3, TeamOf: map[int64]int64{}}
	for tid, m := range rc.Actor.Teams {
		if m.CollaborativeID == c {
			p.MyTeam = tid
		}
	}
	if n, err := strconv.Atoi(q.Get("last")); err == nil && n >= 1 && n <= 120 {
		p.Last = n
	}
	var units []funnel.Unit
	if p.Coach {
		ms, err := s.db.Measures(r.Context(), c, 0)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Shared() && m.Ratio {
				p.Measures = append(p.Measures, m)
			}
		}
		p.MeasureID, _ = strconv.ParseInt(q.Get("measure"), 10, 64)
	}
	if p.MeasureID != 0 {
		var m *improve.Measure
		for _, x := range p.Measures {
			if x.ID == p.MeasureID {
				m = x
			}
		}
		if m == nil {
			return fmt.Errorf("measure %d: %w", p.MeasureID, collab.ErrNotFound)
		}
		p.HigherIsBetter = m.Better != improve.BetterDown
		var err error
		if units, p.Improving, err = s.measureUnits(r, rc, m, p.Last, p.TeamOf); err != nil {
			return err
		}
		if len(units) == 0 {
			p.Problem = p.T("pd.no_values")
		}
	} else if strings.TrimSpace(p.Data) != "" {
		for i, line := range strings.Split(p.Data, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			parts := strings.Split(line, ",")
			if len(parts) != 3 {
				p.Problem = p.T("pd.bad_line", i+1)
				break
			}
			num, e1 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
			den, e2 := strconv.ParseFloat(strings.TrimSpace(parts[2]), 64)
			if e1 != nil || e2 != nil {
				p.Problem = p.T("pd.bad_line", i+1)
				break
			}
			units = append(units, funnel.Unit{ID: int64(i + 1), Label: strings.TrimSpace(parts[0]), Numerator: num, Denominator: den})
		}
	}
	if p.Problem == "" && len(units) > 0 {
		res, err := funnel.Compute(units, p.HigherIsBetter)
		if err != nil {
			p.Problem = p.T("pd.bad_data")
		} else {
			p.Result = &res
			p.Candidates = res.Candidates()
			p.SVG = funnelSVG(p.T("pd.svg_title"), res)
		}
	}
	status := http.StatusOK
	if p.Problem != "" && p.MeasureID == 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, status, "funnel", p)
}

// measureUnits totals each team's numerator and denominator of a shared
// ratio measure over the latest last periods anyone reported, and names
// the teams whose own run chart signals a sustained improvement.
func (s *Server) measureUnits(r *http.Request, rc *reqCtx, m *improve.Measure, last int, teamOf map[int64]int64) ([]funnel.Unit, []string, error) {
	byTeam, err := s.measureByTeam(r, rc, m)
	if err != nil {
		return nil, nil, err
	}
	teams, err := s.db.Teams(r.Context(), rc.Collab.ID, sqlstore.TeamFilter{})
	if err != nil {
		return nil, nil, err
	}
	var periods []collab.Date
	seen := map[collab.Date]bool{}
	for _, pts := range byTeam {
		for d := range pts {
			if !seen[d] {
				seen[d] = true
				periods = append(periods, d)
			}
		}
	}
	sort.Slice(periods, func(i, j int) bool { return periods[i].After(periods[j]) })
	window := map[collab.Date]bool{}
	for _, d := range periods[:min(last, len(periods))] {
		window[d] = true
	}
	var units []funnel.Unit
	var improving []string
	for _, t := range teams {
		pts := byTeam[t.ID]
		u := funnel.Unit{ID: t.ID, Label: t.Name}
		for d, pt := range pts {
			if window[d] {
				u.Numerator += pt.y
				u.Denominator += pt.n
			}
		}
		if u.Denominator > 0 && u.Numerator >= 0 && u.Numerator <= u.Denominator {
			units = append(units, u)
			teamOf[t.ID] = t.ID
		}
		if len(pts) > 0 {
			res, _, err := measureChart(m, pts, nil, nil, "", "")
			if err == nil && sustainedImprovement(res, m.Better) {
				improving = append(improving, t.Name)
			}
		}
	}
	return units, improving, nil
}

// sustainedImprovement reports whether the latest part of a run or
// control chart signals a sustained improvement: its most recent points
// form a run on the good side of the centre line longer than the runs
// rule allows by chance (Anhøj's longest-run limit), or the IHI shift or
// trend points sit on the good side.
func sustainedImprovement(res *spc.Result, better improve.Better) bool {
	if res == nil || better == improve.BetterNeither {
		return false
	}
	sign := 1.0
	if better == improve.BetterDown {
		sign = -1
	}
	for pi := range res.Panels {
		p := &res.Panels[pi]
		if len(p.Parts) == 0 {
			continue
		}
		part := p.Parts[len(p.Parts)-1]
		run := 0
		for i := part.Last - 1; i >= part.First; i-- {
			d := sign * (p.Y[i] - p.CLAt(i))
			if math.IsNaN(d) || d == 0 {
				continue
			}
			if d < 0 {
				break
			}
			run++
		}
		if part.Runs.Valid && part.Runs.LongestRunMax > 0 && run > part.Runs.LongestRunMax {
			return true
		}
		first, lastTrend := -1, -1
		for i := part.First; i < part.Last; i++ {
			if p.Shift[i] && sign*(p.Y[i]-p.CLAt(i)) > 0 {
				return true
			}
			if p.Trend[i] {
				if first < 0 {
					first = i
				}
				lastTrend = i
			}
		}
		if first >= 0 && lastTrend > first && sign*(p.Y[lastTrend]-p.Y[first]) > 0 {
			return true
		}
	}
	return false
}

// funnelSVG draws the funnel: every team's rate against its denominator,
// the collaborative's rate, and the 95% and 99.8% limits.
func funnelSVG(title string, res funnel.Result) template.HTML {
	const w, h, pad = 640, 360, 45
	maxN := res.Curve[len(res.Curve)-1].N
	minP, maxP := 1.0, 0.0
	for _, l := range res.Curve[2:] {
		minP, maxP = math.Min(minP, l.Lower998), math.Max(maxP, l.Upper998)
	}
	for _, p := range res.Points {
		minP, maxP = math.Min(minP, p.Rate), math.Max(maxP, p.Rate)
	}
	if maxP-minP < 0.01 {
		minP, maxP = minP-0.005, maxP+0.005
	}
	x := func(n float64) float64 { return pad + (w-pad-15)*n/maxN }
	y := func(p float64) float64 { return float64(h-pad) - float64(h-pad-15)*(p-minP)/(maxP-minP) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart funnel" role="img" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`, w, h, svgEsc(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="chart-axis"/><line x1="%d" y1="15" x2="%d" y2="%d" class="chart-axis"/>`, pad, h-pad, w-15, h-pad, pad, pad, h-pad)
	fmt.Fprintf(&b, `<text x="2" y="%.1f" class="chart-label">%.0f%%</text><text x="2" y="%.1f" class="chart-label">%.0f%%</text>`, y(maxP)+4, maxP*100, y(minP), minP*100)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%.0f</text>`, w-15, h-pad+16, maxN)
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="funnel-mean"/>`, pad, y(res.Rate), w-15, y(res.Rate))
	for _, lim := range []struct {
		cls string
		get func(funnel.Limits) float64
	}{
		{"l95", func(l funnel.Limits) float64 { return l.Upper95 }}, {"l95", func(l funnel.Limits) float64 { return l.Lower95 }},
		{"l998", func(l funnel.Limits) float64 { return l.Upper998 }}, {"l998", func(l funnel.Limits) float64 { return l.Lower998 }},
	} {
		var pts []string
		for _, l := range res.Curve[2:] {
			v := math.Max(minP, math.Min(maxP, lim.get(l)))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(l.N), y(v)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" class="funnel-limit %s"/>`, strings.Join(pts, " "), lim.cls)
	}
	for _, p := range res.Points {
		cls := "funnel-pt"
		if p.Candidate {
			cls += " candidate"
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="5" class="%s"><title>%s: %.1f%% (%g/%g)</title></circle>`, x(p.Denominator), y(p.Rate), cls, svgEsc(p.Label), p.Rate*100, p.Numerator, p.Denominator)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ---- Deleting, for every tool.

func (s *Server) wgwDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	kind := r.PostForm.Get("kind")
	id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	if id <= 0 || kind == "" {
		return fmt.Errorf("%w: name the kind and id of the item to remove", errBadRequest)
	}
	if err := s.db.DeleteItem(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, kind, id); err != nil {
		return err
	}
	back := map[string]string{"moment": "moments", "barrier": "barriers", "tradeoff": "barriers", "habit": "habits", "node": "network", "edge": "network", "inquiry": "inquiries"}[kind]
	return s.redirect(w, r, s.teamURL(rc, back), "flash.deleted")
}

// ---- The collaborative's view: counts for everyone, shared items for
// the cohort.

type wgwOverview struct {
	basePage
	Cohort    bool
	Counts    []sqlstore.ToolCounts
	ByCat     []sqlstore.CategoryCount
	Pairs     []sqlstore.PairCount
	Assets    []*collab.Asset
	Moments   []*collab.SuccessMoment
	Barriers  []*collab.Barrier
	Tradeoffs []*collab.Tradeoff
	Habits    []*collab.Habit
	Inquiries []*collab.PDInquiry
	Teams     map[int64]string
}

func (s *Server) wgwOverview(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	c := rc.Collab.ID
	p := &wgwOverview{basePage: s.base(r, rc, "wgw.title"), Cohort: collab.Authorize(rc.Actor, collab.PermCollabCohort, c, 0) == collab.Allow, Teams: map[int64]string{}}
	var err error
	if p.Counts, err = s.db.WGWCounts(ctx, c); err != nil {
		return err
	}
	if p.ByCat, err = s.db.BarrierSummary(ctx, c); err != nil {
		return err
	}
	if p.Pairs, err = s.db.TradeoffSummary(ctx, c, 0); err != nil {
		return err
	}
	if p.Cohort {
		f := sqlstore.ItemFilter{SharedOnly: true}
		if p.Assets, err = s.db.Assets(ctx, c, f); err != nil {
			return err
		}
		if p.Moments, err = s.db.Moments(ctx, c, f); err != nil {
			return err
		}
		if p.Barriers, err = s.db.Barriers(ctx, c, f); err != nil {
			return err
		}
		if p.Tradeoffs, err = s.db.Tradeoffs(ctx, c, f); err != nil {
			return err
		}
		if p.Habits, err = s.db.Habits(ctx, c, f); err != nil {
			return err
		}
		if p.Inquiries, err = s.db.Inquiries(ctx, c, f); err != nil {
			return err
		}
		ts, err := s.db.Teams(ctx, c, sqlstore.TeamFilter{})
		if err != nil {
			return err
		}
		for _, t := range ts {
			p.Teams[t.ID] = t.Name
		}
	}
	return s.render(w, http.StatusOK, "wgw", p)
}

// ---- API.

type apiMoment struct {
	ID           int64           `json:"id"`
	Title        string          `json:"title"`
	Story        string          `json:"story"`
	MadePossible string          `json:"madePossible"`
	WhoInvolved  string          `json:"whoInvolved"`
	Learning     string          `json:"learning"`
	Domains      []collab.Domain `json:"domains"`
	Shared       bool            `json:"shared"`
	CreatedAt    string          `json:"createdAt"`
}

func (s *Server) apiMoments(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f := sqlstore.ItemFilter{TeamID: rc.Team.ID, Query: r.URL.Query().Get("q")}
	if d := collab.Domain(r.URL.Query().Get("domain")); d.Valid() {
		f.Domain = d
	}
	ms, err := s.db.Moments(r.Context(), rc.Collab.ID, f)
	if err != nil {
		return err
	}
	out := []apiMoment{}
	for _, m := range ms {
		ds := m.Domains
		if ds == nil {
			ds = []collab.Domain{}
		}
		out = append(out, apiMoment{ID: m.ID, Title: m.Title, Story: m.Story, MadePossible: m.MadePossible, WhoInvolved: m.WhoInvolved, Learning: m.Learning,
			Domains: ds, Shared: m.Shared, CreatedAt: m.CreatedAt.Format("2006-01-02T15:04:05Z")})
	}
	writeJSON(w, http.StatusOK, map[string]any{"moments": out})
	return nil
}

func (s *Server) apiWGW(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	counts, err := s.db.WGWCounts(ctx, rc.Collab.ID)
	if err != nil {
		return err
	}
	cats, err := s.db.BarrierSummary(ctx, rc.Collab.ID)
	if err != nil {
		return err
	}
	pairs, err := s.db.TradeoffSummary(ctx, rc.Collab.ID, 0)
	if err != nil {
		return err
	}
	type tool struct {
		Tool   string `json:"tool"`
		Items  int    `json:"items"`
		Shared int    `json:"shared"`
		Teams  int    `json:"teams"`
	}
	type cat struct {
		Category string `json:"category"`
		Count    int    `json:"count"`
		Teams    int    `json:"teams"`
	}
	type pair struct {
		GivesUp collab.Domain `json:"givesUp"`
		Gains   collab.Domain `json:"gains"`
		Count   int           `json:"count"`
	}
	out := struct {
		Tools     []tool `json:"tools"`
		Barriers  []cat  `json:"barrierCategories"`
		Tradeoffs []pair `json:"tradeoffPairs"`
	}{Tools: []tool{}, Barriers: []cat{}, Tradeoffs: []pair{}}
	for _, c := range counts {
		out.Tools = append(out.Tools, tool{c.Tool, c.Items, c.Shared, c.Teams})
	}
	for _, c := range cats {
		out.Barriers = append(out.Barriers, cat{c.Category, c.Count, c.Teams})
	}
	for _, p := range pairs {
		out.Tradeoffs = append(out.Tradeoffs, pair{p.GivesUp, p.Gains, p.Count})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
