package collab

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
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

// Length adds a TooLong error to field if s is longer than max
// characters (not bytes: the limit a person reads is in characters), and
// reports whether it did.
func (v *Validation) Length(field, s string, max int) bool {
	if n := utf8.RuneCountInString(s); n > max {
		v.Add(field, TooLong(max, n))
		return true
	}
	return false
}

// TooLong is the field error for text over max characters: it states the
// limit and what was typed ("at most 20,000 characters; you typed 315,012").
func TooLong(max, got int) string { return WithArgs("error.too_long_n", max, got) }

// WithArgs makes a field error of a catalog key and numbers to fill it
// with, as one string ("error.too_long_n|20000|315012"), so that field
// errors stay a map of strings; SplitMessage takes it apart.
func WithArgs(key string, args ...int) string {
	var b strings.Builder
	b.WriteString(key)
	for _, a := range args {
		b.WriteString("|" + strconv.Itoa(a))
	}
	return b.String()
}

// SplitMessage returns a field error's catalog key and its arguments.
func SplitMessage(m string) (key string, args []any) {
	key, rest, ok := strings.Cut(m, "|")
	if !ok {
		return m, nil
	}
	for _, a := range strings.Split(rest, "|") {
		n, err := strconv.Atoi(a)
		if err != nil {
			return m, nil
		}
		args = append(args, n)
	}
	return key, args
}

// FieldErrors returns err's field messages if it is a *ValidationError.
func FieldErrors(err error) map[string]string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
