package i18n

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

func TestCatalog(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if !c.Has("login.title") {
		t.Fatal("English catalog lacks login.title")
	}
	if got := c.Printer("en").Sprintf("overview.month_of", 3, 18); got != "Month 3 of 18" {
		t.Errorf("Sprintf = %q", got)
	}
	tests := []struct{ setting, accept, want string }{
		{"", "", "en"},
		{"en", "es;q=0.9", "en"},
		{"", "hmn, es;q=0.8", "hmn"},
		{"xx-invalid", "", "en"},
	}
	for _, tt := range tests {
		if got := c.Match(tt.setting, tt.accept); got != tt.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tt.setting, tt.accept, got, tt.want)
		}
	}
}

// TestPluralFormat checks the catalog's plural objects: each chooses by
// the count's CLDR category, and a malformed one is refused with its key.
func TestPluralFormat(t *testing.T) {
	b := catalog.NewBuilder()
	msgs := map[string]string{
		"votes":   `{"one": "%d vote", "other": "%d votes"}`,
		"teams":   `{"arg": 2, "one": "%d of %d team reporting", "other": "%d of %d teams reporting"}`,
		"rules":   `{"text": "At least %[1]d ${reps}, over %[2]d ${months}.", "reps": {"one": "representative", "other": "representatives"}, "months": {"arg": 2, "one": "month", "other": "months"}}`,
		"label":   `{"one": "team", "other": "teams"}`,
		"hours":   `{"one": "%v hour", "other": "%v hours"}`,
		"days":    `{"one": "in %.0f day", "other": "in %.0f days"}`,
		"nested":  `{"one": {"arg": 2, "one": "%d rep, %d month", "other": "%d rep, %d months"}, "other": {"arg": 2, "one": "%d reps, %d month", "other": "%d reps, %d months"}}`,
		"exactly": `{"=0": "no votes", "one": "%d vote", "other": "%d votes"}`,
	}
	for k, v := range msgs {
		m, err := compile(json.RawMessage(v))
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if err := b.Set(language.English, k, m...); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	p := message.NewPrinter(language.English, message.Catalog(b))
	for _, tt := range []struct {
		key  string
		args []any
		want string
	}{
		{"votes", []any{1}, "1 vote"},
		{"votes", []any{int64(2)}, "2 votes"},
		{"votes", []any{0}, "0 votes"},
		{"teams", []any{1, 1}, "1 of 1 team reporting"},
		{"teams", []any{1, 3}, "1 of 3 teams reporting"},
		{"rules", []any{1, 1}, "At least 1 representative, over 1 month."},
		{"rules", []any{2, 3}, "At least 2 representatives, over 3 months."},
		{"label", []any{1}, "team"},
		{"label", nil, "teams"}, // a column heading: no count, the "other" form
		{"hours", []any{1.0}, "1 hour"},
		{"hours", []any{1.5}, "1.5 hours"},
		{"days", []any{1.0}, "in 1 day"},
		{"days", []any{7.0}, "in 7 days"},
		{"nested", []any{1, 2}, "1 rep, 2 months"},
		{"nested", []any{2, 1}, "2 reps, 1 month"},
		{"exactly", []any{0}, "no votes"},
	} {
		if got := p.Sprintf(tt.key, tt.args...); got != tt.want {
			t.Errorf("Sprintf(%q, %v) = %q, want %q", tt.key, tt.args, got, tt.want)
		}
	}
	for _, bad := range []string{
		`{"one": "%d vote"}`,                           // no "other"
		`{"one": "x", "several": "y", "other": "z"}`,   // not a CLDR category
		`{"arg": 0, "other": "z"}`,                     // arguments count from 1
		`{"text": "%d ${n}", "n": {"other": "x"}}`,     // unnumbered verb beside a variable
		`{"text": "%[1]d votes", "n": {"other": "x"}}`, // variable not used
		`{"one": 1, "other": "x"}`,
		`["x"]`,
	} {
		if _, err := compile(json.RawMessage(bad)); err == nil {
			t.Errorf("compile(%s) accepted", bad)
		}
	}
	// "many" is not an English category: the builder refuses it.
	m, err := compile(json.RawMessage(`{"many": "x", "other": "y"}`))
	if err == nil {
		err = catalog.NewBuilder().Set(language.English, "k", m...)
	}
	if err == nil {
		t.Error(`English "many" accepted`)
	}
}

// countedNounRE finds a count written straight into a plain string: a
// number verb followed by a plural noun ("%d teams", "%d matching nodes",
// "%d people"). Such a sentence reads "1 teams"; it must be a plural form.
var countedNounRE = regexp.MustCompile(`%(?:\[\d+\])?(?:d|v|\.0f) (?:\p{Ll}+ )?(?:\p{Ll}+s|people|children)\b`)

// notNoun are words ending in s that follow a number without counting it
// ("Line %d is not …").
var notNoun = map[string]bool{"is": true, "was": true, "has": true, "does": true, "its": true}

// TestCountsUsePluralForms checks every English message a person reads:
// none says "(s)", none writes a count before a plural noun in a plain
// string, and every plural message really changes its words between 1
// and 2 of what it counts, for each count it selects on.
func TestCountsUsePluralForms(t *testing.T) {
	msgs := englishMessages(t)
	c := MustLoad()
	p := c.Printer("en")
	for key, raw := range msgs {
		var str string
		if json.Unmarshal(raw, &str) == nil {
			if strings.Contains(str, "(s)") {
				t.Errorf("%s: %q says (s); use plural forms", key, str)
			}
			for _, loc := range countedNounRE.FindAllStringIndex(str, -1) {
				m := str[loc[0]:loc[1]]
				// The end of a range ("%v–%v hours") takes the plural in
				// English whatever the numbers.
				if notNoun[m[strings.LastIndexByte(m, ' ')+1:]] || strings.HasSuffix(str[:loc[0]], "–") {
					continue
				}
				t.Errorf("%s: %q counts in a plain string (%q); use plural forms", key, str, m)
			}
			continue
		}
		var texts []string
		counts := map[int]bool{}
		collectPlural(raw, &texts, counts)
		for _, s := range texts {
			if strings.Contains(s, "(s)") {
				t.Errorf("%s: %q says (s)", key, s)
			}
		}
		if len(counts) == 0 {
			t.Errorf("%s: a plural message that counts nothing", key)
		}
		for n := range counts {
			one := p.Sprintf(key, sampleArgs(texts, n, 1)...)
			two := p.Sprintf(key, sampleArgs(texts, n, 2)...)
			if strings.Contains(one+two, "%!") {
				t.Errorf("%s: bad formatting: %q, %q", key, one, two)
			}
			if one == strings.ReplaceAll(two, "2", "1") {
				t.Errorf("%s: the same words for 1 and 2 of argument %d: %q", key, n, one)
			}
		}
	}
}

// englishMessages reads the English catalog files as they are written.
func englishMessages(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	names, err := fs.Glob(files, "messages/en/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no English messages: %v", err)
	}
	all := map[string]json.RawMessage{}
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]json.RawMessage
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range msgs {
			all[k] = v
		}
	}
	return all
}

