package framework

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// Formats Parse and Export understand.
const (
	FormatYAML = "yaml"
	FormatJSON = "json"
)

// FormatForFile returns the format implied by a file name's extension.
func FormatForFile(name string) (string, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml":
		return FormatYAML, nil
	case ".json":
		return FormatJSON, nil
	}
	return "", fmt.Errorf("file %q: unknown framework format (want .yaml, .yml or .json)", name)
}

// normalFormat accepts the format names users are likely to type.
func normalFormat(format string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "yaml", "yml":
		return FormatYAML, nil
	case "json":
		return FormatJSON, nil
	}
	return "", fmt.Errorf("unknown framework format %q (want yaml or json)", format)
}

// Parse reads one framework in the given format ("yaml" or "json") and
// validates it. Problems in the document come back as an ErrorList whose
// entries name the line, and the column where the decoder knows it, such
// as `line 12: node "1.4" has no title`. Unknown fields are errors, so that
// a misspelt field name is not silently dropped.
func Parse(r io.Reader, format string) (*Framework, error) {
	format, err := normalFormat(format)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read framework: %w", err)
	}
	if len(data) > maxInput {
		return nil, ErrorList{{Msg: fmt.Sprintf("document is larger than %d bytes", maxInput)}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrorList{{Msg: "empty document"}}
	}
	var root *value
	if format == FormatJSON {
		root, err = decodeJSON(data)
	} else {
		root, err = decodeYAML(data)
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, ErrorList{e}
		}
		return nil, err
	}
	if root.kind != kindMap {
		// Nothing else can be said of a document that is not a mapping.
		return nil, ErrorList{{Line: root.line, Msg: fmt.Sprintf("framework must be a mapping, not %s", root.kind)}}
	}
	c := &converter{lines: map[any]int{}, broken: map[any]bool{}}
	f := c.framework(root)
	// Validate even when conversion found problems, so that one pass
	// reports a misspelt field and a missing title together.
	errs := append(c.errs, validate(f, c.lines, c.broken)...)
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *Error) int { return a.Line - b.Line })
		if len(errs) > maxErrors {
			errs = errs[:maxErrors]
		}
		return nil, errs
	}
	return f, nil
}

// converter turns a value tree into a Framework, noting the line of every
// element so that validation can point at it.
type converter struct {
	errs  ErrorList
	lines map[any]int // *Framework, *Node, *Level, *Section, *Attachment → line
	// broken holds the elements that were not mappings; validating their
	// empty fields would only repeat the error.
	broken map[any]bool
}

// fields walks a mapping, calling set for each known field and reporting
// unknown and repeated ones. what names the mapping in messages.
func (c *converter) fields(elem any, v *value, what string, known map[string]func(*value)) {
	if v.kind != kindMap {
		c.errs.add(v.line, "%s must be a mapping, not %s", what, v.kind)
		c.broken[elem] = true
		return
	}
	seen := map[string]int{}
	for _, fl := range v.fields {
		if prev, dup := seen[fl.name]; dup {
			c.errs.add(fl.line, "%s repeats field %q (first on line %d)", what, fl.name, prev)
			continue
		}
		seen[fl.name] = fl.line
		set, ok := known[fl.name]
		if !ok {
			c.errs.add(fl.line, "%s has unknown field %q", what, fl.name)
			continue
		}
		set(fl.val)
	}
}

// str reads a scalar as a string; null reads as empty.
func (c *converter) str(v *value, what string) string {
	switch v.kind {
	case kindScalar:
		return v.scalar
	case kindNull:
		return ""
	}
	c.errs.add(v.line, "%s must be a string, not %s", what, v.kind)
	return ""
}

// list checks that v is a list (null reads as empty) and returns its items.
func (c *converter) list(v *value, what string) []*value {
	switch v.kind {
	case kindSeq:
		return v.items
	case kindNull:
		return nil
	}
	c.errs.add(v.line, "%s must be a list, not %s", what, v.kind)
	return nil
}

func (c *converter) strs(v *value, what string) []string {
	items := c.list(v, what)
	if len(items) == 0 {
		return nil
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = c.str(it, what+" entry")
	}
	return out
}

