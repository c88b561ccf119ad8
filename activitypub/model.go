package activitypub

import "time"

// ActorKind is the ActivityStreams type of an actor.
type ActorKind string

// Actor kinds Guildhall creates or accepts.
const (
	KindPerson       ActorKind = "Person"
	KindGroup        ActorKind = "Group"
	KindApplication  ActorKind = "Application"
	KindService      ActorKind = "Service"
	KindOrganization ActorKind = "Organization"
)

// Actor is anyone who can act: a local staff member, a local group, the instance itself, or a
// remote account or group. Domain is "" for local actors.
type Actor struct {
	ID               string
	URI              string
	Kind             ActorKind
	Username         string
	Domain           string
	DisplayName      string
	Summary          string // sanitised HTML
	SummarySource    string // what a local actor typed
	URL              string // profile page for people
	Inbox            string
	Outbox           string
	SharedInbox      string
	FollowersURI     string
	FollowingURI     string
	FeaturedURI      string
	AvatarURL        string
	HeaderURL        string
	PublicKeyID      string
	PublicKeyPEM     string
	ManuallyApproves bool
	Discoverable     bool
	Indexable        bool
	Bot              bool
	Fields           []Field
	FollowersCount   int
	FollowingCount   int
	StatusesCount    int
	LastStatusAt     *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	FetchedAt        *time.Time // when a remote actor was last refreshed
	SuspendedAt      *time.Time
	DeletedAt        *time.Time
}

// Local reports whether the actor lives on this instance.
func (a *Actor) Local() bool { return a.Domain == "" }

// Field is one profile metadata row.
type Field struct {
	Name       string     `json:"name"`
	Value      string     `json:"value"` // sanitised HTML
	VerifiedAt *time.Time `json:"verified_at,omitempty"`
}

// User is the sign-in side of a local Person actor.
type User struct {
	ActorID      string
	Email        string
	PasswordHash string
	Admin        bool // kept equal to Role.Admin() by the store
	DisabledAt   *time.Time
	Locale       string
	CreatedAt    time.Time
	Registration // governance state: role, approval, email confirmation (registration.go)
}

// Account is a local user together with their actor, which is what sign-in yields.
type Account struct {
	User  User
	Actor Actor
}

// FollowState is pending until the followee accepts.
type FollowState string

// Follow states.
const (
	FollowPending  FollowState = "pending"
	FollowAccepted FollowState = "accepted"
)

// Follow is a follow relationship or request.
type Follow struct {
	ID          string
	URI         string // the Follow activity id
	FollowerID  string
	FolloweeID  string
	State       FollowState
	ShowReblogs bool
	Notify      bool
	CreatedAt   time.Time
}

// Visibility says who may see a status.
type Visibility string

// Visibilities, with Mastodon's names. Local is public but never federated.
const (
	Public    Visibility = "public"
	Unlisted  Visibility = "unlisted"
	Private   Visibility = "private" // followers only
	Direct    Visibility = "direct"
	LocalOnly Visibility = "local"
	// Partners is followers-only narrowed to named partner councils: the followers on the
	// instances in Status.Partners (and on the author's own instance). Stored as a followers-only
	// row plus its partner list, so code that does not know it treats it as followers-only.
	Partners Visibility = "partners"
)

// Valid reports whether v is one of the known visibilities.
func (v Visibility) Valid() bool {
	switch v {
	case Public, Unlisted, Private, Direct, LocalOnly, Partners:
		return true
	}
	return false
}

// StatusKind distinguishes plain posts from the threads of Q&A and the ideas forum.
type StatusKind string

// Status kinds.
const (
	KindPost     StatusKind = "post"
	KindQuestion StatusKind = "question" // a helpdesk question; replies are answers
	KindIdea     StatusKind = "idea"     // an ideas-forum entry; votes count
)

// ContentFormat says how a local author wrote the source text.
type ContentFormat string

// Content formats.
const (
	FormatPlain    ContentFormat = "plain"
	FormatMarkdown ContentFormat = "markdown"
)

// Status is a post, reply or boost. A boost is a status with ReblogOfID set and no content,
// as in Mastodon, so timelines hold one kind of row.
type Status struct {
	ID               string
	URI              string
	URL              string
	ActorID          string
	InReplyToID      string // local row id of the parent, when known
	InReplyToURI     string
	InReplyToActorID string
	ReblogOfID       string
	ContextURI       string // the thread (FEP-7888 context / OStatus conversation)
	ObjectType       string // Note, Article, Page, Question...
	Kind             StatusKind
	Visibility       Visibility
	Local            bool
	Title            string // name: threads, questions and ideas have one
	Content          string // sanitised HTML
	Source           string // what a local author typed
	Format           ContentFormat
	SpoilerText      string
	Sensitive        bool
	Language         string
	GroupID          string // the group the post was addressed to (FEP-1b12 audience)
	AcceptedAnswerID string
	RepliesCount     int
	ReblogsCount     int
	FavouritesCount  int
	VotesScore       int
	CreatedAt        time.Time
	EditedAt         *time.Time
	DeletedAt        *time.Time

	// Loaded with the status, not stored in its row.
	Mentions    []Mention
	Tags        []string
	Attachments []Attachment
	// Partners names the partner instances (lower-case host names, sorted) of a Partners status.
	Partners []string
	// AcceptedAnswerURI is the ActivityPub id of the accepted answer, loaded with a question
	// that has one; a received question carries the id its author claims, checked on receipt.
	AcceptedAnswerURI string
}

// Mention names an actor mentioned in a status.
type Mention struct {
	ActorID  string
	URI      string
	Username string
	Domain   string
	URL      string
}

