// Package i18n is goeswell's message catalog. Every string a person reads
// comes from messages/<lang>/*.json through a Printer, so a language is
// added as data files, not as code. Each feature keeps its own file
// (messages/en/core.json, messages/en/engagement.json, ...); a key defined
// twice in one language is an error. English is complete and is the
// fallback, key by key: a language that lacks a key shows the English
// message, never the raw key. A language listed in Partial may lack keys;
// any other must have all of English's (TestTranslationsMatchEnglish).
//
// Languages and who they are for (README.md, "Languages", says which
// pages each covers):
//
//	en   English, complete.
//	es   Spanish for US Spanish-speaking advocates and community members
//	     (usted), complete.
//	hmn  White Hmong (Hmoob Dawb, RPA spelling) for the public and
//	     team-member pages; the rest falls back to English. The tags mww
//	     (Hmong Daw) and hnj (Hmong Njua), which browsers and phones send,
//	     are matched to it.
//
// doc/translators.md is the guide for translators, with the glossary.
//
// A message is a string, or, for a sentence holding a count, an object
// that chooses its words by the count's CLDR plural category
// (golang.org/x/text/feature/plural):
//
//	"agenda.vote_count": {"one": "%d vote", "other": "%d votes"}
//
// The count is the first argument unless "arg" names another (1-based):
//
//	"measure.teams_reporting": {"arg": 2, "one": "%d of %d team reporting", "other": "%d of %d teams reporting"}
//
// Keys are "zero", "one", "two", "few", "many", "other" (required) and
// "=N" for an exact number; a case may itself be such an object, to choose
// by a second count. A sentence with several counts names each counted
// phrase as a variable and places it with ${name}:
//
//	"x.rules": {"text": "%d ${reps} a meeting, over %d ${months}.",
//	            "reps": {"one": "representative", "other": "representatives"},
//	            "months": {"arg": 2, "one": "month", "other": "months"}}
//
// A language picks the categories it needs: English "one" and "other",
// Polish also "few" and "many", and so on.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

//go:embed messages
var files embed.FS

// Catalog holds every language's messages.
type Catalog struct {
	cat     *catalog.Builder
	matcher language.Matcher
	tags    []language.Tag
	keys    map[string]bool // the English keys
	// raw holds every language's messages as written, by language and
	// key: the fallback fills gaps from it, and tests compare languages.
	raw map[string]map[string]json.RawMessage
}