func (c *converter) framework(v *value) *Framework {
	f := &Framework{}
	c.lines[f] = v.line
	c.fields(f, v, "framework", map[string]func(*value){
		"key":         func(v *value) { f.Key = c.str(v, "key") },
		"name":        func(v *value) { f.Name = c.str(v, "name") },
		"version":     func(v *value) { f.Version = c.str(v, "version") },
		"description": func(v *value) { f.Description = c.str(v, "description") },
		"source":      func(v *value) { f.Source = c.source(v) },
		"preamble": func(v *value) {
			items := c.list(v, "preamble")
			if len(items) == 0 {
				return
			}
			f.Preamble = make([]Section, len(items))
			for i, it := range items {
				c.section(it, &f.Preamble[i])
			}
		},
		"levels": func(v *value) {
			items := c.list(v, "levels")
			if len(items) == 0 {
				return
			}
			f.Levels = make([]Level, len(items))
			for i, it := range items {
				c.level(it, &f.Levels[i])
			}
		},
		"nodes": func(v *value) { f.Nodes = c.nodes(v, "nodes") },
	})
	return f
}

func (c *converter) source(v *value) *Source {
	if v.kind == kindNull {
		return nil
	}
	s := &Source{}
	c.fields(s, v, "source", map[string]func(*value){
		"seed":  func(v *value) { s.Seed = c.str(v, "source seed") },
		"file":  func(v *value) { s.File = c.str(v, "source file") },
		"title": func(v *value) { s.Title = c.str(v, "source title") },
		"url":   func(v *value) { s.URL = c.str(v, "source url") },
	})
	return s
}

func (c *converter) section(v *value, s *Section) {
	c.lines[s] = v.line
	c.fields(s, v, "preamble section", map[string]func(*value){
		"title":  func(v *value) { s.Title = c.str(v, "section title") },
		"body":   func(v *value) { s.Body = c.str(v, "section body") },
		"items":  func(v *value) { s.Items = c.strs(v, "section items") },
		"url":    func(v *value) { s.URL = c.str(v, "section url") },
		"source": func(v *value) { s.Source = Origin(c.str(v, "section source")) },
	})
}

func (c *converter) level(v *value, l *Level) {
	c.lines[l] = v.line
	c.fields(l, v, "level", map[string]func(*value){
		"name":  func(v *value) { l.Name = c.str(v, "level name") },
		"kinds": func(v *value) { l.Kinds = c.strs(v, "level kinds") },
	})
}

func (c *converter) nodes(v *value, what string) []*Node {
	items := c.list(v, what)
	if len(items) == 0 {
		return nil
	}
	out := make([]*Node, len(items))
	for i, it := range items {
		out[i] = c.node(it)
	}
	return out
}

func (c *converter) node(v *value) *Node {
	n := &Node{}
	c.lines[n] = v.line
	c.fields(n, v, "node", map[string]func(*value){
		"code":   func(v *value) { n.Code = c.str(v, "node code") },
		"kind":   func(v *value) { n.Kind = c.str(v, "node kind") },
		"title":  func(v *value) { n.Title = c.str(v, "node title") },
		"body":   func(v *value) { n.Body = c.str(v, "node body") },
		"source": func(v *value) { n.Source = Origin(c.str(v, "node source")) },
		"body_source": func(v *value) {
			n.BodySource = Origin(c.str(v, "node body_source"))
		},
		"themes": func(v *value) { n.Themes = c.strs(v, "node themes") },
		"attachments": func(v *value) {
			items := c.list(v, "attachments")
			if len(items) == 0 {
				return
			}
			n.Attachments = make([]Attachment, len(items))
			for i, it := range items {
				c.attachment(it, &n.Attachments[i])
			}
		},
		"children": func(v *value) { n.Children = c.nodes(v, "children") },
	})
	return n
}

func (c *converter) attachment(v *value, a *Attachment) {
	c.lines[a] = v.line
	c.fields(a, v, "attachment", map[string]func(*value){
		"kind":   func(v *value) { a.Kind = c.str(v, "attachment kind") },
		"title":  func(v *value) { a.Title = c.str(v, "attachment title") },
		"body":   func(v *value) { a.Body = c.str(v, "attachment body") },
		"url":    func(v *value) { a.URL = c.str(v, "attachment url") },
		"source": func(v *value) { a.Source = Origin(c.str(v, "attachment source")) },
	})
}
