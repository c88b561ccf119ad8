package activitypub

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestErrorSaysItOnce(t *testing.T) {
	deep := E("storage.ActorByID", NotFound, "actor not found")
	tests := []struct {
		name string
		err  error
		want string
		kind Kind
		msg  string
	}{
		{"three deep", Wrap("activitypub.Follow", Wrap("activitypub.lookup", deep)),
			"activitypub.Follow: activitypub.lookup: storage.ActorByID: actor not found", NotFound, "actor not found"},
		{"through fmt", Wrap("activitypub.Follow", fmt.Errorf("loading: %w", deep)),
			"activitypub.Follow: loading: storage.ActorByID: actor not found", NotFound, "actor not found"},
		{"new message", &Error{Op: "activitypub.Follow", Kind: Forbidden, Msg: "blocked", Err: deep},
			"activitypub.Follow: blocked: storage.ActorByID: actor not found", Forbidden, "blocked"},
		{"same message restated", &Error{Op: "activitypub.Follow", Kind: NotFound, Msg: "actor not found", Err: deep},
			"activitypub.Follow: storage.ActorByID: actor not found", NotFound, "actor not found"},
		{"internal cause", Wrap("activitypub.Follow", Wrap("activitypub.lookup", io.ErrUnexpectedEOF)),
			"activitypub.Follow: activitypub.lookup: unexpected EOF", Other, ""},
		{"kind only", &Error{Op: "activitypub.Follow", Kind: Gone}, "activitypub.Follow: gone", Gone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if got := KindOf(tt.err); got != tt.kind {
				t.Errorf("KindOf = %v, want %v", got, tt.kind)
			}
			if got := Message(tt.err); got != tt.msg {
				t.Errorf("Message = %q, want %q", got, tt.msg)
			}
		})
	}
	chain := Wrap("activitypub.Follow", Wrap("activitypub.lookup", deep))
	if !errors.Is(chain, deep) {
		t.Error("errors.Is lost the cause")
	}
	if !errors.Is(Wrap("a", Wrap("b", io.ErrUnexpectedEOF)), io.ErrUnexpectedEOF) {
		t.Error("errors.Is lost a non-domain cause")
	}
	if Wrap("a", nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
}