// Partial lists the languages that may lack keys, with what they cover;
// their missing keys show in English.
var Partial = map[string]string{
	"hmn": "sign-in and password reset, the team home, check-ins, data entry, attendance and hours, the calendar, feedback rounds, notifications, account settings, success moments",
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	c := &Catalog{cat: catalog.NewBuilder(catalog.Fallback(language.English)), keys: map[string]bool{}, raw: map[string]map[string]json.RawMessage{}}
	dirs, err := fs.ReadDir(files, "messages")
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	// English first, so the matcher falls back to it.
	sort.Slice(dirs, func(i, j int) bool {
		return dirs[i].Name() == "en" || (dirs[j].Name() != "en" && dirs[i].Name() < dirs[j].Name())
	})
	for _, d := range dirs {
		tag, err := language.Parse(d.Name())
		if err != nil {
			return nil, fmt.Errorf("messages/%s: %w", d.Name(), err)
		}
		names, err := fs.Glob(files, path.Join("messages", d.Name(), "*.json"))
		if err != nil {
			return nil, err
		}
		seen := map[string]string{}
		c.raw[tag.String()] = map[string]json.RawMessage{}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			var msgs map[string]json.RawMessage
			if err := json.Unmarshal(b, &msgs); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			for k, v := range msgs {
				if prev, dup := seen[k]; dup {
					return nil, fmt.Errorf("%s: key %q already defined in %s", name, k, prev)
				}
				seen[k] = name
				c.raw[tag.String()][k] = v
				m, err := compile(v)
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %w", name, k, err)
				}
				if err := c.cat.Set(tag, k, m...); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", name, k, err)
				}
				if tag == language.English {
					c.keys[k] = true
				}
			}
		}
		c.tags = append(c.tags, tag)
	}
	// Key-by-key fallback: x/text's catalog falls back to English only for
	// a language it does not have at all, so a key a translation lacks is
	// given the English message under the translation's tag.
	for _, tag := range c.tags[1:] {
		have := c.raw[tag.String()]
		for k, v := range c.raw["en"] {
			if _, ok := have[k]; ok {
				continue
			}
			m, err := compile(v)
			if err != nil {
				return nil, fmt.Errorf("en: %s: %w", k, err)
			}
			if err := c.cat.Set(tag, k, m...); err != nil {
				// A language without English's plural categories (Hmong
				// has only "other") gets the English "other" forms.
				if m, err = compile(otherOnly(v)); err != nil {
					return nil, fmt.Errorf("en: %s: %w", k, err)
				}
				if err := c.cat.Set(tag, k, m...); err != nil {
					return nil, fmt.Errorf("%s: fallback %s: %w", tag, k, err)
				}
			}
		}
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// compile turns one catalog value into the messages of a catalog entry:
// a string, a plural choice, or a sentence with counted variables.
func compile(raw json.RawMessage) ([]catalog.Message, error) {
	var str string
	if err := json.Unmarshal(raw, &str); err == nil {
		return []catalog.Message{catalog.String(str)}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("want a string or an object of plural forms")
	}
	textRaw, ok := obj["text"]
	if !ok {
		m, err := compilePlural(obj, "")
		if err != nil {
			return nil, err
		}
		return []catalog.Message{m}, nil
	}
	var text string
	if err := json.Unmarshal(textRaw, &text); err != nil {
		return nil, fmt.Errorf("text: want a string")
	}
	// Each piece of the text is formatted apart, so an unnumbered verb
	// would leave the arguments after it looking unused.
	if m := bareVerbRE.FindString(strings.ReplaceAll(text, "%%", "")); m != "" {
		return nil, fmt.Errorf("text: number every verb when the text has variables (%%[1]d, not %s)", m)
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		if name != "text" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []catalog.Message
	for _, name := range names {
		if !strings.Contains(text, "${"+name+"}") {
			return nil, fmt.Errorf("variable %q is not used in the text", name)
		}
		var forms map[string]json.RawMessage
		if err := json.Unmarshal(obj[name], &forms); err != nil {
			return nil, fmt.Errorf("%s: want an object of plural forms", name)
		}
		m, err := compilePlural(forms, text)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, catalog.Var(name, m))
	}
	return append(out, catalog.String(text)), nil
}

var bareVerbRE = regexp.MustCompile(`%[+\-# 0]*[0-9.]*[a-zA-Z]`)

// pluralForms are the selectors a plural object may hold, besides "=N".
var pluralForms = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// compilePlural builds a plural.Selectf from {"arg": n, "one": …, "other": …}.
// outer is the sentence around a variable, where the count's verb is when
// the cases hold only words.
func compilePlural(obj map[string]json.RawMessage, outer string) (catalog.Message, error) {
	arg := 1
	if a, ok := obj["arg"]; ok {
		if err := json.Unmarshal(a, &arg); err != nil || arg < 1 {
			return nil, fmt.Errorf("arg: want a positive argument number")
		}
	}
	if _, ok := obj["other"]; !ok {
		return nil, fmt.Errorf("plural forms lack \"other\"")
	}
	sels := make([]string, 0, len(obj))
	for sel := range obj {
		if sel == "arg" {
			continue
		}
		if !pluralForms[sel] && !strings.HasPrefix(sel, "=") {
			return nil, fmt.Errorf("unknown plural form %q", sel)
		}
		sels = append(sels, sel)
	}
	// Exact numbers first, then the categories in CLDR order, "other" last:
	// Selectf takes the first case that matches.
	rank := func(s string) int {
		for i, f := range []string{"zero", "one", "two", "few", "many", "other"} {
			if s == f {
				return i + 1
			}
		}
		return 0
	}
	sort.Slice(sels, func(i, j int) bool {
		if rank(sels[i]) != rank(sels[j]) {
			return rank(sels[i]) < rank(sels[j])
		}
		return sels[i] < sels[j]
	})
	var cases []any
	format := ""
	for _, sel := range sels {
		var s string
		if err := json.Unmarshal(obj[sel], &s); err == nil {
			cases = append(cases, sel, s)
			if f := verbOf(s, arg); f != "" {
				format = f
			}
			continue
		}
		var sub map[string]json.RawMessage
		if err := json.Unmarshal(obj[sel], &sub); err != nil {
			return nil, fmt.Errorf("%s: want a string or an object of plural forms", sel)
		}
		m, err := compilePlural(sub, outer)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sel, err)
		}
		cases = append(cases, sel, m)
	}
	if format == "" {
		format = verbOf(outer, arg)
	}
	return plural.Selectf(arg, format, cases...), nil
}

