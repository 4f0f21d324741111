package framework

import (
	"errors"
	"strings"
)

// SkipChildren, returned by a WalkFunc, skips the node's children. It is
// a sentinel like filepath.SkipDir, not a failure, hence its name.
//
//lint:ignore ST1012 named like filepath.SkipDir and fs.SkipAll
var SkipChildren = errors.New("skip children")

// WalkFunc is called for each node with its ancestors, top first. The
// slice is reused between calls; copy it to keep it.
type WalkFunc func(n *Node, ancestors []*Node) error

// Walk visits f's nodes depth first in document order. It stops at the
// first error fn returns, other than SkipChildren, and returns it.
func (f *Framework) Walk(fn WalkFunc) error {
	var stack []*Node
	var walk func(nodes []*Node) error
	walk = func(nodes []*Node) error {
		for _, n := range nodes {
			if n == nil {
				continue
			}
			err := fn(n, stack)
			if errors.Is(err, SkipChildren) {
				continue
			}
			if err != nil {
				return err
			}
			stack = append(stack, n)
			err = walk(n.Children)
			stack = stack[:len(stack)-1]
			if err != nil {
				return err
			}
		}
		return nil
	}
	return walk(f.Nodes)
}

// Entry is one node of a flattened framework.
type Entry struct {
	Node *Node
	// Depth is 0 for top-level nodes.
	Depth int
	// Parent is the code of the parent node; empty at the top.
	Parent string
	// Level is the name of the node's level, such as "Recommendation".
	Level string
}

// Flatten lists f's nodes depth first in document order, which is the
// order a table of contents shows them in.
func (f *Framework) Flatten() []Entry {
	var out []Entry
	_ = f.Walk(func(n *Node, anc []*Node) error {
		e := Entry{Node: n, Depth: len(anc)}
		if len(anc) > 0 {
			e.Parent = anc[len(anc)-1].Code
		}
		if e.Depth < len(f.Levels) {
			e.Level = f.Levels[e.Depth].Name
		}
		out = append(out, e)
		return nil
	})
	return out
}

// Node returns the node with the given code, or nil.
func (f *Framework) Node(code string) *Node {
	var found *Node
	errFound := errors.New("found")
	_ = f.Walk(func(n *Node, _ []*Node) error {
		if n.Code == code {
			found = n
			return errFound
		}
		return nil
	})
	return found
}

// CountKinds returns how many nodes f has of each kind.
func (f *Framework) CountKinds() map[string]int {
	counts := map[string]int{}
	_ = f.Walk(func(n *Node, _ []*Node) error {
		counts[n.Kind]++
		return nil
	})
	return counts
}

// CountLevels returns how many nodes f has at each depth.
func (f *Framework) CountLevels() []int {
	var counts []int
	_ = f.Walk(func(n *Node, anc []*Node) error {
		for len(counts) <= len(anc) {
			counts = append(counts, 0)
		}
		counts[len(anc)]++
		return nil
	})
	return counts
}

// Search returns the nodes whose code, title, body, themes or attachments
// contain every word of query, ignoring case, in document order. An empty
// query matches nothing.
func (f *Framework) Search(query string) []*Node {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return nil
	}
	var out []*Node
	_ = f.Walk(func(n *Node, _ []*Node) error {
		text := searchText(n)
		for _, w := range words {
			if !strings.Contains(text, w) {
				return nil
			}
		}
		out = append(out, n)
		return nil
	})
	return out
}

// searchText is the lower-cased text a node is found by.
func searchText(n *Node) string {
	var b strings.Builder
	for _, s := range []string{n.Code, n.Title, n.Body} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	for _, t := range n.Themes {
		b.WriteString(t)
		b.WriteByte('\n')
	}
	for _, a := range n.Attachments {
		b.WriteString(a.Title)
		b.WriteByte('\n')
		b.WriteString(a.Body)
		b.WriteByte('\n')
	}
	return strings.ToLower(b.String())
}
