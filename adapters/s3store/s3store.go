// Package s3store keeps media files in an S3-compatible object store (Amazon S3, SeaweedFS,
// MinIO, Garage, versitygw…), for instances that run several server processes or keep no local
// disk. It implements activitypub.FileStore with github.com/minio/minio-go.
//
// Files are served by proxying: URL(key) names the instance's own /media/ path, and Handler
// streams the object from the bucket (docs/decisions.md, "Media on S3"). The bucket therefore
// stays private and the addresses federated in posts never change.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/guildhall/guildhall/activitypub"
)

// PathPrefix is where Handler is mounted and what URL points at, as for the local store.
const PathPrefix = "/media/"

// Config locates a bucket. ParseURL reads it from the --media-store URL.
type Config struct {
	Bucket   string
	Endpoint string // host[:port]; s3.amazonaws.com when empty
	Secure   bool   // HTTPS to the endpoint
	Region   string // "" lets the client discover it
	Prefix   string // prepended to every key, e.g. "guildhall/"; "" for the bucket's root
	// PathStyle addresses the bucket as endpoint/bucket rather than bucket.endpoint, as most
	// self-hosted servers need.
	PathStyle bool
	AccessKey string
	SecretKey string
}

// ParseURL reads s3://BUCKET[/PREFIX]?endpoint=[http(s)://]HOST[:PORT][&region=R][&path-style=true|false].
// The endpoint's scheme says whether to use TLS (HTTPS when none is given). Path-style addressing
// is the default for any endpoint but Amazon's. Credentials are not in the URL: the caller fills
// AccessKey and SecretKey from the environment.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme != "s3" {
		return Config{}, fmt.Errorf("%q must start with s3://", raw)
	}
	if u.User != nil {
		return Config{}, errors.New("credentials do not go in the URL: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or GUILDHALL_S3_ACCESS_KEY_ID and GUILDHALL_S3_SECRET_ACCESS_KEY)")
	}
	c := Config{Bucket: u.Host, Secure: true}
	if c.Bucket == "" {
		return Config{}, errors.New("needs a bucket: s3://BUCKET?endpoint=…")
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		c.Prefix = p + "/"
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "path-style":
		default:
			return Config{}, fmt.Errorf("unknown parameter %q (known: endpoint, region, path-style)", k)
		}
	}
	ep := q.Get("endpoint")
	switch {
	case strings.HasPrefix(ep, "http://"):
		c.Endpoint, c.Secure = strings.TrimPrefix(ep, "http://"), false
	case strings.HasPrefix(ep, "https://"):
		c.Endpoint = strings.TrimPrefix(ep, "https://")
	case strings.Contains(ep, "://"):
		return Config{}, fmt.Errorf("endpoint %q: the scheme must be http or https", ep)
	default:
		c.Endpoint = ep
	}
	c.Endpoint = strings.TrimSuffix(c.Endpoint, "/")
	if strings.Contains(c.Endpoint, "/") {
		return Config{}, fmt.Errorf("endpoint %q must be a host[:port], without a path", ep)
	}
	if c.Endpoint == "" {
		c.Endpoint = "s3.amazonaws.com"
	}
	c.Region = q.Get("region")
	c.PathStyle = c.Endpoint != "s3.amazonaws.com"
	if v := q.Get("path-style"); v != "" {
		if c.PathStyle, err = strconv.ParseBool(v); err != nil {
			return Config{}, fmt.Errorf("path-style %q is not true or false", v)
		}
	}
	return c, nil
}

// Store is an activitypub.FileStore in a bucket.
type Store struct {
	client  *minio.Client
	bucket  string
	prefix  string
	baseURL string
}

var _ activitypub.FileStore = (*Store)(nil)

// New connects to the bucket and checks that it exists and the credentials reach it, so that a
// mistake stops the server at start rather than at the first upload. baseURL is the instance's
// scheme://host; file URLs are baseURL + PathPrefix + key.
func New(ctx context.Context, c Config, baseURL string) (*Store, error) {
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, errors.New("s3store: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or GUILDHALL_S3_ACCESS_KEY_ID and GUILDHALL_S3_SECRET_ACCESS_KEY)")
	}
	lookup := minio.BucketLookupDNS
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	cl, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.Secure, Region: c.Region, BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("s3store: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := cl.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3store: reaching bucket %s at %s: %w", c.Bucket, c.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("s3store: bucket %s does not exist at %s (create it first)", c.Bucket, c.Endpoint)
	}
	return &Store{client: cl, bucket: c.Bucket, prefix: c.Prefix, baseURL: strings.TrimSuffix(baseURL, "/")}, nil
}

