// Package i18n is goeswell's message catalog. Every string a person reads
// comes from messages/<lang>/*.json through a Printer, so a language is
// added as data files, not as code. Each feature keeps its own file
// (messages/en/core.json, messages/en/engagement.json, ...); a key defined
// twice in one language is an error. English is complete and is the
// fallback.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

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
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	c := &Catalog{cat: catalog.NewBuilder(catalog.Fallback(language.English)), keys: map[string]bool{}}
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
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			var msgs map[string]string
			if err := json.Unmarshal(b, &msgs); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			for k, v := range msgs {
				if prev, dup := seen[k]; dup {
					return nil, fmt.Errorf("%s: key %q already defined in %s", name, k, prev)
				}
				seen[k] = name
				if err := c.cat.SetString(tag, k, v); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", name, k, err)
				}
				if tag == language.English {
					c.keys[k] = true
				}
			}
		}
		c.tags = append(c.tags, tag)
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
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
			prefs = append(prefs, t)
		}
	}
	if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
		prefs = append(prefs, tags...)
	}
	_, i, _ := c.matcher.Match(prefs...)
	return c.tags[i].String()
}

// Printer returns a printer for lang.
func (c *Catalog) Printer(lang string) *message.Printer {
	t, err := language.Parse(lang)
	if err != nil {
		t = language.English
	}
	return message.NewPrinter(t, message.Catalog(c.cat))
}
