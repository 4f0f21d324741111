package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded assets under /static/HASH/NAME. The hash
// changes with the content, so a response may be cached forever.
type staticFiles struct {
	files  map[string][]byte // name -> content
	hashes map[string]string // name -> hash
}

func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{files: map[string][]byte{}, hashes: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		sf.files[name] = b
		sf.hashes[name] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return sf, nil
}

func (sf *staticFiles) url(name string) string {
	return "/static/" + sf.hashes[name] + "/" + name
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	hash, name, ok := strings.Cut(rest, "/")
	b, found := sf.files[name]
	if !ok || !found || sf.hashes[name] != hash {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}

// favicon serves the site's icon at the address browsers try on their own.
// It is an SVG (every current browser takes one); the name is historical.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err := w.Write(s.static.files["favicon.svg"])
	return err
}
