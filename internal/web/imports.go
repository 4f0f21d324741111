package web

import (
	"errors"
	"net/http"
	"time"
)

// Reading an uploaded file — a spreadsheet of measure values, a sign-in
// sheet, an asset map, indicators, a framework, an archive — takes memory
// in proportion to the file, bounded by each parser's limits. The gate
// bounds how many such bounded amounts are held at once: at most
// maxImports imports run together, whoever sends them; the next waits
// up to importWait for a turn and is then refused with 503 and
// Retry-After, having changed nothing, so it can simply be sent again.
// The gate is taken after authorization and before the body is read, so
// a request waiting its turn holds no more than a connection.
const maxImports = 2

// importWait is a variable for the tests.
var importWait = 5 * time.Second

// errBusy answers an import that found no free turn.
var errBusy = errors.New("too many imports at once")

// importing marks a route that parses an uploaded file. Routes whose
// pattern ends in /import are marked without it (routeTable).
func importing(rt Route) Route { rt.Import = true; return rt }

// enterImport waits for a turn; the returned func gives it back.
func (s *Server) enterImport(r *http.Request) (func(), error) {
	t := time.NewTimer(importWait)
	defer t.Stop()
	select {
	case s.imports <- struct{}{}:
		return func() { <-s.imports }, nil
	case <-t.C:
		return nil, errBusy
	case <-r.Context().Done():
		return nil, errBusy
	}
}
