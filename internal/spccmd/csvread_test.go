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
