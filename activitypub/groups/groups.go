package groups

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Limits on what a group's managers may write.
const (
	MaxDescriptionChars = 2000
	MaxRulesChars       = 5000
	maxDisplayNameChars = 100
)

// Groups holds the group use cases. Build it with New.
type Groups struct {
	svc   *ap.Service
	store Store
	log   *slog.Logger
	index *index // the local groups, for relaying (index.go)
}

// New returns the groups area over the kernel service and a store, and has the service tell it
// of local posts, deletions and edits, so a post that mentions a local group is relayed (and
// taken back, and re-announced) whichever surface made it.
func New(svc *ap.Service, store Store, log *slog.Logger) (*Groups, error) {
	if svc == nil || store == nil {
		return nil, errors.New("groups: service and store are required")
	}
	if log == nil {
		log = slog.Default()
	}
	g := &Groups{svc: svc, store: store, log: log}
	g.index = newIndex(store.LocalGroupRefs)
	svc.OnLocalPost(g.LocalPosted)
	svc.OnLocalDelete(g.localDeleted)
	svc.OnLocalEdit(g.localEdited)
	return g, nil
}

// Input is what a group's creator or moderator sets. Zero fields of an update keep their value.
type Input struct {
	Handle      string // the username part of @handle@domain; set at creation only
	DisplayName string
	Description string // plain text, rendered like a profile note
	Rules       string
	AvatarURL   string
	Membership  Membership
	Reach       Reach
}

func (in *Input) validate(op string, creating bool) error {
	if creating {
		if err := ap.ValidateUsername(in.Handle); err != nil {
			return ap.E(op, ap.Invalid, "handle: "+ap.Message(err))
		}
		if in.Membership == "" {
			in.Membership = Open
		}
		if in.Reach == "" {
			in.Reach = Federated
		}
		if strings.TrimSpace(in.DisplayName) == "" {
			in.DisplayName = in.Handle
		}
	}
	if in.Membership != "" && !in.Membership.Valid() {
		return ap.E(op, ap.Invalid, fmt.Sprintf("membership %q is not one of open, approval, invite", in.Membership))
	}
	if in.Reach != "" && !in.Reach.Valid() {
		return ap.E(op, ap.Invalid, fmt.Sprintf("reach %q is not one of federated, internal, partners", in.Reach))
	}
	switch {
	case utf8.RuneCountInString(in.DisplayName) > maxDisplayNameChars:
		return ap.E(op, ap.Invalid, fmt.Sprintf("display name must be at most %d characters", maxDisplayNameChars))
	case utf8.RuneCountInString(in.Description) > MaxDescriptionChars:
		return ap.E(op, ap.Invalid, fmt.Sprintf("description must be at most %d characters", MaxDescriptionChars))
	case utf8.RuneCountInString(in.Rules) > MaxRulesChars:
		return ap.E(op, ap.Invalid, fmt.Sprintf("rules must be at most %d characters", MaxRulesChars))
	}
	if in.AvatarURL != "" && !strings.HasPrefix(in.AvatarURL, "https://") && !strings.HasPrefix(in.AvatarURL, "http://") {
		return ap.E(op, ap.Invalid, "avatar must be an http(s) URL")
	}
	return nil
}

// Create makes a local group with owner (a local account, or nil for one made by an
// administrator from the command line) as its owner.
func (g *Groups) Create(ctx context.Context, owner *ap.Account, in Input) (*Group, error) {
	const op = "groups.Create"
	if err := in.validate(op, true); err != nil {
		return nil, err
	}
	actor, keyPEM, err := g.svc.NewLocalActor(ap.KindGroup, in.Handle, strings.TrimSpace(in.DisplayName))
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	actor.SummarySource = in.Description
	actor.Summary = paragraphs(in.Description)
	actor.AvatarURL = in.AvatarURL
	actor.ManuallyApproves = in.Membership != Open
	now := g.svc.Now()
	set := &Settings{ActorID: actor.ID, Rules: in.Rules, Membership: in.Membership, Reach: in.Reach,
		CreatedAt: now, UpdatedAt: now}
	err = g.svc.InTx(ctx, func(ctx context.Context) error {
		if err := g.store.CreateActor(ctx, actor); err != nil {
			return err
		}
		if err := g.store.SetPrivateKey(ctx, actor.ID, keyPEM); err != nil {
			return err
		}
		if err := g.store.CreateGroupSettings(ctx, set); err != nil {
			return err
		}
		if owner == nil {
			return nil
		}
		return g.store.SetGroupRole(ctx, &RoleHolder{GroupID: actor.ID, ActorID: owner.Actor.ID, Role: Owner, CreatedAt: now})
	})
	if ap.KindOf(err) == ap.Conflict {
		return nil, ap.E(op, ap.Conflict, "the handle "+in.Handle+" is taken")
	}
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	g.index.invalidate()
	g.log.InfoContext(ctx, "group created", "handle", actor.Username, "membership", in.Membership, "reach", in.Reach)
	return &Group{Actor: *actor, Settings: *set}, nil
}

// paragraphs renders plain text as escaped HTML paragraphs, the way a profile note is shown.
func paragraphs(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + strings.ReplaceAll(esc.Replace(p), "\n", "<br>") + "</p>")
		}
	}
	return b.String()
}

