package spccmd

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// diffCSV reads data with encoding/csv (as readTable used to) and with
// csvReader, and reports the first difference in records or errors.
func diffCSV(data []byte, oneByte bool) error {
	var in1, in2 io.Reader = bytes.NewReader(data), bytes.NewReader(data)
	if oneByte {
		in2 = iotest.OneByteReader(in2)
	}
	cr := csv.NewReader(in1)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	fr := newCSVReader(in2)
	for n := 0; ; n++ {
		rec, err1 := cr.Read()
		err2 := fr.Read()
		if fmt.Sprint(err1) != fmt.Sprint(err2) {
			return fmt.Errorf("record %d: encoding/csv error %v, csvReader error %v", n, err1, err2)
		}
		if err1 != nil {
			return nil
		}
		got := make([]string, fr.NumFields())
		for i := range got {
			got[i] = string(fr.Field(i))
		}
		if fmt.Sprintf("%q", rec) != fmt.Sprintf("%q", got) {
			return fmt.Errorf("record %d: encoding/csv %q, csvReader %q", n, rec, got)
		}
		if off := cr.InputOffset(); off != fr.InputOffset() {
			return fmt.Errorf("record %d: offset %d, csvReader %d", n, off, fr.InputOffset())
		}
	}
}

var csvCases = []string{
	"x,y\n1,2\n2,3\n",
	"x,y\n1,2\n2,3",                // no trailing newline
	"x,y\r\n1,2\r\n2,3\r\n",        // CRLF
	"x,y\r\n1,2\r",                 // CR before EOF
	"x,y\n1,2\r3\n",                // bare CR inside a field
	"\ufeffx,y\n1,2\n",             // BOM
	"x,y\n,\n,,\n1,\n,2\n",         // empty fields
	"x,y\n\n\n1,2\n\r\n\n3,4\n\n",  // blank lines
	"x,y\n\"1,5\",2\n",             // embedded comma
	"x,y\n\"a\"\"b\",\"\"\n",       // doubled quote, empty quoted field
	"x,y\n\"a\nb\",2\n3,4\n",       // newline in quotes
	"x,y\n\"a\r\nb\",2\r\n3,4\r\n", // CRLF in quotes
	"x,y\n\"a\n\nb\",2\n",          // blank line in quotes
	"x,y\n\"a\nb",                  // EOF in quotes
	"x,y\n\"a\nb\n",                // EOF in quotes, after newline
	"x,y\n\"ab\"c,2\n",             // text after closing quote
	"x,y\na\"b,2\n",                // bare quote
	"x,y\n1,2\na\"b,2\n",           // bare quote on line 3
	"x,y\n1,\"2\"",                 // quoted last field, no newline
	"x,y\n1,\"2\"\r\n",             // quoted last field, CRLF
	"x,y\n1,\"2\"\r",               // quoted last field, CR at EOF
	"x,y\n\"\"\n",                  // only an empty quoted field
	"\"",                           // lone quote
	"",                             // empty input
	"\n\n",                         // only blank lines
	"x,y\n \"1\",2\n",              // space before quote
	"x,y\n\"é,ü\",\"日本\"\n",        // multi-byte
	"x,y\n1,2\n" + strings.Repeat("9", 70000) + ",3\n4,5\n",         // longer than the buffer
	"x,y\n\"" + strings.Repeat("a\n", 40000) + "\",3\n\"bad\"x,1\n", // long quoted field, then an error
}

func TestCSVReaderMatchesEncodingCSV(t *testing.T) {
	for _, c := range csvCases {
		for _, one := range []bool{false, true} {
			if err := diffCSV([]byte(c), one); err != nil {
				t.Errorf("%.60q (one byte reads %v): %v", c, one, err)
			}
		}
	}
}

// FuzzCSVReader checks csvReader against encoding/csv on arbitrary input.
func FuzzCSVReader(f *testing.F) {
	for _, c := range csvCases {
		if len(c) < 1000 { // the long cases would slow the fuzzer down
			f.Add([]byte(c))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := diffCSV(data, false); err != nil {
			t.Fatal(err)
		}
	})
}

// sameTables reads data with and without the plain-integer x path and
// reports any difference in the tables or errors.
func sameTables(data []byte, spec readSpec) error {
	t1, err1 := readTable(bytes.NewReader(data), spec)
	plainIntX = false
	t2, err2 := readTable(bytes.NewReader(data), spec)
	plainIntX = true
	if fmt.Sprint(err1) != fmt.Sprint(err2) {
		return fmt.Errorf("errors %v and %v", err1, err2)
	}
	if err1 != nil {
		return nil
	}
	// %v shows NaN as NaN, so equal NaNs compare equal.
	if a, b := fmt.Sprintf("%v %v", t1.XType, t1.Cols), fmt.Sprintf("%v %v", t2.XType, t2.Cols); a != b {
		return fmt.Errorf("tables\n%s\n%s", a, b)
	}
	if a, b := fmt.Sprintf("%q", t1.xLabels), fmt.Sprintf("%q", t2.xLabels); a != b {
		return fmt.Errorf("labels %s and %s", a, b)
	}
	return nil
}

var xCases = []string{
	"x,y\n1,2\n2,3\n",
	"x,y\n1,2\n,3\nNA,4\n-5,1\n0,2\n",
	"x,y\n1,2\n2,3\nA,4\n",
	"x,y\n1,2\n,3\nNA,4\n-0,1\n",
	"x,y\n1,2\n 2,3\n",
	"x,y\n1,2\n01,3\n1,4\n",
	"x,y\n1,2\n1.0,3\n",
	"x,y\n1,2\n1e3,3\n",
	"x,y\n1,2\nInf,3\n",
	"x,y\n1,2\n123456789012345,3\n1234567890123456,4\n",
	"x,y\n-1,2\n-,3\n",
	"x,y\nNA,2\n2024-01-01,3\n",
	"x,y\n,2\n,3\n",
	"x,y\n",
	"x,y\n1,2\n2\n",
	"x,y\n1,2\n2,z\n",
}

func TestPlainIntXMatchesText(t *testing.T) {
	for _, c := range xCases {
		for _, xt := range []XType{XAuto, XIndex, XNumeric, XDate, XCategorical} {
			for _, lv := range [][]string{nil, {"1", "2", "A"}} {
				if err := sameTables([]byte(c), readSpec{XType: xt, XLevels: lv, WantN: true}); err != nil {
					t.Errorf("%q, x type %q, levels %q: %v", c, xt, lv, err)
				}
			}
		}
	}
}

// FuzzPlainIntX compares the plain-integer x path with the text path.
func FuzzPlainIntX(f *testing.F) {
	for _, c := range xCases {
		f.Add([]byte(c), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		spec := readSpec{XType: []XType{XAuto, XIndex, XNumeric, XCategorical}[sel%4], WantN: true}
		if sel&4 != 0 {
			spec.XLevels = []string{"1", "2"}
		}
		if err := sameTables(data, spec); err != nil {
			t.Fatal(err)
		}
	})
}
