package framework

import (
	"fmt"
	"strings"
)

// Error is one problem with a framework document, placed where it occurs.
type Error struct {
	Line int // 1-based; 0 when unknown
	Col  int // 1-based; 0 when unknown
	Msg  string
}

// Error formats the problem as "line 12: node "1.4" has no title", adding
// the column when it is known.
func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ErrorList is every problem found in a document, in document order. Parse
// and Validate report all they find at once, so that whoever fixes a file by
// hand does not have to go round one error at a time.
type ErrorList []*Error

// maxErrors bounds how many problems one call reports; past that, the
// document is probably not a framework at all.
const maxErrors = 50

// Error joins the problems, one a line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap lets errors.As find the individual *Error values.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// add appends a problem unless the list is full, and reports whether it did.
func (l *ErrorList) add(line int, format string, args ...any) {
	if len(*l) >= maxErrors {
		return
	}
	*l = append(*l, &Error{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// err returns the list as an error, or nil when it is empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
