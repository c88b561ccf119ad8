package media_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/guildhall/guildhall/adapters/markdown"
	filemedia "github.com/guildhall/guildhall/adapters/media"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/federation/content"
	"github.com/guildhall/guildhall/storage"
	"github.com/guildhall/guildhall/storage/storagetest"
	"github.com/guildhall/guildhall/ui/mastoapi/media"
)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// server is one instance: real store, service, media directory, and the media routes next to
// the file handler on one router, behind a real HTTP server.
type server struct {
	t     *testing.T
	svc   *activitypub.Service
	acc   *accounts.Accounts
	store *storage.Store
	media *activitypub.MediaService
	dir   string
	url   string
}

func newServer(t *testing.T, st *storage.Store, maxBytes int64) *server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	render, err := markdown.NewDomain(base, content.NewSanitizer())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := activitypub.NewService(activitypub.Options{
		Host: ts.Listener.Addr().String(), Scheme: "http", Store: st, Renderer: render,
		Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32},
		NewKey:    func() (*rsa.PrivateKey, error) { return testKey(), nil },
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := accounts.New(svc, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "media")
	files, err := filemedia.NewDirFileStore(dir, svc.BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := activitypub.NewMediaService(svc, activitypub.MediaOptions{Store: st, Files: files, Processor: filemedia.Processor{}, MaxImageBytes: maxBytes})
	if err != nil {
		t.Fatal(err)
	}
	h, err := media.New(media.Options{Media: ms, BaseURL: svc.BaseURL(),
		Authenticate: func(r *http.Request, scope string) (*activitypub.Account, error) {
			secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok {
				return nil, activitypub.E("test", activitypub.Unauthorized, "The access token is invalid")
			}
			tok, acct, err := acc.TokenAccount(r.Context(), secret)
			if err != nil {
				return nil, err
			}
			if !accounts.ScopeGranted(tok.Scopes, scope) {
				return nil, activitypub.E("test", activitypub.Forbidden, "This action is outside the authorized scopes")
			}
			return acct, nil
		},
		WriteError: writeError,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	h.Routes(r)
	r.PathPrefix(filemedia.PathPrefix).Handler(filemedia.Files(dir))
	ts.Config.Handler = r
	ts.Start()
	t.Cleanup(ts.Close)
	return &server{t: t, svc: svc, acc: acc, store: st, media: ms, dir: dir, url: ts.URL}
}

// writeError maps kinds as ui/mastoapi does.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := map[activitypub.Kind]int{
		activitypub.NotFound: 404, activitypub.Forbidden: 403, activitypub.Invalid: 422,
		activitypub.Conflict: 422, activitypub.Unauthorized: 401,
	}[activitypub.KindOf(err)]
	msg := activitypub.Message(err)
	if status == 0 {
		status, msg = 500, "Internal server error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// user creates a local user and returns them with a token of the given scopes.
func (s *server) user(name string, scopes ...string) (*activitypub.Account, string) {
	s.t.Helper()
	ctx := context.Background()
	a, err := s.svc.CreateLocalUser(ctx, activitypub.NewUser{Username: name, Email: name + "@council.test", Password: "a long enough password"})
	if err != nil {
		s.t.Fatal(err)
	}
	secret, _, err := s.acc.IssueToken(ctx, a.Actor.ID, "", scopes)
	if err != nil {
		s.t.Fatal(err)
	}
	return a, secret
}

type response struct {
	status int
	body   []byte
	header http.Header
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
	}
	return m
}

func (s *server) do(method, path, token, contentType string, body io.Reader) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{status: res.StatusCode, body: b, header: res.Header}
}

// upload posts a multipart form with a file part (when data is not nil) and text fields.
func (s *server) upload(path, token, filename string, data []byte, fields map[string]string) response {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			s.t.Fatal(err)
		}
	}
	if data != nil {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			s.t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		s.t.Fatal(err)
	}
	return s.do(http.MethodPost, path, token, mw.FormDataContentType(), &buf)
}

