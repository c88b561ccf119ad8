package mastoapi_test

import (
	"slices"
	"testing"
)

type filterJSON struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Context      []string `json:"context"`
	ExpiresAt    *string  `json:"expires_at"`
	FilterAction string   `json:"filter_action"`
	Keywords     []struct {
		ID        string `json:"id"`
		Keyword   string `json:"keyword"`
		WholeWord bool   `json:"whole_word"`
	} `json:"keywords"`
	Statuses []any `json:"statuses"`
}

type filteredStatus struct {
	ID       string `json:"id"`
	Filtered []struct {
		Filter         filterJSON `json:"filter"`
		KeywordMatches []string   `json:"keyword_matches"`
	} `json:"filtered"`
}

func byID(sts []filteredStatus) map[string]filteredStatus {
	out := map[string]filteredStatus{}
	for _, s := range sts {
		out[s.ID] = s
	}
	return out
}

func TestFiltersV2(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		alice, bob := e.user("alice"), e.user("bob")
		e.follow(alice, bob)
		tok, bobTok := e.token(alice), e.token(bob)

		// A warn filter created as JSON (masto.js), whole word.
		var warn filterJSON
		e.call("POST", "/api/v2/filters", tok, jsonBody{"title": "Spoilers", "context": []string{"home", "thread"},
			"filter_action": "warn", "expires_in": 3600,
			"keywords_attributes": []any{map[string]any{"keyword": "spoiler", "whole_word": true}}}, 200, &warn)
		if warn.Title != "Spoilers" || !slices.Equal(warn.Context, []string{"home", "thread"}) || warn.ExpiresAt == nil ||
			len(warn.Keywords) != 1 || !warn.Keywords[0].WholeWord || warn.Statuses == nil {
			t.Fatalf("warn filter = %+v", warn)
		}
		// A hide filter created form-encoded (Tusky), substring match.
		var hide filterJSON
		e.call("POST", "/api/v2/filters", tok, formBody{"title": {"Finale"}, "context[]": {"home"}, "filter_action": {"hide"},
			"keywords_attributes[][keyword]": {"finale"}, "keywords_attributes[][whole_word]": {"false"}}, 200, &hide)
		if hide.FilterAction != "hide" || len(hide.Keywords) != 1 || hide.Keywords[0].WholeWord || hide.ExpiresAt != nil {
			t.Fatalf("hide filter = %+v", hide)
		}

		matching := e.post(bobTok, "Big SPOILER ahead")
		partial := e.post(bobTok, "spoilers are fine, whole word only")
		hidden := e.post(bobTok, "the semifinales tonight")
		plain := e.post(bobTok, "Bins on Tuesday")

		var home []filteredStatus
		e.call("GET", "/api/v1/timelines/home", tok, nil, 200, &home)
		got := byID(home)
		if _, found := got[hidden]; found {
			t.Fatal("a hide filter left the status in home")
		}
		m := got[matching]
		if len(m.Filtered) != 1 || m.Filtered[0].Filter.ID != warn.ID || !slices.Equal(m.Filtered[0].KeywordMatches, []string{"spoiler"}) {
			t.Fatalf("matching status = %+v", m)
		}
		for _, id := range []string{partial, plain} {
			if s, found := got[id]; !found || s.Filtered == nil || len(s.Filtered) != 0 {
				t.Fatalf("status %s = %+v (found %v)", id, s, found)
			}
		}
		// Contexts: the public timeline has neither filter, a single status has the thread one.
		var public []filteredStatus
		e.call("GET", "/api/v1/timelines/public", tok, nil, 200, &public)
		if pub := byID(public); len(pub[matching].Filtered) != 0 || pub[hidden].ID != hidden {
			t.Fatalf("public timeline = %+v", public)
		}
		var single filteredStatus
		e.call("GET", "/api/v1/statuses/"+matching, tok, nil, 200, &single)
		if len(single.Filtered) != 1 {
			t.Fatalf("single status = %+v", single)
		}
		// Bob's own view is not touched by alice's filters.
		var bobs []filteredStatus
		e.call("GET", "/api/v1/timelines/home", bobTok, nil, 200, &bobs)
		if len(byID(bobs)[matching].Filtered) != 0 || byID(bobs)[hidden].ID == "" {
			t.Fatalf("bob's home = %+v", bobs)
		}

		// Keywords: add, read, change, and destroy through keywords_attributes.
		var kw struct {
			ID, Keyword string
			WholeWord   bool `json:"whole_word"`
		}
		e.call("POST", "/api/v2/filters/"+warn.ID+"/keywords", tok, formBody{"keyword": {"ending"}, "whole_word": {"false"}}, 200, &kw)
		if kw.Keyword != "ending" || kw.WholeWord {
			t.Fatalf("added keyword = %+v", kw)
		}
		e.call("PUT", "/api/v2/filters/keywords/"+kw.ID, tok, jsonBody{"keyword": "epilogue"}, 200, &kw)
		e.call("GET", "/api/v2/filters/keywords/"+kw.ID, tok, nil, 200, &kw)
		if kw.Keyword != "epilogue" {
			t.Fatalf("keyword = %+v", kw)
		}
		var f filterJSON
		e.call("PUT", "/api/v2/filters/"+warn.ID, tok, jsonBody{"title": "Plot", "expires_in": "",
			"keywords_attributes": []any{map[string]any{"id": warn.Keywords[0].ID, "_destroy": true}, map[string]any{"keyword": "twist"}}}, 200, &f)
		if f.Title != "Plot" || f.ExpiresAt != nil || len(f.Keywords) != 2 || f.Keywords[0].Keyword != "epilogue" || f.Keywords[1].Keyword != "twist" {
			t.Fatalf("updated filter = %+v", f)
		}
		var kws []struct{ Keyword string }
		e.call("GET", "/api/v2/filters/"+warn.ID+"/keywords", tok, nil, 200, &kws)
		var sts []any
		e.call("GET", "/api/v2/filters/"+warn.ID+"/statuses", tok, nil, 200, &sts)
		if len(kws) != 2 || sts == nil || len(sts) != 0 {
			t.Fatalf("keywords = %+v, statuses = %v", kws, sts)
		}
		var v1 []struct {
			ID, Phrase   string
			Context      []string
			WholeWord    bool `json:"whole_word"`
			Irreversible bool
		}
		e.call("GET", "/api/v1/filters", tok, nil, 200, &v1)
		if len(v1) != 3 || v1[2].Phrase != "finale" || !v1[2].Irreversible || v1[0].Irreversible {
			t.Fatalf("v1 filters = %+v", v1)
		}

		// Refusals.
		malTok := e.token(e.user("mallory"))
		cases := []struct {
			name, method, path, token string
			body                      any
			want                      int
		}{
			{"bad context", "POST", "/api/v2/filters", tok, jsonBody{"title": "x", "context": []string{"everywhere"}}, 422},
			{"no context", "POST", "/api/v2/filters", tok, jsonBody{"title": "x"}, 422},
			{"bad action", "PUT", "/api/v2/filters/" + warn.ID, tok, jsonBody{"filter_action": "delete"}, 422},
			{"blank keyword", "POST", "/api/v2/filters/" + warn.ID + "/keywords", tok, jsonBody{"keyword": " "}, 422},
			{"another's filter", "GET", "/api/v2/filters/" + warn.ID, malTok, nil, 404},
			{"another's keyword", "DELETE", "/api/v2/filters/keywords/" + kw.ID, malTok, nil, 404},
			{"another's update", "PUT", "/api/v2/filters/" + warn.ID, malTok, jsonBody{"title": "mine"}, 404},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { e.call(c.method, c.path, c.token, c.body, c.want, nil) })
		}

		e.call("DELETE", "/api/v2/filters/keywords/"+kw.ID, tok, nil, 200, nil)
		e.call("DELETE", "/api/v2/filters/"+hide.ID, tok, nil, 200, nil)
		e.call("GET", "/api/v2/filters/"+hide.ID, tok, nil, 404, nil)
		e.call("GET", "/api/v1/timelines/home", tok, nil, 200, &home)
		if _, found := byID(home)[hidden]; !found {
			t.Fatal("the status is still hidden once its filter is deleted")
		}
	})
}
