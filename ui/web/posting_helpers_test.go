package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

const userPassword = "a long and memorable passphrase"

// user creates a local account and returns a client signed in as it.
func (e *env) user(name string) (*http.Client, *activitypub.Account) {
	e.t.Helper()
	acct, err := e.svc.CreateLocalUser(e.t.Context(), activitypub.NewUser{
		Username: name, Email: name + "@council.example", Password: userPassword,
		DisplayName: strings.ToUpper(name[:1]) + name[1:] + " Smith",
	})
	if err != nil {
		e.t.Fatal(err)
	}
	c := newClient(e.t, e.srv)
	e.signIn(c, name, userPassword, "/").wantRedirect(e.t, "/")
	return c, acct
}

// csrfOf reads the session's token from any signed-in page.
func (e *env) csrfOf(c *http.Client) string {
	e.t.Helper()
	p := e.get(c, "/compose")
	p.wantStatus(e.t, http.StatusOK)
	return p.csrf(e.t)
}

// upload is one file of a multipart form.
type upload struct {
	field, name, contentType string
	data                     []byte
}

// postMultipart sends the compose form as a browser does, with its files.
func (e *env) postMultipart(c *http.Client, path string, form url.Values, files ...upload) page {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.name)}
		h["Content-Type"] = []string{f.contentType}
		w, err := mw.CreatePart(h)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := w.Write(f.data); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		e.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.srv.URL+path, &body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.do(c, req)
}

// pngImage is a small real image the media service accepts.
func pngImage(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := 0; x < 16; x++ {
		for y := 0; y < 12; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 20), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// statusesBy lists what an account has posted, straight from the domain.
func (e *env) statusesBy(acct *activitypub.Account) []*activitypub.Status {
	e.t.Helper()
	sts, err := e.svc.ActorStatuses(e.t.Context(), activitypub.Viewer{Actor: &acct.Actor}, acct.Actor.ID,
		activitypub.StatusFilter{}, activitypub.Page{Limit: 40})
	if err != nil {
		e.t.Fatal(err)
	}
	return sts
}

// post publishes through the domain, for tests about reading.
func (e *env) postAs(acct *activitypub.Account, text string, vis activitypub.Visibility, replyTo string) *activitypub.Status {
	e.t.Helper()
	st, err := e.svc.Post(e.t.Context(), acct, activitypub.PostInput{Text: text, Visibility: vis, InReplyToID: replyTo})
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

var fieldErrorPattern = regexp.MustCompile(`(?s)<p id="([^"]+)-error" class="error-message"><span class="visually-hidden">Error:</span> ([^<]*)</p>`)

// fieldErrors maps each field with an inline error to its message.
func (p page) fieldErrors() map[string]string {
	out := map[string]string{}
	for _, m := range fieldErrorPattern.FindAllStringSubmatch(p.body, -1) {
		out[m[1]] = strings.TrimSpace(m[2])
	}
	return out
}

// postHref is the thread page of a status by a local author.
func postHref(acct *activitypub.Account, st *activitypub.Status) string {
	return "/@" + acct.Actor.Username + "/" + st.ID
}

func mustURL(tb testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
