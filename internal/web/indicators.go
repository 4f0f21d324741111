package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
)

type indicatorsPage struct {
	basePage
	Indicators []learning.Shown
	Imports    []learning.IndicatorImport
	MinCell    int
	IsManager  bool
	// CellErrors are a refused file's problems, by row and column.
	CellErrors []learning.CellError
}

// Num formats an optional number.
func (p basePage) Num(v any) string {
	switch n := v.(type) {
	case *int64:
		if n == nil {
			return ""
		}
		return strconv.FormatInt(*n, 10)
	case *float64:
		if n == nil {
			return ""
		}
		return strconv.FormatFloat(*n, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// ShownCount is an indicator's count as shown: blank, a number, or "too few
// to show".
func (p basePage) ShownCount(in learning.Shown) string {
	if in.Hidden {
		return p.T("learning.too_few")
	}
	return p.Num(in.Count)
}

func (s *Server) indicatorsData(r *http.Request, rc *reqCtx) (*indicatorsPage, error) {
	ctx := r.Context()
	st, err := s.db.LearningSettings(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	p := &indicatorsPage{basePage: s.base(r, rc, "indicator.title"), MinCell: st.MinCell, IsManager: allowed(rc, collab.PermCollabManage)}
	ins, err := s.db.Indicators(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		p.Indicators = append(p.Indicators, learning.ShowIndicator(in, st.MinCell))
	}
	p.Imports, err = s.db.IndicatorImports(ctx, rc.Collab.ID)
	return p, err
}

func indicatorTable(p basePage, ins []learning.Shown) table {
	t := table{Name: "population-indicators", Head: []string{p.T("indicator.name"), p.T("indicator.geography"), p.T("indicator.period"),
		p.T("indicator.count"), p.T("indicator.denominator"), p.T("indicator.value"), p.T("indicator.unit"), p.T("indicator.source"), p.T("indicator.as_of")}}
	for _, in := range ins {
		t.Rows = append(t.Rows, []string{in.Name, in.Geography, in.Period, p.ShownCount(in), p.Num(in.Denominator), p.Num(in.Value), in.Unit, in.Source, in.AsOf.String()})
	}
	return t
}

func (s *Server) indicatorsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	p, err := s.indicatorsData(r, rc)
	if err != nil {
		return err
	}
	if format != "" {
		return s.export(w, r, rc, format, indicatorTable(p.basePage, p.Indicators))
	}
	return s.render(w, http.StatusOK, "indicators", p)
}

// indicatorsImport reads a CSV of indicators with its source and date; a
// file with any bad cell is refused whole, every problem listed by row and
// column.
func (s *Server) indicatorsImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseMultipartForm(1 << 20); err != nil { // #nosec G120 -- bounded by the route's MaxBody (server.wrap)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return fmt.Errorf("%w: %v", errBadRequest, err)
		}
		r.ParseForm()
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	f := r.PostForm
	im := &learning.IndicatorImport{CollaborativeID: rc.Collab.ID, Source: f.Get("source")}
	fields := map[string]string{}
	var cells []learning.CellError
	var err error
	if im.AsOf, err = collab.ParseDate(f.Get("asOf")); err != nil {
		fields["asOf"] = "error.date"
	}
	if verr := collab.FieldErrors(im.Validate()); verr != nil {
		for k, v := range verr {
			if _, ok := fields[k]; !ok {
				fields[k] = v
			}
		}
	}
	var rows []learning.Indicator
	file, hdr, ferr := r.FormFile("file")
	if ferr != nil {
		fields["file"] = "indicator.error.no_file"
	} else {
		defer file.Close()
		im.FileName = hdr.Filename
		rows, err = learning.ParseIndicators(file)
		var ie *learning.ImportError
		if errors.As(err, &ie) {
			cells = ie.Cells
			fields["file"] = "indicator.error.refused"
		} else if err != nil {
			return err
		}
	}
	if len(fields) == 0 {
		err = s.db.ImportIndicators(r.Context(), rc.who(), im, rows)
		if fe := collab.FieldErrors(err); fe != nil {
			fields = fe
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		p, perr := s.indicatorsData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors, p.CellErrors = f, fields, cells
		return s.render(w, http.StatusUnprocessableEntity, "indicators", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/indicators", rc.Collab.ID), "learning.flash.imported")
}
