package framework

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func demo(t *testing.T) *Framework {
	t.Helper()
	f, err := Parse(strings.NewReader(validYAML), "yaml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func codes(nodes []*Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Code)
	}
	return out
}

func TestFlatten(t *testing.T) {
	f := demo(t)
	var got []string
	for _, e := range f.Flatten() {
		got = append(got, strings.Join([]string{e.Node.Code, e.Parent, e.Level, strings.Repeat(">", e.Depth)}, "|"))
	}
	want := []string{"1||Principle|", "1.1|1|Action|>", "1.2|1|Action|>", "2||Principle|"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := f.CountLevels(), []int{2, 2}; !slices.Equal(got, want) {
		t.Errorf("CountLevels = %v, want %v", got, want)
	}
	if got := f.CountKinds(); got["principle"] != 2 || got["action"] != 1 || got["idea"] != 1 {
		t.Errorf("CountKinds = %v", got)
	}
}

func TestWalk(t *testing.T) {
	f := demo(t)
	var seen []string
	err := f.Walk(func(n *Node, anc []*Node) error {
		seen = append(seen, n.Code)
		if n.Code == "1" {
			return SkipChildren
		}
		return nil
	})
	if err != nil || !slices.Equal(seen, []string{"1", "2"}) {
		t.Errorf("SkipChildren: saw %v, err %v", seen, err)
	}
	stop := errors.New("stop")
	seen = nil
	err = f.Walk(func(n *Node, anc []*Node) error {
		seen = append(seen, n.Code)
		if n.Code == "1.1" {
			if len(anc) != 1 || anc[0].Code != "1" {
				t.Errorf("ancestors of 1.1: %v", codes(anc))
			}
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !slices.Equal(seen, []string{"1", "1.1"}) {
		t.Errorf("stop: saw %v, err %v", seen, err)
	}
	if f.Node("9") != nil {
		t.Error("Node(9) found something")
	}
}

func TestSearch(t *testing.T) {
	f := demo(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"", nil},
		{"   ", nil},
		{"listen", []string{"1.2"}},
		{"START people", []string{"1"}},
		{"town", []string{"1.1"}}, // attachment title
		{"1.", []string{"1.1", "1.2"}},
		{"people works", nil},
	}
	for _, tt := range tests {
		if got := codes(f.Search(tt.query)); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestSearchBuiltin(t *testing.T) {
	f := builtinNoSeeds(t, "child-welfare-bsc")
	got := codes(f.Search("psychological safety"))
	// The theme of domain 1, and the objective on psychological safety.
	if !slices.Contains(got, "1") {
		t.Errorf("search for a theme: %v", got)
	}
}

// builtinNoSeeds loads a built-in framework without needing the seeds.
func builtinNoSeeds(t *testing.T, key string) *Framework {
	t.Helper()
	fws, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f := Lookup(fws, key)
	if f == nil {
		t.Fatalf("no built-in framework %q", key)
	}
	return f
}

func TestBuiltinFresh(t *testing.T) {
	a := builtinNoSeeds(t, "five-domains")
	a.Nodes[0].Title = "changed"
	if b := builtinNoSeeds(t, "five-domains"); b.Nodes[0].Title == "changed" {
		t.Error("Builtin shares values between calls")
	}
	if Lookup(nil, "five-domains") != nil {
		t.Error("Lookup in nothing found something")
	}
}
