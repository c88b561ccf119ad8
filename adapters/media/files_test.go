package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/adapters/media"
)

func TestDirFileStore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "media")
	d, err := media.NewDirFileStore(dir, "https://council.test/")
	if err != nil {
		t.Fatal(err)
	}
	const key = "ab/abcdef0123.png"
	if err := d.Put(ctx, key, strings.NewReader("png bytes")); err != nil {
		t.Fatal(err)
	}
	if got := d.URL(key); got != "https://council.test/media/ab/abcdef0123.png" {
		t.Errorf("URL = %q", got)
	}
	f, err := d.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "png bytes" {
		t.Errorf("read back %q", b)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Errorf("deleting a missing file: %v", err)
	}
	if _, err := d.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Delete: %v, want not-exist", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "ab"))
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}

	for _, bad := range []string{"", "../x.png", "ab/../../x.png", ".hidden.png", "ab//x.png", "/abs.png", "x.txt", `a\b.png`, "ab/x.png/", "ab/.png"} {
		if err := d.Put(ctx, bad, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) succeeded", bad)
		}
	}
}

func TestFilesHandler(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "media")
	d, err := media.NewDirFileStore(dir, "https://council.test")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.Put(ctx, "ab/photo.jpg", bytes.NewReader([]byte("\xFF\xD8\xFFjpeg"))))
	must(d.Put(ctx, "ab/page.png", strings.NewReader("<html><script>alert(1)</script>")))
	must(os.WriteFile(filepath.Join(root, "secret.png"), []byte("outside"), 0o600))
	must(os.WriteFile(filepath.Join(root, "passwd"), []byte("root:x:0:0"), 0o600))
	must(os.MkdirAll(filepath.Join(dir, "dir.png"), 0o750))
	must(os.Symlink(filepath.Join(root, "secret.png"), filepath.Join(dir, "ab", "link.png")))

	srv := httptest.NewServer(media.Files(dir))
	defer srv.Close()

	t.Run("serves a file", func(t *testing.T) {
		res, err := http.Get(srv.URL + "/media/ab/photo.jpg")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || string(body) != "\xFF\xD8\xFFjpeg" {
			t.Fatalf("status %d body %q", res.StatusCode, body)
		}
		want := map[string]string{
			"Content-Type":           "image/jpeg",
			"X-Content-Type-Options": "nosniff",
			"Cache-Control":          "public, max-age=31536000, immutable",
		}
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
	})
	t.Run("type from the extension, not the bytes", func(t *testing.T) {
		res, err := http.Get(srv.URL + "/media/ab/page.png")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if ct := res.Header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("Content-Type = %q", ct)
		}
	})

	refused := []string{
		"/media/../../etc/passwd",
		"/media/..%2f..%2fetc%2fpasswd",
		"/media/%2e%2e/%2e%2e/etc/passwd",
		"/media/%2e%2e%2fsecret.png",
		"/media/ab/..%2f..%2fsecret.png",
		"/media/..%5csecret.png",
		"/media/ab/",
		"/media/",
		"/media/ab",
		"/media/dir.png",
		"/media/ab/link.png",
		"/media/ab/missing.jpg",
		"/media/ab/photo.jpg.bak",
		"/other/ab/photo.jpg",
	}
	for _, p := range refused {
		t.Run("refuses "+p, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = p // sent exactly as written, no client-side cleaning
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want 404 (body %q)", res.StatusCode, body)
			}
			if strings.Contains(string(body), "outside") || strings.Contains(string(body), "root:") {
				t.Errorf("leaked %q", body)
			}
		})
	}

	t.Run("direct handler call with a raw dotted path", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/media/ab/photo.jpg", nil)
		req.URL.Path = "/media/../secret.png"
		media.Files(dir).ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("status %d", rec.Code)
		}
	})
	t.Run("no writes", func(t *testing.T) {
		res, err := http.Post(srv.URL+"/media/ab/photo.jpg", "image/jpeg", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

// BenchmarkDirFileStorePut writes a 100 KiB file per iteration: temporary file, sync, rename.
func BenchmarkDirFileStorePut(b *testing.B) {
	d, err := media.NewDirFileStore(b.TempDir(), "https://council.test")
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte{'x'}, 100<<10)
	b.SetBytes(int64(len(data)))
	ctx := context.Background()
	for b.Loop() {
		if err := d.Put(ctx, "ab/abcdef.jpg", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
