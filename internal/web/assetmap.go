package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/assetmap"
	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// assetMapRoutes are the community asset map: a team's working space,
// shared with the cohort item by item.
func (s *Server) assetMapRoutes() []Route {
	return []Route{
		get("/c/{collab}/teams/{team}/assets", collab.PermTeamRead, s.assetsPage),
		post("/c/{collab}/teams/{team}/assets", collab.PermTeamWrite, s.assetCreate),
		get("/c/{collab}/teams/{team}/assets.geojson", collab.PermTeamRead, s.assetsGeoJSON),
		get("/c/{collab}/teams/{team}/assets.csv", collab.PermTeamRead, s.assetsCSV),
		post("/c/{collab}/teams/{team}/assets/import", collab.PermTeamWrite, s.assetsImport),
		get("/c/{collab}/teams/{team}/assets/{asset}", collab.PermTeamRead, s.assetEditForm),
		post("/c/{collab}/teams/{team}/assets/{asset}", collab.PermTeamWrite, s.assetUpdate),
		post("/c/{collab}/teams/{team}/assets/{asset}/delete", collab.PermTeamWrite, s.assetDelete),
		post("/c/{collab}/teams/{team}/asset-snapshots", collab.PermTeamWrite, s.assetSnapshotCreate),
		get("/c/{collab}/teams/{team}/asset-snapshots", collab.PermTeamRead, s.assetSnapshotsPage),

		apiGet("/collaboratives/{collab}/teams/{team}/assets", collab.PermTeamRead, s.apiAssets),
		apiDo("POST", "/collaboratives/{collab}/teams/{team}/assets", collab.PermTeamWrite, s.apiAssetCreate),
		apiGet("/collaboratives/{collab}/teams/{team}/assets.geojson", collab.PermTeamRead, s.assetsGeoJSON),
	}
}

// mapPoint is an asset as the map script reads it.
type mapPoint struct {
	N    int     `json:"n"`
	Name string  `json:"name"`
	Kind string  `json:"kind"`
	Lat  float64 `json:"lat"`
	Lng  float64 `json:"lng"`
}

func mapPoints(as []*collab.Asset) []mapPoint {
	out := []mapPoint{}
	for i, a := range as {
		if a.HasLocation {
			out = append(out, mapPoint{N: i + 1, Name: a.Name, Kind: string(a.Kind), Lat: a.Lat, Lng: a.Lng})
		}
	}
	return out
}

