package s3store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/guildhall/guildhall/adapters/s3store"
)

// EnvEndpoint names the S3 server the tests use, e.g. http://127.0.0.1:8333; its credentials
// come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. .ci/run starts SeaweedFS and sets them.
const EnvEndpoint = "GUILDHALL_TEST_S3"

// server returns the test server's config with a fresh bucket, removed with its objects when the
// test ends, or skips the test.
func server(t *testing.T) s3store.Config {
	t.Helper()
	ep := os.Getenv(EnvEndpoint)
	if ep == "" {
		t.Skip(EnvEndpoint + " is unset (an S3 endpoint such as http://127.0.0.1:8333, with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; .ci/run starts SeaweedFS and sets them): S3 tests skipped")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	bucket := "test-" + hex.EncodeToString(b[:])
	c, err := s3store.ParseURL("s3://" + bucket + "/guildhall?endpoint=" + ep)
	if err != nil {
		t.Fatal(err)
	}
	c.AccessKey, c.SecretKey = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	admin, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.Secure, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := admin.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket at %s: %v", ep, err)
	}
	t.Cleanup(func() {
		for o := range admin.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			_ = admin.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{})
		}
		_ = admin.RemoveBucket(ctx, bucket)
	})
	return c
}

// The life of a media file: uploaded, served (whole, by range, HEAD) with the local store's
// headers, read back, deleted, then gone everywhere; nothing outside the key rules is reachable.
func TestStoreUploadServeDelete(t *testing.T) {
	c := server(t)
	ctx := context.Background()
	st, err := s3store.New(ctx, c, "https://hall.example")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(st.Handler())
	defer srv.Close()
	data := bytes.Repeat([]byte("\x89PNG not really an image "), 1000)
	const key = "0a1b2c/3d4e5f.png"
	if got := st.URL(key); got != "https://hall.example/media/"+key {
		t.Fatalf("URL = %s", got)
	}
	if err := st.Put(ctx, key, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	// A reader of unknown length is uploaded too.
	if err := st.Put(ctx, "0a1b2c/streamed.webp", io.MultiReader(bytes.NewReader(data))); err != nil {
		t.Fatal(err)
	}

	r, err := st.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Open read %d bytes (%v), want %d", len(got), err, len(data))
	}

	res, err := http.Get(srv.URL + "/media/" + key)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("GET: %d, %d bytes", res.StatusCode, len(body))
	}
	for h, want := range map[string]string{
		"Content-Type": "image/png", "Cache-Control": "public, max-age=31536000, immutable",
		"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
	} {
		if res.Header.Get(h) != want {
			t.Errorf("%s = %q, want %q", h, res.Header.Get(h), want)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/media/"+key, nil)
	req.Header.Set("Range", "bytes=5-14")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[5:15]) {
		t.Fatalf("range GET: %d %q", res.StatusCode, body)
	}

	if err := st.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, key); err != nil {
		t.Fatalf("deleting a missing file: %v", err)
	}
	if _, err := st.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open after delete: %v, want fs.ErrNotExist", err)
	}
	for _, path := range []string{"/media/" + key, "/media/../x.png", "/media/0a1b2c/.hidden.png", "/media/0a1b2c/streamed.txt", "/media/"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	for _, bad := range []string{"../escape.png", "a/b.exe", "", "a//b.png"} {
		if err := st.Put(ctx, bad, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) accepted", bad)
		}
	}
}

// Mistakes stop the server at start with a message saying what is wrong.
func TestNewRefusesUnusableBuckets(t *testing.T) {
	c := server(t)
	ctx := context.Background()
	missing := c
	missing.Bucket = c.Bucket + "-missing"
	if _, err := s3store.New(ctx, missing, "https://hall.example"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
	wrong := c
	wrong.SecretKey = "not-the-secret"
	if _, err := s3store.New(ctx, wrong, "https://hall.example"); err == nil {
		t.Error("a wrong secret key was accepted: is the server checking signatures?")
	}
	none := c
	none.AccessKey = ""
	if _, err := s3store.New(ctx, none, "https://hall.example"); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("no credentials: %v", err)
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		want    s3store.Config
		wantErr string
	}{
		{in: "s3://media?endpoint=http://127.0.0.1:8333", want: s3store.Config{Bucket: "media", Endpoint: "127.0.0.1:8333", PathStyle: true}},
		{in: "s3://media/guildhall/?endpoint=https://s3.council.example&region=eu-west-2",
			want: s3store.Config{Bucket: "media", Endpoint: "s3.council.example", Secure: true, Region: "eu-west-2", Prefix: "guildhall/", PathStyle: true}},
		{in: "s3://media", want: s3store.Config{Bucket: "media", Endpoint: "s3.amazonaws.com", Secure: true}},
		{in: "s3://media?endpoint=minio.internal:9000&path-style=false", want: s3store.Config{Bucket: "media", Endpoint: "minio.internal:9000", Secure: true}},
		{in: "https://media", wantErr: "s3://"},
		{in: "s3://?endpoint=x", wantErr: "bucket"},
		{in: "s3://key:secret@media", wantErr: "credentials"},
		{in: "s3://media?endpoint=ftp://x", wantErr: "http or https"},
		{in: "s3://media?endpoint=x/path", wantErr: "without a path"},
		{in: "s3://media?bucket=x", wantErr: "unknown parameter"},
		{in: "s3://media?path-style=maybe", wantErr: "path-style"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := s3store.ParseURL(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
