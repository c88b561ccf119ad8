package web

import (
	"net/http"
	"net/url"
	"strings"
)

// safeNext returns next when it is a path on this site, and "/" otherwise. Browsers read "//host",
// "/\host" and paths with tabs or newlines in them as links to another site, so anything that is
// not a plain "/..." path is refused rather than cleaned up.
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, c := range next {
		if c == '\\' || c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// redirect sends the browser on with 303, so a POST is followed by a GET.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// signInURL is the sign-in page that comes back to the current page afterwards.
func signInURL(r *http.Request) string {
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}
