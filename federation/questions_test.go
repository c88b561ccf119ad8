package federation_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/groups"
	"github.com/guildhall/guildhall/activitypub/questions"
	"github.com/guildhall/guildhall/federation/httpsig"
	"github.com/guildhall/guildhall/storage"
)

// Questions and answers across three real instances: a question asked on a.test in a group is
// answered from b.test, c.test and a Mastodon-shaped server; the asker accepts c.test's answer
// and every Guildhall instance shows it (accepted_answer_id and the ✅ line).

// mastoServer is a server that speaks only Mastodon's ActivityPub: one Person, the Notes it
// wrote, and an inbox that takes anything.
type mastoServer struct {
	id   string
	host string
	key  *rsa.PrivateKey
	mu   sync.Mutex
	docs map[string]map[string]any
}

func newMastoServer(t *testing.T, c *cluster, host string) *mastoServer {
	t.Helper()
	key, err := httpsig.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pemText, err := httpsig.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	m := &mastoServer{id: "http://" + host + "/users/mallory", host: host, key: key, docs: map[string]map[string]any{}}
	m.docs["/users/mallory"] = map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       m.id, "type": "Person", "preferredUsername": "mallory",
		"inbox": m.id + "/inbox", "outbox": m.id + "/outbox", "followers": m.id + "/followers",
		"endpoints": map[string]any{"sharedInbox": "http://" + host + "/inbox"},
		"publicKey": map[string]any{"id": m.id + "#main-key", "owner": m.id, "publicKeyPem": pemText},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		m.mu.Lock()
		doc, ok := m.docs[r.URL.Path]
		m.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	c.net.Set(host, srv.Listener.Addr().String())
	return m
}

