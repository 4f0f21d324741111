package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCompress: a page, a stylesheet and a JSON answer are gzipped for a
// client that accepts it and come back byte for byte; a client without
// gzip, an XLSX or ZIP download, a Range request and a tiny answer are
// sent as they are. Dropping the compressible check would gzip the XLSX
// (a compressed file made larger); dropping the Accept-Encoding check
// would send gzip to a client that cannot read it.
func TestCompress(t *testing.T) {
	big := strings.Repeat("<p>Lo que va bien · What goes well</p>\n", 200)
	serve := func(ct, body string) http.Handler {
		return compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			io.WriteString(w, body)
		}))
	}
	for _, tc := range []struct {
		name, ct, accept, rng, body string
		want                        bool
	}{
		{"page", "text/html; charset=utf-8", "gzip, deflate, br", "", big, true},
		{"css", "text/css; charset=utf-8", "gzip", "", big, true},
		{"svg chart", "image/svg+xml", "gzip", "", big, true},
		{"json", "application/json", "br;q=1.0, gzip;q=0.8", "", big, true},
		{"no gzip", "text/html; charset=utf-8", "identity", "", big, false},
		{"gzip refused", "text/html; charset=utf-8", "gzip;q=0", "", big, false},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "gzip", "", big, false},
		{"zip", "application/zip", "gzip", "", big, false},
		{"png", "image/png", "gzip", "", big, false},
		{"range", "text/plain", "gzip", "bytes=0-10", big, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", tc.accept)
			if tc.rng != "" {
				req.Header.Set("Range", tc.rng)
			}
			w := httptest.NewRecorder()
			serve(tc.ct, tc.body).ServeHTTP(w, req)
			got := w.Header().Get("Content-Encoding") == "gzip"
			if got != tc.want {
				t.Fatalf("gzipped = %v, want %v", got, tc.want)
			}
			if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q, want Accept-Encoding", w.Header().Get("Vary"))
			}
			body := w.Body.String()
			if got {
				zr, err := gzip.NewReader(w.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
				if w.Body.Len() > len(tc.body)/4 {
					t.Errorf("compressed to %d of %d bytes", w.Body.Len(), len(tc.body))
				}
			}
			if body != tc.body {
				t.Errorf("body changed: %d bytes, want %d", len(body), len(tc.body))
			}
		})
	}
	t.Run("tiny", func(t *testing.T) {
		h := compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "2")
			io.WriteString(w, "ok")
		}))
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Header().Get("Content-Encoding") != "" || w.Body.String() != "ok" {
			t.Errorf("tiny answer: encoding %q body %q", w.Header().Get("Content-Encoding"), w.Body.String())
		}
	})
}
