// Package assetmap reads and writes a team's community asset map as
// GeoJSON (RFC 7946: a FeatureCollection of Point features, coordinates
// in longitude, latitude order) and as CSV. Imports are all or nothing:
// every problem is reported, by feature index or by row and column, and
// nothing is kept unless there are none.
package assetmap

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/csvout"
)

// A Problem is one thing wrong with an imported file: where (a feature
// index or a CSV row, counting the header as row 1), which field or
// column, and a catalog key saying what.
type Problem struct {
	Row   int    // CSV row, or -1
	Index int    // GeoJSON feature index, or -1
	Field string // property or column name
	Key   string // message catalog key
}

// ImportError lists every problem of a file.
type ImportError struct{ Problems []Problem }

func (e *ImportError) Error() string {
	var b []string
	for _, p := range e.Problems {
		where := fmt.Sprintf("row %d", p.Row)
		if p.Index >= 0 {
			where = fmt.Sprintf("feature %d", p.Index)
		}
		b = append(b, fmt.Sprintf("%s %s: %s", where, p.Field, p.Key))
	}
	return "import: " + strings.Join(b, "; ")
}

// MaxAssets bounds one import.
const MaxAssets = 5000

type geometry struct {
	Type        string    `json:"type"`
	Coordinates []float64 `json:"coordinates"`
}

// Properties are an asset's GeoJSON properties.
type Properties struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Informal bool     `json:"informal"`
	Address  string   `json:"address,omitempty"`
	Domains  []string `json:"domains"`
	Notes    string   `json:"notes,omitempty"`
	Shared   bool     `json:"shared"`
	Team     string   `json:"team,omitempty"`
}

// Feature is one GeoJSON feature.
type Feature struct {
	Type       string     `json:"type"`
	ID         int64      `json:"id,omitempty"`
	Geometry   *geometry  `json:"geometry"`
	Properties Properties `json:"properties"`
}

// FeatureCollection is a GeoJSON document.
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
}

// ToGeoJSON converts assets to a FeatureCollection; an asset without a
// location has a null geometry, as RFC 7946 allows.
func ToGeoJSON(as []*collab.Asset) FeatureCollection {
	fc := FeatureCollection{Type: "FeatureCollection", Features: []Feature{}}
	for _, a := range as {
		f := Feature{Type: "Feature", ID: a.ID, Properties: Properties{Name: a.Name, Kind: string(a.Kind), Informal: a.Informal, Address: a.Address,
			Domains: []string{}, Notes: a.Notes, Shared: a.Shared, Team: a.TeamName}}
		for _, d := range a.Domains {
			f.Properties.Domains = append(f.Properties.Domains, string(d))
		}
		if a.HasLocation {
			f.Geometry = &geometry{Type: "Point", Coordinates: []float64{a.Lng, a.Lat}}
		}
		fc.Features = append(fc.Features, f)
	}
	return fc
}

// WriteGeoJSON writes assets as GeoJSON.
func WriteGeoJSON(w io.Writer, as []*collab.Asset) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ToGeoJSON(as))
}

// ReadGeoJSON reads a FeatureCollection of assets.
func ReadGeoJSON(r io.Reader) ([]*collab.Asset, error) {
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&fc); err != nil || fc.Type != "FeatureCollection" {
		return nil, &ImportError{Problems: []Problem{{Row: -1, Index: -1, Field: "type", Key: "import.not_geojson"}}}
	}
	if len(fc.Features) > MaxAssets {
		return nil, &ImportError{Problems: []Problem{{Row: -1, Index: -1, Field: "features", Key: "import.too_many"}}}
	}
	var out []*collab.Asset
	var probs []Problem
	for i, raw := range fc.Features {
		add := func(field, key string) { probs = append(probs, Problem{Row: -1, Index: i, Field: field, Key: key}) }
		var f struct {
			Type     string `json:"type"`
			Geometry *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
			add("type", "import.not_feature")
			continue
		}
		var p Properties
		if len(f.Properties) > 0 && string(f.Properties) != "null" {
			if err := json.Unmarshal(f.Properties, &p); err != nil {
				add("properties", "import.bad_properties")
				continue
			}
		}
		a := &collab.Asset{Name: p.Name, Kind: collab.AssetKind(p.Kind), Informal: p.Informal, Address: p.Address, Notes: p.Notes, Shared: p.Shared}
		ds, bad := collab.ParseDomains(p.Domains...)
		if bad != "" {
			add("domains", "error.invalid_choice")
		}
		a.Domains = ds
		if f.Geometry != nil {
			var c []float64
			if f.Geometry.Type != "Point" || json.Unmarshal(f.Geometry.Coordinates, &c) != nil || len(c) < 2 {
				add("geometry", "import.not_point")
			} else {
				a.Lng, a.Lat, a.HasLocation = c[0], c[1], true
			}
		}
		validate(a, func(field, key string) { add(field, key) })
		out = append(out, a)
	}
	if len(probs) > 0 {
		return nil, &ImportError{Problems: probs}
	}
	return out, nil
}