// Get returns a local group by actor id.
func (g *Groups) Get(ctx context.Context, id string) (*Group, error) {
	const op = "groups.Get"
	a, err := g.store.ActorByID(ctx, id)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return g.group(ctx, op, a)
}

// ByHandle returns a local group by its handle.
func (g *Groups) ByHandle(ctx context.Context, handle string) (*Group, error) {
	const op = "groups.ByHandle"
	a, err := g.store.ActorByUsername(ctx, handle, "")
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return g.group(ctx, op, a)
}

func (g *Groups) group(ctx context.Context, op string, a *ap.Actor) (*Group, error) {
	if a.Kind != ap.KindGroup || !a.Local() || a.DeletedAt != nil {
		return nil, ap.E(op, ap.NotFound, "group not found")
	}
	set, err := g.store.GroupSettings(ctx, a.ID)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return &Group{Actor: *a, Settings: *set}, nil
}

// Settings returns the settings of a local group actor; ok is false for anything else (a
// person, a remote group), so callers can ask about any actor.
func (g *Groups) Settings(ctx context.Context, a *ap.Actor) (*Settings, bool, error) {
	if a == nil || a.Kind != ap.KindGroup || !a.Local() {
		return nil, false, nil
	}
	set, err := g.store.GroupSettings(ctx, a.ID)
	if ap.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return set, true, nil
}

// Update changes a group's name, description, rules, avatar, membership or reach; only its
// owners and moderators (or an administrator) may. The changed actor is sent to the members.
func (g *Groups) Update(ctx context.Context, by *ap.Account, id string, in Input) (*Group, error) {
	const op = "groups.Update"
	if err := in.validate(op, false); err != nil {
		return nil, err
	}
	grp, err := g.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := g.mayModerate(ctx, op, by, grp); err != nil {
		return nil, err
	}
	a, set := &grp.Actor, &grp.Settings
	if in.DisplayName != "" {
		a.DisplayName = strings.TrimSpace(in.DisplayName)
	}
	if in.Description != "" {
		a.SummarySource, a.Summary = in.Description, paragraphs(in.Description)
	}
	if in.AvatarURL != "" {
		a.AvatarURL = in.AvatarURL
	}
	if in.Rules != "" {
		set.Rules = in.Rules
	}
	if in.Membership != "" {
		set.Membership = in.Membership
		a.ManuallyApproves = in.Membership != Open
	}
	if in.Reach != "" {
		set.Reach = in.Reach
	}
	now := g.svc.Now()
	a.UpdatedAt, set.UpdatedAt = now, now
	err = g.svc.InTx(ctx, func(ctx context.Context) error {
		if err := g.store.UpdateActor(ctx, a); err != nil {
			return err
		}
		if err := g.store.UpdateGroupSettings(ctx, set); err != nil {
			return err
		}
		if set.Reach == Internal {
			return nil
		}
		return g.svc.Enqueue(ctx, a, ap.Activity{ID: a.URI + "#updates/" + g.svc.NewID(), Type: "Update",
			Object: a.URI, To: []string{ap.PublicAudience}, Cc: []string{a.FollowersURI}})
	})
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return grp, nil
}

// Directory lists local groups, then (when remote is set) groups known on other servers, that
// match query. Internal and partner groups are listed too: the directory is for this
// instance's own people.
func (g *Groups) Directory(ctx context.Context, query string, remote bool, p ap.Page) ([]*ap.Actor, error) {
	const op = "groups.Directory"
	list := g.store.LocalGroups
	if remote {
		list = g.store.RemoteGroups
	}
	out, err := list(ctx, query, p)
	return out, ap.Wrap(op, err)
}

// AddPartner puts an instance on the partner list that partners-reach groups admit.
func (g *Groups) AddPartner(ctx context.Context, domain string) error {
	const op = "groups.AddPartner"
	d, ok := ap.NormalizeHost(domain)
	if !ok {
		return ap.E(op, ap.Invalid, "not a domain name: "+domain)
	}
	return ap.Wrap(op, g.store.AddPartnerDomain(ctx, d, g.svc.Now()))
}

// RemovePartner takes an instance off the partner list.
func (g *Groups) RemovePartner(ctx context.Context, domain string) error {
	d, _ := ap.NormalizeHost(domain)
	return ap.Wrap("groups.RemovePartner", g.store.DeletePartnerDomain(ctx, d))
}

// Partners lists the partner instances.
func (g *Groups) Partners(ctx context.Context) ([]string, error) {
	out, err := g.store.PartnerDomains(ctx)
	return out, ap.Wrap("groups.Partners", err)
}

// admits reports whether an actor's server may reach a group: the group's reach applied to the
// actor's domain. Local actors always may.
func (g *Groups) admits(ctx context.Context, set *Settings, a *ap.Actor) (bool, error) {
	if a.Local() {
		return true, nil
	}
	switch set.Reach {
	case Internal:
		return false, nil
	case Partners:
		partners, err := g.store.PartnerDomains(ctx)
		if err != nil {
			return false, err
		}
		host, _ := ap.NormalizeHost(a.Domain)
		for _, p := range partners {
			if host == p || strings.HasSuffix(host, "."+p) {
				return true, nil
			}
		}
		return false, nil
	}
	return true, nil
}
