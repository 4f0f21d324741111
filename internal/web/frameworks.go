package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type builtinEntry struct {
	F       *framework.Framework
	Nodes   int
	Adopted bool
}

type searchHit struct {
	FwID      int64 // 0 for a built-in framework not adopted
	Framework string
	Node      *improve.FwNode
}

type frameworksPage struct {
	basePage
	Adopted   []*improve.CollabFramework
	Builtins  []builtinEntry
	Query     string
	Hits      []searchHit
	Manager   bool
	ParseErrs []string
}

func (s *Server) frameworksData(r *http.Request, rc *reqCtx) (*frameworksPage, error) {
	ctx := r.Context()
	p := &frameworksPage{basePage: s.base(r, rc, "framework.title"), Manager: rc.can(collab.PermCollabManage), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	var err error
	if p.Adopted, err = s.db.Frameworks(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	adopted := map[string]bool{}
	for _, f := range p.Adopted {
		adopted[f.Key] = true
	}
	bs, err := framework.Builtin()
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		p.Builtins = append(p.Builtins, builtinEntry{F: b, Nodes: len(b.Flatten()), Adopted: adopted[b.Key]})
	}
	if p.Query != "" {
		q := strings.ToLower(p.Query)
		for _, f := range p.Adopted {
			full, err := s.db.FindFramework(ctx, rc.Collab.ID, f.ID)
			if err != nil {
				return nil, err
			}
			for _, n := range full.Flatten() {
				if strings.Contains(strings.ToLower(n.Code+" "+n.Title+" "+n.Body+" "+strings.Join(n.Extra.Themes, " ")), q) {
					p.Hits = append(p.Hits, searchHit{FwID: f.ID, Framework: f.Name, Node: n})
				}
				if len(p.Hits) >= 200 {
					break
				}
			}
		}
		// Built-in frameworks not adopted yet are searched too, to help
		// choose one.
		for _, b := range p.Builtins {
			if b.Adopted {
				continue
			}
			for _, e := range b.F.Flatten() {
				n := e.Node
				if strings.Contains(strings.ToLower(n.Code+" "+n.Title+" "+n.Body+" "+strings.Join(n.Themes, " ")), q) && len(p.Hits) < 200 {
					p.Hits = append(p.Hits, searchHit{Framework: b.F.Name, Node: &improve.FwNode{Code: n.Code, Title: n.Title, Depth: e.Depth}})
				}
			}
		}
	}
	return p, nil
}

func (s *Server) frameworksPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.frameworksData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "frameworks", p)
}

func (s *Server) frameworkAdopt(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	bs, err := framework.Builtin()
	if err != nil {
		return err
	}
	key := r.PostForm.Get("key")
	fw := framework.Lookup(bs, key)
	var cf *improve.CollabFramework
	if fw == nil {
		err = &collab.ValidationError{Fields: map[string]string{"key": "error.invalid_choice"}}
	} else {
		cf, err = s.db.AdoptFramework(r.Context(), rc.who(), rc.Collab.ID, fw, key)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.frameworksData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "frameworks", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/frameworks/%d", rc.Collab.ID, cf.ID), "framework.flash_adopted")
}

// frameworkImport reads a YAML or JSON framework (a file or pasted text)
// and adopts it; problems come back by line.
func (s *Server) frameworkImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	// #nosec G120 -- bounded: maxBody here, and wrap's MaxBytesReader on the body.
	if err := r.ParseMultipartForm(maxBody); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return errBadRequest
		}
	}
	format := r.FormValue("format")
	var data []byte
	if file, hdr, err := r.FormFile("file"); err == nil {
		defer file.Close()
		if data, err = io.ReadAll(file); err != nil {
			return err
		}
		if f, err := framework.FormatForFile(hdr.Filename); err == nil {
			format = f
		}
	} else {
		data = []byte(r.FormValue("text"))
	}
	if format == "" {
		format = framework.FormatYAML
	}
	fail := func(fe map[string]string, msgs []string) error {
		p, err := s.frameworksData(r, rc)
		if err != nil {
			return err
		}
		p.Form, p.Errors, p.ParseErrs = r.Form, fe, msgs
		return s.render(w, http.StatusUnprocessableEntity, "frameworks", p)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(map[string]string{"text": "error.required"}, nil)
	}
	fw, err := framework.Parse(bytes.NewReader(data), format)
	if err != nil {
		var msgs []string
		var el framework.ErrorList
		if errors.As(err, &el) {
			for _, e := range el {
				msgs = append(msgs, e.Error())
			}
		} else {
			msgs = []string{err.Error()}
		}
		return fail(map[string]string{"text": "framework.error_parse"}, msgs)
	}
	cf, err := s.db.AdoptFramework(r.Context(), rc.who(), rc.Collab.ID, fw, "")
	if fe := collab.FieldErrors(err); fe != nil {
		return fail(map[string]string{"text": fe["key"]}, nil)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/frameworks/%d", rc.Collab.ID, cf.ID), "framework.flash_imported")
}

