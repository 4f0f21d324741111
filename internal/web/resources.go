package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// A nodeOption is a framework node a resource may be tagged with.
type nodeOption struct {
	Ref, Label string
}

// A nodeGroup is one framework's nodes in a picker: codes repeat across
// frameworks, so each list is under its framework's name.
type nodeGroup struct {
	Framework string
	Nodes     []nodeOption
}

// resourceNodes are the tags a resource of the collaborative may take:
// any node, at any depth, of a framework it adopted ("framework-key:code").
type resourceNodes struct {
	Groups []nodeGroup
	labels map[string]string
}

var (
	builtinOnce   sync.Once
	builtinLabels map[string]string
)

// builtinNodeLabels names every node of the built-in frameworks, for the
// tags a resource took before this collaborative's frameworks decided
// them (and the demo's).
func builtinNodeLabels() map[string]string {
	builtinOnce.Do(func() {
		builtinLabels = map[string]string{}
		fws, err := framework.Builtin()
		if err != nil {
			return
		}
		for _, f := range fws {
			for _, e := range f.Flatten() {
				builtinLabels[f.Key+":"+e.Node.Code] = f.Name + " " + e.Node.Code + " " + e.Node.Title
			}
		}
	})
	return builtinLabels
}

func (s *Server) resourceNodes(r *http.Request, collabID int64) (*resourceNodes, error) {
	fws, err := s.db.AdoptedFrameworks(r.Context(), collabID)
	if err != nil {
		return nil, err
	}
	rn := &resourceNodes{labels: map[string]string{}}
	for _, f := range fws {
		g := nodeGroup{Framework: f.Name}
		for _, n := range f.Flatten() {
			if n.Retired {
				continue
			}
			ref := f.Key + ":" + n.Code
			g.Nodes = append(g.Nodes, nodeOption{ref, n.Code + " " + n.Title})
			rn.labels[ref] = f.Name + " " + n.Code + " " + n.Title
		}
		rn.Groups = append(rn.Groups, g)
	}
	return rn, nil
}

// Known reports whether ref is a node a resource may be tagged with now.
func (rn *resourceNodes) Known(ref string) bool { _, ok := rn.labels[ref]; return ok }

// Label names a tag: the adopted framework's node, else the built-in
// one it came from, else the tag itself.
func (rn *resourceNodes) Label(ref string) string {
	if l, ok := rn.labels[ref]; ok {
		return l
	}
	if l, ok := builtinNodeLabels()[ref]; ok {
		return l
	}
	return ref
}

type resourcesPage struct {
	basePage
	Resources []*learning.Resource
	Filter    sqlstore.ResourceFilter
	Kinds     []learning.ResourceKind
	Domains   []learning.Domain
	Nodes     *resourceNodes
	MyTeam    int64
	CanUpload bool
}

// NodeLabel names a framework node tag.
func (p *resourcesPage) NodeLabel(ref string) string { return p.Nodes.Label(ref) }

// DomainLabel names a domain tag.
func (p basePage) DomainLabel(code string) string {
	for _, d := range learning.Domains {
		if d.Code == code {
			return p.T("resource.domain." + d.Key)
		}
	}
	return code
}

// Size formats a file size.
func (p basePage) Size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// myTeam is the actor's team in the collaborative, 0 if none.
func myTeam(rc *reqCtx) int64 {
	for tid, m := range rc.Actor.Teams {
		if m.CollaborativeID == rc.Collab.ID {
			return tid
		}
	}
	return 0
}