// URL is the public address of a file: this instance's own path, which Handler serves.
func (s *Store) URL(key string) string { return s.baseURL + PathPrefix + key }

// partSize is the buffer of an upload whose length is unknown; the client's default for an
// unknown length would buffer over 500 MB.
const partSize = 8 << 20

// Put uploads a file. S3 writes are atomic: a reader sees the old object or the whole new one.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) error {
	ct, ok := contentType(key)
	if !ok {
		return fmt.Errorf("s3store: put: invalid key %q", key)
	}
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	_, err := s.client.PutObject(ctx, s.bucket, s.prefix+key, r, size, minio.PutObjectOptions{
		ContentType: ct, CacheControl: cacheControl, PartSize: partSize,
	})
	if err != nil {
		return fmt.Errorf("s3store: put %s: %w", key, err)
	}
	return nil
}

// Open returns the file; an error wrapping fs.ErrNotExist when there is none. The reader is also
// an io.Seeker, so Handler can answer range requests.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	obj, _, err := s.open(ctx, key)
	return obj, err
}

func (s *Store) open(ctx context.Context, key string) (*minio.Object, minio.ObjectInfo, error) {
	if _, ok := contentType(key); !ok {
		return nil, minio.ObjectInfo{}, fmt.Errorf("s3store: open: invalid key %q: %w", key, fs.ErrNotExist)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.prefix+key, minio.GetObjectOptions{})
	if err != nil {
		return nil, minio.ObjectInfo{}, fmt.Errorf("s3store: open %s: %w", key, err)
	}
	// GetObject is lazy: Stat makes the request, so a missing object fails here, not mid-read.
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
			err = errors.Join(err, fs.ErrNotExist)
		}
		return nil, minio.ObjectInfo{}, fmt.Errorf("s3store: open %s: %w", key, err)
	}
	return obj, info, nil
}

// Delete removes a file; a missing one is not an error (S3 deletes are idempotent).
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, ok := contentType(key); !ok {
		return fmt.Errorf("s3store: delete: invalid key %q", key)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("s3store: delete %s: %w", key, err)
	}
	return nil
}

// cacheControl: keys are random and files never change.
const cacheControl = "public, max-age=31536000, immutable"

// Handler serves GET and HEAD of PathPrefix + key from the bucket, with the same headers as the
// local store (immutable caching, no sniffing, a sandboxing CSP) and range requests. Anything
// that is not a valid key of an existing object is 404; a bucket that cannot be reached is 502.
func (s *Store) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		key, ok := strings.CutPrefix(r.URL.Path, PathPrefix)
		ct, valid := contentType(key)
		if !ok || !valid {
			http.NotFound(w, r)
			return
		}
		obj, info, err := s.open(r.Context(), key)
		if errors.Is(err, fs.ErrNotExist) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, "media store unavailable", http.StatusBadGateway)
			return
		}
		defer obj.Close()
		h := w.Header()
		h.Set("Content-Type", ct)
		h.Set("Cache-Control", cacheControl)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Access-Control-Allow-Origin", "*")
		if info.ETag != "" {
			h.Set("ETag", `"`+strings.Trim(info.ETag, `"`)+`"`)
		}
		http.ServeContent(w, r, "", info.LastModified, obj)
	})
}

// contentType checks a key the way the local store does (segments of ASCII letters, digits, '_'
// and '-' separated by single slashes, ending in a known image extension) and returns the type
// it is served with.
func contentType(key string) (string, bool) {
	if key == "" || len(key) > 200 {
		return "", false
	}
	ext := path.Ext(key)
	ct := map[string]string{".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}[ext]
	if ct == "" {
		return "", false
	}
	for _, seg := range strings.Split(strings.TrimSuffix(key, ext), "/") {
		if seg == "" {
			return "", false
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return "", false
			}
		}
	}
	return ct, true
}
