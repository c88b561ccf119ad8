package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/guildhall/guildhall/activitypub"
)

// ctxKey is unexported so only this package can put a session in a context.
type ctxKey struct{}

type signedIn struct {
	acct *activitypub.Account
	sess *activitypub.Session
}

// AccountFrom returns the signed-in account of a request handled by this package, or nil.
func AccountFrom(ctx context.Context) *activitypub.Account {
	if s, ok := ctx.Value(ctxKey{}).(*signedIn); ok {
		return s.acct
	}
	return nil
}

func sessionFrom(ctx context.Context) *activitypub.Session {
	if s, ok := ctx.Value(ctxKey{}).(*signedIn); ok {
		return s.sess
	}
	return nil
}

// cookieName adds the __Host- prefix over https: the browser then insists on Secure, Path=/ and no
// Domain, so a cookie planted by a sibling subdomain cannot shadow ours.
func (h *Handler) cookieName(base string) string {
	if h.secure {
		return "__Host-" + base
	}
	return base
}

func (h *Handler) sessionCookie() string { return h.cookieName("guildhall_session") }

// withSession resolves the session cookie into the request context. A stale cookie is cleared
// and the request carries on signed out; a store failure is an error, so an outage never looks
// like being signed out.
func (h *Handler) withSession(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := r.Cookie(h.sessionCookie())
		if err != nil || c.Value == "" {
			return next(w, r)
		}
		acct, sess, err := h.accounts.SessionAccount(r.Context(), c.Value)
		if activitypub.IsNotFound(err) {
			h.clearSessionCookie(w)
			return next(w, r)
		}
		if err != nil {
			return err
		}
		// The domain slides the expiry as the session is used; the cookie follows it.
		h.setSessionCookie(w, c.Value, sess.ExpiresAt)
		ctx := context.WithValue(r.Context(), ctxKey{}, &signedIn{acct: acct, sess: sess})
		return next(w, r.WithContext(ctx))
	}
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	maxAge := int(time.Until(expires).Round(time.Second) / time.Second)
	if maxAge <= 0 {
		maxAge = -1
	}
	setCookie(w, &http.Cookie{
		Name: h.sessionCookie(), Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (h *Handler) clearSessionCookie(w http.ResponseWriter) {
	setCookie(w, &http.Cookie{
		Name: h.sessionCookie(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode,
	})
}

// setCookie replaces any cookie of the same name already set on this response, so a refresh by
// the middleware followed by a sign-out in the handler sends one unambiguous header.
func setCookie(w http.ResponseWriter, c *http.Cookie) {
	prefix := c.Name + "="
	old := w.Header().Values("Set-Cookie")
	kept := old[:0:0]
	for _, v := range old {
		if !strings.HasPrefix(v, prefix) {
			kept = append(kept, v)
		}
	}
	w.Header().Del("Set-Cookie")
	for _, v := range kept {
		w.Header().Add("Set-Cookie", v)
	}
	http.SetCookie(w, c)
}

// clientIP is the key for sign-in rate limits. It trusts RemoteAddr only: the server's middleware
// is the place that decides which proxy headers to believe and rewrites RemoteAddr accordingly.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
