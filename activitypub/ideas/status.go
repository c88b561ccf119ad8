package ideas

import (
	"context"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	ap "github.com/guildhall/guildhall/activitypub"
)

// StatusLine is the line a status change puts at the top of an idea's content, so people on
// servers that know nothing of ideas (Mastodon) read where it stands: "Status: Planned", or
// "Status: Declined — reason".
func StatusLine(s State, reason string) string {
	line := "Status: " + s.Label()
	if reason = strings.TrimSpace(reason); reason != "" {
		line += " — " + reason
	}
	return line
}

// statusLineHTML is the status line as the paragraph that leads the content.
func statusLineHTML(s State, reason string) string {
	return "<p><strong>" + html.EscapeString(StatusLine(s, reason)) + "</strong></p>"
}

// SetStatus moves a local idea to a new state. Declining needs a reason. Only the author, the
// moderators of the idea's local group and the instance's moderators and administrators may;
// the change is recorded in the idea's history, its content gains the new status line and an
// Update by its author federates it. Setting the state it has, with the same reason, changes
// nothing.
func (x *Ideas) SetStatus(ctx context.Context, by *ap.Account, id string, state State, reason string) (*View, error) {
	const op = "ideas.SetStatus"
	if by == nil {
		return nil, ap.E(op, ap.Unauthorized, "sign in first")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case !state.Valid():
		return nil, ap.E(op, ap.Invalid, stateError(state))
	case state == Declined && reason == "":
		return nil, ap.E(op, ap.Invalid, "declining an idea needs a reason")
	case utf8.RuneCountInString(reason) > MaxReasonChars:
		return nil, ap.E(op, ap.Invalid, fmt.Sprintf("reason must be at most %d characters", MaxReasonChars))
	}
	st, err := x.visibleIdea(ctx, op, ap.Viewer{Actor: &by.Actor}, id)
	if err != nil {
		return nil, err
	}
	if err := x.mayChange(ctx, op, by, st); err != nil {
		return nil, err
	}
	idea, err := x.idea(ctx, st)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	if idea.State == state && idea.Reason == reason {
		return x.view(ctx, st)
	}
	// The body is the content without the line the last change put there; the author may have
	// edited it since (an edit renders what they typed, without a line).
	idea.Body = strings.TrimPrefix(st.Content, statusLineHTML(idea.State, idea.Reason))
	now := x.svc.Now()
	idea.State, idea.Reason, idea.UpdatedAt = state, reason, now
	change := &Change{ID: x.svc.NewID(), StatusID: st.ID, State: state, Reason: reason, ActorID: by.Actor.ID, CreatedAt: now}
	err = x.svc.InTx(ctx, func(ctx context.Context) error {
		if err := x.store.SaveIdea(ctx, idea); err != nil {
			return err
		}
		if err := x.store.AddIdeaChange(ctx, change); err != nil {
			return err
		}
		return x.svc.ReviseLocalStatus(ctx, st, statusLineHTML(state, reason)+idea.Body)
	})
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	x.log.InfoContext(ctx, "idea status changed", "status", st.ID, "state", state, "by", by.Actor.ID)
	return x.view(ctx, st)
}

// MayChangeStatus reports whether an account may change the status of an idea, for surfaces
// deciding whether to offer the form.
func (x *Ideas) MayChangeStatus(ctx context.Context, by *ap.Account, st *ap.Status) (bool, error) {
	err := x.mayChange(ctx, "ideas.MayChangeStatus", by, st)
	switch ap.KindOf(err) {
	case ap.Forbidden, ap.Unauthorized:
		return false, nil
	}
	return err == nil, err
}

// mayChange allows the author, the instance's staff (moderator and up) and the owners and
// moderators of the local group the idea was posted in, and only on the idea's home server.
func (x *Ideas) mayChange(ctx context.Context, op string, by *ap.Account, st *ap.Status) error {
	if by == nil {
		return ap.E(op, ap.Unauthorized, "sign in first")
	}
	if !st.Local {
		return ap.E(op, ap.Forbidden, "the status of an idea from another server is set on that server")
	}
	if st.ActorID == by.Actor.ID || isStaff(by) {
		return nil
	}
	if st.GroupID != "" && x.groups != nil {
		mods, err := x.groups.Moderators(ctx, st.GroupID)
		if err != nil && !ap.IsNotFound(err) {
			return ap.Wrap(op, err)
		}
		for _, m := range mods {
			if m.ID == by.Actor.ID {
				return nil
			}
		}
	}
	return ap.E(op, ap.Forbidden, "only the idea's author, its group's moderators and the instance's moderators may change its status")
}

// isStaff reports whether an account moderates the instance: moderators, administrators and
// the owner.
func isStaff(by *ap.Account) bool {
	r := by.User.RoleOf()
	return r.Admin() || r == ap.RoleModerator || by.User.Admin
}
