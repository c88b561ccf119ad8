package questions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	ap "github.com/guildhall/guildhall/activitypub"
)

// Questions holds the Q&A use cases. Build it with New.
type Questions struct {
	svc    *ap.Service
	store  Store
	groups Groups
	log    *slog.Logger
}

// New returns the questions area over the kernel service and a store; groups may be nil.
func New(svc *ap.Service, store Store, groups Groups, log *slog.Logger) (*Questions, error) {
	if svc == nil || store == nil {
		return nil, errors.New("questions: service and store are required")
	}
	if log == nil {
		log = slog.Default()
	}
	return &Questions{svc: svc, store: store, groups: groups, log: log}, nil
}

// AskInput is a local author's question.
type AskInput struct {
	Title      string
	Content    string // the body, as the author typed it
	GroupID    string
	Visibility ap.Visibility
	Format     ap.ContentFormat
	// Network also sends the question to matching groups on partner instances ("Ask the
	// network"); their answers come back to the one thread, as replies to it.
	Network bool
	// IdempotencyKey makes a retried request return the first question.
	IdempotencyKey string
}

// Ask posts a question, in a group when GroupID is set. Its text starts with the title as a line
// of its own, so servers that show only content (Mastodon) show a readable post; the title also
// travels as the object's name.
func (q *Questions) Ask(ctx context.Context, by *ap.Account, in AskInput) (*Question, error) {
	const op = "questions.Ask"
	title := strings.TrimSpace(in.Title)
	if title == "" {
		return nil, ap.E(op, ap.Invalid, "Validation failed: Title can't be blank")
	}
	if strings.ContainsAny(title, "\r\n") {
		return nil, ap.E(op, ap.Invalid, "a title is one line")
	}
	body := strings.TrimSpace(in.Content)
	text := title
	if body != "" {
		text += "\n\n" + body
	}
	if in.Network {
		groups, err := q.NetworkGroups(ctx, title, body)
		if err != nil {
			return nil, err
		}
		text += networkLine(groups)
	}
	if utf8.RuneCountInString(text) > ap.MaxStatusChars {
		return nil, ap.E(op, ap.Invalid, fmt.Sprintf("Validation failed: Text character limit of %d exceeded", ap.MaxStatusChars))
	}
	pin := ap.PostInput{Text: text, Format: in.Format, Visibility: in.Visibility, Title: title,
		Kind: ap.KindQuestion, IdempotencyKey: in.IdempotencyKey}
	var st *ap.Status
	var err error
	if in.GroupID != "" {
		if q.groups == nil {
			return nil, ap.E(op, ap.Invalid, "groups are not enabled here")
		}
		st, err = q.groups.Post(ctx, by, in.GroupID, pin)
	} else {
		st, err = q.svc.Post(ctx, by, pin)
	}
	if err != nil {
		return nil, err
	}
	return &Question{Status: st}, nil
}

// Get returns a question the viewer may see, local or from another server, with its accepted
// answer when stored here.
func (q *Questions) Get(ctx context.Context, v ap.Viewer, id string) (*Question, error) {
	const op = "questions.Get"
	st, err := q.svc.GetStatus(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if st.Kind != ap.KindQuestion || st.InReplyToID != "" || st.ReblogOfID != "" {
		return nil, ap.E(op, ap.NotFound, "Record not found")
	}
	return q.present(ctx, v, st)
}

func (q *Questions) present(ctx context.Context, v ap.Viewer, st *ap.Status) (*Question, error) {
	out := &Question{Status: st, AnswersCount: st.RepliesCount}
	if st.AcceptedAnswerID == "" {
		return out, nil
	}
	ans, err := q.store.StatusByID(ctx, st.AcceptedAnswerID)
	if ap.IsNotFound(err) {
		return out, nil
	}
	if err != nil {
		return nil, ap.Wrap("questions.Get", err)
	}
	if ok, err := q.svc.CanSee(ctx, v, ans); err != nil {
		return nil, ap.Wrap("questions.Get", err)
	} else if ok {
		out.Accepted = ans
	}
	return out, nil
}

// List lists the questions a viewer may see, newest first.
func (q *Questions) List(ctx context.Context, v ap.Viewer, f Filter, p ap.Page) ([]*Question, error) {
	const op = "questions.List"
	if utf8.RuneCountInString(f.Query) > MaxQueryChars {
		return nil, ap.E(op, ap.Invalid, "q is too long")
	}
	list, err := q.store.Questions(ctx, f, p)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return q.visible(ctx, v, list)
}

func (q *Questions) visible(ctx context.Context, v ap.Viewer, list []*ap.Status) ([]*Question, error) {
	out := make([]*Question, 0, len(list))
	for _, st := range list {
		ok, err := q.svc.CanSee(ctx, v, st)
		if err != nil {
			return nil, ap.Wrap("questions.List", err)
		}
		if ok {
			out = append(out, &Question{Status: st, AnswersCount: st.RepliesCount})
		}
	}
	return out, nil
}

// Similar finds answered questions, local and federated, whose text shares words with text (a
// title being typed): the duplicate finder. Common words are left out, and each word matches by
// its first letters so "handling" finds "handle" (a crude stemmer that treats every language
// alike, as the search index does).
func (q *Questions) Similar(ctx context.Context, v ap.Viewer, text string, limit int) ([]*Question, error) {
	const op = "questions.Similar"
	if utf8.RuneCountInString(text) > MaxQueryChars {
		return nil, ap.E(op, ap.Invalid, "q is too long")
	}
	if limit <= 0 || limit > maxSimilar {
		limit = maxSimilar
	}
	words := SearchWords(text)
	if len(words) == 0 {
		return nil, nil
	}
	list, err := q.store.SimilarAnsweredQuestions(ctx, words, limit)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	return q.visible(ctx, v, list)
}

// Answers lists the answers to a question the viewer may see: the accepted one first, then by
// votes, then oldest first.
func (q *Questions) Answers(ctx context.Context, v ap.Viewer, qu *Question) ([]*ap.Status, error) {
	const op = "questions.Answers"
	list, err := q.store.Answers(ctx, qu.Status.ID, 200)
	if err != nil {
		return nil, ap.Wrap(op, err)
	}
	out := make([]*ap.Status, 0, len(list))
	for _, st := range list {
		if ok, err := q.svc.CanSee(ctx, v, st); err != nil {
			return nil, ap.Wrap(op, err)
		} else if ok {
			out = append(out, st)
		}
	}
	accepted := qu.Status.AcceptedAnswerID
	slices.SortStableFunc(out, func(a, b *ap.Status) int {
		if (a.ID == accepted) != (b.ID == accepted) {
			if a.ID == accepted {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.FavouritesCount, a.FavouritesCount); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// stopWords are words too common in questions to say what one is about.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and any are as at be by can do does for from has have how
		i in is it its my of on or our should so that the their there this to us we what when where
		which who why will with you your would could anyone best way ways get got handle handling`) {
		stopWords[w] = true
	}
}

// stemLen is how many letters of a word the duplicate finder matches on.
const stemLen = 5

// SearchWords turns text into the words the duplicate finder looks for: lower-cased runs of
// letters and digits of at least three characters, stop words removed, each cut to its first
// stemLen letters, at most 12, without repeats.
func SearchWords(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) < 3 || stopWords[w] {
			continue
		}
		if r := []rune(w); len(r) > stemLen {
			w = string(r[:stemLen])
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
		if len(out) == 12 {
			break
		}
	}
	return out
}