// fetch GETs an absolute URL the API returned.
func (s *server) fetch(u string) []byte {
	s.t.Helper()
	res, err := http.Get(u)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		s.t.Fatalf("GET %s: %d %v", u, res.StatusCode, res.Header)
	}
	return b
}

func (s *server) fileCount() int {
	n := 0
	_ = filepath.WalkDir(s.dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	return n
}

func (s *server) rowCount() int {
	rows, err := s.store.UnattachedBefore(context.Background(), time.Now().Add(time.Hour), 100)
	if err != nil {
		s.t.Fatal(err)
	}
	return len(rows)
}

func TestUpload(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		s := newServer(t, st, 0)
		_, token := s.user("alice", "read", "write")
		cases := []struct {
			name, path, file string
			data             []byte
			w, h, sw, sh     int
		}{
			{"v2 jpeg with GPS", "/api/v2/media", "holiday.jpg", mediatest.JPEG(t, 640, 480, 1), 640, 480, 400, 300},
			{"v1 jpeg turned", "/api/v1/media", "phone.jpg", mediatest.JPEG(t, 640, 480, 6), 480, 640, 300, 400},
			{"v1 png", "/api/v1/media", "chart.png", mediatest.PNG(t, 200, 100), 200, 100, 200, 100},
			{"v2 gif", "/api/v2/media", "wave.gif", mediatest.GIF(t, 120, 90, 2), 120, 90, 120, 90},
			{"v2 webp", "/api/v2/media", "gopher.webp", mediatest.WebP(t), 75, 100, 75, 100},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := s.upload(c.path, token, c.file, c.data, map[string]string{"description": "Alt text for " + c.file, "focus": "0.25,-0.5"})
				if res.status != 200 {
					t.Fatalf("status %d: %s", res.status, res.body)
				}
				m := res.json(t)
				for _, k := range []string{"id", "type", "url", "preview_url", "remote_url", "text_url", "description", "blurhash", "meta"} {
					if _, ok := m[k]; !ok {
						t.Errorf("no %q in %s", k, res.body)
					}
				}
				if m["type"] != "image" || m["remote_url"] != nil || m["description"] != "Alt text for "+c.file || m["blurhash"] == nil {
					t.Errorf("attachment %s", res.body)
				}
				url, _ := m["url"].(string)
				preview, _ := m["preview_url"].(string)
				if !strings.HasPrefix(url, s.url+"/media/") || !strings.HasPrefix(preview, s.url+"/media/") {
					t.Fatalf("url %q preview %q", url, preview)
				}
				var meta struct {
					Original, Small struct {
						Width, Height int
						Size          string
						Aspect        float64
					}
					Focus struct{ X, Y float64 }
				}
				b, _ := json.Marshal(m["meta"])
				if err := json.Unmarshal(b, &meta); err != nil {
					t.Fatal(err)
				}
				if meta.Original.Width != c.w || meta.Original.Height != c.h || meta.Original.Aspect != float64(c.w)/float64(c.h) ||
					meta.Small.Width != c.sw || meta.Small.Height != c.sh || meta.Focus.X != 0.25 || meta.Focus.Y != -0.5 {
					t.Errorf("meta %s", b)
				}
				file := s.fetch(url)
				if mediatest.HasExif(file) && !strings.HasSuffix(c.file, ".gif") {
					t.Error("served file still carries EXIF or the planted secret")
				}
				small := s.fetch(preview)
				if strings.HasSuffix(c.file, ".jpg") {
					cfg, err := jpeg.DecodeConfig(bytes.NewReader(small))
					if err != nil || cfg.Width != c.sw || cfg.Height != c.sh {
						t.Errorf("preview %d×%d (%v), meta.small says %d×%d", cfg.Width, cfg.Height, err, c.sw, c.sh)
					}
				}
				again := s.do(http.MethodGet, "/api/v1/media/"+m["id"].(string), token, "", nil)
				if again.status != 200 || !bytes.Equal(again.body, res.body) {
					t.Errorf("GET = %d %s\nwant %s", again.status, again.body, res.body)
				}
			})
		}
	})
}

