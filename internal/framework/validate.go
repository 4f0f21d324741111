package framework

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

var (
	// keyRE keeps framework keys and node kinds safe for URLs and files.
	keyRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	// segmentRE is one dot-separated part of a node code, such as 4 or O2.
	segmentRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)
)

// Validate checks a framework built in code or loaded by other means. Parse
// runs the same checks, with lines. Problems come back as an ErrorList.
//
// The rules: a framework has a key, a name, at least one level and one
// node; every level has a name and kinds, and no kind is on two levels;
// every node has a title, a kind allowed on its level, and a code that is
// unique and extends its parent's code by one segment (1.4.1 under 1.4);
// no node is deeper than the levels; attachments have a title and a known
// kind; origins are empty, "seed" or "goeswell"; URLs are absolute http(s).
func Validate(f *Framework) error {
	if f == nil {
		return ErrorList{{Msg: "framework is nil"}}
	}
	return validate(f, nil, nil).err()
}

// validator carries the state of one validation pass.
type validator struct {
	f     *Framework
	lines map[any]int  // may be nil
	skip  map[any]bool // elements already reported as malformed; may be nil
	errs  ErrorList
	codes map[string]*Node
}

func validate(f *Framework, lines map[any]int, skip map[any]bool) ErrorList {
	v := &validator{f: f, lines: lines, skip: skip, codes: map[string]*Node{}}
	v.framework()
	return v.errs
}

func (v *validator) line(x any) int { return v.lines[x] }

func (v *validator) framework() {
	f := v.f
	line := v.line(f)
	switch {
	case strings.TrimSpace(f.Key) == "":
		v.errs.add(line, "framework has no key")
	case !keyRE.MatchString(f.Key):
		v.errs.add(line, "framework key %q must be lower-case letters and digits joined by dashes", f.Key)
	}
	if strings.TrimSpace(f.Name) == "" {
		v.errs.add(line, "framework has no name")
	}
	if f.Source != nil {
		v.url(line, "framework source", f.Source.URL)
	}
	for i := range f.Preamble {
		s := &f.Preamble[i]
		if v.skip[s] {
			continue
		}
		what := fmt.Sprintf("preamble section %d", i+1)
		if strings.TrimSpace(s.Title) == "" {
			v.errs.add(v.line(s), "%s has no title", what)
		}
		v.origin(v.line(s), what, s.Source)
		v.url(v.line(s), what, s.URL)
	}
	if len(f.Levels) == 0 {
		v.errs.add(line, "framework has no levels")
	}
	kindLevel := map[string]int{}
	for i := range f.Levels {
		l := &f.Levels[i]
		if v.skip[l] {
			continue
		}
		ll := v.line(l)
		if strings.TrimSpace(l.Name) == "" {
			v.errs.add(ll, "level %d has no name", i+1)
		}
		if len(l.Kinds) == 0 {
			v.errs.add(ll, "level %d (%s) has no kinds", i+1, l.Name)
		}
		for _, k := range l.Kinds {
			if !keyRE.MatchString(k) {
				v.errs.add(ll, "level %d (%s) has kind %q; kinds are lower-case letters and digits joined by dashes", i+1, l.Name, k)
				continue
			}
			if prev, dup := kindLevel[k]; dup {
				v.errs.add(ll, "kind %q is on both level %d and level %d", k, prev+1, i+1)
				continue
			}
			kindLevel[k] = i
		}
	}
	if len(f.Nodes) == 0 {
		v.errs.add(line, "framework has no nodes")
	}
	for _, n := range f.Nodes {
		v.node(n, nil, 0)
	}
}

// name describes a node in messages by its code, or its title when the
// code is missing.
func name(n *Node) string {
	if n.Code != "" {
		return fmt.Sprintf("node %q", n.Code)
	}
	if t := strings.TrimSpace(n.Title); t != "" {
		if len(t) > 40 {
			t = t[:40] + "…"
		}
		return fmt.Sprintf("node titled %q", t)
	}
	return "node"
}

