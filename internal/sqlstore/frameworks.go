package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/improve"
)

// AdoptFramework copies a framework into a collaborative: a built-in one
// (builtinKey set) or one a convener imported. A key already adopted is a
// validation error on "key".
func (db *DB) AdoptFramework(ctx context.Context, who collab.Who, collabID int64, fw *framework.Framework, builtinKey string) (*improve.CollabFramework, error) {
	if err := framework.Validate(fw); err != nil {
		return nil, fmt.Errorf("adopt framework: %w", err)
	}
	header, err := improve.HeaderJSON(fw)
	if err != nil {
		return nil, err
	}
	cf := &improve.CollabFramework{CollaborativeID: collabID, Key: fw.Key, Name: fw.Name, BuiltinKey: builtinKey}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := ts(db.Now())
		err := tx.QueryRowContext(ctx, `INSERT INTO collab_frameworks (collaborative_id, fw_key, name, builtin_key, header, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, collabID, fw.Key, fw.Name, builtinKey, header, now).Scan(&cf.ID)
		if isUnique(err) {
			return &collab.ValidationError{Fields: map[string]string{"key": "framework.error_adopted"}}
		}
		if err != nil {
			return fmt.Errorf("adopt framework: %w", err)
		}
		var ins func(parent int64, ns []*framework.Node) error
		ins = func(parent int64, ns []*framework.Node) error {
			for i, n := range ns {
				extra, _ := json.Marshal(improve.NodeExtra{Source: n.Source, BodySource: n.BodySource, Themes: n.Themes, Attachments: n.Attachments})
				var id int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO framework_nodes (framework_id, parent_id, code, kind, title, body, extra, position, retired)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE) RETURNING id`, cf.ID, nullID(parent), n.Code, n.Kind, n.Title, n.Body, string(extra), i+1).Scan(&id); err != nil {
					return fmt.Errorf("adopt framework node %s: %w", n.Code, err)
				}
				if err := ins(id, n.Children); err != nil {
					return err
				}
			}
			return nil
		}
		if err := ins(0, fw.Nodes); err != nil {
			return err
		}
		action := "import"
		if builtinKey != "" {
			action = "adopt"
		}
		if err := db.fwChange(ctx, tx, who, cf.ID, 0, action, "", fw.Name); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "framework."+action, fmt.Sprint("framework:", cf.ID), fw.Key)
	})
	if err != nil {
		return nil, err
	}
	return db.FindFramework(ctx, collabID, cf.ID)
}

