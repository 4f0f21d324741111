package web

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the API's OpenAPI 3 description. A test checks that its
// paths and methods are exactly the API routes of the route table, with
// the same permissions.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openapiDoc)
	return err
}