func (v *validator) node(n, parent *Node, depth int) {
	if n == nil {
		if parent == nil {
			v.errs.add(v.line(v.f), "framework has an empty top-level node")
		} else {
			v.errs.add(v.line(parent), "%s has an empty child", name(parent))
		}
		return
	}
	if v.skip[n] {
		return
	}
	line := v.line(n)
	what := name(n)
	v.code(n, parent, line, what)
	if strings.TrimSpace(n.Title) == "" {
		v.errs.add(line, "%s has no title", what)
	}
	switch {
	case depth >= len(v.f.Levels):
		if len(v.f.Levels) > 0 {
			v.errs.add(line, "%s is at depth %d but the framework has only %d levels", what, depth+1, len(v.f.Levels))
		}
	case n.Kind == "":
		v.errs.add(line, "%s has no kind (level %q allows %s)", what, v.f.Levels[depth].Name, strings.Join(v.f.Levels[depth].Kinds, ", "))
	case !slices.Contains(v.f.Levels[depth].Kinds, n.Kind):
		v.errs.add(line, "%s has kind %q but level %d (%s) allows %s", what, n.Kind, depth+1, v.f.Levels[depth].Name, strings.Join(v.f.Levels[depth].Kinds, ", "))
	}
	v.origin(line, what, n.Source)
	v.origin(line, what+" body", n.BodySource)
	for i, t := range n.Themes {
		if strings.TrimSpace(t) == "" {
			v.errs.add(line, "%s has an empty theme (number %d)", what, i+1)
		}
	}
	for i := range n.Attachments {
		a := &n.Attachments[i]
		if v.skip[a] {
			continue
		}
		al := v.line(a)
		if al == 0 {
			al = line
		}
		awhat := fmt.Sprintf("attachment %d of %s", i+1, what)
		switch {
		case a.Kind == "":
			v.errs.add(al, "%s has no kind (want %s)", awhat, strings.Join(AttachmentKinds, ", "))
		case !slices.Contains(AttachmentKinds, a.Kind):
			v.errs.add(al, "%s has unknown kind %q (want %s)", awhat, a.Kind, strings.Join(AttachmentKinds, ", "))
		}
		if strings.TrimSpace(a.Title) == "" {
			v.errs.add(al, "%s has no title", awhat)
		}
		v.origin(al, awhat, a.Source)
		v.url(al, awhat, a.URL)
	}
	for _, c := range n.Children {
		v.node(c, n, depth+1)
	}
}

// code checks a node's code: present, well formed, unique, and one
// segment longer than its parent's, so that codes alone rebuild the tree.
func (v *validator) code(n, parent *Node, line int, what string) {
	if n.Code == "" {
		v.errs.add(line, "%s has no code", what)
		return
	}
	segs := strings.Split(n.Code, ".")
	for _, s := range segs {
		if !segmentRE.MatchString(s) {
			v.errs.add(line, "%s has a malformed code: want letters and digits joined by dots, such as 1.4.1", what)
			return
		}
	}
	if prev, dup := v.codes[n.Code]; dup {
		if pl := v.line(prev); pl > 0 {
			v.errs.add(line, "%s repeats the code of the node on line %d", what, pl)
		} else {
			v.errs.add(line, "%s repeats the code of another node", what)
		}
	} else {
		v.codes[n.Code] = n
	}
	switch {
	case parent == nil && len(segs) != 1:
		v.errs.add(line, "top-level %s must have a one-part code such as %q", what, segs[0])
	case parent != nil && parent.Code != "" && !strings.HasPrefix(n.Code, parent.Code+"."):
		v.errs.add(line, "%s is under %q, so its code must start with %q", what, parent.Code, parent.Code+".")
	case parent != nil && parent.Code != "" && len(segs) != strings.Count(parent.Code, ".")+2:
		v.errs.add(line, "%s must add exactly one part to its parent's code %q", what, parent.Code)
	}
}

func (v *validator) origin(line int, what string, o Origin) {
	switch o {
	case "", OriginSeed, OriginGoeswell:
		return
	}
	v.errs.add(line, "%s has unknown source %q (want %q or %q)", what, o, OriginSeed, OriginGoeswell)
}

func (v *validator) url(line int, what, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.errs.add(line, "%s has URL %q; want an absolute http or https URL", what, raw)
	}
}
