package remote

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"
)

// FuzzWebFingerAnswer (ORI-18) parses arbitrary WebFinger answers as ResolveHandle does (decode into jrd,
// then selfLink). Properties: no panic; a result is always an absolute http(s) URL without
// credentials within the URL bound, and it is the href of a link the answer really labelled "self"
// with an ActivityStreams type.
func FuzzWebFingerAnswer(f *testing.F) {
	b, err := os.ReadFile("testdata/gotosocial-webfinger-alice.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, s := range []string{
		`{"links":[{"rel":"self","type":"application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"","href":"https://m.example/users/a"}]}`,
		`{"links":[{"rel":"self","type":"application/activity+json","href":"javascript:alert(1)"}]}`,
		`{"links":[{"rel":"self","type":"application/activity+json","href":"https://user:pw@m.example/u"}]}`,
		`{"links":[{"rel":"self","type":"text/html","href":"https://m.example/@a"},{"rel":"self","type":"application/activity+json","href":"//m.example/u"}]}`,
		`{"links":null}`, `{"links":[null,1,"x"]}`, `[]`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var doc jrd
		if json.Unmarshal(body, &doc) != nil {
			return // GetJSON refuses it before selfLink runs
		}
		self, err := selfLink(doc)
		if err != nil {
			if self != "" {
				t.Fatal("error with a result")
			}
			return
		}
		u, perr := url.Parse(self)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(self) > 2048 {
			t.Fatalf("self link %q accepted", self)
		}
		for _, l := range doc.Links {
			if l.Href == self && l.Rel == "self" && strings.Contains(l.Type, "json") {
				return
			}
		}
		t.Fatalf("%q is not a self link of the answer", self)
	})
}
