// Package contenttest states the output contract of rendered and sanitised post HTML independently
// of the production allowlists, so tests of the sanitiser (federation/content) and of the local
// renderer (adapters/markdown) check against one statement of it.
package contenttest

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// allowedAttrs is the test's independent statement of the output contract:
// which attributes may appear on which element. It deliberately does not
// reuse the production tables, so a mistake there shows up here.
var allowedAttrs = map[string]map[string]bool{
	"p": {"lang": true, "class": true}, "br": {"lang": true},
	"span": {"lang": true, "class": true, "translate": true},
	"a":    {"lang": true, "href": true, "rel": true, "class": true, "translate": true, "target": true},
	"del":  {"lang": true}, "s": {"lang": true}, "pre": {"lang": true},
	"blockquote": {"lang": true}, "code": {"lang": true}, "b": {"lang": true},
	"strong": {"lang": true}, "u": {"lang": true}, "i": {"lang": true},
	"em": {"lang": true}, "ul": {"lang": true}, "ol": {"lang": true, "start": true, "reversed": true},
	"li": {"lang": true, "value": true}, "ruby": {"lang": true}, "rt": {"lang": true}, "rp": {"lang": true},
}

var allowedSchemes = map[string]bool{
	"http": true, "https": true, "mailto": true, "dat": true, "dweb": true, "ipfs": true,
	"ipns": true, "ssb": true, "gopher": true, "xmpp": true, "magnet": true, "gemini": true,
}

// CheckSafeHTML parses out the way a browser would (full HTML5 tree
// construction, so parser differentials show up) and reports the first
// element, attribute or URL outside the contract. The raw-string checks
// catch what tree construction would hide.
func CheckSafeHTML(out string) error {
	if strings.Contains(strings.ToLower(out), "<script") {
		return fmt.Errorf("output contains <script: %q", out)
	}
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return fmt.Errorf("reparse output: %w", err)
	}
	var walk func(n *html.Node) error
	walk = func(n *html.Node) error {
		switch n.Type {
		case html.CommentNode, html.DoctypeNode:
			return fmt.Errorf("output contains %v node: %q", n.Type, out)
		case html.ElementNode:
			if err := checkElement(n); err != nil {
				return fmt.Errorf("%w in %q", err, out)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(doc)
}

func checkElement(n *html.Node) error {
	if n.Namespace != "" {
		return fmt.Errorf("foreign element %s:%s", n.Namespace, n.Data)
	}
	switch n.Data {
	case "html", "head", "body": // synthesised by html.Parse
		return nil
	}
	attrs, ok := allowedAttrs[n.Data]
	if !ok {
		return fmt.Errorf("element <%s> not allowed", n.Data)
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if strings.HasPrefix(key, "on") || !attrs[key] {
			return fmt.Errorf("attribute %s on <%s> not allowed", a.Key, n.Data)
		}
		if squashed := squash(a.Val); strings.Contains(squashed, "javascript:") ||
			strings.Contains(squashed, "vbscript:") || strings.Contains(squashed, "data:") {
			return fmt.Errorf("script-capable URL in %s=%q", a.Key, a.Val)
		}
		if key == "href" {
			u, err := url.Parse(a.Val)
			if err != nil || !allowedSchemes[u.Scheme] {
				return fmt.Errorf("href %q has a disallowed scheme", a.Val)
			}
		}
		if key == "target" && a.Val != "_blank" {
			return fmt.Errorf("target=%q", a.Val)
		}
	}
	return nil
}

// squash lower-cases s and removes the whitespace and control characters
// that browsers strip from URLs, so "java\tscript:" is caught.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}
