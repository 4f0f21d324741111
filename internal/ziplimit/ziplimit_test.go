package ziplimit

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"strings"
	"testing"
)

type entry struct {
	name string
	body string
	// declare, when set, is the uncompressed size written in the zip's
	// headers instead of the true one: a lying zip.
	declare uint64
}

func build(t *testing.T, es ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		if e.declare == 0 {
			w, err := zw.Create(e.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(e.body))
			continue
		}
		var raw bytes.Buffer
		fw, _ := flate.NewWriter(&raw, flate.BestCompression)
		fw.Write([]byte(e.body))
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate,
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: e.declare})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCheck holds the zip bomb promise at its root: a zip over its
// limits is refused whether it says so or lies about it.
func TestCheck(t *testing.T) {
	l := Limits{Total: 1 << 20, Entry: 600 << 10, Entries: 5}
	spaces := func(n int) string { return strings.Repeat(" ", n) }
	many := make([]entry, 6)
	for i := range many {
		many[i] = entry{name: fmt.Sprintf("f%d", i), body: "x"}
	}
	tests := []struct {
		name    string
		zip     []byte
		tooBig  bool
		invalid bool
	}{
		{name: "small", zip: build(t, entry{name: "a.xml", body: "<a/>"}, entry{name: "b.xml", body: spaces(500 << 10)})},
		{name: "entry over its limit", zip: build(t, entry{name: "a.xml", body: spaces(700 << 10)}), tooBig: true},
		{name: "entries together over the total", zip: build(t, entry{name: "a", body: spaces(500 << 10)}, entry{name: "b", body: spaces(300 << 10)}, entry{name: "c", body: spaces(300 << 10)}), tooBig: true},
		{name: "too many entries", zip: build(t, many...), tooBig: true},
		{name: "declares 10 bytes, holds 4 MiB", zip: build(t, entry{name: "sheet.xml", body: spaces(4 << 20), declare: 10}), tooBig: true},
		{name: "declares under the total, holds over it", zip: build(t, entry{name: "a", body: spaces(500 << 10), declare: 500 << 10}, entry{name: "b", body: spaces(4 << 20), declare: 500 << 10}), tooBig: true},
		{name: "not a zip", zip: []byte("measure,period\n"), invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(bytes.NewReader(tt.zip), int64(len(tt.zip)), l)
			switch {
			case tt.tooBig && !errors.Is(err, ErrTooLarge):
				t.Fatalf("Check = %v, want ErrTooLarge", err)
			case tt.invalid && (err == nil || errors.Is(err, ErrTooLarge)):
				t.Fatalf("Check = %v, want a read error", err)
			case !tt.tooBig && !tt.invalid && err != nil:
				t.Fatalf("Check = %v, want nil", err)
			}
		})
	}
}
