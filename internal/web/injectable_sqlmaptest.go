//go:build sqlmaptest

package web

import (
	"net/http"

	"github.com/goeswell/goeswell/internal/collab"
)

// This file exists only in binaries built with -tags sqlmaptest, for the
// SQL injection scan: a route that pastes its parameter into SQL, so the
// scanner has one thing it must find. Never build a release with the tag.
func init() {
	testOnlyRoutes = append(testOnlyRoutes, func(s *Server) []Route {
		return []Route{apiGet("/test-only/injectable", collab.PermPublic, s.injectable)}
	})
}

func (s *Server) injectable(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var n int
	// #nosec G202 -- deliberately injectable: the scan's positive control.
	err := s.db.Raw().QueryRowContext(r.Context(), "SELECT COUNT(*) FROM teams WHERE name = '"+r.URL.Query().Get("name")+"'").Scan(&n)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"count": 0})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": n})
	return nil
}
