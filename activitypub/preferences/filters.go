package preferences

import (
	"context"
	"github.com/guildhall/guildhall/activitypub"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on filters.
const (
	MaxFilterTitle   = 256
	MaxFilterKeyword = 512
	MaxFilterWords   = 100 // keywords per filter
)

// FilterStore keeps filters and their keywords.
type FilterStore interface {
	// CreateFilter writes the filter row (not its keywords).
	CreateFilter(ctx context.Context, f *activitypub.Filter) error
	// UpdateFilter rewrites title, contexts, action and expiry.
	UpdateFilter(ctx context.Context, f *activitypub.Filter) error
	// DeleteFilter removes a filter and its keywords.
	DeleteFilter(ctx context.Context, id string) error
	// FilterByID returns a filter with its keywords.
	FilterByID(ctx context.Context, id string) (*activitypub.Filter, error)
	// Filters returns a user's filters with their keywords, oldest first.
	Filters(ctx context.Context, userID string) ([]*activitypub.Filter, error)
	CreateFilterKeyword(ctx context.Context, k *activitypub.FilterKeyword) error
	UpdateFilterKeyword(ctx context.Context, k *activitypub.FilterKeyword) error
	DeleteFilterKeyword(ctx context.Context, id string) error
	FilterKeywordByID(ctx context.Context, id string) (*activitypub.FilterKeyword, error)
}

// FilterInput creates or changes a filter; nil fields keep their value. ExpiresIn is in seconds,
// 0 for never.
type FilterInput struct {
	Title     *string
	Contexts  *[]string
	Action    *string
	ExpiresIn *int
	Keywords  []KeywordInput
}

// KeywordInput adds (no ID), changes or, with Destroy, removes a keyword.
type KeywordInput struct {
	ID        string
	Keyword   *string
	WholeWord *bool
	Destroy   bool
}

// Filters holds the filter use cases.
type Filters struct {
	svc   *activitypub.Service
	store FilterStore
}

// NewFilters returns the filter use cases over store.
func NewFilters(svc *activitypub.Service, store FilterStore) (*Filters, error) {
	if svc == nil || store == nil {
		return nil, activitypub.E("preferences.NewFilters", activitypub.Invalid, "service and store are required")
	}
	if svc.Renderer() == nil {
		// Filters match what a reader sees, which only the renderer knows.
		return nil, activitypub.E("preferences.NewFilters", activitypub.Invalid, "the service needs a Renderer for filters")
	}
	return &Filters{svc: svc, store: store}, nil
}

// Create makes a filter with its keywords.
func (f *Filters) Create(ctx context.Context, acct *activitypub.Account, in FilterInput) (*activitypub.Filter, error) {
	const op = "preferences.CreateFilter"
	flt := &activitypub.Filter{ID: f.svc.NewID(), UserID: acct.Actor.ID, Action: activitypub.FilterWarn, CreatedAt: f.svc.Now()}
	if in.Title == nil {
		return nil, activitypub.E(op, activitypub.Invalid, "Title can't be blank")
	}
	if in.Contexts == nil {
		return nil, activitypub.E(op, activitypub.Invalid, "Context can't be blank")
	}
	if err := f.apply(op, flt, in); err != nil {
		return nil, err
	}
	err := f.svc.InTx(ctx, func(ctx context.Context) error {
		if err := f.store.CreateFilter(ctx, flt); err != nil {
			return err
		}
		return f.applyKeywords(ctx, op, flt, in.Keywords)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return f.store.FilterByID(ctx, flt.ID)
}

// apply checks and copies the filter's own fields.
func (f *Filters) apply(op string, flt *activitypub.Filter, in FilterInput) error {
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		switch {
		case t == "":
			return activitypub.E(op, activitypub.Invalid, "Title can't be blank")
		case utf8.RuneCountInString(t) > MaxFilterTitle:
			return activitypub.E(op, activitypub.Invalid, "Title is too long")
		}
		flt.Title = t
	}
	if in.Contexts != nil {
		var cs []activitypub.FilterContext
		for _, c := range *in.Contexts {
			switch fc := activitypub.FilterContext(c); fc {
			case activitypub.FilterHome, activitypub.FilterNotifications, activitypub.FilterPublic, activitypub.FilterThread, activitypub.FilterAccount:
				if !slices.Contains(cs, fc) {
					cs = append(cs, fc)
				}
			default:
				return activitypub.E(op, activitypub.Invalid, "Context must be home, notifications, public, thread or account")
			}
		}
		if len(cs) == 0 {
			return activitypub.E(op, activitypub.Invalid, "Context can't be blank")
		}
		flt.Contexts = cs
	}
	if in.Action != nil && *in.Action != "" {
		switch a := activitypub.FilterAction(*in.Action); a {
		case activitypub.FilterWarn, activitypub.FilterHide:
			flt.Action = a
		default:
			return activitypub.E(op, activitypub.Invalid, "Filter action must be warn or hide")
		}
	}
	if in.ExpiresIn != nil {
		switch n := *in.ExpiresIn; {
		case n < 0:
			return activitypub.E(op, activitypub.Invalid, "Expires in must be positive")
		case n == 0:
			flt.ExpiresAt = nil
		default:
			at := f.svc.Now().Add(time.Duration(n) * time.Second)
			flt.ExpiresAt = &at
		}
	}
	return nil
}

// applyKeywords adds, changes and removes a filter's keywords inside the caller's transaction.
func (f *Filters) applyKeywords(ctx context.Context, op string, flt *activitypub.Filter, in []KeywordInput) error {
	for _, k := range in {
		switch {
		case k.ID != "" && k.Destroy:
			kw, err := f.keywordOf(ctx, op, flt.ID, k.ID)
			if err != nil {
				return err
			}
			if err := f.store.DeleteFilterKeyword(ctx, kw.ID); err != nil {
				return err
			}
		case k.ID != "":
			kw, err := f.keywordOf(ctx, op, flt.ID, k.ID)
			if err != nil {
				return err
			}
			if err := applyKeyword(op, kw, k); err != nil {
				return err
			}
			if err := f.store.UpdateFilterKeyword(ctx, kw); err != nil {
				return err
			}
		case k.Destroy:
		default:
			kw := &activitypub.FilterKeyword{ID: f.svc.NewID(), FilterID: flt.ID, WholeWord: true}
			if k.Keyword == nil {
				return activitypub.E(op, activitypub.Invalid, "Keyword can't be blank")
			}
			if err := applyKeyword(op, kw, k); err != nil {
				return err
			}
			if err := f.store.CreateFilterKeyword(ctx, kw); err != nil {
				return err
			}
		}
	}
	cur, err := f.store.FilterByID(ctx, flt.ID)
	if err != nil {
		return err
	}
	if len(cur.Keywords) > MaxFilterWords {
		return activitypub.E(op, activitypub.Invalid, "Too many keywords")
	}
	return nil
}

// keywordOf loads a keyword and checks that it belongs to the filter.
func (f *Filters) keywordOf(ctx context.Context, op, filterID, id string) (*activitypub.FilterKeyword, error) {
	kw, err := f.store.FilterKeywordByID(ctx, id)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if kw.FilterID != filterID {
		return nil, activitypub.E(op, activitypub.NotFound, "Record not found")
	}
	return kw, nil
}

func applyKeyword(op string, kw *activitypub.FilterKeyword, in KeywordInput) error {
	if in.Keyword != nil {
		w := strings.TrimSpace(*in.Keyword)
		switch {
		case w == "":
			return activitypub.E(op, activitypub.Invalid, "Keyword can't be blank")
		case utf8.RuneCountInString(w) > MaxFilterKeyword:
			return activitypub.E(op, activitypub.Invalid, "Keyword is too long")
		}
		kw.Keyword = w
	}
	if in.WholeWord != nil {
		kw.WholeWord = *in.WholeWord
	}
	return nil
}

// Get returns one of acct's filters; another user's is not found.
func (f *Filters) Get(ctx context.Context, acct *activitypub.Account, id string) (*activitypub.Filter, error) {
	const op = "preferences.Filter"
	flt, err := f.store.FilterByID(ctx, id)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if flt.UserID != acct.Actor.ID {
		return nil, activitypub.E(op, activitypub.NotFound, "Record not found")
	}
	return flt, nil
}

// All returns acct's filters, expired ones included (clients show them as expired).
func (f *Filters) All(ctx context.Context, acct *activitypub.Account) ([]*activitypub.Filter, error) {
	fs, err := f.store.Filters(ctx, acct.Actor.ID)
	return fs, activitypub.Wrap("preferences.Filters", err)
}

// Update changes one of acct's filters and its keywords, all or nothing.
func (f *Filters) Update(ctx context.Context, acct *activitypub.Account, id string, in FilterInput) (*activitypub.Filter, error) {
	const op = "preferences.UpdateFilter"
	flt, err := f.Get(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := f.apply(op, flt, in); err != nil {
		return nil, err
	}
	err = f.svc.InTx(ctx, func(ctx context.Context) error {
		if err := f.store.UpdateFilter(ctx, flt); err != nil {
			return err
		}
		return f.applyKeywords(ctx, op, flt, in.Keywords)
	})
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	return f.store.FilterByID(ctx, id)
}

// Delete removes one of acct's filters.
func (f *Filters) Delete(ctx context.Context, acct *activitypub.Account, id string) error {
	if _, err := f.Get(ctx, acct, id); err != nil {
		return err
	}
	return activitypub.Wrap("preferences.DeleteFilter", f.store.DeleteFilter(ctx, id))
}

// AddKeyword adds a keyword to one of acct's filters.
func (f *Filters) AddKeyword(ctx context.Context, acct *activitypub.Account, filterID string, in KeywordInput) (*activitypub.FilterKeyword, error) {
	const op = "preferences.AddFilterKeyword"
	flt, err := f.Get(ctx, acct, filterID)
	if err != nil {
		return nil, err
	}
	if in.Keyword == nil {
		return nil, activitypub.E(op, activitypub.Invalid, "Keyword can't be blank")
	}
	if len(flt.Keywords) >= MaxFilterWords {
		return nil, activitypub.E(op, activitypub.Invalid, "Too many keywords")
	}
	kw := &activitypub.FilterKeyword{ID: f.svc.NewID(), FilterID: filterID, WholeWord: true}
	if err := applyKeyword(op, kw, in); err != nil {
		return nil, err
	}
	return kw, activitypub.Wrap(op, f.store.CreateFilterKeyword(ctx, kw))
}

// Keyword returns one keyword of one of acct's filters.
func (f *Filters) Keyword(ctx context.Context, acct *activitypub.Account, id string) (*activitypub.FilterKeyword, error) {
	const op = "preferences.FilterKeyword"
	kw, err := f.store.FilterKeywordByID(ctx, id)
	if err != nil {
		return nil, activitypub.Wrap(op, err)
	}
	if _, err := f.Get(ctx, acct, kw.FilterID); err != nil {
		return nil, err
	}
	return kw, nil
}

// UpdateKeyword changes one keyword of one of acct's filters.
func (f *Filters) UpdateKeyword(ctx context.Context, acct *activitypub.Account, id string, in KeywordInput) (*activitypub.FilterKeyword, error) {
	const op = "preferences.UpdateFilterKeyword"
	kw, err := f.Keyword(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := applyKeyword(op, kw, in); err != nil {
		return nil, err
	}
	return kw, activitypub.Wrap(op, f.store.UpdateFilterKeyword(ctx, kw))
}

// DeleteKeyword removes one keyword of one of acct's filters.
func (f *Filters) DeleteKeyword(ctx context.Context, acct *activitypub.Account, id string) error {
	kw, err := f.Keyword(ctx, acct, id)
	if err != nil {
		return err
	}
	return activitypub.Wrap("preferences.DeleteFilterKeyword", f.store.DeleteFilterKeyword(ctx, kw.ID))
}

// Active returns acct's unexpired filters that apply in fctx, for Match. Callers rendering many
// pages for one viewer load them once.
func (f *Filters) Active(ctx context.Context, acct *activitypub.Account, fctx activitypub.FilterContext) ([]*activitypub.Filter, error) {
	all, err := f.All(ctx, acct)
	if err != nil {
		return nil, err
	}
	now := f.svc.Now()
	var out []*activitypub.Filter
	for _, flt := range all {
		if (flt.ExpiresAt == nil || flt.ExpiresAt.After(now)) && slices.Contains(flt.Contexts, fctx) && len(flt.Keywords) > 0 {
			out = append(out, flt)
		}
	}
	return out, nil
}

// Match returns the filters of active that match st's text (content, content warning, title and
// media descriptions), with the keywords that matched.
func (f *Filters) Match(active []*activitypub.Filter, st *activitypub.Status) []activitypub.FilterResult {
	if len(active) == 0 || st == nil {
		return nil
	}
	text := f.plainText(st)
	var out []activitypub.FilterResult
	for _, flt := range active {
		var words []string
		for _, kw := range flt.Keywords {
			if keywordMatches(text, kw.Keyword, kw.WholeWord) {
				words = append(words, kw.Keyword)
			}
		}
		if len(words) > 0 {
			out = append(out, activitypub.FilterResult{Filter: flt, KeywordMatches: words})
		}
	}
	return out
}

// plainText is the text filters search: what a reader sees of the status.
func (f *Filters) plainText(st *activitypub.Status) string {
	parts := []string{st.SpoilerText, st.Title, f.svc.Renderer().PlainText(st.Content)}
	for _, a := range st.Attachments {
		parts = append(parts, a.Description)
	}
	return strings.Join(parts, "\n")
}

// keywordMatches reports whether keyword occurs in text, ignoring case. With wholeWord, an
// occurrence must not continue a word on a side where the keyword itself starts or ends with a
// word character, which is Mastodon's rule (so "#tag" and "c++" still match sensibly).
func keywordMatches(text, keyword string, wholeWord bool) bool {
	t, k := []rune(strings.ToLower(text)), []rune(strings.ToLower(keyword))
	if len(k) == 0 || len(k) > len(t) {
		return false
	}
	checkStart, checkEnd := wholeWord && isWordRune(k[0]), wholeWord && isWordRune(k[len(k)-1])
	for i := 0; i+len(k) <= len(t); i++ {
		if !slices.Equal(t[i:i+len(k)], k) {
			continue
		}
		if checkStart && i > 0 && isWordRune(t[i-1]) {
			continue
		}
		if checkEnd && i+len(k) < len(t) && isWordRune(t[i+len(k)]) {
			continue
		}
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
