package mastoapi_test

import (
	"strings"
	"testing"
)

// TestMarkdownPosts: staff may write Markdown (content_type, as Pleroma and GoToSocial accept it);
// the HTML is rendered and still sanitised, and plain text stays plain.
func TestMarkdownPosts(t *testing.T) {
	e := sqliteEnv(t)
	tok := e.token(e.user("ann"))
	tests := []struct {
		contentType string
		want, not   string
		status      int
	}{
		{"text/markdown", "<strong>budget</strong>", "**", 200},
		{"text/plain", "**budget**", "<strong>", 200},
		{"", "**budget**", "<strong>", 200},
		{"text/html", "", "", 422},
	}
	for _, tc := range tests {
		var st struct{ Content string }
		e.call("POST", "/api/v1/statuses", tok, jsonBody{"status": "the **budget** <script>x</script>", "content_type": tc.contentType}, tc.status, &st)
		if tc.status != 200 {
			continue
		}
		if !strings.Contains(st.Content, tc.want) || strings.Contains(st.Content, tc.not) || strings.Contains(st.Content, "<script") {
			t.Errorf("content_type %q: %s", tc.contentType, st.Content)
		}
	}
}
