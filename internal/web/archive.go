package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/ziplimit"
)

// maxArchive bounds an uploaded archive.
const maxArchive = 512 << 20

// archiveExport downloads the whole collaborative as one zip archive (JSON,
// CSV and stored files) that another goeswell can import.
func (s *Server) archiveExport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var buf bytes.Buffer
	m, err := s.db.ExportArchive(r.Context(), rc.Collab.ID, s.filesDir, &buf)
	if err != nil {
		return err
	}
	if err := s.db.Audit(r.Context(), rc.who(), rc.Collab.ID, "export", r.URL.Path, fmt.Sprintf("archive, %d tables, %d files", len(m.Tables), len(m.Files))); err != nil {
		return err
	}
	name := learning.SafeFileName(fmt.Sprintf("goeswell-%s-%s.zip", rc.Collab.Name, m.ExportedAt.Format("2006-01-02")))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

type importPage struct {
	basePage
}

func (s *Server) archiveImportForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return s.render(w, http.StatusOK, "archive_import", importPage{basePage: s.base(r, rc, "learning.import_title")})
}

// archiveImport loads an archive as a new collaborative.
func (s *Server) archiveImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	fail := func(key string) error {
		p := importPage{basePage: s.base(r, rc, "learning.import_title")}
		p.Errors = map[string]string{"file": key}
		return s.render(w, http.StatusUnprocessableEntity, "archive_import", p)
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil { // #nosec G120 -- bounded by the route's MaxBody (server.wrap)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fail("learning.error.not_archive")
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return fail("learning.error.not_archive")
	}
	defer f.Close()
	id, err := s.db.ImportArchive(r.Context(), rc.who(), f, hdr.Size, s.filesDir)
	if fe := collab.FieldErrors(err); fe != nil {
		return fail(fe["file"])
	}
	if errors.Is(err, ziplimit.ErrTooLarge) {
		return fail("error.too_large")
	}
	if err != nil {
		s.log.Warn("archive import refused", "err", err)
		return fail("learning.error.archive_broken")
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d", id), "learning.flash.imported_collaborative")
}
