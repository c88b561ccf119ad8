package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
)

// csrfMode says which token a form must echo.
type csrfMode int

const (
	// csrfNone: the route changes nothing (GET pages, static files).
	csrfNone csrfMode = iota
	// csrfSession: a signed-in form; the token is the session's own CSRF token, kept server-side.
	csrfSession
	// csrfCookie: a form shown before there is a session (sign-in, setup); double-submit: the
	// hidden field must equal a random cookie that another site can neither read nor set.
	csrfCookie
)

const (
	csrfField = "csrf_token"
	// maxFormBytes is far above any form here and far below what would hurt the server.
	maxFormBytes = 64 << 10
)

func (h *Handler) csrfCookie() string { return h.cookieName("guildhall_csrf") }

// checkCSRF refuses a state-changing request whose token is missing or wrong, before the handler
// sees it, so a forged request changes nothing.
func (h *Handler) checkCSRF(mode csrfMode, next handlerFunc) handlerFunc {
	if mode == csrfNone {
		return next
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		var ok bool
		switch mode {
		case csrfSession:
			ok = h.sessionTokenOK(r)
		case csrfCookie:
			if c, err := r.Cookie(h.csrfCookie()); err == nil {
				ok = tokensEqual(c.Value, r.PostForm.Get(csrfField))
			}
		}
		if !ok {
			return errCSRF
		}
		return next(w, r)
	}
}

// parseForm reads an urlencoded or multipart form; a multipart one (the compose form with its
// images) keeps up to 1 MiB in memory and spills the rest to temporary files.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return activitypub.E("web.form", activitypub.Invalid, "the form is too large: choose smaller images")
	}
	if err != nil {
		return activitypub.E("web.form", activitypub.Invalid, "the form could not be read")
	}
	return nil
}

// sessionTokenOK says whether a parsed form carries the signed-in session's CSRF token.
func (h *Handler) sessionTokenOK(r *http.Request) bool {
	want := ""
	if s := sessionFrom(r.Context()); s != nil {
		want = s.CSRFToken
	}
	return tokensEqual(want, r.PostForm.Get(csrfField))
}

func tokensEqual(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// formToken returns the double-submit token for a pre-session form, setting the cookie when the
// browser has none. An existing token is kept so several open tabs stay valid.
func (h *Handler) formToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(h.csrfCookie()); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	token := accounts.NewSecret()
	setCookie(w, &http.Cookie{
		Name: h.csrfCookie(), Value: token, Path: "/",
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteStrictMode,
	})
	return token
}

// newCrossOriginProtection is defence in depth under the tokens: browsers say where a request
// comes from (Sec-Fetch-Site, Origin), and cross-site POSTs are refused outright. The public
// base URL is trusted too, for deployments where a proxy rewrites Host.
func (h *Handler) newCrossOriginProtection() (*http.CrossOriginProtection, error) {
	cop := http.NewCrossOriginProtection()
	if err := cop.AddTrustedOrigin(h.svc.BaseURL()); err != nil {
		return nil, err
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, errCSRF)
	}))
	return cop, nil
}

// limitBody caps request bodies before anything parses them; max is maxFormBytes unless a route
// takes files.
func limitBody(max int64, next http.Handler) http.Handler {
	if max <= 0 {
		max = maxFormBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}
