package spccmd

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"unicode/utf8"
)

// csvReader reads CSV exactly as encoding/csv's Reader does with its
// defaults (comma ',', no comment character, strict quotes) and
// FieldsPerRecord -1, but hands out each field as bytes in a buffer
// reused from record to record instead of making a string per record.
// A line without quotes is split on its commas; a quoted field follows
// encoding/csv's rules, errors included (they are csv.ParseError values
// with the same lines and columns). readRecord below is encoding/csv's,
// trimmed to those settings.
type csvReader struct {
	r            *bufio.Reader
	rawBuffer    []byte
	recordBuffer []byte
	fieldIndexes []int
	numLine      int
	offset       int64
}

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// InputOffset is the input's offset at the end of the last record read.
func (r *csvReader) InputOffset() int64 { return r.offset }

// NumFields is the number of fields in the last record read.
func (r *csvReader) NumFields() int { return len(r.fieldIndexes) }

// Field is field i of the last record read; it is valid until the next
// read.
func (r *csvReader) Field(i int) []byte {
	a := 0
	if i > 0 {
		a = r.fieldIndexes[i-1]
	}
	return r.recordBuffer[a:r.fieldIndexes[i]:r.fieldIndexes[i]]
}

func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.rawBuffer = append(r.rawBuffer[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.r.ReadSlice('\n')
			r.rawBuffer = append(r.rawBuffer, line...)
		}
		line = r.rawBuffer
	}
	readSize := len(line)
	if readSize > 0 && err == io.EOF {
		err = nil
		// As encoding/csv: drop a trailing \r before EOF.
		if line[readSize-1] == '\r' {
			line = line[:readSize-1]
		}
	}
	r.numLine++
	r.offset += int64(readSize)
	// Normalize \r\n to \n on all input lines.
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// Read reads the next record; its fields are then Field(0) …
// Field(NumFields()-1). At the end of the input it returns io.EOF.
func (r *csvReader) Read() error {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = r.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			line = nil
			continue // Skip empty lines
		}
		break
	}
	if errRead == io.EOF {
		return errRead
	}

	var err error
	const quoteLen = len(`"`)
	const commaLen = len(",")
	recLine := r.numLine // Starting line for record
	r.recordBuffer = r.recordBuffer[:0]
	r.fieldIndexes = r.fieldIndexes[:0]
	posLine, posCol := r.numLine, 1
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			// Non-quoted field.
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				err = &csv.ParseError{StartLine: recLine, Line: r.numLine, Column: posCol + j, Err: csv.ErrBareQuote}
				break parseField
			}
			r.recordBuffer = append(r.recordBuffer, field...)
			r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
			if i >= 0 {
				line = line[i+commaLen:]
				posCol += i + commaLen
				continue parseField
			}
			break parseField
		}
		// Quoted field.
		line = line[quoteLen:]
		posCol += quoteLen
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				// Hit next quote.
				r.recordBuffer = append(r.recordBuffer, line[:i]...)
				line = line[i+quoteLen:]
				posCol += i + quoteLen
				switch rn, _ := utf8.DecodeRune(line); {
				case rn == '"':
					// `""` sequence (append quote).
					r.recordBuffer = append(r.recordBuffer, '"')
					line = line[quoteLen:]
					posCol += quoteLen
				case rn == ',':
					// `",` sequence (end of field).
					line = line[commaLen:]
					posCol += commaLen
					r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
					continue parseField
				case lengthNL(line) == len(line):
					// `"\n` sequence (end of line).
					r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
					break parseField
				default:
					// `"*` sequence (invalid non-escaped quote).
					err = &csv.ParseError{StartLine: recLine, Line: r.numLine, Column: posCol - quoteLen, Err: csv.ErrQuote}
					break parseField
				}
			case len(line) > 0:
				// Hit end of line (copy all data so far).
				r.recordBuffer = append(r.recordBuffer, line...)
				if errRead != nil {
					break parseField
				}
				posCol += len(line)
				line, errRead = r.readLine()
				if len(line) > 0 {
					posLine++
					posCol = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				// Abrupt end of file (EOF or error).
				if errRead == nil {
					err = &csv.ParseError{StartLine: recLine, Line: posLine, Column: posCol, Err: csv.ErrQuote}
					break parseField
				}
				r.fieldIndexes = append(r.fieldIndexes, len(r.recordBuffer))
				break parseField
			}
		}
	}
	if err == nil {
		err = errRead
	}
	return err
}
