package fetch

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/guildhall/guildhall/federation/httpsig"
)

const (
	// ActivityAccept is sent on every ActivityPub GET.
	ActivityAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	// ActivityContentType labels deliveries.
	ActivityContentType = "application/activity+json"

	asProfile = "https://www.w3.org/ns/activitystreams"
)

// Signer signs requests as one of our actors.
type Signer struct {
	KeyID string
	Key   *rsa.PrivateKey
}

// Document is a fetched ActivityStreams object.
type Document struct {
	// ID is the document's id, equal to the final URL fetched.
	ID  string
	Raw json.RawMessage
	Map map[string]any
}

// Fetcher performs ActivityPub GETs and deliveries. It is safe for
// concurrent use.
type Fetcher struct {
	client *http.Client
	opts   Options
	now    func() time.Time
}

// NewFetcher builds a Fetcher over NewClient(opts).
func NewFetcher(opts Options) *Fetcher {
	opts = opts.withDefaults()
	return &Fetcher{client: NewClient(opts), opts: opts, now: time.Now}
}

// Get fetches an ActivityStreams document, signed when signer is non-nil
// (authorized fetch). Each redirect hop is re-signed for its own URL,
// because a signature covers the host and path it was made for.
func (f *Fetcher) Get(ctx context.Context, rawURL string, signer *Signer) (*Document, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch: GET %s: %w", u.Redacted(), err)
	}
	req.Header.Set("Accept", ActivityAccept)
	client := *f.client
	if signer != nil {
		if err := f.sign(req, signer); err != nil {
			return nil, err
		}
		base := client.CheckRedirect
		client.CheckRedirect = func(next *http.Request, via []*http.Request) error {
			if err := base(next, via); err != nil {
				return err
			}
			// net/http copied the first request's headers, Signature and
			// Date included; they are stale for this URL.
			next.Header.Del("Signature")
			next.Header.Del("Date")
			next.Header.Del("Host")
			return f.sign(next, signer)
		}
	}

	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch: GET %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL
	if err := checkStatus(resp, final); err != nil {
		return nil, err
	}
	if err := checkActivityType(resp.Header.Get("Content-Type")); err != nil {
		return nil, fmt.Errorf("fetch: GET %s: %w", final.Redacted(), err)
	}
	body, err := readBody(resp, f.opts.MaxBody)
	if err != nil {
		return nil, fmt.Errorf("fetch: GET %s: %w", final.Redacted(), err)
	}
	doc, err := parseDocument(body)
	if err != nil {
		return nil, fmt.Errorf("fetch: GET %s: %w", final.Redacted(), err)
	}
	if !sameURL(doc.ID, final) {
		return nil, fmt.Errorf("%w: fetched %s, id %q", ErrIDMismatch, final.Redacted(), doc.ID)
	}
	return doc, nil
}

// Post delivers an activity to an inbox, signed with a Digest. Redirects
// are not followed: a delivery that is redirected is not delivered, and
// the caller's retry logic sees the 3xx. The status is returned whenever a
// response arrived; err is non-nil for anything but 2xx.
func (f *Fetcher) Post(ctx context.Context, inboxURL string, body []byte, signer Signer) (int, error) {
	u, err := parseURL(inboxURL)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("fetch: POST %s: %w", u.Redacted(), err)
	}
	req.Header.Set("Content-Type", ActivityContentType)
	if body == nil {
		body = []byte{} // still sign a Digest: inboxes require one on POST
	}
	if err := httpsig.Sign(req, body, signer.KeyID, signer.Key, f.now()); err != nil {
		return 0, fmt.Errorf("fetch: POST %s: %w", u.Redacted(), err)
	}
	client := *f.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fetch: POST %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused; inbox answers are
	// short and their content is irrelevant.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &StatusError{Code: resp.StatusCode, URL: u.Redacted()}
	}
	return resp.StatusCode, nil
}

// GetJSON fetches a plain JSON document (WebFinger, NodeInfo) unsigned,
// under the same address, redirect and size rules, and decodes it into v.
// The Content-Type is not checked: these documents carry no ActivityPub
// authority and servers label them inconsistently (application/jrd+json,
// application/json, with or without profiles).
func (f *Fetcher) GetJSON(ctx context.Context, rawURL, accept string, v any) error {
	u, err := parseURL(rawURL)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("fetch: GET %s: %w", u.Redacted(), err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch: GET %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if err := checkStatus(resp, resp.Request.URL); err != nil {
		return err
	}
	body, err := readBody(resp, f.opts.MaxBody)
	if err != nil {
		return fmt.Errorf("fetch: GET %s: %w", resp.Request.URL.Redacted(), err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("fetch: GET %s: decode JSON: %w", resp.Request.URL.Redacted(), err)
	}
	return nil
}

func (f *Fetcher) sign(req *http.Request, s *Signer) error {
	if err := httpsig.Sign(req, nil, s.KeyID, s.Key, f.now()); err != nil {
		return fmt.Errorf("fetch: sign GET %s: %w", req.URL.Redacted(), err)
	}
	return nil
}

// checkStatus turns a non-2xx response into a *StatusError after draining
// a little of the body so the connection can be reused.
func checkStatus(resp *http.Response, u *url.URL) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	return &StatusError{Code: resp.StatusCode, URL: u.Redacted()}
}

// readBody reads at most limit bytes and fails, rather than truncating, when
// there is more. The count is taken after any transparent gzip decoding,
// so a compression bomb stops at the limit too (RES-08).
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds %d", ErrTooLarge, resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return body, nil
}

// checkActivityType accepts application/activity+json, and
// application/ld+json without a profile or with the ActivityStreams one
// (ORI-05: plain JSON may be a user upload dressed as an actor).
func checkActivityType(header string) error {
	mt, params, err := mime.ParseMediaType(header)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrContentType, header)
	}
	switch mt {
	case "application/activity+json":
		return nil
	case "application/ld+json":
		profile, ok := params["profile"]
		if !ok {
			return nil
		}
		for _, p := range strings.Fields(profile) {
			if p == asProfile {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %q", ErrContentType, header)
}

func parseDocument(body []byte) (*Document, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("decode JSON: not an object")
	}
	id, _ := m["id"].(string)
	if id == "" {
		return nil, fmt.Errorf("%w: document has no id", ErrIDMismatch)
	}
	return &Document{ID: id, Raw: json.RawMessage(body), Map: m}, nil
}

// sameURL reports whether id names final. Scheme and host compare
// case-insensitively and an explicit default port is ignored; path and
// query must match exactly in their escaped form. An id with a fragment
// names a part of a document, not the document, so it never matches.
func sameURL(id string, final *url.URL) bool {
	u, err := url.Parse(id)
	if err != nil || u.Fragment != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	return strings.EqualFold(u.Scheme, final.Scheme) &&
		hostPort(u) == hostPort(final) &&
		u.EscapedPath() == final.EscapedPath() &&
		u.RawQuery == final.RawQuery
}

func hostPort(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (port == "443" && strings.EqualFold(u.Scheme, "https")) || (port == "80" && strings.EqualFold(u.Scheme, "http")) {
		port = ""
	}
	return host + ":" + port
}