func validate(a *collab.Asset, add func(field, key string)) {
	for field, key := range collab.FieldErrors(a.Validate()) {
		add(field, key)
	}
}

// CSVHeader is the columns of the CSV form, in order.
var CSVHeader = []string{"name", "kind", "informal", "address", "lat", "lng", "domains", "notes", "shared"}

// WriteCSV writes assets as CSV, domains separated by ";".
func WriteCSV(w io.Writer, as []*collab.Asset) error {
	cw := csvout.NewWriter(w)
	cw.Write(CSVHeader)
	for _, a := range as {
		lat, lng := "", ""
		if a.HasLocation {
			lat, lng = strconv.FormatFloat(a.Lat, 'f', -1, 64), strconv.FormatFloat(a.Lng, 'f', -1, 64)
		}
		cw.Write([]string{a.Name, string(a.Kind), strconv.FormatBool(a.Informal), a.Address, lat, lng, collab.JoinDomains(a.Domains), a.Notes, strconv.FormatBool(a.Shared)})
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads assets from CSV with a header row naming at least name
// and kind; the other columns of CSVHeader are optional, in any order.
func ReadCSV(r io.Reader) ([]*collab.Asset, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		row := 1
		if errors.As(err, &pe) {
			row = pe.Line
		}
		return nil, &ImportError{Problems: []Problem{{Row: row, Index: -1, Field: "", Key: "import.bad_csv"}}}
	}
	if len(recs) == 0 {
		return nil, &ImportError{Problems: []Problem{{Row: 1, Index: -1, Field: "name", Key: "import.no_header"}}}
	}
	col := map[string]int{}
	var probs []Problem
	for i, h := range recs[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, k := range CSVHeader {
			known = known || k == h
		}
		if !known {
			probs = append(probs, Problem{Row: 1, Index: -1, Field: h, Key: "import.unknown_column"})
		}
		col[h] = i
	}
	for _, need := range []string{"name", "kind"} {
		if _, ok := col[need]; !ok {
			probs = append(probs, Problem{Row: 1, Index: -1, Field: need, Key: "import.missing_column"})
		}
	}
	if len(probs) > 0 {
		return nil, &ImportError{Problems: probs}
	}
	if len(recs)-1 > MaxAssets {
		return nil, &ImportError{Problems: []Problem{{Row: 1, Index: -1, Field: "", Key: "import.too_many"}}}
	}
	var out []*collab.Asset
	for n, rec := range recs[1:] {
		row := n + 2
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		add := func(field, key string) { probs = append(probs, Problem{Row: row, Index: -1, Field: field, Key: key}) }
		if strings.Join(rec, "") == "" {
			continue
		}
		a := &collab.Asset{Name: get("name"), Kind: collab.AssetKind(strings.ToLower(get("kind"))), Address: get("address"), Notes: get("notes")}
		a.Informal, a.Shared = truthy(get("informal")), truthy(get("shared"))
		ds, bad := collab.ParseDomains(get("domains"))
		if bad != "" {
			add("domains", "error.invalid_choice")
		}
		a.Domains = ds
		lat, lng := get("lat"), get("lng")
		if lat != "" || lng != "" {
			var e1, e2 error
			a.Lat, e1 = strconv.ParseFloat(lat, 64)
			a.Lng, e2 = strconv.ParseFloat(lng, 64)
			if e1 != nil {
				add("lat", "error.latitude")
			}
			if e2 != nil {
				add("lng", "error.longitude")
			}
			a.HasLocation = e1 == nil && e2 == nil
		}
		validate(a, add)
		out = append(out, a)
	}
	if len(probs) > 0 {
		return nil, &ImportError{Problems: probs}
	}
	return out, nil
}

func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "y", "x":
		return true
	}
	return false
}
