package preferences_test

import (
	"testing"

	ap "github.com/guildhall/guildhall/activitypub"
	"github.com/guildhall/guildhall/activitypub/preferences"
)

func (w *world) conversations() *preferences.Conversations {
	w.t.Helper()
	c, err := preferences.NewConversations(w.svc, w.store)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) listConversations(acct *ap.Account) []*preferences.Conversation {
	w.t.Helper()
	cs, err := w.conversations().List(w.ctx, acct, ap.Page{})
	if err != nil {
		w.t.Fatal(err)
	}
	return cs
}

// TestRemoteConversations: direct messages received over federation make conversations, with no
// write path knowing about them, and a local reply joins the remote thread.
func TestRemoteConversations(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		ann, bea := w.user("ann"), w.user("bea")
		zed := w.remote("zed", "remote.test")
		in := func(uri, inReplyTo, context string, to ...*ap.Account) *ap.Status {
			t.Helper()
			st := &ap.Status{URI: uri, InReplyToURI: inReplyTo, ContextURI: context, Visibility: ap.Direct,
				Content: "<p>psst</p>"}
			for _, a := range to {
				st.Mentions = append(st.Mentions, ap.Mention{URI: a.Actor.URI})
			}
			got, err := w.svc.ReceiveCreate(w.ctx, zed, st)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		cases := []struct {
			name    string
			context string // what the remote server sends
		}{
			{"with a context", "https://remote.test/contexts/1"},
			{"without one", ""},
		}
		for i, c := range cases {
			first := in("https://remote.test/notes/"+c.name, "", c.context, ann)
			cs := w.listConversations(ann)
			if len(cs) != i+1 || cs[0].LastStatus.ID != first.ID || !cs[0].Unread || cs[0].ID != first.ID ||
				len(cs[0].Accounts) != 1 || cs[0].Accounts[0].ID != zed.ID {
				t.Fatalf("%s: ann's conversations = %+v", c.name, cs)
			}
			reply, err := w.svc.Post(w.ctx, ann, ap.PostInput{Text: "@zed@remote.test ok", Visibility: ap.Direct, InReplyToID: first.ID})
			if err != nil {
				t.Fatal(err)
			}
			cs = w.listConversations(ann)
			if len(cs) != i+1 || cs[0].ID != first.ID || cs[0].LastStatus.ID != reply.ID || cs[0].Unread {
				t.Errorf("%s: after ann's reply: %+v (reply %s)", c.name, cs[0], reply.ID)
			}
			// The remote answer to ann's reply comes back into the same conversation, unread.
			again := in("https://remote.test/notes/"+c.name+"/2", reply.URI, "", ann)
			cs = w.listConversations(ann)
			if len(cs) != i+1 || cs[0].ID != first.ID || cs[0].LastStatus.ID != again.ID || !cs[0].Unread {
				t.Errorf("%s: after zed's answer: %+v (again %s)", c.name, cs[0], again.ID)
			}
		}
		if cs := w.listConversations(bea); len(cs) != 0 {
			t.Errorf("bea was never addressed but sees %+v", cs)
		}
	})
}
