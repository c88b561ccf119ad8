package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// setupForm shows the form that creates the first administrator, to holders of the one-time
// link only. A used or unknown token is the domain's Forbidden, rendered as a 403 page.
func (h *Handler) setupForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if err := h.accounts.CheckSetupToken(r.Context(), token); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "setup", h.setupView(w, r, token))
}

func (h *Handler) setupView(w http.ResponseWriter, r *http.Request, token string) view {
	return view{
		Title: "Create the administrator account", Token: token, CSRF: h.formToken(w, r),
		Values: map[string]string{},
	}
}

// passwordHint is shown under new-password fields; the rule itself lives in the domain.
var passwordHint = fmt.Sprintf("At least %d characters. A few unrelated words make a strong password.",
	activitypub.MinPasswordLength)

func (h *Handler) setup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := r.PostForm.Get("token")
	// Check the token first, so someone without the link learns nothing from validation errors.
	if err := h.accounts.CheckSetupToken(ctx, token); err != nil {
		return err
	}
	n := activitypub.NewUser{
		Username:    strings.TrimSpace(r.PostForm.Get("username")),
		Email:       strings.TrimSpace(r.PostForm.Get("email")),
		DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
		Password:    r.PostForm.Get("password"),
	}
	v := h.setupView(w, r, token)
	v.Values = map[string]string{"username": n.Username, "email": n.Email, "display_name": n.DisplayName}
	if n.Password != r.PostForm.Get("password_confirm") {
		v.Errors = []fieldError{{Field: "password_confirm", Message: "The passwords do not match"}}
		return h.render(w, r, http.StatusUnprocessableEntity, "setup", v)
	}
	_, err := h.accounts.CompleteSetup(ctx, token, n)
	switch activitypub.KindOf(err) {
	case activitypub.Invalid, activitypub.Conflict:
		v.Errors = []fieldError{setupFieldError(err)}
		return h.render(w, r, http.StatusUnprocessableEntity, "setup", v)
	}
	if err != nil {
		return err
	}
	_, sessionToken, sess, err := h.accounts.SignIn(ctx, n.Username, n.Password, clientIP(r), r.UserAgent())
	if err != nil {
		// The account exists; signing in by hand still works, so this is not worth a 500.
		h.log.WarnContext(ctx, "web: sign-in after setup failed", "err", err)
		return redirect(w, r, "/login")
	}
	h.setSessionCookie(w, sessionToken, sess.ExpiresAt)
	return redirect(w, r, "/")
}

// setupFieldError points a domain validation message at the field it is about. The domain's
// messages start with the name of the field, which is all there is to go on (see the report:
// a Field on activitypub.Error would make this exact).
func setupFieldError(err error) fieldError {
	msg := activitypub.Message(err)
	if activitypub.KindOf(err) == activitypub.Conflict {
		return fieldError{Field: "username", Message: "That username or email address is already in use"}
	}
	field := "username"
	for _, p := range []struct{ prefix, field string }{
		{"username", "username"}, {"email", "email"}, {"display name", "display_name"}, {"password", "password"},
	} {
		if strings.HasPrefix(msg, p.prefix) {
			field = p.field
			break
		}
	}
	if msg == "" {
		msg = "check the details and try again"
	}
	return fieldError{Field: field, Message: sentence(msg)}
}