func TestUploadRefusals(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		s := newServer(t, st, 32<<10)
		_, token := s.user("alice", "read", "write")
		_, readOnly := s.user("bob", "read")
		png := mediatest.PNG(t, 8, 8)
		cases := []struct {
			name   string
			res    func() response
			status int
			msg    string
		}{
			{"text renamed .png", func() response {
				return s.upload("/api/v2/media", token, "notes.png", []byte("meeting notes, not an image"), nil)
			}, 422, "File type not supported"},
			{"svg", func() response {
				return s.upload("/api/v1/media", token, "x.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), nil)
			}, 422, "File type not supported"},
			{"too large", func() response {
				return s.upload("/api/v2/media", token, "big.png", append(png, make([]byte, 33<<10)...), nil)
			}, 422, "File is too large: the limit is 32 KiB"},
			{"far too large", func() response {
				return s.upload("/api/v2/media", token, "huge.png", append(png, make([]byte, 2<<20)...), nil)
			}, 422, "File is too large: the limit is 32 KiB"},
			{"no file", func() response {
				return s.upload("/api/v2/media", token, "", nil, map[string]string{"description": "nothing"})
			}, 422, "No file uploaded"},
			{"not multipart", func() response {
				return s.do(http.MethodPost, "/api/v1/media", token, "application/json", strings.NewReader(`{"file":"x"}`))
			}, 422, "No file uploaded: send multipart/form-data with a file field"},
			{"bad focus", func() response {
				return s.upload("/api/v2/media", token, "a.png", png, map[string]string{"focus": "3,3"})
			}, 422, "focus coordinates must be between -1.0 and 1.0"},
			{"no token", func() response { return s.upload("/api/v2/media", "", "a.png", png, nil) }, 401, "The access token is invalid"},
			{"read-only token", func() response { return s.upload("/api/v2/media", readOnly, "a.png", png, nil) }, 403, "This action is outside the authorized scopes"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := c.res()
				if res.status != c.status || res.json(t)["error"] != c.msg {
					t.Errorf("got %d %s, want %d %q", res.status, res.body, c.status, c.msg)
				}
			})
		}
		if n := s.fileCount(); n != 0 {
			t.Errorf("%d files left behind", n)
		}
		if n := s.rowCount(); n != 0 {
			t.Errorf("%d rows left behind", n)
		}
	})
}

