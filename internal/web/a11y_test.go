package web

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestPagesHaveUniqueIDsAndNamedFields reads every page every actor may
// open on the demo (their own team's and the first target's objects) and
// checks two things axe-core cannot see when the duplicate is the second
// copy: no id is used twice on a page, and every form field has a name
// (a <label for>, a wrapping <label>, aria-label or aria-labelledby that
// points at a real element). Two forms on one page that share "f-name"
// leave the second field unnamed: this test catches the team page's
// invitation form, compensation's reimbursement amount and the network
// page's relationship kind as they were.
func TestPagesHaveUniqueIDsAndNamedFields(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	pages := 0
	for _, rt := range e.srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		path, err := fill(e, rt.Pattern, targets[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, actor := range actors {
			w := e.do(actor, "GET", path, nil, "")
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				continue
			}
			pages++
			for _, p := range pageProblems(w.Body.String()) {
				t.Errorf("GET %s as %s: %s", path, actorName(actor), p)
			}
		}
	}
	if pages < 100 {
		t.Errorf("read %d pages, want the demo's pages for every actor (100 or more)", pages)
	}
}

// pageProblems lists duplicate ids and unnamed form fields in a page.
func pageProblems(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	ids := map[string]int{}
	labelFor := map[string]bool{}
	var fields []*html.Node
	inLabel := map[*html.Node]bool{}
	var walk func(n *html.Node, label bool)
	walk = func(n *html.Node, label bool) {
		if n.Type == html.ElementNode {
			if id, ok := attr(n, "id"); ok {
				ids[id]++
			}
			switch n.Data {
			case "label":
				label = true
				if f, ok := attr(n, "for"); ok {
					labelFor[f] = true
				}
			case "input", "select", "textarea":
				typ, _ := attr(n, "type")
				switch typ {
				case "hidden", "submit", "button", "reset", "image":
				default:
					fields = append(fields, n)
					inLabel[n] = label
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, label)
		}
	}
	walk(doc, false)
	var out []string
	for id, n := range ids {
		if n > 1 {
			out = append(out, fmt.Sprintf("id %q used %d times", id, n))
		}
	}
	for _, f := range fields {
		id, _ := attr(f, "id")
		name, _ := attr(f, "name")
		if inLabel[f] || (id != "" && labelFor[id] && ids[id] == 1) {
			continue
		}
		if v, ok := attr(f, "aria-label"); ok && strings.TrimSpace(v) != "" {
			continue
		}
		if v, ok := attr(f, "aria-labelledby"); ok {
			found := true
			for _, ref := range strings.Fields(v) {
				found = found && ids[ref] > 0
			}
			if found && v != "" {
				continue
			}
		}
		if v, ok := attr(f, "title"); ok && strings.TrimSpace(v) != "" {
			continue
		}
		out = append(out, fmt.Sprintf("<%s name=%q id=%q> has no accessible name", f.Data, name, id))
	}
	return out
}