func (db *DB) fwChange(ctx context.Context, tx *sql.Tx, who collab.Who, fwID, nodeID int64, action, before, after string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO framework_changes (framework_id, node_id, at, user_id, action, before_text, after_text) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		fwID, nullID(nodeID), ts(db.Now()), nullID(who.UserID), action, before, after); err != nil {
		return fmt.Errorf("record framework change: %w", err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE collab_frameworks SET updated_at = $1 WHERE id = $2`, ts(db.Now()), fwID)
	return err
}

// Frameworks lists a collaborative's adopted frameworks, without nodes.
func (db *DB) Frameworks(ctx context.Context, collabID int64) ([]*improve.CollabFramework, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, collaborative_id, fw_key, name, builtin_key, header, updated_at FROM collab_frameworks WHERE collaborative_id = $1 ORDER BY name, id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list frameworks: %w", err)
	}
	defer rows.Close()
	var out []*improve.CollabFramework
	for rows.Next() {
		f, err := scanFramework(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func scanFramework(row interface{ Scan(...any) error }) (*improve.CollabFramework, error) {
	var f improve.CollabFramework
	var header string
	var up Time
	if err := row.Scan(&f.ID, &f.CollaborativeID, &f.Key, &f.Name, &f.BuiltinKey, &header, &up); err != nil {
		return nil, err
	}
	f.UpdatedAt = up.Time
	if err := json.Unmarshal([]byte(header), &f.Header); err != nil {
		return nil, fmt.Errorf("read framework %d header: %w", f.ID, err)
	}
	return &f, nil
}

// FindFramework returns an adopted framework of a collaborative with its
// node tree, retired nodes included.
func (db *DB) FindFramework(ctx context.Context, collabID, fwID int64) (*improve.CollabFramework, error) {
	f, err := scanFramework(db.read.QueryRowContext(ctx, `SELECT id, collaborative_id, fw_key, name, builtin_key, header, updated_at FROM collab_frameworks WHERE id = $1 AND collaborative_id = $2`, fwID, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find framework %d: %w", fwID, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find framework %d: %w", fwID, err)
	}
	nodes, err := db.frameworkNodes(ctx, `n.framework_id = $1`, fwID)
	if err != nil {
		return nil, err
	}
	f.Nodes = treeNodes(nodes)
	return f, nil
}

func (db *DB) frameworkNodes(ctx context.Context, where string, arg int64) ([]*improve.FwNode, error) {
	// #nosec G202 -- where is one of this file's constant fragments; the value is bound.
	rows, err := db.read.QueryContext(ctx, `SELECT n.id, n.framework_id, COALESCE(n.parent_id, 0), n.code, n.kind, n.title, n.body, n.extra, n.position, n.retired
		FROM framework_nodes n JOIN collab_frameworks f ON f.id = n.framework_id WHERE `+where+` ORDER BY n.framework_id, n.position, n.id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list framework nodes: %w", err)
	}
	defer rows.Close()
	var out []*improve.FwNode
	for rows.Next() {
		var n improve.FwNode
		var extra string
		if err := rows.Scan(&n.ID, &n.FrameworkID, &n.ParentID, &n.Code, &n.Kind, &n.Title, &n.Body, &extra, &n.Position, &n.Retired); err != nil {
			return nil, fmt.Errorf("list framework nodes: %w", err)
		}
		if extra != "" {
			_ = json.Unmarshal([]byte(extra), &n.Extra)
		}
		out = append(out, &n)
	}
	return out, rows.Err()
}

