package web

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/goeswell/goeswell/internal/chart"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/improve"
)

// TestTemplatesHaveNoBareText fails on any word in a template outside a
// call to T: every string a person reads must come from the catalog.
func TestTemplatesHaveNoBareText(t *testing.T) {
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := templateFS.ReadFile(path)
		if err != nil {
			return err
		}
		if word := bareWord(string(src)); word != "" {
			t.Errorf("%s: bare text %q; put it in the message catalog", path, word)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var (
	actionRE = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
	entityRE = regexp.MustCompile(`&[a-z]+;`)
)

// bareWord returns the first run of letters in a template's text once
// actions, HTML tags (with their attributes) and entities are removed;
// the brand name may stand as it is.
func bareWord(src string) string {
	text := actionRE.ReplaceAllString(src, " ")
	text = tagRE.ReplaceAllString(text, " ")
	text = entityRE.ReplaceAllString(text, " ")
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if f != "goeswell" {
			return f
		}
	}
	return ""
}

var goFiles = os.DirFS(".")

// TestCatalogCoversKeys checks that every literal key a template or a Go
// file of this package uses is in the English catalog.
func TestCatalogCoversKeys(t *testing.T) {
	cat := i18n.MustLoad()
	keyRE := regexp.MustCompile(`(?:\.T|"Label") "([a-z_]+\.[a-z_.0-9]+)"`)
	goKeyRE := regexp.MustCompile(`"((?:error|flash|nav|mail)\.[a-z_0-9]+)"`)
	check := func(name string, re *regexp.Regexp, src []byte) {
		for _, m := range re.FindAllSubmatch(src, -1) {
			if k := string(m[1]); !cat.Has(k) {
				t.Errorf("%s uses %q, which the catalog lacks", name, k)
			}
		}
	}
	fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := templateFS.ReadFile(path)
			check(path, keyRE, b)
		}
		return nil
	})
	// Dynamic keys built from enumerations must exist for every value.
	for _, prefix := range []string{"role.director", "role.direct_service", "role.other", "role.convener", "role.coach", "role.funder", "role.evaluator",
		"status.planning", "status.recruiting", "status.active", "status.closed", "kind.organization", "kind.community",
		"size.small", "size.medium", "size.large", "partner.convener", "partner.funder", "partner.evaluator", "partner.faculty", "partner.partner",
		"app.pending", "app.accepted", "app.declined", "lang.browser"} {
		if !cat.Has(prefix) {
			t.Errorf("catalog lacks %q", prefix)
		}
	}
	// The language choices name every catalog language; the chart menus
	// name every chart type.
	for _, l := range cat.Languages() {
		if !cat.Has("lang." + l) {
			t.Errorf("catalog lacks %q", "lang."+l)
		}
	}
	for _, c := range improve.ChartTypes {
		if !cat.Has("measure.chart_" + c) {
			t.Errorf("catalog lacks %q", "measure.chart_"+c)
		}
	}
	// The chart's own words: its English and the catalog's agree.
	en := cat.Printer("en")
	for k, v := range chart.English {
		if !cat.Has(k) {
			t.Errorf("catalog lacks chart word %q", k)
		} else if !strings.Contains(v, "%") && en.Sprintf(k) != v {
			t.Errorf("catalog %s = %q, chart.English has %q", k, en.Sprintf(k), v)
		}
	}
	for _, name := range []string{"render.go", "server.go", "auth.go", "account.go", "teams.go", "collaboratives.go", "applications.go"} {
		b, err := fs.ReadFile(goFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		check(name, goKeyRE, b)
	}
}