func (s *Server) resourcesData(r *http.Request, rc *reqCtx) (*resourcesPage, error) {
	q := r.URL.Query()
	nodes, err := s.resourceNodes(r, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	p := &resourcesPage{basePage: s.base(r, rc, "resource.title"), Kinds: learning.ResourceKinds, Domains: learning.Domains, Nodes: nodes,
		MyTeam: myTeam(rc), CanUpload: s.filesDir != "",
		Filter: sqlstore.ResourceFilter{Query: strings.TrimSpace(q.Get("q")), Kind: learning.ResourceKind(q.Get("kind")), Domain: q.Get("domain"), Node: q.Get("node")}}
	p.Resources, err = s.db.Resources(r.Context(), rc.Collab.ID, p.Filter)
	return p, err
}

func (s *Server) resourcesPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.resourcesData(r, rc)
	if err != nil {
		return err
	}
	if format != "" {
		t := table{Name: "resources", Head: []string{p.T("learning.field.title"), p.T("resource.kind"), p.T("resource.description"), p.T("resource.link_or_file"),
			p.T("resource.domains"), p.T("resource.nodes"), p.T("resource.used_by")}}
		for _, res := range p.Resources {
			where := res.URL
			if res.IsFile() {
				where = res.FileName
			}
			var doms, nodes, uses []string
			for _, d := range res.Domains {
				doms = append(doms, p.DomainLabel(d))
			}
			for _, n := range res.Nodes {
				nodes = append(nodes, p.NodeLabel(n))
			}
			for _, u := range res.Uses {
				uses = append(uses, u.TeamName)
			}
			t.Rows = append(t.Rows, []string{res.Title, p.T("resource.kind." + string(res.Kind)), res.Description, where,
				strings.Join(doms, "; "), strings.Join(nodes, "; "), strings.Join(uses, "; ")})
		}
		return s.export(w, r, rc, format, t)
	}
	return s.render(w, http.StatusOK, "resources", p)
}

