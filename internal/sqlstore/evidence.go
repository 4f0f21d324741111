package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
)

// The change package's evidence (migration 00017): which measures give
// evidence for which framework nodes, and, for each node, the teams
// testing it and when each first adopted a change linked to it.

// A MeasureLink says a measure gives evidence for a framework node.
type MeasureLink struct {
	MeasureID, NodeID int64
}

// MeasureLinks lists the links of a collaborative's measures to its
// frameworks' nodes, by node then measure.
func (db *DB) MeasureLinks(ctx context.Context, collabID int64) ([]MeasureLink, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT l.measure_id, l.node_id FROM measure_nodes l JOIN measures m ON m.id = l.measure_id
		WHERE m.collaborative_id = $1 ORDER BY l.node_id, l.measure_id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("measure links: %w", err)
	}
	defer rows.Close()
	var out []MeasureLink
	for rows.Next() {
		var l MeasureLink
		if err := rows.Scan(&l.MeasureID, &l.NodeID); err != nil {
			return nil, fmt.Errorf("measure links: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LinkMeasure links (or, with link false, unlinks) one of the
// collaborative's shared measures and a node of one of its frameworks.
// Linking twice, or unlinking what is not linked, changes nothing.
func (db *DB) LinkMeasure(ctx context.Context, who collab.Who, collabID, measureID, nodeID int64, link bool) error {
	v := collab.NewValidation()
	var ok bool
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM measures WHERE id = $1 AND collaborative_id = $2 AND team_id IS NULL)`,
		measureID, collabID).Scan(&ok); err != nil {
		return fmt.Errorf("link measure: %w", err)
	}
	if !ok {
		v.Add("measure", "error.invalid_choice")
	}
	if err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM framework_nodes n JOIN collab_frameworks f ON f.id = n.framework_id
		WHERE n.id = $1 AND f.collaborative_id = $2)`, nodeID, collabID).Scan(&ok); err != nil {
		return fmt.Errorf("link measure: %w", err)
	}
	if !ok {
		v.Add("node", "error.invalid_choice")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		q, action := `INSERT INTO measure_nodes (measure_id, node_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, "measure.link_node"
		if !link {
			q, action = `DELETE FROM measure_nodes WHERE measure_id = $1 AND node_id = $2`, "measure.unlink_node"
		}
		res, err := tx.ExecContext(ctx, q, measureID, nodeID)
		if err != nil {
			return fmt.Errorf("link measure: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.audit(ctx, tx, who, collabID, action, fmt.Sprintf("measure:%d node:%d", measureID, nodeID),
			detail(map[string]any{"measure_id": measureID, "node_id": nodeID, "linked": link}))
	})
}

// A NodeTest is one team testing a framework node: the PDSA cycles on
// its change ideas linked to the node, and the first cycle it adopted.
type NodeTest struct {
	NodeID                      int64
	TeamID                      int64
	TeamName                    string
	Cycles                      int
	Adopt, Adapt, Abandon, Open int
	// FirstAdopted is when the first adopted cycle started (or, without
	// a start, ended); zero if the team adopted none yet.
	FirstAdopted collab.Date
}

// NodeTests lists, for every framework node of a collaborative that a
// change idea links to, each team testing it, by node then team name.
func (db *DB) NodeTests(ctx context.Context, collabID int64) ([]*NodeTest, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.framework_node_id, t.id, t.name, p.decision, p.id IS NOT NULL, p.started_on, p.ended_on
		FROM drivers d JOIN teams t ON t.id = d.team_id LEFT JOIN pdsa_cycles p ON p.change_id = d.id
		WHERE d.collaborative_id = $1 AND d.framework_node_id IS NOT NULL ORDER BY d.framework_node_id, t.name, t.id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("node tests: %w", err)
	}
	defer rows.Close()
	var out []*NodeTest
	for rows.Next() {
		var node, team int64
		var name string
		var decision sql.NullString
		var has bool
		var started, ended collab.Date // nil scans as zero
		if err := rows.Scan(&node, &team, &name, &decision, &has, &started, &ended); err != nil {
			return nil, fmt.Errorf("node tests: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].NodeID != node || out[len(out)-1].TeamID != team {
			out = append(out, &NodeTest{NodeID: node, TeamID: team, TeamName: name})
		}
		nt := out[len(out)-1]
		if !has {
			continue
		}
		nt.Cycles++
		switch improve.Decision(decision.String) {
		case improve.DecisionAdopt:
			nt.Adopt++
			at := started
			if at.IsZero() {
				at = ended
			}
			if !at.IsZero() && (nt.FirstAdopted.IsZero() || at.Before(nt.FirstAdopted)) {
				nt.FirstAdopted = at
			}
		case improve.DecisionAdapt:
			nt.Adapt++
		case improve.DecisionAbandon:
			nt.Abandon++
		default:
			nt.Open++
		}
	}
	return out, rows.Err()
}
