package mastoapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/adapters/media/mediatest"
	"github.com/guildhall/guildhall/storage/storagetest"
)

// patchImages sends update_credentials as multipart with image parts, as Elk and Tusky do.
func (e *env) patchImages(token string, fields map[string]string, files map[string][]byte) (int, map[string]any) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile(name, name+".jpg")
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("PATCH", e.base+"/api/v1/accounts/update_credentials", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(body, &out)
	return res.StatusCode, out
}

func TestAvatarAndHeaderUpload(t *testing.T) {
	e, _ := newWiredEnv(t, storagetest.OpenSQLite(t))
	ann := e.user("ann")
	tok := e.token(ann)
	photo := mediatest.JPEG(t, 900, 600, 1) // carries EXIF with a GPS position
	status, acct := e.patchImages(tok, map[string]string{"display_name": "Ann Clerk"},
		map[string][]byte{"avatar": photo, "header": photo})
	if status != 200 {
		t.Fatalf("update_credentials: %d %v", status, acct)
	}
	avatar, header := acct["avatar"].(string), acct["header"].(string)
	if acct["display_name"] != "Ann Clerk" || strings.Contains(avatar, "missing") || strings.Contains(header, "missing") || avatar == header {
		t.Fatalf("account after upload: %v", acct)
	}
	for _, u := range []string{avatar, header} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		served, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || mediatest.HasExif(served) {
			t.Fatalf("%s: %d, exif left = %v", u, res.StatusCode, mediatest.HasExif(served))
		}
	}
	// The profile change federates: an Update of the actor is queued.
	items, err := e.store.PendingOutbox(e.ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Activity.Type != "Update" || items[0].Activity.Object != ann.Actor.URI {
		t.Fatalf("outbox: %+v", items)
	}

	// A file that is not an image changes nothing.
	status, out := e.patchImages(tok, map[string]string{"display_name": "Changed"}, map[string][]byte{"avatar": []byte("not an image")})
	if status != 422 || !strings.Contains(out["error"].(string), "File type not supported") {
		t.Fatalf("bad avatar: %d %v", status, out)
	}
	var again map[string]any
	e.call("GET", "/api/v1/accounts/verify_credentials", tok, nil, 200, &again)
	if again["display_name"] != "Ann Clerk" || again["avatar"] != avatar {
		t.Fatalf("refused upload changed the profile: %v", again)
	}
}
