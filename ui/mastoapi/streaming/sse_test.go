package streaming

import (
	"bufio"
	"net/http"
	"strings"
	"testing"

	"github.com/guildhall/guildhall/activitypub"
)

func TestServerSentEvents(t *testing.T) {
	w := newWorld(t, nil)
	ann, secret := w.user("ann")
	bob, _ := w.user("bob")
	w.follow(ann, bob)

	if resp := w.httpGet("/api/v1/streaming/user", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a token: %d", resp.StatusCode)
	}
	resp := w.httpGet("/api/v1/streaming/user", http.Header{"Authorization": {"Bearer " + secret}})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	st := w.post(bob, "hello", activitypub.Public)

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var event string
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			if e, ok := strings.CutPrefix(l, "event: "); ok {
				event = e
			}
			if d, ok := strings.CutPrefix(l, "data: "); ok && event == "update" {
				if !strings.Contains(d, st.ID) {
					t.Fatalf("data %s", d)
				}
				return
			}
		case <-timeout():
			t.Fatal("no update event")
		}
	}
}
