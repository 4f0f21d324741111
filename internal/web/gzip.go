package web

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMin is the smallest response worth compressing: below it the gzip
// header and the CPU cost outweigh the bytes saved.
const gzipMin = 1024

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return w
}}

// compress gzips text responses for clients that accept it: pages, CSS,
// scripts, SVG charts, JSON and CSV. A caseworker on a phone waits on the
// bytes. Downloads that are compressed already (XLSX and ZIP archives,
// PNG, PDF) and partial (Range) responses pass through as they are.
//
// BREACH (guessing a secret in a compressed page from its size, with
// attacker-chosen text reflected beside it) finds little here: no page
// carries a CSRF token (cross-origin POSTs are refused by
// http.CrossOriginProtection), sessions are cookies, and the secrets a page
// shows (a new API token, an invitation or reset link) are made afresh by
// the POST that shows them once, so no two responses hold the same secret.
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || r.Header.Get("Range") != "" || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// acceptsGzip reads an Accept-Encoding header: gzip listed without q=0.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// compressible reports whether a Content-Type is text that gzip shrinks.
func compressible(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "image/svg+xml", mt == "application/json", mt == "application/geo+json",
		mt == "application/javascript", mt == "application/xml", mt == "application/atom+xml",
		mt == "application/problem+json", strings.HasSuffix(mt, "+json"):
		return true
	}
	return false
}

// gzipWriter decides at the first byte whether to compress.
type gzipWriter struct {
	http.ResponseWriter
	decided bool
	gz      *gzip.Writer
	status  int
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.decided {
		return
	}
	g.status = code
	g.decide()
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) decide() {
	g.decided = true
	h := g.Header()
	if g.status == 0 {
		g.status = http.StatusOK
	}
	if g.status < 200 || g.status == http.StatusNoContent || g.status == http.StatusNotModified || h.Get("Content-Encoding") != "" {
		return
	}
	if !compressible(h.Get("Content-Type")) {
		return
	}
	if n, err := strconv.Atoi(h.Get("Content-Length")); err == nil && n < gzipMin {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	g.gz = gzipPool.Get().(*gzip.Writer)
	g.gz.Reset(g.ResponseWriter)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far, for handlers that stream.
func (g *gzipWriter) Flush() {
	if g.gz != nil {
		g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if g.gz == nil {
		return
	}
	g.gz.Close()
	g.gz.Reset(io.Discard)
	gzipPool.Put(g.gz)
	g.gz = nil
}
