package spccmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/testskip"
)

// goldDir is the folder of SPC reference cases named by GOESWELL_SPC_GOLD
// (.ci/run sets it to ../shared/spc-gold). Only the variable is looked
// at: a folder found by walking up from the checkout could be anyone's.
func goldDir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("GOESWELL_SPC_GOLD")
	if d == "" {
		testskip.Skip(t, "SPC gold cases", "set GOESWELL_SPC_GOLD to the spc-gold folder, as .ci/run does")
	}
	if _, err := os.Stat(filepath.Join(d, "manifest.json")); err != nil {
		t.Fatalf("GOESWELL_SPC_GOLD=%s: %v", d, err)
	}
	return d
}

type goldCase struct {
	ID              string          `json:"id"`
	Engine          string          `json:"engine"`
	Chart           string          `json:"chart"`
	XType           string          `json:"x_type"`
	XLevels         []string        `json:"x_levels"`
	Input           string          `json:"input"`
	Options         json.RawMessage `json:"options"`
	ExpectedPoints  string          `json:"expected_points"`
	ExpectedSummary string          `json:"expected_summary"`
	ExpectError     string          `json:"expect_error"`
}

type qicOptions struct {
	Facets       *string  `json:"facets"`
	Freeze       *int     `json:"freeze"`
	Part         any      `json:"part"`
	Exclude      []int    `json:"exclude"`
	Multiply     *float64 `json:"multiply"`
	CL           *float64 `json:"cl"`
	AggFun       string   `json:"agg_fun"`
	Method       string   `json:"method"`
	ScreenedMR   *bool    `json:"qic_screenedmr"`
	Rebase       []string `json:"rebase"`
	FixAfter     *int     `json:"fix_after_n_points"`
	Improvement  string   `json:"improvement_direction"`
	Target       *float64 `json:"target"`
	ScreenOutlie *bool    `json:"screen_outliers"`
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// caseArgs turns a manifest entry into command-line flags.
func caseArgs(t *testing.T, c goldCase) []string {
	var o qicOptions
	if err := json.Unmarshal(c.Options, &o); err != nil {
		t.Fatalf("options: %v", err)
	}
	var a []string
	if c.Engine == "NHSRplotthedots" {
		a = append(a, "--rules", "mdc", "--chart", "i", "--x-type", c.XType)
		if len(o.Rebase) > 0 {
			a = append(a, "--rebase", strings.Join(o.Rebase, ","))
		}
		if o.FixAfter != nil {
			a = append(a, "--fix-after", strconv.Itoa(*o.FixAfter))
		}
		if o.Improvement != "" {
			a = append(a, "--improvement", o.Improvement)
		}
		if o.Target != nil {
			a = append(a, "--target", strconv.FormatFloat(*o.Target, 'g', -1, 64))
		}
		if o.ScreenOutlie != nil {
			a = append(a, "--screen-mr="+strconv.FormatBool(*o.ScreenOutlie))
		}
		return a
	}
	a = append(a, "--chart", c.Chart, "--x-type", c.XType)
	if len(c.XLevels) > 0 {
		a = append(a, "--x-levels", strings.Join(c.XLevels, ","))
	}
	if o.Facets != nil {
		f := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(*o.Facets), "~"), " ", "")
		a = append(a, "--facets", strings.ReplaceAll(f, "~", ","))
	}
	if o.Freeze != nil {
		a = append(a, "--freeze", strconv.Itoa(*o.Freeze))
	}
	switch p := o.Part.(type) {
	case string:
		a = append(a, "--part-column", strings.TrimPrefix(p, "column:"))
	case []any:
		var v []int
		for _, x := range p {
			v = append(v, int(x.(float64)))
		}
		a = append(a, "--part", joinInts(v))
	}
	if len(o.Exclude) > 0 {
		a = append(a, "--exclude", joinInts(o.Exclude))
	}
	if o.Multiply != nil {
		a = append(a, "--multiply", strconv.FormatFloat(*o.Multiply, 'g', -1, 64))
	}
	if o.CL != nil {
		a = append(a, "--cl", strconv.FormatFloat(*o.CL, 'g', -1, 64))
	}
	if o.AggFun != "" {
		a = append(a, "--agg", o.AggFun)
	}
	if o.Method != "" {
		a = append(a, "--method", o.Method)
	}
	if o.ScreenedMR != nil {
		a = append(a, "--screen-mr="+strconv.FormatBool(*o.ScreenedMR))
	}
	return a
}

func readCSV(t *testing.T, data []byte) ([]string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("parse csv: %v\n%s", err, data)
	}
	if len(recs) == 0 {
		t.Fatalf("empty csv")
	}
	return recs[0], recs[1:]
}

