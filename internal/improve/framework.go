package improve

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/framework"
)

// A CollabFramework is a collaborative's own copy of a change framework:
// adopted from a built-in one or imported, then edited by its convener
// (nodes added, renamed, reordered, retired) with every change kept in its
// history. Nodes keep their ids for life, so change ideas linked to them
// survive renames and moves; a retired node stays linked but leaves the
// exported framework.
type CollabFramework struct {
	ID, CollaborativeID int64
	Key, Name           string
	// BuiltinKey is the built-in framework it was adopted from, if any.
	BuiltinKey string
	// Header is the framework without its nodes: levels, preamble, source.
	Header    framework.Framework
	Nodes     []*FwNode
	UpdatedAt time.Time
}

// FwNode is one node of a collaborative's framework.
type FwNode struct {
	ID, FrameworkID, ParentID int64
	Code, Kind, Title, Body   string
	Extra                     NodeExtra
	Position                  int
	Retired                   bool
	Depth                     int
	Children                  []*FwNode
}

// NodeExtra holds what a framework node carries beyond its title and body,
// stored as JSON beside it.
type NodeExtra struct {
	Source      framework.Origin       `json:"source,omitempty"`
	BodySource  framework.Origin       `json:"bodySource,omitempty"`
	Themes      []string               `json:"themes,omitempty"`
	Attachments []framework.Attachment `json:"attachments,omitempty"`
}

// Label is the node's code and title, for lists and links.
func (n *FwNode) Label() string { return n.Code + " " + n.Title }

// A FrameworkChange is one entry of a framework's history.
type FrameworkChange struct {
	ID, FrameworkID, NodeID int64
	At                      time.Time
	UserID                  int64
	UserName                string
	Action                  string // adopt, import, add, rename, move, retire, restore
	Before, After           string
}

// Flatten lists the nodes depth first, retired ones included.
func (f *CollabFramework) Flatten() []*FwNode {
	var out []*FwNode
	var walk func([]*FwNode)
	walk = func(ns []*FwNode) {
		for _, n := range ns {
			out = append(out, n)
			walk(n.Children)
		}
	}
	walk(f.Nodes)
	return out
}

// LevelName names the level of a node at depth d.
func (f *CollabFramework) LevelName(d int) string {
	if d < len(f.Header.Levels) {
		return f.Header.Levels[d].Name
	}
	return ""
}

// Export rebuilds a framework.Framework from the collaborative's copy,
// leaving retired nodes (and what hangs from them) out.
func (f *CollabFramework) Export() *framework.Framework {
	out := f.Header
	out.Key, out.Name = f.Key, f.Name
	var conv func([]*FwNode) []*framework.Node
	conv = func(ns []*FwNode) []*framework.Node {
		var o []*framework.Node
		for _, n := range ns {
			if n.Retired {
				continue
			}
			o = append(o, &framework.Node{Code: n.Code, Kind: n.Kind, Title: n.Title, Body: n.Body, Source: n.Extra.Source, BodySource: n.Extra.BodySource,
				Themes: n.Extra.Themes, Attachments: n.Extra.Attachments, Children: conv(n.Children)})
		}
		return o
	}
	out.Nodes = conv(f.Nodes)
	return &out
}

// HeaderJSON encodes a framework's header (everything but its nodes).
func HeaderJSON(fw *framework.Framework) (string, error) {
	h := *fw
	h.Nodes = nil
	b, err := json.Marshal(&h)
	if err != nil {
		return "", fmt.Errorf("encode framework header: %w", err)
	}
	return string(b), nil
}

// NextCode returns the code for a new child of kind kind under parent
// (nil for the top): its parent's code, a dot, and one more than the
// largest number among the children's last segments, skipping any code
// already taken. Where a level holds several kinds side by side, as a BSC
// domain's objectives (1.O1, 1.O2) beside its change concepts (1.C1), each
// kind numbers its own, after the letters its siblings of that kind use;
// a first child of a kind there takes the kind's initial (C for
// change-concept).
func NextCode(parent *FwNode, siblings []*FwNode, taken map[string]bool, kind string) string {
	prefix := ""
	if parent != nil {
		prefix = parent.Code + "."
	}
	letters, lettered := "", false
	max := 0
	for _, s := range siblings {
		l, n, ok := codeSegment(s.Code)
		if !ok {
			continue
		}
		if l != "" {
			lettered = true
		}
		if s.Kind != kind {
			continue
		}
		letters = l
		if n > max {
			max = n
		}
	}
	if letters == "" && lettered && kind != "" {
		letters = strings.ToUpper(kind[:1])
	}
	for i := max + 1; ; i++ {
		c := fmt.Sprintf("%s%s%d", prefix, letters, i)
		if !taken[c] {
			return c
		}
	}
}

// codeSegment splits a code's last segment into its letters and number
// ("O6" is O and 6, "12" is "" and 12).
func codeSegment(code string) (letters string, n int, ok bool) {
	seg := code[strings.LastIndex(code, ".")+1:]
	i := strings.IndexFunc(seg, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(seg[i:])
	if err != nil || strconv.Itoa(n) != seg[i:] {
		return "", 0, false
	}
	return seg[:i], n, true
}
