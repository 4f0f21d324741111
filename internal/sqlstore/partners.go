package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
)

// CreatePartner adds an organization as a partner of a collaborative.
func (db *DB) CreatePartner(ctx context.Context, who collab.Who, p *collab.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.createOrg(ctx, tx, &p.Org); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO partners (collaborative_id, org_id, role, note) VALUES ($1, $2, $3, $4) RETURNING id`,
			p.CollaborativeID, p.Org.ID, p.Role, p.Note).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("create partner: %w", err)
		}
		return db.audit(ctx, tx, who, p.CollaborativeID, "partner.create", fmt.Sprint("partner:", p.ID), fromTo(nil, db.withOrg(ctx, tx, db.snapshot(ctx, tx, "partners", p.ID))))
	})
}

// Partners lists a collaborative's partners.
func (db *DB) Partners(ctx context.Context, collabID int64) ([]collab.Partner, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.collaborative_id, p.role, p.note, o.id, o.name, o.region, o.sector, o.size
		FROM partners p JOIN organizations o ON o.id = p.org_id WHERE p.collaborative_id = $1
		ORDER BY CASE p.role WHEN 'convener' THEN 0 WHEN 'funder' THEN 1 WHEN 'evaluator' THEN 2 WHEN 'faculty' THEN 3 ELSE 4 END, o.name`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list partners: %w", err)
	}
	defer rows.Close()
	var out []collab.Partner
	for rows.Next() {
		var p collab.Partner
		if err := rows.Scan(&p.ID, &p.CollaborativeID, &p.Role, &p.Note, &p.Org.ID, &p.Org.Name, &p.Org.Region, &p.Org.Sector, &p.Org.Size); err != nil {
			return nil, fmt.Errorf("list partners: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeletePartner removes a partner from a collaborative.
func (db *DB) DeletePartner(ctx context.Context, who collab.Who, collabID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.withOrg(ctx, tx, db.snapshot(ctx, tx, "partners", id))
		res, err := tx.ExecContext(ctx, `DELETE FROM partners WHERE id = $1 AND collaborative_id = $2`, id, collabID)
		if err != nil {
			return fmt.Errorf("delete partner: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete partner %d: %w", id, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "partner.delete", fmt.Sprint("partner:", id), removed(before))
	})
}

// CreateApplication stores an organization's application to join.
func (db *DB) CreateApplication(ctx context.Context, who collab.Who, a *collab.Application) error {
	criteria, err := db.Criteria(ctx, a.CollaborativeID)
	if err != nil {
		return err
	}
	if err := a.Validate(criteria); err != nil {
		return err
	}
	a.Status = collab.AppPending
	a.CreatedAt = db.Now()
	// Validate refused an application without the tick, so it is the
	// moment of applying that the applicant agreed.
	a.CommitmentsAgreedAt = a.CreatedAt
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO applications (collaborative_id, org_name, region, sector, size, kind, focus, contact_name, contact_email, status, created_at, commitments_agreed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.CollaborativeID, a.Org.Name, a.Org.Region, a.Org.Sector, a.Org.Size, a.Kind, a.Focus, a.ContactName, a.ContactEmail, a.Status, ts(a.CreatedAt), ts(a.CommitmentsAgreedAt)).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("create application: %w", err)
		}
		for _, an := range a.Answers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO application_answers (application_id, criterion_id, criterion, meets, comment) VALUES ($1, $2, $3, $4, $5)`,
				a.ID, an.CriterionID, an.Criterion, an.Meets, an.Comment); err != nil {
				return fmt.Errorf("store answer: %w", err)
			}
		}
		return db.audit(ctx, tx, who, a.CollaborativeID, "application.create", fmt.Sprint("application:", a.ID), fromTo(nil, db.withOrg(ctx, tx, db.snapshot(ctx, tx, "applications", a.ID))))
	})
}

const appCols = `id, collaborative_id, org_name, region, sector, size, kind, focus, contact_name, contact_email, status, decision_note, COALESCE(decided_by, 0), decided_at, COALESCE(team_id, 0), created_at, commitments_agreed_at`

func scanApp(row interface{ Scan(...any) error }) (*collab.Application, error) {
	var a collab.Application
	var decided, created, agreed Time
	err := row.Scan(&a.ID, &a.CollaborativeID, &a.Org.Name, &a.Org.Region, &a.Org.Sector, &a.Org.Size, &a.Kind, &a.Focus, &a.ContactName, &a.ContactEmail,
		&a.Status, &a.DecisionNote, &a.DecidedBy, &decided, &a.TeamID, &created, &agreed)
	a.DecidedAt, a.CreatedAt = decided.Time, created.Time
	a.CommitmentsAgreedAt, a.CommitmentsAgreed = agreed.Time, !agreed.IsZero()
	return &a, err
}

// Applications lists a collaborative's applications, pending first.
func (db *DB) Applications(ctx context.Context, collabID int64) ([]*collab.Application, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+appCols+` FROM applications WHERE collaborative_id = $1
		ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, created_at DESC, id DESC`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	var out []*collab.Application
	byID := map[int64]*collab.Application{}
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list applications: %w", err)
		}
		out = append(out, a)
		byID[a.ID] = a
	}
	rows.Close()
	rows, err = db.read.QueryContext(ctx, `SELECT w.application_id, w.criterion_id, w.criterion, w.meets, w.comment FROM application_answers w
		JOIN applications a ON a.id = w.application_id WHERE a.collaborative_id = $1 ORDER BY w.application_id, w.criterion_id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var an collab.Answer
		if err := rows.Scan(&id, &an.CriterionID, &an.Criterion, &an.Meets, &an.Comment); err != nil {
			return nil, fmt.Errorf("list answers: %w", err)
		}
		if a := byID[id]; a != nil {
			a.Answers = append(a.Answers, an)
		}
	}
	return out, rows.Err()
}

