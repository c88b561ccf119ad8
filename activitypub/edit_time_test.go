package activitypub

import (
	"testing"
	"time"
)

// Peers read `updated` at second precision: an edit stamped within the second of publication or
// of the previous edit would reach them as no edit at all (TestIdeaAcrossInstances lost a
// status change this way), so the stamp moves to the next second.
func TestNextEditTime(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ptr := func(v time.Time) *time.Time { return &v }
	for _, tc := range []struct {
		name    string
		now     string
		created string
		edited  *time.Time
		want    string
	}{
		{"long after publication", "2026-12-04T10:00:05.5Z", "2026-12-04T10:00:00Z", nil, "2026-12-04T10:00:05.5Z"},
		{"same second as publication", "2026-12-04T10:00:00.7Z", "2026-12-04T10:00:00.2Z", nil, "2026-12-04T10:00:01Z"},
		{"same second as the last edit", "2026-12-04T10:00:09.9Z", "2026-12-04T10:00:00Z", ptr(at("2026-12-04T10:00:09.1Z")), "2026-12-04T10:00:10Z"},
		{"last edit pushed ahead of the clock", "2026-12-04T10:00:09.9Z", "2026-12-04T10:00:00Z", ptr(at("2026-12-04T10:00:10Z")), "2026-12-04T10:00:11Z"},
		{"a second after the last edit", "2026-12-04T10:00:11.2Z", "2026-12-04T10:00:00Z", ptr(at("2026-12-04T10:00:10.9Z")), "2026-12-04T10:00:11.2Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := at(tc.now)
			s := &Service{now: func() time.Time { return now }}
			got := s.NextEditTime(&Status{CreatedAt: at(tc.created), EditedAt: tc.edited})
			if !got.Equal(at(tc.want)) {
				t.Fatalf("NextEditTime = %s, want %s", got.Format(time.RFC3339Nano), tc.want)
			}
		})
	}
}