// storeUpload checks an uploaded file and saves it under a random name in
// the files folder, returning the resource's file fields.
func (s *Server) storeUpload(r *http.Request, res *learning.Resource) (errKey string, err error) {
	f, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%w: %v", errBadRequest, err)
	}
	defer f.Close()
	if s.filesDir == "" {
		return "resource.error.no_storage", nil
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ctype, key := learning.CheckFile(hdr.Filename, hdr.Size, head[:n])
	if key != "" {
		return key, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	name := hex.EncodeToString(b)
	if err := os.MkdirAll(s.filesDir, 0o750); err != nil {
		return "", fmt.Errorf("files folder: %w", err)
	}
	out, err := os.OpenFile(filepath.Join(s.filesDir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- a random hex name in our folder
	if err != nil {
		return "", fmt.Errorf("store upload: %w", err)
	}
	written, err := io.Copy(out, io.LimitReader(f, learning.MaxFileSize+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && written > learning.MaxFileSize {
		os.Remove(out.Name())
		return "resource.error.file_too_large", nil
	}
	if err != nil {
		os.Remove(out.Name())
		return "", fmt.Errorf("store upload: %w", err)
	}
	res.FileName, res.FileKey, res.FileType, res.FileSize = filepath.Base(hdr.Filename), name, ctype, written
	return "", nil
}

func (s *Server) resourceCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	// The body is already limited by the route's MaxBody (server.wrap).
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) { // #nosec G120 -- bounded by MaxBytesReader
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fmt.Errorf("%w: %v", errBadRequest, err)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if r.PostForm == nil {
		r.ParseForm()
	}
	f := r.PostForm
	res := &learning.Resource{CollaborativeID: rc.Collab.ID, Kind: learning.ResourceKind(f.Get("kind")), Title: f.Get("title"),
		Description: f.Get("description"), URL: f.Get("url"), Domains: f["domains"], Nodes: f["nodes"]}
	var err error
	if r.MultipartForm != nil {
		var key string
		if key, err = s.storeUpload(r, res); err == nil && key != "" {
			err = &collab.ValidationError{Fields: map[string]string{"file": key}}
		}
	}
	if err == nil {
		var nodes *resourceNodes
		if nodes, err = s.resourceNodes(r, rc.Collab.ID); err != nil {
			return err
		}
		err = s.db.CreateResource(r.Context(), rc.who(), res, nodes.Known)
		if err != nil && res.FileKey != "" {
			os.Remove(filepath.Join(s.filesDir, res.FileKey))
		}
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.resourcesData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "resources", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/resources/%d", rc.Collab.ID, res.ID), "learning.flash.resource_added")
}

type resourcePage struct {
	basePage
	nodes     *resourceNodes
	Resource  *learning.Resource
	MyTeam    int64
	MyUse     *learning.ResourceUse
	CanDelete bool
}

// NodeLabel names a framework node tag.
func (p *resourcePage) NodeLabel(ref string) string { return p.nodes.Label(ref) }

func (s *Server) resourcePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	id, err := pathID(r.PathValue("resource"))
	if err != nil {
		return err
	}
	res, err := s.db.FindResource(r.Context(), rc.Collab.ID, id)
	if err != nil {
		return err
	}
	p := &resourcePage{basePage: s.base(r, rc, "resource.title"), Resource: res, MyTeam: myTeam(rc), CanDelete: allowed(rc, collab.PermCollabManage)}
	if p.nodes, err = s.resourceNodes(r, rc.Collab.ID); err != nil {
		return err
	}
	p.Title = res.Title
	for i := range res.Uses {
		if res.Uses[i].TeamID == p.MyTeam {
			p.MyUse = &res.Uses[i]
		}
	}
	if format != "" {
		// The list of this page: which teams used the resource.
		t := table{Name: "resource-uses", Head: []string{p.T("learning.field.title"), p.T("field.team"), p.T("field.note"), p.T("resource.marked_on")}}
		for _, u := range res.Uses {
			t.Rows = append(t.Rows, []string{res.Title, u.TeamName, u.Note, p.Date(u.MarkedAt)})
		}
		return s.export(w, r, rc, format, t)
	}
	return s.render(w, http.StatusOK, "resource", p)
}

// resourceFile serves a stored file as an attachment with its checked type
// and nosniff (set for every response), so a browser never renders it in
// our origin.
func (s *Server) resourceFile(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("resource"))
	if err != nil {
		return err
	}
	res, err := s.db.FindResource(r.Context(), rc.Collab.ID, id)
	if err != nil {
		return err
	}
	if !res.IsFile() || s.filesDir == "" {
		return fmt.Errorf("resource %d has no file: %w", id, collab.ErrNotFound)
	}
	f, err := os.Open(filepath.Join(s.filesDir, filepath.Base(res.FileKey))) // #nosec G304 -- our random key, reduced to a base name
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("resource %d file missing: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", res.FileType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+learning.SafeFileName(res.FileName)+`"`)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", res.CreatedAt, f)
	return nil
}

func (s *Server) resourceDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("resource"))
	if err != nil {
		return err
	}
	res, err := s.db.DeleteResource(r.Context(), rc.who(), rc.Collab.ID, id)
	if err != nil {
		return err
	}
	if res.IsFile() && s.filesDir != "" {
		if err := os.Remove(filepath.Join(s.filesDir, filepath.Base(res.FileKey))); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("remove resource file", "err", err)
		}
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/resources", rc.Collab.ID), "learning.flash.deleted")
}

// resourceUse marks (or, with action=remove, unmarks) "we used this" for
// the team in the path, with a note; share=1 also puts it on the feed.
func (s *Server) resourceUse(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	id, err := pathID(r.PathValue("resource"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, t := rc.Collab.ID, rc.Team.ID
	note := r.PostForm.Get("note")
	if r.PostForm.Get("action") == "remove" {
		err = s.db.UnmarkResourceUsed(ctx, rc.who(), c, t, id)
	} else {
		err = s.db.MarkResourceUsed(ctx, rc.who(), c, t, id, note)
		if err == nil && r.PostForm.Get("share") != "" {
			res, ferr := s.db.FindResource(ctx, c, id)
			if ferr != nil {
				return ferr
			}
			err = s.db.Share(ctx, rc.who(), &learning.Share{CollaborativeID: c, TeamID: t, Kind: learning.ShareResource, ItemID: id,
				Summary: learning.Summary{Title: res.Title, Learned: strings.TrimSpace(note)}})
		}
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/resources/%d", c, id), "flash.saved")
}

// MyNote is the viewer's team's note on the resource, if it marked it.
func (p *resourcePage) MyNote() string {
	if p.MyUse == nil {
		return ""
	}
	return p.MyUse.Note
}