// scatterSVG is the map without tiles: points placed by their coordinates
// (equirectangular, scaled to the points' bounding box, north up), each
// numbered as in the list beside it.
func scatterSVG(title string, pts []mapPoint, emptyNote string) template.HTML {
	const w, h, pad = 640, 400, 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart asset-scatter" role="img" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`, w, h, svgEsc(title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" class="map-bg"/>`, w, h)
	if len(pts) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-note" text-anchor="middle">%s</text></svg>`, w/2, h/2, svgEsc(emptyNote))
		return template.HTML(b.String())
	}
	minLat, maxLat, minLng, maxLng := 90.0, -90.0, 180.0, -180.0
	for _, p := range pts {
		minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		minLng, maxLng = math.Min(minLng, p.Lng), math.Max(maxLng, p.Lng)
	}
	// Longitude shrinks with latitude; keep the map's proportions.
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	spanX, spanY := math.Max((maxLng-minLng)*k, 1e-4), math.Max(maxLat-minLat, 1e-4)
	scale := math.Min(float64(w-2*pad)/spanX, float64(h-2*pad)/spanY)
	offX := (float64(w) - spanX*scale) / 2
	offY := (float64(h) - spanY*scale) / 2
	for _, p := range pts {
		x := offX + (p.Lng-minLng)*k*scale
		y := offY + (maxLat-p.Lat)*scale
		fmt.Fprintf(&b, `<g class="pt kind-%s"><circle cx="%.1f" cy="%.1f" r="7"><title>%d. %s</title></circle><text x="%.1f" y="%.1f" text-anchor="middle" class="pt-n">%d</text></g>`,
			svgEsc(p.Kind), x, y, p.N, svgEsc(p.Name), x, y+3.5, p.N)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

type assetsPage struct {
	basePage
	Team      *collab.Team
	Assets    []*collab.Asset
	CanWrite  bool
	Kinds     []collab.AssetKind
	Points    []mapPoint
	Scatter   template.HTML
	TileURL   string
	Snapshots []*collab.AssetSnapshot
	Problems  []string
	Edit      *collab.Asset
}

// Coords are the edited asset's coordinates as the form shows them.
func (p *assetsPage) Coords() []string {
	if p.Edit == nil || !p.Edit.HasLocation {
		return []string{"", ""}
	}
	return []string{strconv.FormatFloat(p.Edit.Lat, 'f', -1, 64), strconv.FormatFloat(p.Edit.Lng, 'f', -1, 64)}
}

func (s *Server) assetsData(r *http.Request, rc *reqCtx) (*assetsPage, error) {
	ctx := r.Context()
	c, t := rc.Collab.ID, rc.Team.ID
	p := &assetsPage{basePage: s.base(r, rc, "asset.title"), Team: rc.Team, Kinds: collab.AssetKinds, TileURL: s.tileURL, Edit: &collab.Asset{},
		CanWrite: collab.Authorize(rc.Actor, collab.PermTeamWrite, c, t) == collab.Allow}
	var err error
	if p.Assets, err = s.db.Assets(ctx, c, sqlstore.ItemFilter{TeamID: t}); err != nil {
		return nil, err
	}
	if p.Snapshots, err = s.db.AssetSnapshots(ctx, c, t); err != nil {
		return nil, err
	}
	p.Points = mapPoints(p.Assets)
	p.Scatter = scatterSVG(p.T("asset.map_title", rc.Team.Name), p.Points, p.T("asset.no_locations"))
	return p, nil
}

func (s *Server) assetsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.assetsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "assets", p)
}

// assetFromForm reads an asset form; coordinates must both be numbers or
// both be empty.
func assetFromForm(f map[string][]string) (*collab.Asset, error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	a := &collab.Asset{Name: get("name"), Kind: collab.AssetKind(get("kind")), Informal: get("informal") != "", Address: get("address"), Notes: get("notes"), Shared: get("shared") != ""}
	v := collab.NewValidation()
	ds, bad := collab.ParseDomains(f["domains"]...)
	if bad != "" {
		v.Add("domains", "error.invalid_choice")
	}
	a.Domains = ds
	lat, lng := get("lat"), get("lng")
	if lat != "" || lng != "" {
		var e1, e2 error
		a.Lat, e1 = strconv.ParseFloat(lat, 64)
		a.Lng, e2 = strconv.ParseFloat(lng, 64)
		if e1 != nil {
			v.Add("lat", "error.latitude")
		}
		if e2 != nil {
			v.Add("lng", "error.longitude")
		}
		a.HasLocation = true
	}
	if err := a.Validate(); err != nil {
		for k, m := range collab.FieldErrors(err) {
			v.Add(k, m)
		}
	}
	return a, v.Err()
}

func (s *Server) assetCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	a, err := assetFromForm(r.PostForm)
	if err == nil {
		err = s.db.CreateAsset(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, a)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.assetsData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "assets", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/assets", rc.Collab.ID, rc.Team.ID), "flash.created")
}

func (s *Server) findAsset(r *http.Request, rc *reqCtx) (*collab.Asset, error) {
	id, err := pathID(r.PathValue("asset"))
	if err != nil {
		return nil, err
	}
	return s.db.FindAsset(r.Context(), rc.Collab.ID, rc.Team.ID, id)
}

func (s *Server) assetEditForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	a, err := s.findAsset(r, rc)
	if err != nil {
		return err
	}
	p := &assetsPage{basePage: s.base(r, rc, "asset.edit_title"), Team: rc.Team, Kinds: collab.AssetKinds, Edit: a,
		CanWrite: collab.Authorize(rc.Actor, collab.PermTeamWrite, rc.Collab.ID, rc.Team.ID) == collab.Allow}
	return s.render(w, http.StatusOK, "asset_edit", p)
}

