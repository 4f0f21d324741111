package framework

import (
	"maps"
	"slices"
	"testing"
)

// TestBuiltinCounts pins the size of every built-in framework. It needs no
// seed documents, so it guards the data even where the seeds are absent;
// seeds_test.go derives the same numbers from the seeds themselves.
func TestBuiltinCounts(t *testing.T) {
	tests := []struct {
		key         string
		levels      []int
		kinds       map[string]int
		attachments map[string]int
		preamble    int
	}{
		{"wellbeing-blueprint", []int{6, 24, 64},
			map[string]int{"principle": 6, "recommendation": 24, "action": 64},
			map[string]int{"example": 5, "toolkit": 1, "playbook": 1, "tool": 1}, 1},
		{"child-welfare-bsc", []int{5, 92, 25},
			map[string]int{"domain": 5, "objective": 27, "change-concept": 65, "detail": 25},
			map[string]int{}, 3},
		{"five-domains", []int{5}, map[string]int{"domain": 5}, map[string]int{}, 2},
		{"what-goes-well", []int{2, 8},
			map[string]int{"group": 2, "methodology": 5, "topic": 3}, map[string]int{}, 0},
		{"community-wellbeing-model", []int{7}, map[string]int{"component": 7}, map[string]int{}, 2},
	}
	fws, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(fws) != len(tests) {
		t.Errorf("got %d built-in frameworks, want %d", len(fws), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			f := Lookup(fws, tt.key)
			if f == nil {
				t.Fatal("missing")
			}
			if got := f.CountLevels(); !slices.Equal(got, tt.levels) {
				t.Errorf("levels: got %v, want %v", got, tt.levels)
			}
			if got := f.CountKinds(); !maps.Equal(got, tt.kinds) {
				t.Errorf("kinds: got %v, want %v", got, tt.kinds)
			}
			atts := map[string]int{}
			themes := 0
			_ = f.Walk(func(n *Node, _ []*Node) error {
				for _, a := range n.Attachments {
					atts[a.Kind]++
				}
				themes += len(n.Themes)
				return nil
			})
			if !maps.Equal(atts, tt.attachments) {
				t.Errorf("attachments: got %v, want %v", atts, tt.attachments)
			}
			if tt.key == "child-welfare-bsc" && themes != 21 {
				t.Errorf("themes: got %d, want 21", themes)
			}
			if len(f.Preamble) != tt.preamble {
				t.Errorf("preamble: got %d sections, want %d", len(f.Preamble), tt.preamble)
			}
		})
	}
}