type frameworkPage struct {
	basePage
	F       *improve.CollabFramework
	Nodes   []*improve.FwNode
	Manager bool
	Cohort  bool
	EditID  int64
}

// Indent is a node's indentation class.
func (p *frameworkPage) Indent(n *improve.FwNode) string {
	return fmt.Sprintf("depth-%d", min(n.Depth, 5))
}

// KindName names a node kind: the catalog's word for the kinds the
// built-in frameworks use, else the level's own name (an imported
// framework's kinds are its own).
func (p *frameworkPage) KindName(kind string, depth int) string {
	if key := "framework.kind." + kind; p.T(key) != key {
		return p.T(key)
	}
	return p.F.LevelName(depth)
}

// KindsBelow lists the kinds a child of n (nil: a top-level node) may
// have; with more than one, the form asks which.
func (p *frameworkPage) KindsBelow(n *improve.FwNode) []string {
	d := 0
	if n != nil {
		d = n.Depth + 1
	}
	if d >= len(p.F.Header.Levels) {
		return nil
	}
	return p.F.Header.Levels[d].Kinds
}

// CanHaveChildren reports whether a node's level has a level below it.
func (p *frameworkPage) CanHaveChildren(n *improve.FwNode) bool {
	return n.Depth+1 < len(p.F.Header.Levels)
}

func (s *Server) findFramework(r *http.Request, rc *reqCtx) (*improve.CollabFramework, error) {
	id, err := pathID(r.PathValue("fw"))
	if err != nil {
		return nil, err
	}
	return s.db.FindFramework(r.Context(), rc.Collab.ID, id)
}

func (s *Server) frameworkData(r *http.Request, rc *reqCtx) (*frameworkPage, error) {
	f, err := s.findFramework(r, rc)
	if err != nil {
		return nil, err
	}
	p := &frameworkPage{basePage: s.base(r, rc, "framework.title"), F: f, Nodes: f.Flatten(), Manager: rc.can(collab.PermCollabManage), Cohort: rc.can(collab.PermCollabCohort)}
	p.Title = f.Name
	return p, nil
}

func (s *Server) frameworkPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.frameworkData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "framework", p)
}

func (s *Server) frameworkExport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f, err := s.findFramework(r, rc)
	if err != nil {
		return err
	}
	format := framework.FormatYAML
	ct := "application/yaml"
	if r.URL.Query().Get("format") == "json" {
		format, ct = framework.FormatJSON, "application/json"
	}
	var buf bytes.Buffer
	if err := framework.Export(&buf, f.Export(), format); err != nil {
		// Only an edited copy can fail, such as one whose every node is
		// retired: say so rather than fail.
		return &collab.ValidationError{Fields: map[string]string{"framework": "framework.error_export"}}
	}
	w.Header().Set("Content-Type", ct+"; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, f.Key, format))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

type frameworkHistoryPage struct {
	basePage
	F       *improve.CollabFramework
	Changes []improve.FrameworkChange
}

func (s *Server) frameworkHistory(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f, err := s.findFramework(r, rc)
	if err != nil {
		return err
	}
	p := &frameworkHistoryPage{basePage: s.base(r, rc, "framework.history_title"), F: f}
	if p.Changes, err = s.db.FrameworkHistory(r.Context(), rc.Collab.ID, f.ID); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "framework_history", p)
}

