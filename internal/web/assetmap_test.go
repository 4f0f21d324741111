package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/assetmap"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

func upload(e *env, actor, path, name, content string) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	return e.do(actor, "POST", path, &body, mw.FormDataContentType())
}

func TestAssetMap(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1, ta := e.ids["c1"], e.ids["teamA"]
	base := fmt.Sprintf("/c/%d/teams/%d/assets", c1, ta)
	// A direct-service member adds assets; a bad latitude keeps what was typed.
	w := e.form("advocate", base, url.Values{"name": {"Laundromat bulletin board"}, "kind": {"place"}, "lat": {"123"}, "lng": {"-71"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Laundromat bulletin board") || !strings.Contains(w.Body.String(), "Latitude is a number") {
		t.Fatalf("bad latitude: %d", w.Code)
	}
	for _, a := range []url.Values{
		{"name": {"Laundromat bulletin board"}, "kind": {"place"}, "informal": {"1"}, "lat": {"42.36"}, "lng": {"-71.06"}, "domains": {"social_connectedness", "access"}},
		{"name": {"Auntie Rose"}, "kind": {"person"}, "informal": {"1"}, "domains": {"safety"}, "shared": {"1"}},
	} {
		if w := e.form("advocate", base, a); w.Code != http.StatusSeeOther {
			t.Fatalf("add: %d %s", w.Code, w.Body.String())
		}
	}
	w = e.do("advocate", "GET", base, nil, "")
	body := w.Body.String()
	for _, want := range []string{"Laundromat bulletin board", "Auntie Rose", "<svg", "Social connectedness"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Coaches read, but do not write.
	if w := e.form("coach", base, url.Values{"name": {"x"}, "kind": {"place"}}); w.Code != http.StatusForbidden {
		t.Errorf("coach add: %d", w.Code)
	}
	// Import: one bad row, nothing kept, the row and column named.
	before, _ := e.db.Assets(bg, c1, sqlstore.ItemFilter{TeamID: ta})
	w = upload(e, "advocate", base+"/import", "assets.csv", "name,kind,lat,lng\nPark,place,42.1,-71.2\nPool,pool,42.2,-71.3\n")
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Row 3, column kind") {
		t.Fatalf("bad import: %d", w.Code)
	}
	after, _ := e.db.Assets(bg, c1, sqlstore.ItemFilter{TeamID: ta})
	if len(after) != len(before) {
		t.Errorf("a failed import kept %d assets", len(after)-len(before))
	}
	// Export GeoJSON, import it into team B's map: the same assets.
	w = e.do("advocate", "GET", base+".geojson", nil, "")
	exported := w.Body.String()
	fc, err := assetmap.ReadGeoJSON(strings.NewReader(exported))
	if err != nil || len(fc) != len(after) {
		t.Fatalf("export: %v, %d features", err, len(fc))
	}
	tb := e.ids["teamB"]
	w = upload(e, "convener", fmt.Sprintf("/c/%d/teams/%d/assets/import", c1, tb), "a.geojson", exported)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", w.Code, w.Body.String())
	}
	w = e.do("convener", "GET", fmt.Sprintf("/c/%d/teams/%d/assets.geojson", c1, tb), nil, "")
	again, err := assetmap.ReadGeoJSON(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, a := range again {
		got[a.Name] = true
	}
	for _, a := range fc {
		if !got[a.Name] {
			t.Errorf("round trip lost %q", a.Name)
		}
	}
	// Snapshots compare side by side.
	if w := e.form("advocate", fmt.Sprintf("/c/%d/teams/%d/asset-snapshots", c1, ta), url.Values{"label": {"Start"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("snapshot: %d", w.Code)
	}
	w = e.do("advocate", "GET", fmt.Sprintf("/c/%d/teams/%d/asset-snapshots", c1, ta), nil, "")
	if !strings.Contains(w.Body.String(), "Start") || strings.Count(w.Body.String(), "<svg") != 2 {
		t.Errorf("compare page: %s", w.Body.String())
	}
}

func TestTileURL(t *testing.T) {
	for in, want := range map[string]string{
		"": "",
		"https://tile.openstreetmap.org/{z}/{x}/{y}.png":       " https://tile.openstreetmap.org",
		"https://{s}.tile.example.org/{z}/{x}/{y}.png":         " https://*.tile.example.org",
		"https://evil.example'; script-src *;/{z}/{x}/{y}.png": "",
		"not a url": "",
	} {
		if got := tileOrigin(in); got != want {
			t.Errorf("tileOrigin(%q) = %q, want %q", in, got, want)
		}
	}
	// With a tile server the page carries Leaflet and the CSP lets tiles in;
	// the plain SVG map stays for when tiles cannot be reached.
	e := newEnv(t, sqltest.SQLite(t))
	srv, err := New(Config{DB: e.db, TileURL: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", BaseURL: "http://goeswell.test"})
	must(t, err)
	e.srv = srv
	w := e.do("advocate", "GET", fmt.Sprintf("/c/%d/teams/%d/assets", e.ids["c1"], e.ids["teamA"]), nil, "")
	body := w.Body.String()
	if !strings.Contains(body, "leaflet/leaflet.js") || !strings.Contains(body, `id="asset-data"`) || !strings.Contains(body, `id="asset-plain"`) {
		t.Error("the page lacks the Leaflet map or the plain map")
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://tile.openstreetmap.org;") {
		t.Errorf("CSP %q", csp)
	}
	// The static files are served.
	for _, name := range []string{"leaflet/leaflet.js", "leaflet/leaflet.css", "assets-map.js", "wgw.css"} {
		if w := e.do("", "GET", srv.static.url(name), nil, ""); w.Code != http.StatusOK {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
}
