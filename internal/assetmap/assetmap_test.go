package assetmap

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
)

func sample() []*collab.Asset {
	return []*collab.Asset{
		{Name: "Grandmothers' circle", Kind: collab.AssetRelationship, Informal: true, Domains: []collab.Domain{collab.DomainSocial, collab.DomainMastery}, Notes: "Tuesdays, church basement"},
		{Name: "Library", Kind: collab.AssetPlace, Address: "1 Main St", Lat: 42.1015, Lng: -72.5898, HasLocation: true, Domains: []collab.Domain{collab.DomainAccess}, Shared: true},
		{Name: "=cmd", Kind: collab.AssetPerson, Lat: -33.5, Lng: 151.25, HasLocation: true},
	}
}

func TestGeoJSONRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGeoJSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	// It is GeoJSON: a FeatureCollection, longitude first.
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || doc["type"] != "FeatureCollection" {
		t.Fatalf("not GeoJSON: %v %s", err, buf.String())
	}
	if c := doc["features"].([]any)[1].(map[string]any)["geometry"].(map[string]any)["coordinates"].([]any); c[0] != -72.5898 || c[1] != 42.1015 {
		t.Errorf("coordinates %v", c)
	}
	got, err := ReadGeoJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	if len(got) != len(want) {
		t.Fatalf("%d assets", len(got))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Kind != w.Kind || g.Informal != w.Informal || g.HasLocation != w.HasLocation || g.Lat != w.Lat || g.Lng != w.Lng ||
			collab.JoinDomains(g.Domains) != collab.JoinDomains(w.Domains) || g.Notes != w.Notes || g.Shared != w.Shared || g.Address != w.Address {
			t.Errorf("asset %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()[:2]); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Lat != 42.1015 || !got[0].Informal || len(got[0].Domains) != 2 {
		t.Errorf("got %+v %+v", got[0], got[1])
	}
	buf.Reset()
	WriteCSV(&buf, sample()[2:])
	if !strings.Contains(buf.String(), "'=cmd") {
		t.Errorf("formula not defused: %s", buf.String())
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name, src string
		csv       bool
		want      []Problem
	}{
		{"csv bad rows", "name,kind,lat,lng,domains\nLibrary,place,42,-72,access\n,place,,,\nPark,castle,95,10,joy\n", true, []Problem{
			{Row: 3, Index: -1, Field: "name", Key: "error.required"},
			{Row: 4, Index: -1, Field: "domains", Key: "error.invalid_choice"},
			{Row: 4, Index: -1, Field: "kind", Key: "error.invalid_choice"},
			{Row: 4, Index: -1, Field: "lat", Key: "error.latitude"}}},
		{"csv missing column", "name,colour\nx,red\n", true, []Problem{{Row: 1, Index: -1, Field: "colour", Key: "import.unknown_column"}, {Row: 1, Index: -1, Field: "kind", Key: "import.missing_column"}}},
		{"geojson bad feature", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"name":"ok","kind":"place"}},{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},"properties":{"name":"x","kind":"place"}}]}`, false,
			[]Problem{{Row: -1, Index: 1, Field: "geometry", Key: "import.not_point"}}},
		{"not geojson", `[1,2]`, false, []Problem{{Row: -1, Index: -1, Field: "type", Key: "import.not_geojson"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			var got []*collab.Asset
			if tc.csv {
				got, err = ReadCSV(strings.NewReader(tc.src))
			} else {
				got, err = ReadGeoJSON(strings.NewReader(tc.src))
			}
			var ie *ImportError
			if !errors.As(err, &ie) || got != nil {
				t.Fatalf("got %v, %v", got, err)
			}
			have := map[Problem]bool{}
			for _, p := range ie.Problems {
				have[p] = true
			}
			for _, p := range tc.want {
				if !have[p] {
					t.Errorf("missing %+v in %+v", p, ie.Problems)
				}
			}
			if len(ie.Problems) != len(tc.want) {
				t.Errorf("problems %+v, want %+v", ie.Problems, tc.want)
			}
		})
	}
}