// Attachment is a media file, local (uploaded) or remote (shown by its remote URL).
type Attachment struct {
	ID          string
	StatusID    string
	ActorID     string
	Type        string // image, gifv, video, audio, unknown
	ContentType string
	URL         string
	RemoteURL   string
	PreviewURL  string
	Path        string // where a local file lives in the media store
	Description string
	Blurhash    string
	Width       int
	Height      int
	Size        int64
	FocusX      float64
	FocusY      float64
	CreatedAt   time.Time
}

// StatusEdit is one earlier version of an edited status.
type StatusEdit struct {
	ID          string
	StatusID    string
	Content     string
	Source      string
	SpoilerText string
	Sensitive   bool
	CreatedAt   time.Time
}

// Favourite is a like.
type Favourite struct {
	ID        string
	URI       string
	ActorID   string
	StatusID  string
	CreatedAt time.Time
}

// Block stops an actor from interacting with another.
type Block struct {
	ID        string
	URI       string
	ActorID   string
	TargetID  string
	CreatedAt time.Time
}

// Mute hides an actor's posts from a user without telling them.
type Mute struct {
	ActorID       string
	TargetID      string
	Notifications bool
	ExpiresAt     *time.Time
	CreatedAt     time.Time
}

// NotificationType is what happened.
type NotificationType string

// Notification types, with Mastodon's names.
const (
	NotifyFollow        NotificationType = "follow"
	NotifyFollowRequest NotificationType = "follow_request"
	NotifyMention       NotificationType = "mention"
	NotifyReblog        NotificationType = "reblog"
	NotifyFavourite     NotificationType = "favourite"
	NotifyStatus        NotificationType = "status"
	NotifyUpdate        NotificationType = "update"
	NotifyPoll          NotificationType = "poll"
	NotifyAnswer        NotificationType = "answer"   // someone answered your question
	NotifyAccepted      NotificationType = "accepted" // your answer was accepted
	NotifyReport        NotificationType = "admin.report"
	NotifySignUp        NotificationType = "admin.sign_up"
)

// Notification tells a local user that something happened.
type Notification struct {
	ID          string
	RecipientID string
	Type        NotificationType
	FromActorID string
	StatusID    string
	ReportID    string
	CreatedAt   time.Time
}

// Report is a complaint about an actor and some of their statuses, made locally or received as Flag.
type Report struct {
	ID         string
	URI        string
	ReporterID string
	TargetID   string
	StatusIDs  []string
	Comment    string
	Forwarded  bool
	CreatedAt  time.Time
	ResolvedAt *time.Time
}

// Page selects a slice of a list ordered by id, newest first, the way Mastodon pages:
// MaxID (older than), SinceID (newer than, newest first), MinID (immediately newer than).
type Page struct {
	MaxID   string
	SinceID string
	MinID   string
	Limit   int
}

// Activity is an outgoing federation event as the domain describes it: who did what to which
// object, and who should hear about it. The federation layer renders it as ActivityStreams and
// expands the audience to inboxes when it delivers.
type Activity struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	ActorID string `json:"actor_id"` // local actor row id (its key signs the delivery)
	Actor   string `json:"actor"`    // its URI
	Object  string `json:"object"`   // URI of the object, actor or activity acted on
	// MoreObjects follow Object when an activity names several (a Flag: the account, then posts).
	MoreObjects []string  `json:"more_objects,omitempty"`
	Target      string    `json:"target,omitempty"`
	StatusID    string    `json:"status_id,omitempty"` // a local status rendered as the object
	Inner       *Activity `json:"inner,omitempty"`     // the activity undone, accepted or rejected
	To          []string  `json:"to,omitempty"`
	Cc          []string  `json:"cc,omitempty"`
	Inboxes     []string  `json:"inboxes,omitempty"` // explicit extra inboxes (a followee's, a reported actor's)
	Content     string    `json:"content,omitempty"`
	Published   time.Time `json:"published"`
}

// Delivery states.
const (
	DeliveryPending = "pending"
	DeliveryDone    = "done"
	DeliveryFailed  = "failed"
)

// OutboxItem is an Activity waiting in the durable queue.
type OutboxItem struct {
	ID        string
	ActorID   string
	Activity  Activity
	CreatedAt time.Time
}

// Delivery is one POST of one activity to one inbox, retried with backoff until it succeeds or is
// given up.
type Delivery struct {
	ID            string
	OutboxID      string
	Inbox         string
	Host          string
	State         string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
}

// Session is a signed-in browser.
type Session struct {
	IDHash     string
	UserID     string
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	UserAgent  string
}

// OAuthApp is a registered Mastodon client application.
type OAuthApp struct {
	ID               string
	ClientID         string
	ClientSecretHash string
	Name             string
	Website          string
	RedirectURIs     []string
	Scopes           []string
	CreatedAt        time.Time
}

// OAuthCode is an authorisation code waiting to be exchanged for a token.
type OAuthCode struct {
	CodeHash            string
	AppID               string
	UserID              string
	RedirectURI         string
	Scopes              []string
	CodeChallenge       string
	CodeChallengeMethod string
	ExpiresAt           time.Time
	CreatedAt           time.Time
}

// OAuthToken is an access token; only its hash is stored.
type OAuthToken struct {
	ID         string
	TokenHash  string
	AppID      string // "" for tokens issued from the command line
	UserID     string // "" for client_credentials tokens
	Scopes     []string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// DomainPolicy is an administrator's decision about a remote domain.
type DomainPolicy struct {
	Domain    string
	Policy    string // "allow" or "block"
	Reason    string
	CreatedAt time.Time
}

// ShownTitle is the title a surface shows above a status's content: none for a question, whose
// content already begins with its title (so Mastodon users, who see only the content, read it).
func (st *Status) ShownTitle() string {
	if st.Kind == KindQuestion {
		return ""
	}
	return st.Title
}
