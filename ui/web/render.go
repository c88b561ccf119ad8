package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageNames are the templates under templates/, each rendered inside layout.html.
// Pages added by other areas (groups, governance) append their names here and get the same
// layout, navigation and components.
var pageNames = []string{"login", "logout", "setup", "error",
	"timeline", "compose", "thread", "edit", "history", "profile", "people", "follow", "delete",
	"about", "accessibility", "privacy", "notifications", "search", "settings", "federation",
	"oauth-authorize", "oauth-code",
	"signup", "notice", "forgot", "reset", "mfa", "security", "admin_accounts", "admin_audit",
	"questions", "question", "ask", "analytics",
	"groups", "group", "group_form", "group_moderate",
	"directory", "admin_users", "admin_instances", "admin_instance",
	"ideas", "idea", "idea_new", "account",
	"report", "admin_reports"}

// view is what every template gets. One struct for all pages keeps the layout simple; fields a
// page does not use stay empty.
type view struct {
	Title   string
	Account *activitypub.Account
	Domain  string
	CSRF    string
	Errors  []fieldError
	// Values are what the person typed, echoed back after an error (never passwords).
	Values map[string]string
	Next   string
	Token  string
	// Message and RequestID are for the error page.
	Message   string
	RequestID string
	// Section is the navigation entry of the page, marked aria-current.
	Section string
	// Unread is the number of unread notifications shown in the navigation.
	Unread int
	// Return is this page's own address, for forms that come back to it.
	Return string
	// Nav is the main navigation, for signed-in pages.
	Nav []navItem
	// Page is the page's own data (timeline, thread, profile…).
	Page any
	// Consent is for the OAuth authorisation pages.
	Consent *consentView
	// Gov is for the governance pages (sign-up, two-factor, admin queue and audit).
	Gov *govView
	// Group is for the group pages.
	Group *groupPage
}

// fieldError is one entry of the error summary, linked to the input it is about.
type fieldError struct {
	Field   string
	Message string
	// SummaryOnly keeps the message out of the field itself, for errors that must not hint
	// which field was wrong (bad credentials).
	SummaryOnly bool
}

// ErrorFor is the inline error of a field, if any.
func (v view) ErrorFor(field string) string {
	for _, e := range v.Errors {
		if e.Field == field && !e.SummaryOnly {
			return e.Message
		}
	}
	return ""
}

// Handle is the signed-in person's full handle, as others on the fediverse see it.
func (v view) Handle() string {
	if v.Account == nil {
		return ""
	}
	return "@" + v.Account.Actor.Username + "@" + v.Domain
}

// Name is the display name, or the username when there is none.
func (v view) Name() string {
	if v.Account == nil {
		return ""
	}
	if n := strings.TrimSpace(v.Account.Actor.DisplayName); n != "" {
		return n
	}
	return v.Account.Actor.Username
}

// input describes one labelled form field for the "field" template.
type input struct {
	ID, Label, Type, Autocomplete, Hint, Value, Error string
}

// DescribedBy links the hint and error to the input for screen readers.
func (in input) DescribedBy() string {
	var ids []string
	if in.Hint != "" {
		ids = append(ids, in.ID+"-hint")
	}
	if in.Error != "" {
		ids = append(ids, in.ID+"-error")
	}
	return strings.Join(ids, " ")
}

func parsePages(a *assets) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":        a.url,
		"passwordHint": func() string { return passwordHint },
		"datetime":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"when":         func(t time.Time) string { return humanTime(time.Now(), t) },
		"plural":       plural,
		"compose":      func(v view, c composeView) composeArgs { return composeArgs{V: v, C: c} },
		"postArgs":     func(v view, p postView) postArgs { return postArgs{CSRF: v.CSRF, Return: v.Return, P: p} },
		"inc":          func(i int) int { return i + 1 },
		"visibilities": func() []visibilityOption { return visibilityOptions },
		"maxChars":     func() int { return activitypub.MaxStatusChars },
		"roles":        func() any { return roleOptions },
		"postsHTML":    postsHTML,
		"roleLabel":    roleLabel,
		"imageField": func(v view, id, label, hint string) settingsField {
			return settingsField{V: v, ID: id, Label: label, Hint: hint}
		},
		"textField": func(v view, id, label, hint, value string) settingsField {
			return settingsField{V: v, ID: id, Label: label, Hint: hint, Value: value}
		},
		// field builds an input from the view, so templates cannot forget the label, the error
		// or the rule that passwords are never echoed.
		"expertiseBoxes": expertiseBoxes,
		"field": func(v view, id, label, typ, autocomplete, hint string) input {
			in := input{ID: id, Label: label, Type: typ, Autocomplete: autocomplete, Hint: hint,
				Error: v.ErrorFor(id)}
			if typ != "password" {
				in.Value = v.Values[id]
			}
			return in
		},
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/components.html", "templates/parts_*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template failure becomes a clean 500 rather
// than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	t, ok := h.pages[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	v.Account = AccountFrom(r.Context())
	v.Domain = h.svc.Domain()
	if v.Return == "" {
		v.Return = safeNext(r.URL.RequestURI())
	}
	if v.Account != nil {
		v.Nav = navigation(v.Account)
		if name != "error" {
			v.Unread = h.unreadCount(r.Context(), v.Account)
		}
	}
	if v.CSRF == "" {
		if s := sessionFrom(r.Context()); s != nil {
			v.CSRF = s.CSRFToken
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}