// collectPlural gathers a plural message's strings and the arguments its
// choices count.
func collectPlural(raw json.RawMessage, texts *[]string, counts map[int]bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		var s string
		json.Unmarshal(raw, &s)
		*texts = append(*texts, s)
		return
	}
	if text, ok := obj["text"]; ok {
		var s string
		json.Unmarshal(text, &s)
		*texts = append(*texts, s)
		for k, v := range obj {
			if k != "text" {
				collectPlural(v, texts, counts)
			}
		}
		return
	}
	arg := 1
	if a, ok := obj["arg"]; ok {
		json.Unmarshal(a, &arg)
	}
	counts[arg] = true
	for k, v := range obj {
		if k != "arg" {
			collectPlural(v, texts, counts)
		}
	}
}

// sampleArgs fills a message's arguments by their verbs: count for
// argument n, 3 for other numbers, "x" for text.
func sampleArgs(texts []string, n int, count int) []any {
	var args []any
	for i := 1; i <= 9; i++ {
		verb := ""
		for _, s := range texts {
			if v := verbOf(s, i); v != "" {
				verb = v
			} else if verb == "" && anyVerb(s, i) {
				verb = "%s"
			}
		}
		if verb == "" {
			if i == n {
				args = append(args, count)
				continue
			}
			break
		}
		v := any(3)
		switch {
		case i == n && strings.HasSuffix(verb, "d"):
			v = count
		case i == n:
			v = float64(count)
		case verb == "%s":
			v = "x"
		case !strings.HasSuffix(verb, "d"):
			v = 3.0
		}
		args = append(args, v)
	}
	return args
}

// anyVerb reports whether s has a verb for argument arg, of any kind.
func anyVerb(s string, arg int) bool {
	return verbOf(strings.NewReplacer("%s", "%d", "]s", "]d").Replace(s), arg) != ""
}