func (s *Server) assetUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	old, err := s.findAsset(r, rc)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	a, err := assetFromForm(r.PostForm)
	if err == nil {
		a.ID = old.ID
		err = s.db.UpdateAsset(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, a)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p := &assetsPage{basePage: s.base(r, rc, "asset.edit_title"), Team: rc.Team, Kinds: collab.AssetKinds, Edit: old, CanWrite: true}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "asset_edit", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/assets", rc.Collab.ID, rc.Team.ID), "flash.saved")
}

func (s *Server) assetDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("asset"))
	if err != nil {
		return err
	}
	if err := s.db.DeleteAsset(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/assets", rc.Collab.ID, rc.Team.ID), "flash.deleted")
}

func (s *Server) assetsGeoJSON(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := s.db.Assets(r.Context(), rc.Collab.ID, sqlstore.ItemFilter{TeamID: rc.Team.ID})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := assetmap.WriteGeoJSON(&buf, as); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "no-store")
	if !rc.API {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="assets-team-%d.geojson"`, rc.Team.ID))
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) assetsCSV(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := s.db.Assets(r.Context(), rc.Collab.ID, sqlstore.ItemFilter{TeamID: rc.Team.ID})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := assetmap.WriteCSV(&buf, as); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="assets-team-%d.csv"`, rc.Team.ID))
	_, err = w.Write(buf.Bytes())
	return err
}

// assetsImport reads an uploaded GeoJSON or CSV file: every asset is added
// or none, with each problem shown by feature or by row and column.
func (s *Server) assetsImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	// #nosec G120 -- the wrapper limits the body to maxBody (MaxBytesReader) on every mutating route.
	if err := r.ParseMultipartForm(maxBody); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errBadRequest
	}
	file, hdr, err := r.FormFile("file")
	var as []*collab.Asset
	var problems []string
	p, perr := s.assetsData(r, rc)
	if perr != nil {
		return perr
	}
	if err != nil {
		problems = append(problems, p.T("error.import_file"))
	} else {
		defer file.Close()
		body, rerr := io.ReadAll(file)
		if rerr != nil {
			return rerr
		}
		name := strings.ToLower(hdr.Filename)
		switch {
		case strings.HasSuffix(name, ".csv"):
			as, err = assetmap.ReadCSV(bytes.NewReader(body))
		case strings.HasSuffix(name, ".geojson"), strings.HasSuffix(name, ".json"):
			as, err = assetmap.ReadGeoJSON(bytes.NewReader(body))
		default:
			err = &assetmap.ImportError{Problems: []assetmap.Problem{{Row: -1, Index: -1, Field: "file", Key: "error.import_file"}}}
		}
		if err == nil {
			err = s.db.ImportAssets(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, as)
		}
		var ie *assetmap.ImportError
		switch {
		case errors.As(err, &ie):
			for _, pr := range ie.Problems {
				msg := p.T(pr.Key)
				switch {
				case pr.Index >= 0:
					problems = append(problems, p.T("import.at_feature", pr.Index, pr.Field, msg))
				case pr.Row >= 0:
					problems = append(problems, p.T("import.at_row", pr.Row, pr.Field, msg))
				default:
					problems = append(problems, msg)
				}
			}
		case collab.FieldErrors(err) != nil:
			for f, m := range collab.FieldErrors(err) {
				problems = append(problems, f+": "+p.T(m))
			}
		case err != nil:
			return err
		}
	}
	if len(problems) > 0 {
		p.Problems = problems
		return s.render(w, http.StatusUnprocessableEntity, "assets", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/assets", rc.Collab.ID, rc.Team.ID), "flash.imported")
}

func (s *Server) assetSnapshotCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	_, err := s.db.CreateAssetSnapshot(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, r.PostForm.Get("label"))
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.assetsData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "assets", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/asset-snapshots", rc.Collab.ID, rc.Team.ID), "flash.created")
}

type snapshotView struct {
	Label   string
	Date    string
	Assets  []*collab.Asset
	Scatter template.HTML
	Count   int
	ByKind  map[collab.AssetKind]int
}