// Decision is a convener's answer to an application.
type Decision struct {
	Accept bool
	Note   string
	// InviteToken, when accepting, becomes the single-use link that invites
	// the application's contact as the team's director.
	InviteToken string
}

// DecideApplication accepts or declines a pending application. Accepting
// creates the organization and its team and invites the contact.
func (db *DB) DecideApplication(ctx context.Context, who collab.Who, collabID, appID int64, d Decision) (*collab.Application, error) {
	var a *collab.Application
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanApp(tx.QueryRowContext(ctx, `SELECT `+appCols+` FROM applications WHERE id = $1 AND collaborative_id = $2`, appID, collabID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find application %d: %w", appID, collab.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("find application %d: %w", appID, err)
		}
		if a.Status != collab.AppPending {
			return fmt.Errorf("application %d is already %s: %w", appID, a.Status, collab.ErrConflict)
		}
		before := db.snapshot(ctx, tx, "applications", appID)
		now := db.Now()
		a.DecisionNote, a.DecidedBy, a.DecidedAt = d.Note, who.UserID, now
		a.Status = collab.AppDeclined
		if d.Accept {
			a.Status = collab.AppAccepted
			t := &collab.Team{CollaborativeID: collabID, Org: a.Org, Name: a.Org.Name, Kind: a.Kind, Focus: a.Focus,
				SinglePerson: a.Org.Size == collab.SizeSmall}
			if err := db.createTeam(ctx, tx, who, t); err != nil {
				return err
			}
			a.TeamID = t.ID
			in := &collab.Invitation{CollaborativeID: collabID, TeamID: t.ID, Email: a.ContactEmail, Name: a.ContactName, TeamRole: t.ManagerRole(), InvitedBy: who.UserID}
			if err := db.createInvitation(ctx, tx, who, in, d.InviteToken); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = $1, decision_note = $2, decided_by = $3, decided_at = $4, team_id = $5 WHERE id = $6`,
			a.Status, a.DecisionNote, nullID(who.UserID), ts(now), nullID(a.TeamID), appID); err != nil {
			return fmt.Errorf("decide application: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "application."+string(a.Status), fmt.Sprint("application:", appID), db.diffSince(ctx, tx, "applications", appID, before))
	})
	return a, err
}

// CreateInvitation stores an invitation whose link carries token.
func (db *DB) CreateInvitation(ctx context.Context, who collab.Who, in *collab.Invitation, token string) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.createInvitation(ctx, tx, who, in, token) })
}

func (db *DB) createInvitation(ctx context.Context, tx *sql.Tx, who collab.Who, in *collab.Invitation, token string) error {
	if in.TeamID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM teams WHERE id = $1 AND collaborative_id = $2`, in.TeamID, in.CollaborativeID).Scan(&n); err != nil {
			return fmt.Errorf("check team: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("invite to team %d: %w", in.TeamID, collab.ErrNotFound)
		}
	}
	in.CreatedAt = db.Now()
	in.ExpiresAt = in.CreatedAt.Add(collab.InvitationTTL)
	if in.PersonID != 0 && !inCollab(ctx, tx, "community_people", in.PersonID, in.CollaborativeID) {
		return fmt.Errorf("invite person %d: %w", in.PersonID, collab.ErrNotFound)
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO invitations (token_hash, collaborative_id, team_id, email, name, team_role, collab_role, invited_by, created_at, expires_at, person_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		HashToken(token), in.CollaborativeID, nullID(in.TeamID), in.Email, in.Name, in.TeamRole, in.CollabRole, nullID(in.InvitedBy), ts(in.CreatedAt), ts(in.ExpiresAt), nullID(in.PersonID)).Scan(&in.ID)
	if err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	role := string(in.TeamRole) + string(in.CollabRole)
	return db.audit(ctx, tx, who, in.CollaborativeID, "invitation.create", fmt.Sprintf("team:%d", in.TeamID), in.Email+" as "+role)
}

const invCols = `id, collaborative_id, COALESCE(team_id, 0), email, name, team_role, collab_role, COALESCE(invited_by, 0), created_at, expires_at, accepted_at, COALESCE(person_id, 0)`

func scanInv(row interface{ Scan(...any) error }) (*collab.Invitation, error) {
	var in collab.Invitation
	var c, e, a Time
	err := row.Scan(&in.ID, &in.CollaborativeID, &in.TeamID, &in.Email, &in.Name, &in.TeamRole, &in.CollabRole, &in.InvitedBy, &c, &e, &a, &in.PersonID)
	in.CreatedAt, in.ExpiresAt, in.AcceptedAt = c.Time, e.Time, a.Time
	return &in, err
}

// FindInvitation returns the open invitation behind a link: not used, not
// expired. Anything else is ErrNotFound, so a link reveals nothing.
func (db *DB) FindInvitation(ctx context.Context, token string) (*collab.Invitation, error) {
	in, err := scanInv(db.read.QueryRowContext(ctx, `SELECT `+invCols+` FROM invitations WHERE token_hash = $1`, HashToken(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find invitation: %w", collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	if !in.AcceptedAt.IsZero() || db.Now().After(in.ExpiresAt) {
		return nil, fmt.Errorf("invitation used or expired: %w", collab.ErrNotFound)
	}
	return in, nil
}

// PendingInvitations lists a collaborative's unused, unexpired invitations
// (of one team if teamID is not 0).
func (db *DB) PendingInvitations(ctx context.Context, collabID, teamID int64) ([]*collab.Invitation, error) {
	q := `SELECT ` + invCols + ` FROM invitations WHERE collaborative_id = $1 AND accepted_at IS NULL AND expires_at > $2`
	args := []any{collabID, ts(db.Now())}
	if teamID != 0 {
		q += ` AND team_id = $3`
		args = append(args, teamID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []*collab.Invitation
	for rows.Next() {
		in, err := scanInv(rows)
		if err != nil {
			return nil, fmt.Errorf("list invitations: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// CreateInvitedAccount makes the account an open invitation names, with
// the name and password hash its holder chose. It neither uses the
// invitation nor signs anyone in: the new person signs in through the one
// sign-in and then accepts (AcceptInvitation). If the email already has an
// account nothing changes and created is false; the caller must answer
// exactly as when it is true, so an invitation link never reveals whether
// an account exists. The refused attempt is audited at site level.
func (db *DB) CreateInvitedAccount(ctx context.Context, who collab.Who, token, name, passwordHash string) (created bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		in, err := db.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = $1`, in.Email).Scan(&n); err != nil {
			return fmt.Errorf("check account: %w", err)
		}
		if n > 0 {
			return db.audit(ctx, tx, who, 0, "invitation.signup_refused", fmt.Sprint("invitation:", in.ID), in.Email)
		}
		created = true
		return db.createUser(ctx, tx, who, &collab.User{Email: in.Email, Name: name}, passwordHash)
	})
	return created, err
}

// openInvitation reads an invitation that is neither used nor expired.
func (db *DB) openInvitation(ctx context.Context, tx *sql.Tx, token string) (*collab.Invitation, error) {
	in, err := scanInv(tx.QueryRowContext(ctx, `SELECT `+invCols+` FROM invitations WHERE token_hash = $1`, HashToken(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find invitation: %w", collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	if !in.AcceptedAt.IsZero() || db.Now().After(in.ExpiresAt) {
		return nil, fmt.Errorf("invitation used or expired: %w", collab.ErrNotFound)
	}
	return in, nil
}

// AcceptInvitation uses an invitation for the signed-in person userID and
// gives the invited role. Only the person whose account has the
// invitation's email may accept it (ErrForbidden otherwise), so an
// invitation can never add someone to a team behind their back, nor open
// their account to whoever holds the link. The invitation cannot be used
// again.
func (db *DB) AcceptInvitation(ctx context.Context, who collab.Who, token string, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		in, err := db.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		var email string
		err = tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("accept invitation: user %d: %w", userID, collab.ErrForbidden)
		}
		if err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if collab.NormalizeEmail(email) != collab.NormalizeEmail(in.Email) {
			return fmt.Errorf("accept invitation %d as user %d: %w", in.ID, userID, collab.ErrForbidden)
		}
		// Mark it used first, conditionally, so two racing accepts cannot
		// both succeed.
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL`, ts(db.Now()), in.ID)
		if err != nil {
			return fmt.Errorf("use invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("invitation used: %w", collab.ErrNotFound)
		}
		who.UserID = userID
		if in.TeamID != 0 {
			if err := db.setMember(ctx, tx, who, in.CollaborativeID, in.TeamID, userID, in.TeamRole); err != nil {
				return err
			}
		} else if err := db.addCollabRole(ctx, tx, in.CollaborativeID, userID, in.CollabRole); err != nil {
			return err
		}
		if in.PersonID != 0 {
			if err := db.linkPerson(ctx, tx, who, in.CollaborativeID, in.PersonID, userID); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, who, in.CollaborativeID, "invitation.accept", fmt.Sprint("invitation:", in.ID), in.Email)
	})
}

// SetSiteAdmin makes an account a site administrator (the `admin create`
// command).
func (db *DB) SetSiteAdmin(ctx context.Context, who collab.Who, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET site_admin = $1 WHERE id = $2`, true, userID); err != nil {
			return fmt.Errorf("set site admin: %w", err)
		}
		return db.audit(ctx, tx, who, 0, "role.grant", fmt.Sprint("user:", userID), "site_admin")
	})
}
