package mastoapi

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/guildhall/guildhall/activitypub"
)

// maxBody bounds request bodies other than media (which another handler owns).
const maxBody = 1 << 20

// maxMultipartBody bounds multipart bodies (update_credentials with an avatar and a header).
const maxMultipartBody = 2*activitypub.DefaultMaxImageBytes + 1<<20

// params is a request's parameters from the query string and the body, whatever its encoding,
// flattened to Rails-style keys: JSON {"home":{"last_read_id":"1"}} and the form field
// home[last_read_id]=1 both become "home[last_read_id]"; "media_ids[]" and a JSON array both
// become several values of "media_ids". Unknown parameters are simply never read.
type params struct {
	v     url.Values
	files map[string]bool
}

// parseParams reads the query string and then the body (JSON, form or multipart); body values
// come after query values, and single-value accessors take the last one, so the body wins.
func parseParams(r *http.Request) (*params, error) {
	p := &params{v: url.Values{}, files: map[string]bool{}}
	for k, vs := range r.URL.Query() {
		p.add(k, vs...)
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return nil, errStatus(http.StatusBadRequest, "could not read the request body")
		}
		if len(body) > maxBody {
			return nil, errStatus(http.StatusRequestEntityTooLarge, "request body too large")
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return p, nil
		}
		var doc any
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return nil, errStatus(http.StatusBadRequest, "the JSON body could not be parsed")
		}
		obj, ok := doc.(map[string]any)
		if !ok {
			return nil, errStatus(http.StatusBadRequest, "the JSON body must be an object")
		}
		for k, v := range obj {
			p.flatten(k, v)
		}
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, errStatus(http.StatusRequestEntityTooLarge, "request body too large")
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errStatus(http.StatusBadRequest, "the form body could not be parsed")
		}
		for k, vs := range form {
			p.add(k, vs...)
		}
	case "multipart/form-data":
		// Profile images ride in multipart bodies; anything larger than the media limit plus
		// form overhead is refused before it reaches the disk.
		r.Body = http.MaxBytesReader(nil, r.Body, maxMultipartBody)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, errStatus(http.StatusBadRequest, "the multipart body could not be parsed")
		}
		for k, vs := range r.MultipartForm.Value {
			p.add(k, vs...)
		}
		for k := range r.MultipartForm.File {
			p.files[strings.TrimSuffix(k, "[]")] = true
		}
	}
	return p, nil
}

func (p *params) add(k string, vs ...string) {
	k = strings.TrimSuffix(k, "[]")
	p.v[k] = append(p.v[k], vs...)
}

// flatten turns a JSON value into Rails-style keys.
func (p *params) flatten(k string, v any) {
	switch x := v.(type) {
	case nil:
	case map[string]any:
		for kk, vv := range x {
			p.flatten(k+"["+kk+"]", vv)
		}
	case []any:
		for i, vv := range x {
			switch vv.(type) {
			case map[string]any, []any:
				p.flatten(fmt.Sprintf("%s[%d]", k, i), vv)
			default:
				p.flatten(k, vv)
			}
		}
		if len(x) == 0 {
			p.v[k] = append(p.v[k], []string{}...)
		}
	case string:
		p.add(k, x)
	case bool:
		p.add(k, strconv.FormatBool(x))
	case json.Number:
		p.add(k, x.String())
	default:
		p.add(k, fmt.Sprint(x))
	}
}

// has reports whether the parameter was sent at all (even empty).
func (p *params) has(k string) bool { _, ok := p.v[k]; return ok }

// str returns the last value of k, or "".
func (p *params) str(k string) string {
	vs := p.v[k]
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

// strPtr returns the value of k when it was sent, else nil.
func (p *params) strPtr(k string) *string {
	if !p.has(k) {
		return nil
	}
	s := p.str(k)
	return &s
}

// strs returns every value of k (k[]=a&k[]=b, a JSON array, or repeated keys).
func (p *params) strs(k string) []string {
	var out []string
	for _, v := range p.v[k] {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// boolean reads Rails' truthy values; absent or unparseable is false.
func (p *params) boolean(k string) bool {
	switch strings.ToLower(strings.TrimSpace(p.str(k))) {
	case "true", "1", "t", "on", "yes":
		return true
	}
	return false
}

// boolPtr returns the value of k when it was sent, else nil.
func (p *params) boolPtr(k string) *bool {
	if !p.has(k) {
		return nil
	}
	b := p.boolean(k)
	return &b
}

// integer returns k as an int, or def when absent or malformed.
func (p *params) integer(k string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(p.str(k)))
	if err != nil {
		return def
	}
	return n
}

// indexed returns the rows of prefix[N][field] (Rails nested attributes), ordered by N.
func (p *params) indexed(prefix string) []map[string]string {
	rows := map[int]map[string]string{}
	for k, vs := range p.v {
		rest, ok := strings.CutPrefix(k, prefix+"[")
		if !ok {
			continue
		}
		idx, field, ok := strings.Cut(rest, "][")
		if !ok || !strings.HasSuffix(field, "]") {
			continue
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || n > 100 {
			continue
		}
		if rows[n] == nil {
			rows[n] = map[string]string{}
		}
		if len(vs) > 0 {
			rows[n][strings.TrimSuffix(field, "]")] = vs[len(vs)-1]
		}
	}
	keys := make([]int, 0, len(rows))
	for n := range rows {
		keys = append(keys, n)
	}
	sort.Ints(keys)
	out := make([]map[string]string, 0, len(keys))
	for _, n := range keys {
		out = append(out, rows[n])
	}
	return out
}

// file reports whether a file was uploaded under k.
func (p *params) file(k string) bool { return p.files[k] }
