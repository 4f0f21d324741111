package netmap

import (
	"math"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
)

// Two circles of friends joined only through Rosa (3), and a group (7)
// nobody is connected to yet.
func TestMeasure(t *testing.T) {
	var nodes []collab.NetNode
	for i := int64(1); i <= 7; i++ {
		nodes = append(nodes, collab.NetNode{ID: i, Kind: "person"})
	}
	e := func(a, b int64) collab.NetEdge { return collab.NetEdge{From: a, To: b, Strength: 2, Plan: "existing"} }
	edges := []collab.NetEdge{e(1, 2), e(2, 3), e(1, 3), e(3, 4), e(4, 5), e(5, 6), e(4, 6)}
	r := Measure(nodes, edges)
	if r.Order[0] != 3 && r.Order[0] != 4 {
		t.Errorf("the most routed-through is %d, want 3 or 4", r.Order[0])
	}
	// 3 lies on every path between {1,2} and {4,5,6}: 2·3 = 6
	// pairs of the 15 among the other six nodes (7 stands apart).
	if b := r.Nodes[3].Betweenness; math.Abs(b-6.0/15) > 1e-9 {
		t.Errorf("betweenness of 3 = %v, want %v", b, 6.0/15)
	}
	if !r.Nodes[3].Broker || r.Nodes[1].Broker {
		t.Errorf("brokers: 3=%v 1=%v", r.Nodes[3].Broker, r.Nodes[1].Broker)
	}
	if r.Nodes[3].Degree != 3 || r.Nodes[7].Degree != 0 {
		t.Errorf("degrees %d %d", r.Nodes[3].Degree, r.Nodes[7].Degree)
	}
	if len(r.Components) != 2 || len(r.Components[1]) != 1 || r.Components[1][0] != 7 {
		t.Errorf("components %v", r.Components)
	}
	// The layout is the same every time.
	again := Measure(nodes, edges)
	for id, m := range r.Nodes {
		if again.Nodes[id].X != m.X || again.Nodes[id].Y != m.Y {
			t.Errorf("layout of %d moved", id)
		}
	}
}
