package assetmap

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzRead: any GeoJSON or CSV is read or refused, never a panic; what is
// read writes back out and reads again to the same number of assets.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[-71.05,42.36]},"properties":{"name":"Library","kind":"place","domains":["mastery"]}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"name":"Auntie"}}]}`,
		`{"type":"Feature"}`,
		"name,kind,lat,lng,domains\nLibrary,place,42.36,-71.05,mastery\n",
		"name,kind\n,\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		read := ReadCSV
		if strings.HasPrefix(strings.TrimSpace(s), "{") {
			read = ReadGeoJSON
		}
		as, err := read(strings.NewReader(s))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteGeoJSON(&buf, as); err != nil {
			t.Fatalf("write back: %v", err)
		}
		back, err := ReadGeoJSON(&buf)
		if err != nil || len(back) != len(as) {
			t.Fatalf("round trip: %d assets became %d (%v)\n%s", len(as), len(back), err, buf.String())
		}
	})
}
