package mastoapi

import (
	"time"

	mediaapi "github.com/guildhall/guildhall/ui/mastoapi/media"
)

// The Mastodon JSON entities. Every field a client reads is always present: slices are made
// non-nil by the presenters, nullable fields are pointers.

// timeFormat is RFC 3339 with milliseconds and Z, which every client parses.
const timeFormat = "2006-01-02T15:04:05.000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func fmtTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := fmtTime(*t)
	return &s
}

type emoji struct {
	Shortcode       string `json:"shortcode"`
	URL             string `json:"url"`
	StaticURL       string `json:"static_url"`
	VisibleInPicker bool   `json:"visible_in_picker"`
	Category        string `json:"category"`
}

type field struct {
	Name       string  `json:"name"`
	Value      string  `json:"value"`
	VerifiedAt *string `json:"verified_at"`
}

type account struct {
	ID             string   `json:"id"`
	Username       string   `json:"username"`
	Acct           string   `json:"acct"`
	DisplayName    string   `json:"display_name"`
	Locked         bool     `json:"locked"`
	Bot            bool     `json:"bot"`
	Discoverable   bool     `json:"discoverable"`
	Indexable      bool     `json:"indexable"`
	Group          bool     `json:"group"`
	CreatedAt      string   `json:"created_at"`
	Note           string   `json:"note"`
	URL            string   `json:"url"`
	URI            string   `json:"uri"`
	Avatar         string   `json:"avatar"`
	AvatarStatic   string   `json:"avatar_static"`
	Header         string   `json:"header"`
	HeaderStatic   string   `json:"header_static"`
	FollowersCount int      `json:"followers_count"`
	FollowingCount int      `json:"following_count"`
	StatusesCount  int      `json:"statuses_count"`
	LastStatusAt   *string  `json:"last_status_at"`
	HideCollection bool     `json:"hide_collections"`
	Noindex        bool     `json:"noindex"`
	Emojis         []emoji  `json:"emojis"`
	Roles          []any    `json:"roles"`
	Fields         []field  `json:"fields"`
	Moved          *account `json:"moved,omitempty"`
	Source         *source  `json:"source,omitempty"`
}

type source struct {
	Privacy             string  `json:"privacy"`
	Sensitive           bool    `json:"sensitive"`
	Language            string  `json:"language"`
	Note                string  `json:"note"`
	Fields              []field `json:"fields"`
	FollowRequestsCount int     `json:"follow_requests_count"`
	HideCollections     bool    `json:"hide_collections"`
	Discoverable        bool    `json:"discoverable"`
	Indexable           bool    `json:"indexable"`
}

type mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

type tag struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	History []any  `json:"history"`
}

// mediaAttachment is the media endpoints' own entity, so both render attachments alike.
type mediaAttachment = mediaapi.Attachment

type application struct {
	Name    string  `json:"name"`
	Website *string `json:"website"`
}

type status struct {
	ID         string  `json:"id"`
	URI        string  `json:"uri"`
	URL        *string `json:"url"`
	CreatedAt  string  `json:"created_at"`
	EditedAt   *string `json:"edited_at"`
	Account    account `json:"account"`
	Content    string  `json:"content"`
	Text       *string `json:"text,omitempty"` // only on delete (redraft)
	Visibility string  `json:"visibility"`
	LocalOnly  bool    `json:"local_only"`
	// GuildhallPartners names the partner instances of a partner-only post (shown to clients
	// as visibility private); absent on every other post.
	GuildhallPartners  []string          `json:"guildhall_partners,omitempty"`
	Sensitive          bool              `json:"sensitive"`
	SpoilerText        string            `json:"spoiler_text"`
	MediaAttachments   []mediaAttachment `json:"media_attachments"`
	Application        *application      `json:"application"`
	Mentions           []mention         `json:"mentions"`
	Tags               []tag             `json:"tags"`
	Emojis             []emoji           `json:"emojis"`
	ReblogsCount       int               `json:"reblogs_count"`
	FavouritesCount    int               `json:"favourites_count"`
	RepliesCount       int               `json:"replies_count"`
	InReplyToID        *string           `json:"in_reply_to_id"`
	InReplyToAccountID *string           `json:"in_reply_to_account_id"`
	Reblog             *status           `json:"reblog"`
	Poll               any               `json:"poll"`
	Card               any               `json:"card"`
	Language           *string           `json:"language"`
	Favourited         *bool             `json:"favourited,omitempty"`
	Reblogged          *bool             `json:"reblogged,omitempty"`
	Muted              *bool             `json:"muted,omitempty"`
	Bookmarked         *bool             `json:"bookmarked,omitempty"`
	Pinned             *bool             `json:"pinned,omitempty"`
	Filtered           []any             `json:"filtered"`
}

type statusEdit struct {
	Content          string            `json:"content"`
	SpoilerText      string            `json:"spoiler_text"`
	Sensitive        bool              `json:"sensitive"`
	CreatedAt        string            `json:"created_at"`
	Account          account           `json:"account"`
	Poll             any               `json:"poll"`
	MediaAttachments []mediaAttachment `json:"media_attachments"`
	Emojis           []emoji           `json:"emojis"`
}

type statusSource struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text"`
}

type threadContext struct {
	Ancestors   []status `json:"ancestors"`
	Descendants []status `json:"descendants"`
}

type relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"`
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

type notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt string  `json:"created_at"`
	GroupKey  string  `json:"group_key"`
	Account   account `json:"account"`
	Status    *status `json:"status"`
}

type searchResults struct {
	Accounts []account `json:"accounts"`
	Statuses []status  `json:"statuses"`
	Hashtags []tag     `json:"hashtags"`
}
