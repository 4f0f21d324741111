package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// bombXLSX is a real workbook whose first sheet is padded with n spaces
// inside <sheetData>: a few hundred kilobytes that inflate to n bytes.
// With declare > 0 the zip's headers claim the sheet is only that long.
func bombXLSX(t testing.TB, n int64, declare uint64) []byte {
	t.Helper()
	src := xlsxFile(t, [][]any{{"measure", "period", "value"}})
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		rc, _ := f.Open()
		sheet, _ := io.ReadAll(rc)
		rc.Close()
		head, tail, ok := bytes.Cut(sheet, []byte("<sheetData>"))
		if !ok {
			t.Fatalf("no <sheetData> in %s", sheet)
		}
		var raw bytes.Buffer
		fw, _ := flate.NewWriter(&raw, flate.BestCompression)
		fw.Write(head)
		fw.Write([]byte("<sheetData>"))
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for left := n; left > 0; left -= int64(len(chunk)) {
			fw.Write(chunk[:min(left, int64(len(chunk)))])
		}
		fw.Write(tail)
		fw.Close()
		size := uint64(len(head)+len("<sheetData>")+len(tail)) + uint64(n)
		if declare > 0 {
			size = declare
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CompressedSize64: uint64(raw.Len()), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestParseBounded: whatever a file claims, Parse reads at most
// MaxFileSize of it and inflates at most MaxUnzipped, refusing the rest
// with a clear error — and allocates little doing so. It fails if the
// zip check or the excelize limits are taken out: then the bomb's sheet
// is inflated whole (tens of MiB allocated, or a temporary file).
func TestParseBounded(t *testing.T) {
	const bomb = MaxUnzipped + 1<<20
	tall := [][]any{{"measure", "period", "value"}}
	for i := 0; i < MaxRows+1; i++ {
		tall = append(tall, []any{"Days to housing", "2025-03", i})
	}
	tests := []struct {
		name   string
		format Format
		data   []byte
		key    string // the error's; "" for none
		// alloc bounds the bytes Parse may allocate.
		alloc uint64
	}{
		{"bomb", XLSX, bombXLSX(t, bomb, 0), "measure.import_error_too_large", 4 << 20},
		{"bomb that lies about its size", XLSX, bombXLSX(t, bomb, 4096), "measure.import_error_too_large", 4 << 20},
		{"padded under the limit", XLSX, bombXLSX(t, MaxUnzipped/2, 0), "", 6 * MaxUnzipped / 2},
		{"too many rows", XLSX, xlsxFile(t, tall), "measure.import_error_too_many_rows", 0},
		{"CSV over the file limit", CSV, []byte("measure,period,value\n" + strings.Repeat("Days to housing,2025-03,1\n", MaxFileSize/26+1)), "measure.import_error_too_large", 3 * MaxFileSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse(bytes.NewReader(tt.data), tt.format, measures)
			runtime.ReadMemStats(&after)
			var errs *Errors
			switch {
			case tt.key == "" && err != nil:
				t.Fatalf("Parse = %v, want no error", err)
			case tt.key != "" && (!errors.As(err, &errs) || (*errs)[0].Key != tt.key):
				t.Fatalf("Parse = %v, want %s", err, tt.key)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			if tt.format == XLSX {
				zr, _ := zip.NewReader(bytes.NewReader(tt.data), int64(len(tt.data)))
				var n uint64
				for _, f := range zr.File {
					n += f.UncompressedSize64
				}
				t.Logf("declares %.1f MiB unzipped", float64(n)/(1<<20))
			}
			t.Logf("%d bytes in, %.1f MiB allocated: %s", len(tt.data), float64(alloc)/(1<<20), err)
			if tt.alloc > 0 && !raceEnabled && alloc > tt.alloc+uint64(len(tt.data)) {
				t.Errorf("allocated %d bytes, want at most %d beyond the input", alloc, tt.alloc)
			}
		})
	}
}
