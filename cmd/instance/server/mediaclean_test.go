package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/adapters/media/mediatest"
	"github.com/guildhall/guildhall/adapters/password"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// TestMediaFilesFollowTheirPosts checks the media directory itself, on both engines: a deleted
// post's files go as soon as the deletion is done, a deletion whose event was lost (the process
// died after the commit) is swept by the maintenance loop, an upload attached to nothing for more
// than a day is cleaned, and the files of live posts and of fresh uploads stay.
func TestMediaFilesFollowTheirPosts(t *testing.T) {
	for _, engine := range storagetest.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			ctx := context.Background()
			cfg := Defaults()
			cfg.Host, cfg.InsecureHTTP = "council-a.test", true
			cfg.DB = engine.DSN(t)
			cfg.MediaDir = filepath.Join(t.TempDir(), "media")
			in, err := New(ctx, cfg, Options{Passwords: password.Argon2id{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32}})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			c := newAPIClient(t, in)

			live := c.upload()
			c.post(live.ID)
			deleted := c.upload()
			deletedPost := c.post(deleted.ID)
			lost := c.upload()
			lostPost := c.post(lost.ID)
			old := c.upload()
			fresh := c.upload()
			if got, want := filesUnder(t, cfg.MediaDir), c.keys(live, deleted, lost, old, fresh); len(want) != 10 || !slices.Equal(got, want) {
				t.Fatalf("after uploading: files %q, want %q", got, want)
			}

			c.deleteStatus(deletedPost)
			if got, want := filesUnder(t, cfg.MediaDir), c.keys(live, lost, old, fresh); !slices.Equal(got, want) {
				t.Errorf("after DELETE /api/v1/statuses: files %q, want %q (the deleted post's gone at once)", got, want)
			}

			if err := in.Store.MarkStatusDeleted(ctx, lostPost, time.Now()); err != nil {
				t.Fatal(err)
			}
			c.backdate(old.ID, 25*time.Hour)
			in.maintain(ctx)
			if got, want := filesUnder(t, cfg.MediaDir), c.keys(live, fresh); !slices.Equal(got, want) {
				t.Errorf("after maintenance: files %q, want %q", got, want)
			}
			for _, a := range []upload{deleted, lost, old} {
				if _, err := in.Store.AttachmentByID(ctx, a.ID); !activitypub.IsNotFound(err) {
					t.Errorf("attachment %s kept after its files went: %v", a.ID, err)
				}
			}
		})
	}
}

// apiClient is one signed-in user of the client API of an in-process instance.
type apiClient struct {
	t     *testing.T
	in    *Instance
	token string
}

type upload struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	PreviewURL string `json:"preview_url"`
}

func newAPIClient(t *testing.T, in *Instance) *apiClient {
	t.Helper()
	ctx := context.Background()
	acct, err := in.Service.CreateLocalUser(ctx, activitypub.NewUser{Username: "jo", Email: "jo@council.example", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := in.Accounts.IssueToken(ctx, acct.Actor.ID, "", []string{"read", "write"})
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, in: in, token: token}
}

func (c *apiClient) do(method, path, contentType string, body []byte, out any) {
	c.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Host = c.in.Config.Host
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	c.in.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		c.t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (c *apiClient) upload() upload {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	_, _ = fw.Write(mediatest.JPEG(c.t, 64, 48, 1))
	_ = mw.WriteField("description", "A photo of the town hall")
	_ = mw.Close()
	var u upload
	c.do(http.MethodPost, "/api/v1/media", mw.FormDataContentType(), body.Bytes(), &u)
	return u
}

// post publishes a status with one attachment and returns its id.
func (c *apiClient) post(mediaID string) string {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"status": "With a photo", "media_ids": []string{mediaID}})
	var st struct {
		ID string `json:"id"`
	}
	c.do(http.MethodPost, "/api/v1/statuses", "application/json", b, &st)
	return st.ID
}

func (c *apiClient) deleteStatus(id string) {
	c.t.Helper()
	c.do(http.MethodDelete, "/api/v1/statuses/"+id, "", nil, nil)
}

// backdate makes an upload look older than it is: the clean-up rule is about age, and the test
// cannot wait a day.
func (c *apiClient) backdate(id string, by time.Duration) {
	c.t.Helper()
	q := `UPDATE media_attachments SET created_at = ? WHERE id = ?`
	if c.in.Store.Dialect() == "postgres" {
		q = `UPDATE media_attachments SET created_at = $1 WHERE id = $2`
	}
	if _, err := c.in.Store.DB().Exec(q, time.Now().Add(-by).UnixMilli(), id); err != nil {
		c.t.Fatal(err)
	}
}

// keys are the paths under the media directory of the uploads' files, sorted as filesUnder lists.
func (c *apiClient) keys(uploads ...upload) []string {
	var out []string
	for _, u := range uploads {
		for _, url := range []string{u.URL, u.PreviewURL} {
			_, key, ok := strings.Cut(url, "/media/")
			if !ok {
				c.t.Fatalf("file URL %q is not under /media/", url)
			}
			out = append(out, filepath.Join(c.in.Config.MediaDir, filepath.FromSlash(key)))
		}
	}
	slices.Sort(out)
	return out
}

// filesUnder lists the regular files below dir in lexical order (none when dir is not a
// directory).
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