// send signs and posts an activity to an inbox, returning the status code.
func (m *mastoServer) send(t *testing.T, c *cluster, inbox string, act map[string]any) int {
	t.Helper()
	body, _ := json.Marshal(act)
	req, _ := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	if err := httpsig.Sign(req, body, m.id+"#main-key", m.key, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: &http.Transport{DialContext: c.net.DialContext}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// reply publishes a plain Mastodon reply (a Note inReplyTo, cc the person replied to) and
// delivers its Create to inbox.
func (m *mastoServer) reply(t *testing.T, c *cluster, inbox, parent, parentAuthor, text string) string {
	t.Helper()
	path := "/users/mallory/statuses/1"
	note := map[string]any{"id": "http://" + m.host + path,
		"type": "Note", "attributedTo": m.id, "inReplyTo": parent, "content": "<p>" + text + "</p>",
		"to": []any{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []any{m.id + "/followers", parentAuthor},
		"published": time.Now().UTC().Format(time.RFC3339), "sensitive": false}
	m.mu.Lock()
	m.docs[path] = note
	m.mu.Unlock()
	code := m.send(t, c, inbox, map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
		"id": note["id"].(string) + "/activity", "type": "Create", "actor": m.id, "object": note,
		"to": note["to"], "cc": note["cc"]})
	if code != http.StatusAccepted {
		t.Fatalf("the Mastodon reply's Create answered %d", code)
	}
	return note["id"].(string)
}

func newQA(t *testing.T, in *instance) *questions.Questions {
	t.Helper()
	q, err := questions.New(in.svc, in.store, in.grp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// reply posts a plain reply on in, as any Mastodon client would through the API.
func reply(t *testing.T, in *instance, who *ap.Account, parentID, text string) *ap.Status {
	t.Helper()
	st, err := in.svc.Post(context.Background(), who, ap.PostInput{Text: text, InReplyToID: parentID, Visibility: ap.Public})
	if err != nil {
		t.Fatal(err)
	}
	in.fed.Notify()
	return st
}

func question(t *testing.T, qa *questions.Questions, v *ap.Account, id string) *questions.Question {
	t.Helper()
	q, err := qa.Get(context.Background(), ap.Viewer{Actor: &v.Actor}, id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQuestionsAcrossInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		qaA, qaB, qaC := newQA(t, a), newQA(t, b), newQA(t, cc)
		ctx := context.Background()
		alice := a.user(t, "alice", false) // owns the group
		ann := a.user(t, "ann", false)     // asks; not a moderator
		eve := a.user(t, "eve", false)     // neither asker nor moderator
		bob := b.user(t, "bob", false)
		carol := cc.user(t, "carol", false)
		g := newGroup(t, a, alice, "helpdesk", groups.Open, groups.Federated)
		follow(t, c, b, bob, "helpdesk", "a.test")
		follow(t, c, cc, carol, "helpdesk", "a.test")

		asked, err := qaA.Ask(ctx, ann, questions.AskInput{Title: "How do you handle fly-tipping reports?",
			Content: "We get dozens a week and triage them by hand.", GroupID: g.Actor.ID})
		if err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		qOnB, qOnC := stored(t, b, asked.Status.URI), stored(t, cc, asked.Status.URI)
		for name, st := range map[string]*ap.Status{"b.test": qOnB, "c.test": qOnC} {
			if st == nil || st.Kind != ap.KindQuestion || st.Title != "How do you handle fly-tipping reports?" {
				t.Fatalf("%s has the question as %+v, want a question titled as asked", name, st)
			}
			if !strings.Contains(st.Content, "How do you handle fly-tipping reports?") {
				t.Fatalf("%s: the content does not repeat the title: %q", name, st.Content)
			}
		}

		ansB := reply(t, b, bob, qOnB.ID, "We use a web form that geotags the report.")
		ansC := reply(t, cc, carol, qOnC.ID, "A shared map with the street cleansing team.")
		m := newMastoServer(t, c, "masto.test")
		mallAns := m.reply(t, c, "http://a.test/inbox", asked.Status.URI, ann.Actor.URI, "Photos and a what3words location.")
		c.settle(t)
		onA := question(t, qaA, ann, asked.Status.ID)
		if onA.AnswersCount != 3 {
			t.Fatalf("answers on a.test: %d, want 3 (b.test, c.test and the Mastodon reply)", onA.AnswersCount)
		}
		answers, err := qaA.Answers(ctx, ap.Viewer{Actor: &ann.Actor}, onA)
		if err != nil || len(answers) != 3 {
			t.Fatalf("answers listed on a.test: %d (%v), want 3", len(answers), err)
		}
		cOnA, mallOnA := stored(t, a, ansC.URI), stored(t, a, mallAns)
		if cOnA == nil || mallOnA == nil || mallOnA.InReplyToID != asked.Status.ID {
			t.Fatalf("answers not stored on a.test as replies: %+v %+v", cOnA, mallOnA)
		}

		// Bad input first: nothing may change.
		other, err := qaA.Ask(ctx, alice, questions.AskInput{Title: "Which CMS do you use?", Content: "For the main site."})
		if err != nil {
			t.Fatal(err)
		}
		otherReply := reply(t, a, eve, other.Status.ID, "Drupal.")
		plain := post(t, a, eve, "Not a reply at all", ap.Public)
		c.settle(t)
		for _, tc := range []struct {
			name     string
			by       *ap.Account
			answerID string
			want     ap.Kind
		}{
			{"a non-reply", ann, plain.ID, ap.Invalid},
			{"a reply to another question", ann, otherReply.ID, ap.Invalid},
			{"an unknown answer", ann, "01NOPE", ap.Invalid},
			{"someone neither asker nor moderator", eve, cOnA.ID, ap.Forbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := qaA.Accept(ctx, tc.by, asked.Status.ID, tc.answerID)
				if ap.KindOf(err) != tc.want {
					t.Fatalf("accepting %s: %v, want kind %v", tc.name, err, tc.want)
				}
				if now := question(t, qaA, ann, asked.Status.ID); now.Answered() || now.Status.EditedAt != nil {
					t.Fatalf("a refused acceptance changed the question: %+v", now.Status)
				}
			})
		}

		// The asker accepts carol's answer from c.test.
		if _, err := qaA.Accept(ctx, ann, asked.Status.ID, cOnA.ID); err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		wantAccepted(t, "a.test", qaA, ann, asked.Status.ID, cOnA.ID, ansC.URL)
		wantAccepted(t, "b.test", qaB, bob, qOnB.ID, stored(t, b, ansC.URI).ID, ansC.URL)
		wantAccepted(t, "c.test", qaC, carol, qOnC.ID, ansC.ID, ansC.URL)
		// The group boosts and pins the accepted answer.
		if _, err := a.store.ReblogOf(ctx, g.Actor.ID, cOnA.ID); err != nil {
			t.Fatalf("the group did not boost the accepted answer: %v", err)
		}
		if !featured(t, a, g.Actor.ID, cOnA.ID) {
			t.Fatal("the group did not pin the accepted answer")
		}

		// A moderator changes it to bob's answer; then the asker clears it.
		bOnA := stored(t, a, ansB.URI)
		if _, err := qaA.Accept(ctx, alice, asked.Status.ID, bOnA.ID); err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		wantAccepted(t, "b.test", qaB, bob, qOnB.ID, ansB.ID, ansB.URL)
		wantAccepted(t, "c.test", qaC, carol, qOnC.ID, stored(t, cc, ansB.URI).ID, ansB.URL)
		if featured(t, a, g.Actor.ID, cOnA.ID) || !featured(t, a, g.Actor.ID, bOnA.ID) {
			t.Fatal("the pin did not move to the newly accepted answer")
		}
		if _, err := qaA.Clear(ctx, ann, asked.Status.ID); err != nil {
			t.Fatal(err)
		}
		a.fed.Notify()
		c.settle(t)
		for name, got := range map[string]*questions.Question{"b.test": question(t, qaB, bob, qOnB.ID), "c.test": question(t, qaC, carol, qOnC.ID)} {
			if got.Answered() || strings.Contains(got.Status.Content, "✅") {
				t.Fatalf("%s still shows an accepted answer after it was cleared: %+v", name, got.Status)
			}
		}

		// A remote Update claiming an accepted answer for a question its sender does not own is
		// refused, and the question stays as it is.
		forged := map[string]any{"id": asked.Status.URI, "type": "Note", "attributedTo": ann.Actor.URI,
			"name": "How do you handle fly-tipping reports?", "content": "<p>✅ Answered: mine</p>",
			"postKind": "question", "acceptedAnswer": mallAns, "to": []any{"https://www.w3.org/ns/activitystreams#Public"}}
		code := m.send(t, c, "http://a.test/inbox", map[string]any{"@context": "https://www.w3.org/ns/activitystreams",
			"id": m.id + "#updates/1", "type": "Update", "actor": m.id, "object": forged})
		if code != http.StatusForbidden {
			t.Fatalf("a forged Update of another's question answered %d, want 403", code)
		}
		if got := question(t, qaA, ann, asked.Status.ID); got.Answered() || strings.Contains(got.Status.Content, "mine") {
			t.Fatalf("the forged Update changed the question: %+v", got.Status)
		}

		// The context the documents name is served where they say, unsigned.
		resp, body := c.get(t, "http://a.test/ns/guildhall/v1", "application/ld+json")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"schema:acceptedAnswer"`) {
			t.Fatalf("context document: %d %s", resp.StatusCode, body)
		}
	})
}

func wantAccepted(t *testing.T, name string, qa *questions.Questions, viewer *ap.Account, questionID, answerID, answerURL string) {
	t.Helper()
	got := question(t, qa, viewer, questionID)
	if got.Status.AcceptedAnswerID != answerID || !got.Answered() {
		t.Fatalf("%s: accepted answer %q, want %q", name, got.Status.AcceptedAnswerID, answerID)
	}
	if !strings.Contains(got.Status.Content, "✅ Answered:") || !strings.Contains(got.Status.Content, `href="`+answerURL+`"`) {
		t.Fatalf("%s: the question's text has no ✅ line linking %s: %q", name, answerURL, got.Status.Content)
	}
	if got.Accepted == nil || got.Accepted.ID != answerID {
		t.Fatalf("%s: the accepted answer is not loaded with the question", name)
	}
}

func featured(t *testing.T, in *instance, groupID, statusID string) bool {
	t.Helper()
	list, err := in.grp.Featured(context.Background(), groupID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range list {
		if st.ID == statusID {
			return true
		}
	}
	return false
}

// TestAskTheNetwork: a question asked on a.test "across the network" goes to the matching group
// on the partner b.test, which relays it to its members (carol on c.test); carol's answer comes
// back to the one thread on a.test. A matching group on c.test, not a partner, is not asked.
func TestAskTheNetwork(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *storage.Store) {
		c := newCluster(t, open, "a.test", "b.test", "c.test")
		a, b, cc := c.in["a.test"], c.in["b.test"], c.in["c.test"]
		qaA := newQA(t, a)
		ctx := context.Background()
		ann := a.user(t, "ann", false)
		bea := b.user(t, "bea", false)
		carol := cc.user(t, "carol", false)
		streets := newGroup(t, b, bea, "streets", groups.Open, groups.Federated)
		streets.Actor.Summary = "Street cleansing, fly-tipping and litter"
		if err := b.store.UpdateActor(ctx, &streets.Actor); err != nil {
			t.Fatal(err)
		}
		litter := newGroup(t, cc, carol, "litter", groups.Open, groups.Federated)
		litter.Actor.Summary = "Fly-tipping and litter reports" // matches too, but c.test is no partner
		if err := cc.store.UpdateActor(ctx, &litter.Actor); err != nil {
			t.Fatal(err)
		}
		follow(t, c, cc, carol, "streets", "b.test")
		remoteActor(t, a, "streets", "b.test") // known on a.test, as the group directory lists it
		remoteActor(t, a, "litter", "c.test")
		if err := a.grp.AddPartner(ctx, "b.test"); err != nil {
			t.Fatal(err)
		}

		chosen, err := qaA.NetworkGroups(ctx, "How do you handle fly-tipping reports?", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(chosen) != 1 || chosen[0].URI != streets.Actor.URI {
			t.Fatalf("network groups %v, want only b.test's streets group", chosen)
		}
		asked, err := qaA.Ask(ctx, ann, questions.AskInput{Title: "How do you handle fly-tipping reports?",
			Content: "Dozens a week.", Network: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(asked.Status.Content, "Also asked in:") {
			t.Fatalf("the question does not say where else it was asked: %q", asked.Status.Content)
		}
		a.fed.Notify()
		c.settle(t)
		groupOnC, err := cc.store.ActorByURI(ctx, streets.Actor.URI)
		if err != nil {
			t.Fatal(err)
		}
		if groupBoost(t, cc, carol, groupOnC.URI, asked.Status.URI) == nil {
			t.Fatalf("carol on c.test did not get the question from the partner group: %v", homeURIs(t, cc, carol))
		}
		if st := stored(t, cc, asked.Status.URI); st == nil || st.Kind != ap.KindQuestion {
			t.Fatalf("the question on c.test: %+v", st)
		}
		if posts, err := cc.grp.Posts(ctx, litter.Actor.ID, ap.Page{Limit: 10}); err != nil || len(posts) != 0 {
			t.Fatalf("the non-partner group relayed %d posts (%v)", len(posts), err)
		}
		qOnC := stored(t, cc, asked.Status.URI)
		ans := reply(t, cc, carol, qOnC.ID, "A shared map with the street cleansing team.")
		c.settle(t)
		onA := question(t, qaA, ann, asked.Status.ID)
		if got := stored(t, a, ans.URI); onA.AnswersCount != 1 || got == nil || got.InReplyToID != asked.Status.ID {
			t.Fatalf("carol's answer did not come back to the thread on a.test: %d answers, %+v", onA.AnswersCount, got)
		}
	})
}
