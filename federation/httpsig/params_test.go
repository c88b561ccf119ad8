package httpsig

import (
	"maps"
	"testing"
)

func TestParseParams(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string // nil means an error is expected
	}{
		{`keyId="a",signature="b"`, map[string]string{"keyId": "a", "signature": "b"}},
		{`keyId="a" , created=1402170695,  signature="b=="`, map[string]string{"keyId": "a", "created": "1402170695", "signature": "b=="}},
		{`keyId="a\"b",signature="c"`, map[string]string{"keyId": `a"b`, "signature": "c"}},
		{`keyId="a,b",headers="x y"`, map[string]string{"keyId": "a,b", "headers": "x y"}},
		{``, nil},
		{`keyId`, nil},
		{`keyId=`, nil},
		{`keyId=""`, nil},
		{`keyId="a`, nil},
		{`keyId=https://x/a`, nil},
		{`keyId="a",`, nil},
		{`keyId="a" signature="b"`, nil},
		{`keyId="a",keyId="b"`, nil},
		{`="a"`, nil},
		{"keyId=\"a\nb\"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseParams(tc.in)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("parsed %v, want error", got)
				}
				return
			}
			if err != nil || !maps.Equal(got, tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
