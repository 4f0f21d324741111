package collab

import (
	"errors"
	"sort"
	"strings"
)

// The error vocabulary shared by every layer. Adapters map these to their
// own status codes in one table each.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
)

// A ValidationError holds what is wrong with input, field by field. Messages
// are message-catalog keys, so every adapter shows them in the reader's
// language.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, k := range keys {
		b.WriteString(" " + k + ": " + e.Fields[k] + ";")
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Validation collects field errors; the first message per field wins.
type Validation struct{ fields map[string]string }

// NewValidation returns an empty Validation.
func NewValidation() *Validation { return &Validation{fields: map[string]string{}} }

// Add records msg (a catalog key) against field unless it already has one.
func (v *Validation) Add(field, msg string) {
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = msg
	}
}

// Has reports whether field already has an error.
func (v *Validation) Has(field string) bool { _, ok := v.fields[field]; return ok }

// Err returns a *ValidationError, or nil when nothing was added.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.fields}
}

// FieldErrors returns err's field messages if it is a *ValidationError.
func FieldErrors(err error) map[string]string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