// sameValue compares two CSV fields: NA/NaN/Inf and text exactly, numbers
// within relative 1e-9 or absolute 1e-12 (the gold README's tolerance).
func sameValue(want, got string) bool {
	if want == got {
		return true
	}
	w, err1 := strconv.ParseFloat(want, 64)
	g, err2 := strconv.ParseFloat(got, 64)
	if err1 != nil || err2 != nil || math.IsNaN(w) || math.IsNaN(g) || math.IsInf(w, 0) || math.IsInf(g, 0) {
		return false
	}
	d := math.Abs(w - g)
	return d <= 1e-12 || d <= 1e-9*math.Max(math.Abs(w), math.Abs(g))
}

// compareCSV checks every expected column of every expected row; rows are
// matched by key columns (or by position when keys is empty).
func compareCSV(t *testing.T, name string, want, got []byte, keys []string) {
	t.Helper()
	wh, wrows := readCSV(t, want)
	gh, grows := readCSV(t, got)
	gi := map[string]int{}
	for i, h := range gh {
		gi[h] = i
	}
	key := func(h []string, r []string) string {
		var k []string
		idx := map[string]int{}
		for i, c := range h {
			idx[c] = i
		}
		for _, c := range keys {
			k = append(k, r[idx[c]])
		}
		return strings.Join(k, "\x00")
	}
	byKey := map[string][]string{}
	for i, r := range grows {
		k := strconv.Itoa(i)
		if len(keys) > 0 {
			k = key(gh, r)
		}
		byKey[k] = r
	}
	if len(wrows) != len(grows) {
		t.Errorf("%s: %d rows, want %d", name, len(grows), len(wrows))
	}
	bad := 0
	for i, wr := range wrows {
		k := strconv.Itoa(i)
		if len(keys) > 0 {
			k = key(wh, wr)
		}
		gr, ok := byKey[k]
		if !ok {
			t.Errorf("%s: row %q missing", name, k)
			continue
		}
		for j, col := range wh {
			c, ok := gi[col]
			if !ok {
				t.Errorf("%s: column %q missing", name, col)
				return
			}
			if !sameValue(wr[j], gr[c]) {
				bad++
				if bad <= 5 {
					t.Errorf("%s: row %d (%s) column %s = %s, want %s", name, i+1, strings.ReplaceAll(k, "\x00", "/"), col, gr[c], wr[j])
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d mismatched values in all", name, bad)
	}
}

// TestGold runs every reference case through the command (--format csv),
// comparing every value of the points and summary files.
func TestGold(t *testing.T) {
	dir := goldDir(t)
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cases []goldCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range m.Cases {
		t.Run(c.ID, func(t *testing.T) {
			args := caseArgs(t, c)
			in := filepath.Join(dir, c.Input)
			run := func(extra ...string) ([]byte, string, int) {
				var out, errb bytes.Buffer
				full := append(append(append([]string{}, args...), extra...), in)
				code := Main(full, nil, &out, &errb)
				return out.Bytes(), errb.String(), code
			}
			if c.ExpectError != "" {
				_, stderr, code := run("--format", "csv")
				if code != 2 {
					t.Fatalf("exit %d, want 2 (reference error %q)", code, c.ExpectError)
				}
				if strings.Count(stderr, "\n") != 1 {
					t.Errorf("stderr should be one line, got %q", stderr)
				}
				return
			}
			keys := []string{"facet1", "facet2", "xx"}
			extra := []string{"--format", "csv", "--columns", "full"}
			if c.Engine == "NHSRplotthedots" {
				keys = nil
				extra = []string{"--format", "csv"}
			}
			out, stderr, code := run(extra...)
			if code != 0 {
				t.Fatalf("exit %d: %s\nargs %v", code, stderr, args)
			}
			want, err := os.ReadFile(filepath.Join(dir, c.ExpectedPoints))
			if err != nil {
				t.Fatal(err)
			}
			compareCSV(t, "points", want, out, keys)
			sum, stderr, code := run("--format", "csv", "--summary")
			if code != 0 {
				t.Fatalf("summary exit %d: %s", code, stderr)
			}
			want, err = os.ReadFile(filepath.Join(dir, c.ExpectedSummary))
			if err != nil {
				t.Fatal(err)
			}
			skeys := []string{"facet1", "facet2", "part"}
			if c.Engine == "NHSRplotthedots" {
				skeys = nil
			}
			compareCSV(t, "summary", want, sum, skeys)
		})
	}
}

// TestSpecColumns checks the default CSV header is the documented one.
func TestSpecColumns(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"--chart", "i", "-"}, strings.NewReader("x,y\n1,2\n2,3\n3,5\n"), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	first := strings.SplitN(out.String(), "\n", 2)[0]
	if want := strings.Join(PointColumns, ","); first != want {
		t.Errorf("header %q, want %q", first, want)
	}
	_ = fmt.Sprint
}
