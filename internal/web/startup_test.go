package web

import (
	"testing"

	"github.com/goeswell/goeswell/internal/i18n"
)

// TestParseTemplates parses every page's templates, which the server
// otherwise does on each page's first use: a broken template fails here,
// not in front of the first person to open its page.
func TestParseTemplates(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ParseTemplates(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkParseTemplates parses every page's template set, as the
// server does in the background once it listens.
func BenchmarkParseTemplates(b *testing.B) {
	b.ReportAllocs()
	done := cpuPerOp(b)
	for b.Loop() {
		s := &Server{}
		var err error
		if s.pages, err = s.parseTemplates(); err != nil {
			b.Fatal(err)
		}
		if err := s.ParseTemplates(); err != nil {
			b.Fatal(err)
		}
	}
	done()
}

// BenchmarkStartupParts times the other parts of New that run before the
// server answers: the message catalog, the static files' hashes and the
// OpenAPI document.
func BenchmarkStartupParts(b *testing.B) {
	b.Run("catalog", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := i18n.Load(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("static", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := loadStatic(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("openapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := buildOpenAPI(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		done := cpuPerOp(b)
		for b.Loop() {
			if _, err := New(Config{}); err != nil {
				b.Fatal(err)
			}
		}
		done()
	})
}
