package streaming

import (
	"slices"
	"testing"
	"time"
)

func timeout() <-chan time.Time { return time.After(wait) }

func TestParseStream(t *testing.T) {
	tests := []struct {
		name, tag, list string
		names           []string
		scope           string
		err             string
	}{
		{name: "user", names: []string{"user"}, scope: "read:statuses"},
		{name: "user:notification", names: []string{"user:notification"}, scope: "read:notifications"},
		{name: "public:local:media", names: []string{"public:local:media"}, scope: "read:statuses"},
		{name: "hashtag", tag: "#Go", names: []string{"hashtag", "Go"}, scope: "read:statuses"},
		{name: "hashtag:local", tag: "go", names: []string{"hashtag:local", "go"}, scope: "read:statuses"},
		{name: "list", list: "12", names: []string{"list", "12"}, scope: "read:lists"},
		{name: "direct", names: []string{"direct"}, scope: "read:statuses"},
		{name: "hashtag", err: "No tag for stream provided"},
		{name: "list", err: "No list for stream provided"},
		{name: "public:allthethings", err: "Unknown stream type"},
		{name: "", err: "Unknown stream type"},
	}
	for _, tt := range tests {
		t.Run(tt.name+tt.tag+tt.list, func(t *testing.T) {
			s, err := parseStream(tt.name, tt.tag, tt.list)
			if tt.err != "" {
				if err == nil || err.msg != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.names(), tt.names) || s.scope() != tt.scope {
				t.Fatalf("names %v scope %s", s.names(), s.scope())
			}
		})
	}
	a, _ := parseStream("hashtag", "Go", "")
	b, _ := parseStream("hashtag", "#go", "")
	if a.key() != b.key() {
		t.Error("#Go and #go should be one subscription")
	}
}
