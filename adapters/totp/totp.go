// Package totp implements the domain's one-time-password port with github.com/pquerna/otp
// (RFC 6238: SHA-1, six digits, 30-second steps, as every authenticator app reads them).
package totp

import (
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/guildhall/guildhall/activitypub/accounts"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const period = 30

var opts = totp.ValidateOpts{Period: period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTP is stateless; the domain keeps each secret and the last step used.
type TOTP struct{}

var _ accounts.TOTP = TOTP{}

// NewSecret makes a 160-bit secret and its otpauth:// URL.
func (TOTP) NewSecret(issuer, account string) (string, string, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: period,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", fmt.Errorf("totp: generate: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// Check compares code with the codes of the step at at and of the steps either side, and returns
// the step that matched, so the caller can refuse it next time. The library's Validate does not
// say which step matched, which replay protection needs, hence one comparison per step here.
func (TOTP) Check(secret, code string, at time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	now := at.Unix() / period
	for _, step := range []int64{now, now - 1, now + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*period, 0).UTC(), opts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// Code returns the code for at: for tests, which play the authenticator app.
func Code(secret string, at time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, at, opts)
}