type snapshotsPage struct {
	basePage
	Team      *collab.Team
	Snapshots []*collab.AssetSnapshot
	A, B      string
	Views     []snapshotView
	Kinds     []collab.AssetKind
}

// assetSnapshotsPage compares two snapshots (or a snapshot and the map as
// it is now) side by side.
func (s *Server) assetSnapshotsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	p := &snapshotsPage{basePage: s.base(r, rc, "asset.snapshots_title"), Team: rc.Team, Kinds: collab.AssetKinds}
	var err error
	if p.Snapshots, err = s.db.AssetSnapshots(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return err
	}
	p.A, p.B = r.URL.Query().Get("a"), r.URL.Query().Get("b")
	if p.A == "" && len(p.Snapshots) > 0 {
		p.A = fmt.Sprint(p.Snapshots[0].ID)
	}
	if p.B == "" {
		p.B = "now"
	}
	for _, sel := range []string{p.A, p.B} {
		var v snapshotView
		if sel == "now" {
			as, err := s.db.Assets(ctx, rc.Collab.ID, sqlstore.ItemFilter{TeamID: rc.Team.ID})
			if err != nil {
				return err
			}
			v = snapshotView{Label: p.T("asset.now"), Assets: as}
		} else {
			for _, sn := range p.Snapshots {
				if fmt.Sprint(sn.ID) == sel {
					v = snapshotView{Label: sn.Label, Date: p.Date(sn.CreatedAt), Assets: sn.Assets}
				}
			}
			if v.Label == "" {
				continue
			}
		}
		v.Count, v.ByKind = len(v.Assets), map[collab.AssetKind]int{}
		for _, a := range v.Assets {
			v.ByKind[a.Kind]++
		}
		v.Scatter = scatterSVG(v.Label, mapPoints(v.Assets), p.T("asset.no_locations"))
		p.Views = append(p.Views, v)
	}
	return s.render(w, http.StatusOK, "asset_snapshots", p)
}

// The API's shape of an asset.
type apiAsset struct {
	ID       int64           `json:"id,omitempty"`
	TeamID   int64           `json:"teamId,omitempty"`
	Name     string          `json:"name"`
	Kind     string          `json:"kind"`
	Informal bool            `json:"informal"`
	Address  string          `json:"address"`
	Lat      *float64        `json:"lat"`
	Lng      *float64        `json:"lng"`
	Domains  []collab.Domain `json:"domains"`
	Notes    string          `json:"notes"`
	Shared   bool            `json:"shared"`
}

func toAPIAsset(a *collab.Asset) apiAsset {
	out := apiAsset{ID: a.ID, TeamID: a.TeamID, Name: a.Name, Kind: string(a.Kind), Informal: a.Informal, Address: a.Address, Domains: a.Domains, Notes: a.Notes, Shared: a.Shared}
	if out.Domains == nil {
		out.Domains = []collab.Domain{}
	}
	if a.HasLocation {
		lat, lng := a.Lat, a.Lng
		out.Lat, out.Lng = &lat, &lng
	}
	return out
}

func (s *Server) apiAssets(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := s.db.Assets(r.Context(), rc.Collab.ID, sqlstore.ItemFilter{TeamID: rc.Team.ID})
	if err != nil {
		return err
	}
	out := []apiAsset{}
	for _, a := range as {
		out = append(out, toAPIAsset(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"assets": out})
	return nil
}

func (s *Server) apiAssetCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiAsset](r)
	if err != nil {
		return err
	}
	a := &collab.Asset{Name: in.Name, Kind: collab.AssetKind(in.Kind), Informal: in.Informal, Address: in.Address, Domains: in.Domains, Notes: in.Notes, Shared: in.Shared}
	if (in.Lat == nil) != (in.Lng == nil) {
		return &collab.ValidationError{Fields: map[string]string{"lat": "error.latitude"}}
	}
	if in.Lat != nil {
		a.Lat, a.Lng, a.HasLocation = *in.Lat, *in.Lng, true
	}
	if err := s.db.CreateAsset(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIAsset(a))
	return nil
}
