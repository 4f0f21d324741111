package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
)

// ItemFilter selects a team's items, or the items teams shared with the
// cohort (TeamID 0 and SharedOnly).
type ItemFilter struct {
	TeamID     int64
	SharedOnly bool
	Query      string
	Domain     collab.Domain
}

func (f ItemFilter) where(args *[]any, alias string, textCols ...string) string {
	var w []string
	if f.TeamID != 0 {
		*args = append(*args, f.TeamID)
		w = append(w, fmt.Sprintf("%s.team_id = $%d", alias, len(*args)))
	}
	if f.SharedOnly {
		w = append(w, alias+".shared = TRUE")
	}
	if q := strings.TrimSpace(strings.ToLower(f.Query)); q != "" && len(textCols) > 0 {
		*args = append(*args, "%"+likeEscape(q)+"%")
		var ors []string
		for _, c := range textCols {
			ors = append(ors, fmt.Sprintf("LOWER(%s.%s) LIKE $%d", alias, c, len(*args)))
		}
		w = append(w, "("+strings.Join(ors, " OR ")+")")
	}
	if f.Domain != "" {
		*args = append(*args, "%"+string(f.Domain)+"%")
		w = append(w, fmt.Sprintf("%s.domains LIKE $%d", alias, len(*args)))
	}
	if len(w) == 0 {
		return ""
	}
	return " AND " + strings.Join(w, " AND ")
}

func notFound(what string, id int64) error {
	return fmt.Errorf("find %s %d: %w", what, id, collab.ErrNotFound)
}

// exec1 runs a statement that must touch exactly one row of the scope.
func exec1(ctx context.Context, tx *sql.Tx, what string, id int64, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(what, id)
	}
	return nil
}

// ---- Community assets.

const assetCols = `a.id, a.collaborative_id, a.team_id, t.name, a.name, a.kind, a.informal, a.address, a.lat, a.lng, a.domains, a.notes, a.shared, a.created_at, a.updated_at`

func scanAsset(row interface{ Scan(...any) error }) (*collab.Asset, error) {
	var a collab.Asset
	var lat, lng sql.NullFloat64
	var domains string
	var c, u Time
	if err := row.Scan(&a.ID, &a.CollaborativeID, &a.TeamID, &a.TeamName, &a.Name, &a.Kind, &a.Informal, &a.Address, &lat, &lng, &domains, &a.Notes, &a.Shared, &c, &u); err != nil {
		return nil, err
	}
	a.Domains, _ = collab.ParseDomains(domains)
	a.Lat, a.Lng, a.HasLocation = lat.Float64, lng.Float64, lat.Valid && lng.Valid
	a.CreatedAt, a.UpdatedAt = c.Time, u.Time
	return &a, nil
}

func latLng(a *collab.Asset) (any, any) {
	if !a.HasLocation {
		return nil, nil
	}
	return a.Lat, a.Lng
}

