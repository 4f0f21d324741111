package spccmd

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/spc"
)

// FuzzReadCSV feeds arbitrary bytes to the CSV reader: it must not panic,
// and it must either fail with one message or return finite keys.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("x,y\n1,2\n2,3\n"), uint8(0))
	f.Add([]byte("x,y,n\n2024-01-01,3,10\n2024-01-08,NA,12\n"), uint8(1))
	f.Add([]byte("x,y,n,facet1\nA,1,2,h1\nB,2,3,h2\n"), uint8(2))
	f.Add([]byte("\ufeffx,y\n\"1,5\",2\n"), uint8(3))
	f.Add([]byte("y,x\n1\n"), uint8(0))
	f.Add([]byte(""), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		spec := readSpec{XType: []XType{XAuto, XIndex, XDate, XCategorical}[sel%4], WantN: true}
		if sel&4 != 0 {
			spec.Facets = []string{"facet1"}
		}
		tab, err := readTable(bytes.NewReader(data), spec)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		for _, o := range tab.obs() {
			if o.Key != o.Key && o.Label != "" {
				t.Fatalf("missing key with label %q", o.Label)
			}
		}
	})
}

// FuzzMain runs whole commands on arbitrary input: no panic, exit 0 or 2,
// one line on stderr for errors, and well-formed CSV on success.
func FuzzMain(f *testing.F) {
	f.Add([]byte("x,y\n1,2\n2,3\n3,1\n4,5\n"), uint8(1), uint8(0))
	f.Add([]byte("x,y,n\n1,2,10\n2,3,10\n3,1,9\n"), uint8(6), uint8(3))
	f.Add([]byte("x,y\n1,0\n2,3\n"), uint8(5), uint8(0))
	f.Add([]byte("x,y\n2024-01-01,1\n2024-02-01,2\n2024-03-01,3\n"), uint8(0), uint8(8))
	f.Fuzz(func(t *testing.T, data []byte, chartSel, optSel uint8) {
		args := []string{"--chart", string(spc.Charts[int(chartSel)%len(spc.Charts)])}
		switch optSel % 4 {
		case 1:
			args = append(args, "--rules", "ihi")
		case 2:
			args = []string{"--rules", "mdc", "--chart", "i"}
		case 3:
			args = append(args, "--part", "2", "--exclude", "1")
		}
		if optSel&4 != 0 {
			args = append(args, "--summary")
		}
		if optSel&8 != 0 {
			args = append(args, "--format", "json")
		}
		var out, errb bytes.Buffer
		code := Main(append(args, "-"), bytes.NewReader(data), &out, &errb)
		switch code {
		case 0:
			if optSel&8 == 0 {
				if _, err := csv.NewReader(&out).ReadAll(); err != nil {
					t.Fatalf("bad CSV output: %v", err)
				}
			}
		case 2:
			if strings.Count(errb.String(), "\n") != 1 {
				t.Fatalf("stderr not one line: %q", errb.String())
			}
		default:
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	})
}
