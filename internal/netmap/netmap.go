// Package netmap measures a team's map of community leaders and natural
// supports: who is connected to many (degree), who others route through
// (betweenness centrality), and which groups are cut off from each other
// (connected components). The graph work is gonum's.
package netmap

import (
	"math"
	"sort"

	"github.com/goeswell/goeswell/internal/collab"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// Metrics are one node's measures.
type Metrics struct {
	ID          int64
	Degree      int
	Betweenness float64 // normalized to 0..1 by the largest possible
	Component   int     // index into Result.Components
	// Broker marks the people others route through: betweenness clearly
	// above the rest (at least a quarter of the maximum and not zero).
	Broker bool
	X, Y   float64 // layout, in 0..1
}

// Result is a measured network.
type Result struct {
	Nodes      map[int64]*Metrics
	Order      []int64   // node ids by betweenness, then degree, then id
	Components [][]int64 // each sorted; the largest first
}

// Measure computes the metrics and a deterministic layout: components
// side by side, each node on a circle within its component, in id order.
func Measure(nodes []collab.NetNode, edges []collab.NetEdge) Result {
	g := simple.NewUndirectedGraph()
	for _, n := range nodes {
		g.AddNode(simple.Node(n.ID))
	}
	for _, e := range edges {
		if e.From == e.To || g.Node(e.From) == nil || g.Node(e.To) == nil {
			continue
		}
		g.SetEdge(g.NewEdge(simple.Node(e.From), simple.Node(e.To)))
	}
	res := Result{Nodes: map[int64]*Metrics{}}
	bc := network.Betweenness(g)
	n := float64(len(nodes))
	norm := 1.0
	if n > 2 {
		norm = (n - 1) * (n - 2) / 2 // undirected pairs not including the node
	}
	maxB := 0.0
	for _, nd := range nodes {
		m := &Metrics{ID: nd.ID, Degree: g.From(nd.ID).Len(), Betweenness: bc[nd.ID] / 2 / norm}
		// gonum counts each undirected path from both ends.
		if m.Betweenness > maxB {
			maxB = m.Betweenness
		}
		res.Nodes[nd.ID] = m
		res.Order = append(res.Order, nd.ID)
	}
	for _, m := range res.Nodes {
		m.Broker = maxB > 0 && m.Betweenness >= maxB/4 && m.Betweenness > 0
	}
	sort.SliceStable(res.Order, func(i, j int) bool {
		a, b := res.Nodes[res.Order[i]], res.Nodes[res.Order[j]]
		if a.Betweenness != b.Betweenness {
			return a.Betweenness > b.Betweenness
		}
		if a.Degree != b.Degree {
			return a.Degree > b.Degree
		}
		return a.ID < b.ID
	})
	for _, cc := range topo.ConnectedComponents(g) {
		var ids []int64
		for _, nd := range cc {
			ids = append(ids, nd.ID())
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		res.Components = append(res.Components, ids)
	}
	sort.SliceStable(res.Components, func(i, j int) bool {
		if len(res.Components[i]) != len(res.Components[j]) {
			return len(res.Components[i]) > len(res.Components[j])
		}
		return res.Components[i][0] < res.Components[j][0]
	})
	// Layout: the largest component gets a wide circle on the left; the
	// others share a column of small circles on the right.
	total := len(res.Components)
	for ci, ids := range res.Components {
		var cx, cy, r float64
		if ci == 0 {
			cx, cy, r = 0.38, 0.5, 0.36
			if total == 1 {
				cx, r = 0.5, 0.42
			}
		} else {
			rows := float64(total - 1)
			cx, cy, r = 0.85, (float64(ci)-0.5)/rows, math.Min(0.12, 0.4/rows)
		}
		for k, id := range ids {
			m := res.Nodes[id]
			m.Component = ci
			if len(ids) == 1 {
				m.X, m.Y = cx, cy
				continue
			}
			a := 2*math.Pi*float64(k)/float64(len(ids)) - math.Pi/2
			m.X, m.Y = cx+r*math.Cos(a), cy+r*math.Sin(a)
		}
	}
	return res
}