// verbOf returns the formatting verb (as "%d", "%.0f") that a format string
// applies to argument arg (1-based), or "" if none does. The count's plural
// category depends on how it is shown: "1.0 hours" is not "1 hour".
func verbOf(s string, arg int) string {
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
				return ""
			}
			v, err := strconv.Atoi(s[j+1 : j+k])
			if err != nil {
				return ""
			}
			n = v - 1
			j += k + 1
		}
		start := j
		for j < len(s) && (s[j] == '.' || ('0' <= s[j] && s[j] <= '9')) {
			j++
		}
		if j >= len(s) {
			return ""
		}
		n++
		if n == arg {
			switch s[j] {
			case 'd', 'f', 'e', 'g':
				return "%" + s[start:j] + string(s[j])
			case 'v':
				// As briefly as it reads back: 1 or 1.5.
				return "%g"
			}
			return ""
		}
		i = j
	}
	return ""
}

// otherOnly keeps, of every plural object in a message, only "arg",
// "other" and exact "=N" cases.
func otherOnly(raw json.RawMessage) json.RawMessage {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	var reduce func(v any) any
	reduce = func(v any) any {
		obj, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		_, sentence := obj["text"]
		for k, sub := range obj {
			switch {
			case sentence:
				out[k] = reduce(sub)
			case k == "arg", k == "other", strings.HasPrefix(k, "="):
				out[k] = reduce(sub)
			}
		}
		return out
	}
	b, err := json.Marshal(reduce(v))
	if err != nil {
		return raw
	}
	return b
}

// MustLoad is Load for program start and tests.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Has reports whether key is in the English catalog.
func (c *Catalog) Has(key string) bool { return c.keys[key] }

// Keys returns every English key.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.keys))
	for k := range c.keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Languages lists the catalog's languages as BCP 47 tags.
func (c *Catalog) Languages() []string {
	out := make([]string, len(c.tags))
	for i, t := range c.tags {
		out[i] = t.String()
	}
	return out
}

// Match picks the best catalog language for a person's setting or, when
// they have none, their browser's Accept-Language header.
func (c *Catalog) Match(setting, acceptLanguage string) string {
	var prefs []language.Tag
	if setting != "" {
		if t, err := language.Parse(setting); err == nil {
			prefs = append(prefs, hmong(t))
		}
	}
	if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
		for _, t := range tags {
			prefs = append(prefs, hmong(t))
		}
	}
	_, i, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		return "en"
	}
	return c.tags[i].String()
}

// hmong maps the individual Hmong languages onto the catalog's "hmn":
// phones and browsers send mww (Hmong Daw, White Hmong) or hnj (Hmong
// Njua, Green Hmong), which x/text does not fold into the macrolanguage.
// Green Hmong readers read White Hmong RPA far better than English.
func hmong(t language.Tag) language.Tag {
	b, _ := t.Base()
	switch b.String() {
	case "mww", "hnj", "hmn":
		return language.Make("hmn")
	}
	return t
}

// Known reports whether lang is one of the catalog's languages, as a
// person may choose it.
func (c *Catalog) Known(lang string) bool {
	_, ok := c.raw[lang]
	return ok
}

// Printer returns a printer for lang.
func (c *Catalog) Printer(lang string) *message.Printer {
	t, err := language.Parse(lang)
	if err != nil {
		t = language.English
	}
	return message.NewPrinter(t, message.Catalog(c.cat))
}
