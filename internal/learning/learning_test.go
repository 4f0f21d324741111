package learning

import (
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
)

func TestCheckFile(t *testing.T) {
	pdf := []byte("%PDF-1.7\n")
	zip := []byte("PK\x03\x04\x14\x00\x06\x00")
	for _, tc := range []struct {
		name    string
		size    int64
		head    []byte
		want    string // content type, or the error key
		wantErr bool
	}{
		{"a.pdf", 9, pdf, "application/pdf", false},
		{"A.PDF", 9, pdf, "application/pdf", false},
		{"deck.pptx", 8, zip, "application/vnd.openxmlformats-officedocument.presentationml.presentation", false},
		{"sheet.xlsx", 8, zip, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false},
		{"notes.txt", 5, []byte("hello"), "text/plain; charset=utf-8", false},
		{"data.csv", 4, []byte("a,b\n"), "text/csv; charset=utf-8", false},
		{"photo.jpeg", 4, []byte("\xff\xd8\xff\xe0"), "image/jpeg", false},
		{"page.pdf", 20, []byte("<!DOCTYPE html><html>"), "resource.error.file_content", true},
		{"a.docx", 9, pdf, "resource.error.file_content", true},
		{"run.exe", 9, pdf, "resource.error.file_type", true},
		{"a.svg", 9, []byte("<svg/>"), "resource.error.file_type", true},
		{"noext", 9, pdf, "resource.error.file_type", true},
		{"empty.pdf", 0, nil, "resource.error.empty_file", true},
		{"big.pdf", MaxFileSize + 1, pdf, "resource.error.file_too_large", true},
	} {
		ct, key := CheckFile(tc.name, tc.size, tc.head)
		got := ct
		if tc.wantErr {
			got = key
		}
		if got != tc.want || (tc.wantErr && ct != "") || (!tc.wantErr && key != "") {
			t.Errorf("CheckFile(%q) = %q, %q; want %q", tc.name, ct, key, tc.want)
		}
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"Safety plan.pdf":         "Safety_plan.pdf",
		`C:\Users\me\evil".pdf`:   "evil.pdf",
		"../../etc/passwd":        "passwd",
		"\r\nSet-Cookie: x=1.txt": "Set-Cookie_x1.txt",
		"...":                     "download",
		"рабочий план.docx":       "_.docx",
	} {
		if got := SafeFileName(in); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSuppress(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		min  int
		want Count
	}{
		{0, 11, Count{N: 0}},
		{1, 11, Count{Suppressed: true}},
		{10, 11, Count{Suppressed: true}},
		{11, 11, Count{N: 11}},
		{3, 1, Count{N: 3}},
	} {
		if got := Suppress(tc.n, tc.min); got != tc.want {
			t.Errorf("Suppress(%d, %d) = %+v, want %+v", tc.n, tc.min, got, tc.want)
		}
	}
	n, d, v := int64(7), int64(9), 77.7
	s := ShowIndicator(Indicator{Count: &n, Denominator: &d, Value: &v}, 11)
	if !s.Hidden || s.Count != nil || s.Denominator != nil || s.Value != nil {
		t.Errorf("a small count's rate and denominator show: %+v", s)
	}
	v2 := 3.5
	if s := ShowIndicator(Indicator{Value: &v2}, 11); s.Hidden || *s.Value != 3.5 {
		t.Errorf("a rate with no count is hidden: %+v", s)
	}
}

func TestDueDate(t *testing.T) {
	if got := DueDate(collab.NewDate(2026, 1, 31), 10).String(); got != "2026-02-10" {
		t.Errorf("due = %s", got)
	}
	if got := DueDate(collab.NewDate(2026, 12, 5), 1).String(); got != "2027-01-01" {
		t.Errorf("due = %s", got)
	}
}

func TestDiff(t *testing.T) {
	frozen := &Content{Sections: []Section{{Key: "measures", Rows: []Row{{ID: "m1", Label: "Conversations", Value: "0.7"}, {ID: "m2", Label: "Gone", Value: "1"}}}}}
	now := &Content{Sections: []Section{{Key: "measures", Rows: []Row{{ID: "m1", Label: "Conversations", Value: "0.8"}, {ID: "m3", Label: "New", Value: "2"}}}}}
	var got []string
	for _, d := range Diff(frozen, now) {
		got = append(got, d.ID+":"+d.Frozen+">"+d.Later)
	}
	want := "m1:Conversations: 0.7>Conversations: 0.8|m3:>New: 2|m2:Gone: 1>"
	if strings.Join(got, "|") != want {
		t.Errorf("Diff = %q, want %q", strings.Join(got, "|"), want)
	}
	if Diff(frozen, frozen) != nil {
		t.Error("a report differs from itself")
	}
}
