package mastoapi

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestParamsEncodings: one decoder gives the same parameters for JSON, form and multipart bodies.
func TestParamsEncodings(t *testing.T) {
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for _, kv := range [][2]string{{"status", "hi"}, {"media_ids[]", "1"}, {"media_ids[]", "2"}, {"home[last_read_id]", "9"},
		{"fields_attributes[1][name]", "b"}, {"fields_attributes[0][name]", "a"}, {"fields_attributes[0][value]", "x"}, {"sensitive", "true"}} {
		_ = mw.WriteField(kv[0], kv[1])
	}
	_ = mw.Close()
	cases := []struct{ name, ct, body string }{
		{"json", "application/json", `{"status":"hi","media_ids":["1","2"],"home":{"last_read_id":"9"},"sensitive":true,
			"fields_attributes":[{"name":"a","value":"x"},{"name":"b"}],"unknown":{"deep":[1,2]}}`},
		{"form", "application/x-www-form-urlencoded", "status=hi&media_ids[]=1&media_ids[]=2&home[last_read_id]=9&sensitive=1" +
			"&fields_attributes[0][name]=a&fields_attributes[0][value]=x&fields_attributes[1][name]=b&unknown=1"},
		{"multipart", mw.FormDataContentType(), mp.String()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/statuses?limit=5", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.ct)
			p, err := parseParams(r)
			if err != nil {
				t.Fatal(err)
			}
			if p.str("status") != "hi" || p.integer("limit", 0) != 5 || !p.boolean("sensitive") || p.str("home[last_read_id]") != "9" {
				t.Fatalf("params = %v", p.v)
			}
			if ids := p.strs("media_ids"); len(ids) != 2 || ids[0] != "1" || ids[1] != "2" {
				t.Fatalf("media_ids = %v", ids)
			}
			rows := p.indexed("fields_attributes")
			if len(rows) != 2 || rows[0]["name"] != "a" || rows[0]["value"] != "x" || rows[1]["name"] != "b" {
				t.Fatalf("fields = %v", rows)
			}
		})
	}
	for _, bad := range []string{`{"a":`, `[1,2]`} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(bad))
		r.Header.Set("Content-Type", "application/json")
		if _, err := parseParams(r); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}

func TestScopeTable(t *testing.T) {
	h := &Handler{}
	seen := map[string]bool{}
	for _, rt := range h.routes() {
		key := rt.method + " " + rt.path
		if seen[key] {
			t.Errorf("route %s listed twice", key)
		}
		seen[key] = true
		if rt.method != "GET" && rt.auth == user && !strings.HasPrefix(rt.scope, "write") {
			t.Errorf("%s changes state without a write scope (%q)", key, rt.scope)
		}
	}
}