func TestShowAndUpdate(t *testing.T) {
	storagetest.ForEach(t, func(t *testing.T, st *storage.Store) {
		s := newServer(t, st, 0)
		alice, token := s.user("alice", "read", "write")
		_, bobToken := s.user("bob", "write:media")
		up := s.upload("/api/v1/media", token, "cat.png", mediatest.PNG(t, 40, 30), nil)
		if up.status != 200 {
			t.Fatalf("upload %d %s", up.status, up.body)
		}
		id := up.json(t)["id"].(string)
		if d := up.json(t)["description"]; d != nil {
			t.Errorf("description = %v, want null", d)
		}

		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		_ = mw.WriteField("description", "multipart alt")
		_ = mw.Close()
		updates := []struct {
			name, ct, body string
			wantDesc       any
			wantFocus      [2]float64
		}{
			{"json", "application/json", `{"description":"A grey cat","focus":"-0.5,0.5"}`, "A grey cat", [2]float64{-0.5, 0.5}},
			{"form", "application/x-www-form-urlencoded", "description=Form+alt", "Form alt", [2]float64{-0.5, 0.5}},
			{"multipart", mw.FormDataContentType(), form.String(), "multipart alt", [2]float64{-0.5, 0.5}},
			{"json null clears", "application/json", `{"description":null}`, nil, [2]float64{-0.5, 0.5}},
		}
		for _, u := range updates {
			t.Run("PUT "+u.name, func(t *testing.T) {
				res := s.do(http.MethodPut, "/api/v1/media/"+id, token, u.ct, strings.NewReader(u.body))
				if res.status != 200 {
					t.Fatalf("%d %s", res.status, res.body)
				}
				m := res.json(t)
				focus := m["meta"].(map[string]any)["focus"].(map[string]any)
				if m["description"] != u.wantDesc || focus["x"] != u.wantFocus[0] || focus["y"] != u.wantFocus[1] {
					t.Errorf("after PUT: %s", res.body)
				}
			})
		}

		refusals := []struct {
			name, method, path, token, body string
			status                          int
		}{
			{"bob reads alice's", http.MethodGet, "/api/v1/media/" + id, bobToken, "", 404},
			{"bob describes alice's", http.MethodPut, "/api/v1/media/" + id, bobToken, `{"description":"mine now"}`, 404},
			{"unknown id", http.MethodGet, "/api/v1/media/01UNKNOWN", token, "", 404},
			{"too long", http.MethodPut, "/api/v1/media/" + id, token, `{"description":"` + strings.Repeat("x", 1501) + `"}`, 422},
			{"bad focus", http.MethodPut, "/api/v1/media/" + id, token, `{"focus":"1,2"}`, 422},
			{"malformed json", http.MethodPut, "/api/v1/media/" + id, token, `{"description":`, 422},
		}
		for _, r := range refusals {
			t.Run(r.name, func(t *testing.T) {
				res := s.do(r.method, r.path, r.token, "application/json", strings.NewReader(r.body))
				if res.status != r.status {
					t.Errorf("%d %s, want %d", res.status, res.body, r.status)
				}
			})
		}

		// Posted: the status carries it, rendered exactly as the media endpoint renders it, and the
		// description is then fixed.
		stt, err := s.svc.Post(context.Background(), alice, activitypub.PostInput{Text: "Our cat", AttachmentIDs: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		if len(stt.Attachments) != 1 {
			t.Fatalf("status attachments: %+v", stt.Attachments)
		}
		fromStatus, _ := json.Marshal(media.AttachmentJSON(&stt.Attachments[0], s.svc.BaseURL()))
		shown := s.do(http.MethodGet, "/api/v1/media/"+id, token, "", nil)
		if strings.TrimSpace(string(shown.body)) != string(fromStatus) {
			t.Errorf("status renders\n%s\nmedia endpoint renders\n%s", fromStatus, shown.body)
		}
		late := s.do(http.MethodPut, "/api/v1/media/"+id, token, "application/json", strings.NewReader(`{"description":"late"}`))
		if late.status != 422 {
			t.Errorf("PUT after posting: %d %s, want 422", late.status, late.body)
		}
	})
}

func TestAttachmentJSON(t *testing.T) {
	cases := []struct {
		name string
		in   activitypub.Attachment
		want string
	}{
		{"remote, no size", activitypub.Attachment{ID: "1", Type: "video", RemoteURL: "https://far.example/v.mp4"},
			`{"id":"1","type":"video","url":"https://far.example/v.mp4","preview_url":"https://far.example/v.mp4","remote_url":"https://far.example/v.mp4","text_url":null,"description":null,"blurhash":null,"meta":{}}`},
		{"relative local", activitypub.Attachment{ID: "2", URL: "/media/a.png", PreviewURL: "/media/a_small.png", Path: "a.png", Width: 800, Height: 200, Description: "d"},
			`{"id":"2","type":"unknown","url":"https://council.test/media/a.png","preview_url":"https://council.test/media/a_small.png","remote_url":null,"text_url":null,"description":"d","blurhash":null,"meta":{"original":{"width":800,"height":200,"size":"800x200","aspect":4},"small":{"width":400,"height":100,"size":"400x100","aspect":4},"focus":{"x":0,"y":0}}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(media.AttachmentJSON(&c.in, "https://council.test/"))
			if err != nil || string(b) != c.want {
				t.Errorf("got  %s (%v)\nwant %s", b, err, c.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	if _, err := media.New(media.Options{}); err == nil {
		t.Error("New accepted empty options")
	}
}