// treeNodes builds the tree from nodes ordered by position.
func treeNodes(nodes []*improve.FwNode) []*improve.FwNode {
	byID := map[int64]*improve.FwNode{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	var top []*improve.FwNode
	for _, n := range nodes {
		if p := byID[n.ParentID]; p != nil {
			p.Children = append(p.Children, n)
		} else {
			top = append(top, n)
		}
	}
	var depth func([]*improve.FwNode, int)
	depth = func(ns []*improve.FwNode, d int) {
		for _, n := range ns {
			n.Depth = d
			depth(n.Children, d+1)
		}
	}
	depth(top, 0)
	return top
}

// AdoptedFrameworks lists every framework a collaborative adopted, each
// with its nodes, for the pickers that link work to a node (grouped by
// framework: codes repeat across frameworks).
func (db *DB) AdoptedFrameworks(ctx context.Context, collabID int64) ([]*improve.CollabFramework, error) {
	fws, err := db.Frameworks(ctx, collabID)
	if err != nil {
		return nil, err
	}
	out := make([]*improve.CollabFramework, 0, len(fws))
	for _, f := range fws {
		full, err := db.FindFramework(ctx, collabID, f.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, full)
	}
	return out, nil
}

// NodeEdit is one edit of a framework node.
type NodeEdit struct {
	Title *string
	Body  *string
	// Move is -1 to move the node up among its siblings, +1 down.
	Move    int
	Retired *bool
}

// AddFrameworkNode adds a node of kind kind under parentID (0 for the top
// level), with the next free code of its kind. An empty kind is the only
// kind its level allows; a level of several kinds (a BSC domain's
// objectives and change concepts) needs one of them named.
func (db *DB) AddFrameworkNode(ctx context.Context, who collab.Who, collabID, fwID, parentID int64, kind, title, body string) (*improve.FwNode, error) {
	f, err := db.FindFramework(ctx, collabID, fwID)
	if err != nil {
		return nil, err
	}
	title = strings.TrimSpace(title)
	v := collab.NewValidation()
	if title == "" {
		v.Add("title", "error.required")
	} else {
		v.Length("title", title, 500)
	}
	all := f.Flatten()
	taken := map[string]bool{}
	var parent *improve.FwNode
	for _, n := range all {
		taken[n.Code] = true
		if n.ID == parentID {
			parent = n
		}
	}
	siblings, depth := f.Nodes, 0
	if parentID != 0 {
		if parent == nil {
			v.Add("parent", "error.invalid_choice")
		} else {
			siblings, depth = parent.Children, parent.Depth+1
		}
	}
	if depth >= len(f.Header.Levels) {
		v.Add("parent", "framework.error_too_deep")
	} else if kinds := f.Header.Levels[depth].Kinds; kind == "" && len(kinds) == 1 {
		kind = kinds[0]
	} else if !slices.Contains(kinds, kind) {
		v.Add("kind", "framework.error_kind")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	n := &improve.FwNode{FrameworkID: fwID, ParentID: parentID, Code: improve.NextCode(parent, siblings, taken, kind), Kind: kind,
		Title: title, Body: strings.TrimSpace(body), Position: len(siblings) + 1, Depth: depth}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO framework_nodes (framework_id, parent_id, code, kind, title, body, extra, position, retired)
			VALUES ($1, $2, $3, $4, $5, $6, '', $7, FALSE) RETURNING id`, fwID, nullID(parentID), n.Code, n.Kind, n.Title, n.Body, n.Position).Scan(&n.ID); err != nil {
			return fmt.Errorf("add framework node: %w", err)
		}
		if err := db.fwChange(ctx, tx, who, fwID, n.ID, "add", "", n.Code+" "+n.Title); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "framework.node_add", fmt.Sprintf("framework:%d node:%d", fwID, n.ID), n.Code)
	})
	return n, err
}

// EditFrameworkNode renames, moves, retires or restores a node, keeping
// the change in the framework's history.
func (db *DB) EditFrameworkNode(ctx context.Context, who collab.Who, collabID, fwID, nodeID int64, e NodeEdit) error {
	f, err := db.FindFramework(ctx, collabID, fwID)
	if err != nil {
		return err
	}
	var n *improve.FwNode
	for _, x := range f.Flatten() {
		if x.ID == nodeID {
			n = x
		}
	}
	if n == nil {
		return fmt.Errorf("find framework node %d: %w", nodeID, collab.ErrNotFound)
	}
	if e.Title != nil {
		t := strings.TrimSpace(*e.Title)
		if t == "" {
			return &collab.ValidationError{Fields: map[string]string{"title": "error.required"}}
		}
		if v := collab.NewValidation(); v.Length("title", t, 500) {
			return v.Err()
		}
		e.Title = &t
	}
	siblings := f.Nodes
	for _, x := range f.Flatten() {
		if x.ID == n.ParentID {
			siblings = x.Children
		}
	}
	if e.Retired != nil && *e.Retired && n.ParentID == 0 {
		// A framework keeps at least one top-level node, so that it can
		// always be exported and read back.
		active := 0
		for _, x := range f.Nodes {
			if !x.Retired {
				active++
			}
		}
		if active <= 1 && !n.Retired {
			return &collab.ValidationError{Fields: map[string]string{"retired": "framework.error_last_node"}}
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		change := func(action, before, after string) error {
			if err := db.fwChange(ctx, tx, who, fwID, nodeID, action, before, after); err != nil {
				return err
			}
			return db.audit(ctx, tx, who, collabID, "framework.node_"+action, fmt.Sprintf("framework:%d node:%d", fwID, nodeID), after)
		}
		if e.Title != nil && *e.Title != n.Title {
			if _, err := tx.ExecContext(ctx, `UPDATE framework_nodes SET title = $1 WHERE id = $2 AND framework_id = $3`, *e.Title, nodeID, fwID); err != nil {
				return fmt.Errorf("rename framework node: %w", err)
			}
			if err := change("rename", n.Title, *e.Title); err != nil {
				return err
			}
		}
		if e.Body != nil && strings.TrimSpace(*e.Body) != n.Body {
			if _, err := tx.ExecContext(ctx, `UPDATE framework_nodes SET body = $1 WHERE id = $2 AND framework_id = $3`, strings.TrimSpace(*e.Body), nodeID, fwID); err != nil {
				return fmt.Errorf("edit framework node: %w", err)
			}
			if err := change("describe", n.Body, strings.TrimSpace(*e.Body)); err != nil {
				return err
			}
		}
		if e.Retired != nil && *e.Retired != n.Retired {
			if _, err := tx.ExecContext(ctx, `UPDATE framework_nodes SET retired = $1 WHERE id = $2 AND framework_id = $3`, *e.Retired, nodeID, fwID); err != nil {
				return fmt.Errorf("retire framework node: %w", err)
			}
			action := "retire"
			if !*e.Retired {
				action = "restore"
			}
			if err := change(action, "", n.Code+" "+n.Title); err != nil {
				return err
			}
		}
		if e.Move != 0 {
			i := -1
			for k, s := range siblings {
				if s.ID == nodeID {
					i = k
				}
			}
			j := i + e.Move
			if i < 0 || j < 0 || j >= len(siblings) {
				return nil // already first or last: nothing to do
			}
			order := append([]*improve.FwNode{}, siblings...)
			order[i], order[j] = order[j], order[i]
			for k, s := range order {
				if _, err := tx.ExecContext(ctx, `UPDATE framework_nodes SET position = $1 WHERE id = $2 AND framework_id = $3`, k+1, s.ID, fwID); err != nil {
					return fmt.Errorf("move framework node: %w", err)
				}
			}
			if err := change("move", fmt.Sprint(i+1), fmt.Sprint(j+1)); err != nil {
				return err
			}
		}
		return nil
	})
}

// FrameworkHistory lists a framework's changes, newest first.
func (db *DB) FrameworkHistory(ctx context.Context, collabID, fwID int64) ([]improve.FrameworkChange, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.framework_id, COALESCE(c.node_id, 0), c.at, COALESCE(c.user_id, 0), COALESCE(u.name, ''), c.action, c.before_text, c.after_text
		FROM framework_changes c JOIN collab_frameworks f ON f.id = c.framework_id LEFT JOIN users u ON u.id = c.user_id
		WHERE c.framework_id = $1 AND f.collaborative_id = $2 ORDER BY c.id DESC`, fwID, collabID)
	if err != nil {
		return nil, fmt.Errorf("framework history: %w", err)
	}
	defer rows.Close()
	var out []improve.FrameworkChange
	for rows.Next() {
		var c improve.FrameworkChange
		var at Time
		if err := rows.Scan(&c.ID, &c.FrameworkID, &c.NodeID, &at, &c.UserID, &c.UserName, &c.Action, &c.Before, &c.After); err != nil {
			return nil, fmt.Errorf("framework history: %w", err)
		}
		c.At = at.Time
		out = append(out, c)
	}
	return out, rows.Err()
}

// NodeUse is how a collaborative's teams use one framework node: which
// teams link change ideas to it, how many PDSA cycles ran on those ideas,
// and what the cycles concluded.
type NodeUse struct {
	Teams                 []string
	Cycles                int
	Adopt, Adapt, Abandon int
	Open                  int
}

// ChangePackage returns, for every framework node of a collaborative that
// a change idea links to, how the teams are testing it.
func (db *DB) ChangePackage(ctx context.Context, collabID int64) (map[int64]*NodeUse, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.framework_node_id, t.name, p.decision, p.id IS NOT NULL
		FROM drivers d JOIN teams t ON t.id = d.team_id LEFT JOIN pdsa_cycles p ON p.change_id = d.id
		WHERE d.collaborative_id = $1 AND d.framework_node_id IS NOT NULL ORDER BY d.framework_node_id, t.name`, collabID)
	if err != nil {
		return nil, fmt.Errorf("change package: %w", err)
	}
	defer rows.Close()
	out := map[int64]*NodeUse{}
	for rows.Next() {
		var node int64
		var team string
		var decision sql.NullString
		var has bool
		if err := rows.Scan(&node, &team, &decision, &has); err != nil {
			return nil, fmt.Errorf("change package: %w", err)
		}
		u := out[node]
		if u == nil {
			u = &NodeUse{}
			out[node] = u
		}
		if len(u.Teams) == 0 || u.Teams[len(u.Teams)-1] != team {
			u.Teams = append(u.Teams, team)
		}
		if !has {
			continue
		}
		u.Cycles++
		switch improve.Decision(decision.String) {
		case improve.DecisionAdopt:
			u.Adopt++
		case improve.DecisionAdapt:
			u.Adapt++
		case improve.DecisionAbandon:
			u.Abandon++
		default:
			u.Open++
		}
	}
	return out, rows.Err()
}
