package as2_test

import (
	"context"
	"testing"

	"github.com/guildhall/guildhall/federation/as2"
)

// XSS-07: a custom emoji is kept only with a plain shortcode and an http(s) image; anything else
// is dropped from the tags, so no template or client ever sees it.
func TestParseEmojiRefusals(t *testing.T) {
	emoji := func(name string, icon any) map[string]any {
		m := map[string]any{"id": "https://a.example/emoji/1", "type": "Emoji", "name": name}
		if icon != nil {
			m["icon"] = icon
		}
		return m
	}
	img := func(u string) map[string]any { return map[string]any{"type": "Image", "url": u} }
	tests := []struct {
		name string
		tag  map[string]any
		keep bool
	}{
		{"plain shortcode", emoji(":blobcat:", img("https://a.example/e.png")), true},
		{"markup in the shortcode", emoji(`:x"><img src=x onerror=1>:`, img("https://a.example/e.png")), false},
		{"space in the shortcode", emoji(":a b:", img("https://a.example/e.png")), false},
		{"no colons", emoji("blobcat", img("https://a.example/e.png")), false},
		{"javascript icon", emoji(":x:", img("javascript:alert(1)")), false},
		{"data icon", emoji(":x:", img("data:image/png;base64,AAAA")), false},
		{"file icon", emoji(":x:", img("file:///etc/passwd")), false},
		{"no icon", emoji(":x:", nil), false},
		{"null icon", emoji(":x:", map[string]any{"type": "Image", "url": nil}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := as2.ParseObject(context.Background(), map[string]any{"id": "https://a.example/n/1", "type": "Note",
				"attributedTo": "https://a.example/u/1", "content": "hi", "tag": []any{tt.tag}})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(o.Tags) == 1; got != tt.keep {
				t.Fatalf("kept = %v, want %v (%+v)", got, tt.keep, o.Tags)
			}
		})
	}
}
