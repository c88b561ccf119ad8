package totp_test

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	gtotp "github.com/guildhall/guildhall/adapters/totp"
)

func TestCheck(t *testing.T) {
	var a gtotp.TOTP
	secret, url, err := a.NewSecret("council.test", "alice@council.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) < 32 || url == "" {
		t.Fatalf("secret %q url %q", secret, url)
	}
	at := time.Date(2026, 12, 4, 12, 0, 15, 0, time.UTC)
	step := at.Unix() / 30
	code, _ := totp.GenerateCode(secret, at) // the library's own, as an app computes it
	for _, tc := range []struct {
		name     string
		code     string
		at       time.Time
		ok       bool
		wantStep int64
	}{
		{"current", code, at, true, step},
		{"previous step, clock skew", code, at.Add(30 * time.Second), true, step},
		{"next step, clock skew", code, at.Add(-30 * time.Second), true, step},
		{"two steps late", code, at.Add(60 * time.Second), false, 0},
		{"wrong code", flip(code), at, false, 0},
		{"short", code[:5], at, false, 0},
		{"empty", "", at, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := a.Check(secret, tc.code, tc.at)
			if ok != tc.ok || got != tc.wantStep {
				t.Errorf("Check = %d, %v; want %d, %v", got, ok, tc.wantStep, tc.ok)
			}
		})
	}
}

func flip(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}
