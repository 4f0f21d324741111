package i18n

import (
	"encoding/json"
	"fmt"
	"github.com/goeswell/goeswell/internal/testskip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestTranslationsMatchEnglish checks every translation against English:
// a complete language has exactly English's keys (none missing, none
// extra), a partial one (listed in Partial) may lack keys but has no key
// English does not; and every message present has the same placeholders
// as English's — the same verbs for the same arguments, and the same
// ${variables} — so "%d de %s" for "%s of %d" or a dropped count fails
// here, not on a page. A translator may reorder arguments with %[n]v.
func TestTranslationsMatchEnglish(t *testing.T) {
	c := MustLoad()
	en := c.raw["en"]
	langs := c.Languages()
	if !slices.Contains(langs, "es") || !slices.Contains(langs, "hmn") {
		t.Fatalf("languages = %v, want en, es and hmn", langs)
	}
	for _, lang := range langs {
		if lang == "en" {
			continue
		}
		msgs := c.raw[lang]
		_, partial := Partial[lang]
		var missing []string
		for k := range en {
			if _, ok := msgs[k]; !ok {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 && !partial {
			t.Errorf("%s lacks %d keys English has (list it in Partial or translate them): %s", lang, len(missing), strings.Join(first(missing, 20), ", "))
		}
		if partial {
			t.Logf("%s (partial): %d of %d keys translated", lang, len(en)-len(missing), len(en))
		}
		for k, v := range msgs {
			ev, ok := en[k]
			if !ok {
				t.Errorf("%s has %q, which English does not", lang, k)
				continue
			}
			want, err := placeholders(ev)
			if err != nil {
				t.Fatalf("en %s: %v", k, err)
			}
			got, err := placeholders(v)
			if err != nil {
				t.Errorf("%s %s: %v", lang, k, err)
				continue
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: placeholders %v, English has %v", lang, k, got, want)
			}
		}
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}

// placeholders lists a message's verbs as "argument:verb" (sorted, each
// once) and its ${variables}, over every plural case: what a translation
// must keep whatever its word order.
func placeholders(raw json.RawMessage) ([]string, error) {
	set := map[string]bool{}
	var add func(v any) error
	add = func(v any) error {
		switch x := v.(type) {
		case string:
			vs, err := verbs(x)
			if err != nil {
				return err
			}
			for _, p := range vs {
				set[p] = true
			}
			for _, m := range varRE.FindAllString(x, -1) {
				set[m] = true
			}
		case map[string]any:
			for k, sub := range x {
				if k == "arg" {
					continue
				}
				if err := add(sub); err != nil {
					return err
				}
			}
		case float64:
		default:
			return fmt.Errorf("unexpected %T", v)
		}
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if err := add(v); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

var varRE = regexp.MustCompile(`\$\{[a-z_]+\}`)

// verbs lists "n:verb" for each verb of a format string, numbering
// unnumbered verbs as fmt does. Width and precision count as part of the
// verb ("%.1f" and "%.0f" differ: the plural form follows them).
func verbs(s string) ([]string, error) {
	var out []string
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		j := i + 1
		if j < len(s) && s[j] == '%' {
			i = j
			continue
		}
		for j < len(s) && strings.IndexByte("+-# 0", s[j]) >= 0 {
			j++
		}
		if j < len(s) && s[j] == '[' {
			k := strings.IndexByte(s[j:], ']')
			if k < 0 {
				return nil, fmt.Errorf("unclosed %%[ in %q", s)
			}
			v, err := strconv.Atoi(s[j+1 : j+k])
			if err != nil {
				return nil, fmt.Errorf("bad argument index in %q", s)
			}
			n = v - 1
			j += k + 1
		}
		start := j
		for j < len(s) && (s[j] == '.' || ('0' <= s[j] && s[j] <= '9')) {
			j++
		}
		if j >= len(s) {
			return nil, fmt.Errorf("verb cut short in %q", s)
		}
		n++
		out = append(out, fmt.Sprintf("%d:%%%s%c", n, s[start:j], s[j]))
		i = j
	}
	return out, nil
}

// TestFallbackKeyByKey: a key a partial language lacks shows in English,
// not as the raw key; a key it has shows translated.
func TestFallbackKeyByKey(t *testing.T) {
	c := MustLoad()
	missing := ""
	for k := range c.raw["en"] {
		if _, ok := c.raw["hmn"][k]; !ok {
			var s string
			if json.Unmarshal(c.raw["en"][k], &s) == nil && !strings.Contains(s, "%") {
				missing = k
				break
			}
		}
	}
	if missing == "" {
		testskip.Skip(t, "Hmong fallback to English", "Hmong now has every key: test the fallback with a language that lacks one")
	}
	en := c.Printer("en").Sprintf(missing)
	if got := c.Printer("hmn").Sprintf(missing); got != en || got == missing {
		t.Errorf("hmn %s = %q, want the English %q", missing, got, en)
	}
	if got := c.Printer("hmn").Sprintf("login.title"); got == c.Printer("en").Sprintf("login.title") {
		t.Errorf("hmn login.title = %q, the English: want Hmong", got)
	}
	if got := c.Printer("es").Sprintf("login.title"); got == c.Printer("en").Sprintf("login.title") {
		t.Errorf("es login.title = %q, the English: want Spanish", got)
	}
}

// TestMatchHmongAndSpanish: the browser's language decides until a person
// chooses one; every Hmong tag a phone may send finds the Hmong catalog.
func TestMatchHmongAndSpanish(t *testing.T) {
	c := MustLoad()
	for _, tt := range []struct{ setting, accept, want string }{
		{"", "es-US,es;q=0.9,en;q=0.8", "es"},
		{"", "es-MX", "es"},
		{"en", "es-US", "en"},
		{"es", "en-US", "es"},
		{"", "hmn", "hmn"},
		{"", "mww", "hmn"},
		{"", "hnj", "hmn"},
		{"", "hnj-Latn-US, en;q=0.5", "hmn"},
		{"mww", "en", "hmn"},
		{"", "fr, es;q=0.5", "es"},
		{"", "fr", "en"},
		{"", "", "en"},
	} {
		if got := c.Match(tt.setting, tt.accept); got != tt.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tt.setting, tt.accept, got, tt.want)
		}
	}
}
