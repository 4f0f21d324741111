// Package ziplimit checks a zip file (an .xlsx workbook, a collaborative's
// archive) before anything unpacks it, so a small upload cannot expand to
// gigabytes in memory or on disk: a zip bomb.
//
// A zip's central directory declares each entry's uncompressed size, and
// a hostile file may lie there. Check therefore looks twice: it refuses
// a file whose declared sizes are over the limits without inflating
// anything, and then inflates every entry to nowhere, counting, and stops
// at the first byte past an entry's declared size or past the limits.
// Inflating to io.Discard needs only the decompressor's window (32 KiB),
// so the check itself runs in constant memory; its time is bounded by
// Total.
package ziplimit

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
)

// Limits bound what a zip may hold, uncompressed.
type Limits struct {
	Total   int64 // all entries together
	Entry   int64 // any one entry; 0 means Total
	Entries int   // how many entries; 0 means 10,000
}

// ErrTooLarge is the error Check returns (wrapped) for a zip over its
// limits or whose entries inflate past their declared sizes.
var ErrTooLarge = errors.New("zip expands past its limit")

// Check reads the zip in r and returns an error wrapping ErrTooLarge if
// it is over the limits, or another error if it is not a readable zip.
func Check(r io.ReaderAt, size int64, l Limits) error {
	if l.Total <= 0 {
		return fmt.Errorf("ziplimit: a total limit above 0 is needed")
	}
	if l.Entry <= 0 || l.Entry > l.Total {
		l.Entry = l.Total
	}
	if l.Entries <= 0 {
		l.Entries = 10000
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("read zip: %w", err)
	}
	if len(zr.File) > l.Entries {
		return fmt.Errorf("%w: %d entries, at most %d", ErrTooLarge, len(zr.File), l.Entries)
	}
	// First what the zip says about itself: refused here, nothing is
	// inflated at all.
	var declared uint64
	for _, f := range zr.File {
		// #nosec G115 -- l.Entry is above 0 (checked above).
		if f.UncompressedSize64 > uint64(l.Entry) {
			return fmt.Errorf("%w: %s declares %d bytes, at most %d", ErrTooLarge, f.Name, f.UncompressedSize64, l.Entry)
		}
		declared += f.UncompressedSize64
		// #nosec G115 -- l.Total is above 0 (checked above).
		if declared > uint64(l.Total) {
			return fmt.Errorf("%w: entries declare more than %d bytes", ErrTooLarge, l.Total)
		}
	}
	// Then what it really holds, inflated here from the raw bytes rather
	// than through archive/zip's reader, so the count does not rest on
	// the sizes the file declares.
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		raw, err := f.OpenRaw()
		if err != nil {
			return fmt.Errorf("read zip %s: %w", f.Name, err)
		}
		var rc io.ReadCloser
		switch f.Method {
		case zip.Store:
			rc = io.NopCloser(raw)
		case zip.Deflate:
			rc = flate.NewReader(raw)
		default:
			return fmt.Errorf("read zip %s: compression method %d", f.Name, f.Method)
		}
		limit := min(int64(f.UncompressedSize64), l.Total-total) // #nosec G115 -- declared sizes were checked against int64 limits above
		n, err := io.Copy(io.Discard, io.LimitReader(rc, limit+1))
		rc.Close()
		total += n
		switch {
		case n > limit:
			return fmt.Errorf("%w: %s inflates past its declared %d bytes", ErrTooLarge, f.Name, f.UncompressedSize64)
		case err != nil:
			return fmt.Errorf("read zip %s: %w", f.Name, err)
		}
	}
	return nil
}
