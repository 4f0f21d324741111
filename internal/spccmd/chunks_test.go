package spccmd

import (
	"bytes"
	"runtime"
	"testing"
)

// TestPointsInChunksSameAsInOne: output of more rows than one chunk,
// formatted side by side on several cores, is byte for byte the output
// of one core formatting them in turn, in order, with both phases.
func TestPointsInChunksSameAsInOne(t *testing.T) {
	path := writeCSV(t, t.TempDir(), 3*pointChunk+17)
	outOf := func(procs int) []byte {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var out, errb bytes.Buffer
		if code := Main([]string{"--chart", "i", "--part", "9000", path}, nil, &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		return out.Bytes()
	}
	one, many := outOf(1), outOf(4)
	if !bytes.Equal(one, many) {
		t.Fatalf("the chunked output differs: %d bytes against %d", len(many), len(one))
	}
	if n := bytes.Count(one, []byte("\n")); n != 3*pointChunk+17+1 {
		t.Errorf("%d lines, want a header and %d rows", n, 3*pointChunk+17)
	}
}