func (db *DB) insertAsset(ctx context.Context, tx *sql.Tx, a *collab.Asset) error {
	a.CreatedAt, a.UpdatedAt = db.Now(), db.Now()
	lat, lng := latLng(a)
	return tx.QueryRowContext(ctx, `INSERT INTO assets (collaborative_id, team_id, name, kind, informal, address, lat, lng, domains, notes, shared, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		a.CollaborativeID, a.TeamID, a.Name, a.Kind, a.Informal, a.Address, lat, lng, collab.JoinDomains(a.Domains), a.Notes, a.Shared, ts(a.CreatedAt), ts(a.UpdatedAt)).Scan(&a.ID)
}

// CreateAsset adds an asset to a team's map.
func (db *DB) CreateAsset(ctx context.Context, who collab.Who, collabID, teamID int64, a *collab.Asset) error {
	a.CollaborativeID, a.TeamID = collabID, teamID
	if err := a.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.insertAsset(ctx, tx, a); err != nil {
			return fmt.Errorf("create asset: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "asset.create", fmt.Sprint("asset:", a.ID), db.created(ctx, tx, "assets", a.ID))
	})
}

// ImportAssets adds many assets in one transaction: all or nothing.
func (db *DB) ImportAssets(ctx context.Context, who collab.Who, collabID, teamID int64, as []*collab.Asset) error {
	for _, a := range as {
		a.CollaborativeID, a.TeamID = collabID, teamID
		if err := a.Validate(); err != nil {
			return err
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		added := map[string]string{}
		for _, a := range as {
			if err := db.insertAsset(ctx, tx, a); err != nil {
				return fmt.Errorf("import asset %q: %w", a.Name, err)
			}
			if len(added) < maxAuditCells {
				added[fmt.Sprint("asset:", a.ID)] = a.Name
			}
		}
		return db.audit(ctx, tx, who, collabID, "asset.import", fmt.Sprint("team:", teamID), detail(map[string]any{"assets_added": added, "count": len(as)}))
	})
}

// UpdateAsset replaces an asset of a team.
func (db *DB) UpdateAsset(ctx context.Context, who collab.Who, collabID, teamID int64, a *collab.Asset) error {
	a.CollaborativeID, a.TeamID = collabID, teamID
	if err := a.Validate(); err != nil {
		return err
	}
	a.UpdatedAt = db.Now()
	lat, lng := latLng(a)
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "assets", a.ID)
		if err := exec1(ctx, tx, "asset", a.ID, `UPDATE assets SET name = $1, kind = $2, informal = $3, address = $4, lat = $5, lng = $6, domains = $7, notes = $8, shared = $9, updated_at = $10
			WHERE id = $11 AND team_id = $12 AND collaborative_id = $13`,
			a.Name, a.Kind, a.Informal, a.Address, lat, lng, collab.JoinDomains(a.Domains), a.Notes, a.Shared, ts(a.UpdatedAt), a.ID, teamID, collabID); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "asset.update", fmt.Sprint("asset:", a.ID), db.diffSince(ctx, tx, "assets", a.ID, before))
	})
}

// DeleteAsset removes an asset of a team.
func (db *DB) DeleteAsset(ctx context.Context, who collab.Who, collabID, teamID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "assets", id)
		if err := exec1(ctx, tx, "asset", id, `DELETE FROM assets WHERE id = $1 AND team_id = $2 AND collaborative_id = $3`, id, teamID, collabID); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "asset.delete", fmt.Sprint("asset:", id), removed(before))
	})
}

// FindAsset returns an asset of a team.
func (db *DB) FindAsset(ctx context.Context, collabID, teamID, id int64) (*collab.Asset, error) {
	a, err := scanAsset(db.read.QueryRowContext(ctx, `SELECT `+assetCols+` FROM assets a JOIN teams t ON t.id = a.team_id WHERE a.id = $1 AND a.team_id = $2 AND a.collaborative_id = $3`, id, teamID, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("asset", id)
	}
	return a, err
}

// Assets lists a collaborative's assets selected by f, by name.
func (db *DB) Assets(ctx context.Context, collabID int64, f ItemFilter) ([]*collab.Asset, error) {
	args := []any{collabID}
	// #nosec G202 -- ItemFilter.where adds only fixed column names and $n placeholders; every value is bound.
	q := `SELECT ` + assetCols + ` FROM assets a JOIN teams t ON t.id = a.team_id WHERE a.collaborative_id = $1` + f.where(&args, "a", "name", "notes", "address") + ` ORDER BY a.name, a.id`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list assets: %w", err)
	}
	defer rows.Close()
	var out []*collab.Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, fmt.Errorf("list assets: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// snapshotAsset is how a snapshot keeps an asset.
type snapshotAsset struct {
	Name     string           `json:"name"`
	Kind     collab.AssetKind `json:"kind"`
	Informal bool             `json:"informal"`
	Address  string           `json:"address"`
	Lat      *float64         `json:"lat,omitempty"`
	Lng      *float64         `json:"lng,omitempty"`
	Domains  []collab.Domain  `json:"domains"`
}

// CreateAssetSnapshot freezes the team's current map under a label.
func (db *DB) CreateAssetSnapshot(ctx context.Context, who collab.Who, collabID, teamID int64, label string) (*collab.AssetSnapshot, error) {
	label = strings.TrimSpace(label)
	if label == "" || len(label) > 200 {
		return nil, &collab.ValidationError{Fields: map[string]string{"label": "error.required"}}
	}
	as, err := db.Assets(ctx, collabID, ItemFilter{TeamID: teamID})
	if err != nil {
		return nil, err
	}
	var data []snapshotAsset
	for _, a := range as {
		sa := snapshotAsset{Name: a.Name, Kind: a.Kind, Informal: a.Informal, Address: a.Address, Domains: a.Domains}
		if a.HasLocation {
			lat, lng := a.Lat, a.Lng
			sa.Lat, sa.Lng = &lat, &lng
		}
		data = append(data, sa)
	}
	b, _ := json.Marshal(data)
	s := &collab.AssetSnapshot{TeamID: teamID, Label: label, Assets: as, CreatedAt: db.Now()}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO asset_snapshots (collaborative_id, team_id, label, data, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			collabID, teamID, label, string(b), ts(s.CreatedAt)).Scan(&s.ID); err != nil {
			return fmt.Errorf("create snapshot: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "asset.snapshot", fmt.Sprint("team:", teamID), label)
	})
	return s, err
}

// AssetSnapshots lists a team's snapshots, oldest first, with their assets.
func (db *DB) AssetSnapshots(ctx context.Context, collabID, teamID int64) ([]*collab.AssetSnapshot, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, label, data, created_at FROM asset_snapshots WHERE collaborative_id = $1 AND team_id = $2 ORDER BY id`, collabID, teamID)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	defer rows.Close()
	var out []*collab.AssetSnapshot
	for rows.Next() {
		s := &collab.AssetSnapshot{TeamID: teamID}
		var data string
		var at Time
		if err := rows.Scan(&s.ID, &s.Label, &data, &at); err != nil {
			return nil, fmt.Errorf("list snapshots: %w", err)
		}
		s.CreatedAt = at.Time
		var sas []snapshotAsset
		if err := json.Unmarshal([]byte(data), &sas); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", s.ID, err)
		}
		for _, sa := range sas {
			a := &collab.Asset{Name: sa.Name, Kind: sa.Kind, Informal: sa.Informal, Address: sa.Address, Domains: sa.Domains}
			if sa.Lat != nil && sa.Lng != nil {
				a.Lat, a.Lng, a.HasLocation = *sa.Lat, *sa.Lng, true
			}
			s.Assets = append(s.Assets, a)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
