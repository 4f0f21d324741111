package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
)

// A tooLarge is a form post whose body was over the route's limit: what
// fitted under it, parsed, so the page can offer it again.
type tooLarge struct {
	limit, size int64 // bytes
	form        url.Values
	// field is the longest field, which most likely made the form too
	// large: the message goes beside it.
	field string
}

type tooLargeKey struct{}

// tooLargeOf returns the oversized post a page is answering, or nil.
func tooLargeOf(ctx context.Context) *tooLarge {
	tl, _ := ctx.Value(tooLargeKey{}).(*tooLarge)
	return tl
}

// message is the explanation, with the limit and the size, in KB.
func (tl *tooLarge) message() string {
	return collab.WithArgs("error.form_too_large", int((tl.limit+1023)/1024), int((tl.size+1023)/1024))
}

// oversizedForm reads a web form's body under the route's limit. When it
// is over the limit (a pasted book, a 5 MB narrative), the person must not
// lose what they typed to a bare error: the form's page is rendered again
// (the GET route of the same address) with what fitted under the limit and
// a message stating the limit, status 413. A form with no page of its own
// gets the error page, which shows the text to copy. It reports whether it
// answered the request; if not, the handler reads the body as usual.
func (s *Server) oversizedForm(w http.ResponseWriter, r *http.Request, rt Route, rc *reqCtx) bool {
	if rc.API || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		// Under the limit: hand the handler the same bytes (and error).
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{err}))
		return false
	}
	tl := &tooLarge{limit: mbe.Limit, size: max(r.ContentLength, mbe.Limit+1), form: partialForm(b)}
	longest := 0
	for k, vs := range tl.form {
		for _, v := range vs {
			if len(v) > longest || (len(v) == longest && k < tl.field) {
				longest, tl.field = len(v), k
			}
		}
	}
	for _, g := range s.routes {
		if g.Method != http.MethodGet || g.Pattern != rt.Pattern {
			continue
		}
		r2 := r.Clone(context.WithValue(r.Context(), tooLargeKey{}, tl))
		r2.Method, r2.Body, r2.ContentLength = http.MethodGet, http.NoBody, 0
		// The form's short fields (its month, its kind) choose what the
		// page shows, as the address would: the report form comes back
		// for the month being written, not the default one.
		q := r2.URL.Query()
		for k, vs := range tl.form {
			if _, set := q[k]; set || k == "format" || k == tl.field {
				continue
			}
			if short := len(strings.Join(vs, "")) <= 100; short {
				q[k] = vs
			}
		}
		r2.URL.RawQuery = q.Encode()
		s.wrap(g).ServeHTTP(&okAs{ResponseWriter: w, status: http.StatusRequestEntityTooLarge}, r2)
		return true
	}
	s.renderTooLarge(w, r, rc, tl)
	return true
}

// errReader returns err once the body's bytes are read (nil: io.EOF).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// partialForm parses the part of a form body that fitted: the last field
// is cut where the limit fell, keeping its beginning, and an escape or a
// character cut in half is dropped.
func partialForm(b []byte) url.Values {
	if i := bytes.LastIndexByte(b, '%'); i >= 0 && i >= len(b)-2 {
		b = b[:i]
	}
	form, _ := url.ParseQuery(string(b))
	for k, vs := range form {
		// Never echo a secret back into a page.
		if l := strings.ToLower(k); strings.Contains(l, "password") || strings.Contains(l, "secret") || strings.Contains(l, "token") || strings.Contains(l, "code") {
			delete(form, k)
			continue
		}
		for i, v := range vs {
			vs[i] = strings.ToValidUTF8(v, "")
		}
		form[k] = vs
	}
	return form
}

// okAs answers with status where the page would say 200.
type okAs struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (sw *okAs) WriteHeader(code int) {
	if code == http.StatusOK {
		code = sw.status
	}
	sw.wrote = true
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *okAs) Write(b []byte) (int, error) {
	if !sw.wrote {
		sw.WriteHeader(http.StatusOK)
	}
	return sw.ResponseWriter.Write(b)
}

type tooLargePage struct {
	basePage
	Kept []keptField
}

type keptField struct{ Name, Value string }

// renderTooLarge is the error page for an oversized form with no page to
// show it again on: it states the limit and shows the longer texts that
// fitted, to copy.
func (s *Server) renderTooLarge(w http.ResponseWriter, r *http.Request, rc *reqCtx, tl *tooLarge) {
	r = r.WithContext(context.WithValue(r.Context(), tooLargeKey{}, tl))
	p := &tooLargePage{basePage: s.base(r, rc, "error.too_large_title")}
	for k, vs := range tl.form {
		for _, v := range vs {
			if len(strings.TrimSpace(v)) >= 40 {
				p.Kept = append(p.Kept, keptField{k, v})
			}
		}
	}
	sort.Slice(p.Kept, func(i, j int) bool { return len(p.Kept[i].Value) > len(p.Kept[j].Value) })
	if err := s.render(w, http.StatusRequestEntityTooLarge, "too_large", p); err != nil {
		s.renderError(w, r, rc, err)
	}
}
