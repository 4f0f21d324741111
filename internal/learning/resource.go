package learning

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// ResourceKind says what a resource is.
type ResourceKind string

// The resource kinds.
const (
	KindTool     ResourceKind = "tool"
	KindForm     ResourceKind = "form"
	KindToolkit  ResourceKind = "toolkit"
	KindPlaybook ResourceKind = "playbook"
	KindOther    ResourceKind = "other"
)

// ResourceKinds lists the kinds in display order.
var ResourceKinds = []ResourceKind{KindTool, KindForm, KindToolkit, KindPlaybook, KindOther}

// MaxFileSize is the largest file the library accepts: 10 MiB.
const MaxFileSize = 10 << 20

// A Resource is one entry of the library: a stored file or a link.
type Resource struct {
	ID, CollaborativeID int64
	Kind                ResourceKind
	Title, Description  string
	URL                 string
	// File fields are set for an uploaded file. FileKey is the random
	// name it is stored under; FileName is the name it was uploaded with.
	FileName, FileKey, FileType string
	FileSize                    int64
	// Nodes are framework node references "framework-key:code".
	Nodes []string
	// Domains are five-domains codes.
	Domains   []string
	CreatedBy int64
	CreatedAt time.Time
	// Uses are the teams that marked the resource as used.
	Uses []ResourceUse
}

// IsFile reports whether the resource is a stored file.
func (r *Resource) IsFile() bool { return r.FileKey != "" }

// A ResourceUse is a team's "we used this", with a note.
type ResourceUse struct {
	ResourceID, TeamID int64
	TeamName           string
	Note               string
	MarkedBy           int64
	MarkedAt           time.Time
}

// Validate checks a resource before it is stored. knownNode reports whether
// a node reference names a built-in framework node.
func (r *Resource) Validate(knownNode func(string) bool) error {
	v := collab.NewValidation()
	trimLimit(v, "title", &r.Title, 200, true)
	trimLimit(v, "description", &r.Description, 4000, false)
	if r.Kind == "" {
		r.Kind = KindTool
	}
	ok := false
	for _, k := range ResourceKinds {
		ok = ok || k == r.Kind
	}
	if !ok {
		v.Add("kind", "error.invalid_choice")
	}
	r.URL = strings.TrimSpace(r.URL)
	switch {
	case r.URL == "" && r.FileKey == "":
		v.Add("file", "resource.error.file_or_link")
	case r.URL != "" && r.FileKey != "":
		v.Add("url", "resource.error.file_and_link")
	case r.URL != "":
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(r.URL) > 2000 {
			v.Add("url", "resource.error.bad_url")
		}
	}
	for _, d := range r.Domains {
		if !ValidDomain(d) {
			v.Add("domains", "error.invalid_choice")
		}
	}
	for _, n := range r.Nodes {
		if knownNode != nil && !knownNode(n) {
			v.Add("nodes", "resource.error.unknown_node")
		}
	}
	return v.Err()
}

// fileTypes maps an allowed extension to the content types
// http.DetectContentType may report for it. Office files are zip
// containers, so they sniff as application/zip; text and CSV as text/plain.
var fileTypes = map[string]struct {
	serve string
	sniff []string
}{
	".pdf":  {"application/pdf", []string{"application/pdf"}},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{"application/zip"}},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{"application/zip"}},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", []string{"application/zip"}},
	".png":  {"image/png", []string{"image/png"}},
	".jpg":  {"image/jpeg", []string{"image/jpeg"}},
	".jpeg": {"image/jpeg", []string{"image/jpeg"}},
	".txt":  {"text/plain; charset=utf-8", []string{"text/plain; charset=utf-8"}},
	".csv":  {"text/csv; charset=utf-8", []string{"text/plain; charset=utf-8"}},
}

// CheckFile decides whether an upload may be stored: its extension must be
// one of PDF, DOCX, XLSX, PPTX, PNG, JPEG, TXT or CSV, and its first bytes
// must sniff (http.DetectContentType) as that kind of file — a renamed
// executable or HTML page is refused whatever its name. It returns the
// content type to serve it with, or a catalog key saying why not.
func CheckFile(name string, size int64, head []byte) (contentType, errKey string) {
	if size <= 0 {
		return "", "resource.error.empty_file"
	}
	if size > MaxFileSize {
		return "", "resource.error.file_too_large"
	}
	ft, ok := fileTypes[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return "", "resource.error.file_type"
	}
	sniffed := http.DetectContentType(head)
	for _, s := range ft.sniff {
		if sniffed == s {
			return ft.serve, ""
		}
	}
	return "", "resource.error.file_content"
}

// SafeFileName keeps a file name's base and only harmless characters, for
// the Content-Disposition header.
func SafeFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('_')
		}
	}
	if s := strings.Trim(b.String(), "."); s != "" {
		return s
	}
	return "download"
}