type changePackagePage struct {
	basePage
	F    *improve.CollabFramework
	Rows []*evidenceRow
	// Staff (conveners and coaches) see each team's evidence; the
	// cohort sees counts. Manager may link measures to nodes.
	Staff, Manager bool
	Measures       []*improve.Measure // the shared measures, to link
}

// Indent is a node's indentation class.
func (p *changePackagePage) Indent(n *improve.FwNode) string {
	return fmt.Sprintf("depth-%d", min(n.Depth, 5))
}

// Period names a measure's period for people: a month by name, a week by
// its Monday.
func (p *changePackagePage) Period(m *improve.Measure, d collab.Date) string {
	if m.Period == improve.Monthly {
		return p.MonthYear(d)
	}
	return d.String()
}

// Day shows a date.
func (p *changePackagePage) Day(d collab.Date) string { return d.String() }

func (s *Server) changePackageData(r *http.Request, rc *reqCtx, f *improve.CollabFramework) (*changePackagePage, error) {
	p := &changePackagePage{basePage: s.base(r, rc, "framework.package_title"), F: f,
		Staff: rc.can(collab.PermCollabCoach), Manager: rc.can(collab.PermCollabManage)}
	var err error
	if p.Rows, err = s.changeEvidence(r.Context(), rc.Collab.ID, f); err != nil {
		return nil, err
	}
	if !p.Staff {
		withholdImproved(p.Rows) // the page names the teams testing
	}
	if p.Manager {
		if p.Measures, err = s.db.Measures(r.Context(), rc.Collab.ID, 0); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) changePackage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	f, err := s.findFramework(r, rc)
	if err != nil {
		return err
	}
	p, err := s.changePackageData(r, rc, f)
	if err != nil {
		return err
	}
	if format != "" {
		return s.export(w, r, rc, format, evidenceTable(p.basePage, p.Rows, p.Staff))
	}
	return s.render(w, http.StatusOK, "change_package", p)
}

func (s *Server) frameworkNodeAdd(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f, err := s.findFramework(r, rc)
	if err != nil {
		return err
	}
	_, err = s.db.AddFrameworkNode(r.Context(), rc.who(), rc.Collab.ID, f.ID, formID(r.PostForm, "parent"), r.PostForm.Get("kind"), r.PostForm.Get("title"), r.PostForm.Get("body"))
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.frameworkData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors, p.EditID = r.PostForm, fe, -1
		return s.render(w, http.StatusUnprocessableEntity, "framework", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/frameworks/%d", rc.Collab.ID, f.ID), "flash.saved")
}

func (s *Server) frameworkNodeEdit(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f, err := s.findFramework(r, rc)
	if err != nil {
		return err
	}
	nid, err := pathID(r.PathValue("node"))
	if err != nil {
		return err
	}
	fm := r.PostForm
	var e sqlstore.NodeEdit
	switch fm.Get("action") {
	case "up":
		e.Move = -1
	case "down":
		e.Move = 1
	case "retire":
		t := true
		e.Retired = &t
	case "restore":
		t := false
		e.Retired = &t
	default:
		if fm.Has("title") {
			t := fm.Get("title")
			e.Title = &t
		}
		if fm.Has("body") {
			b := fm.Get("body")
			e.Body = &b
		}
	}
	err = s.db.EditFrameworkNode(r.Context(), rc.who(), rc.Collab.ID, f.ID, nid, e)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.frameworkData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors, p.EditID = fm, fe, nid
		return s.render(w, http.StatusUnprocessableEntity, "framework", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/frameworks/%d#node-%d", rc.Collab.ID, f.ID, nid), "flash.saved")
}
