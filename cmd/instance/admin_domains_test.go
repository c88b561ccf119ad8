package main

import (
	"strings"
	"testing"
)

func TestAdminDomainCommands(t *testing.T) {
	vars := map[string]string{"GUILDHALL_DB": tempDB(t), "GUILDHALL_HOST": "council.test"}
	// Each step runs in order on the same database: a policy round trip, then the refusals.
	steps := []struct {
		name string
		args []string
		code int
		out  []string // substrings of stdout
		err  string   // substring of stderr
	}{
		{"empty list", []string{"admin", "domain", "list"}, exitOK,
			[]string{"federation mode: blocklist", "no domain policies"}, ""},
		{"block with the reason after", []string{"admin", "domain", "block", "Spam.Example.", "--reason", "spam waves"}, exitOK,
			[]string{"blocked spam.example and its subdomains"}, ""},
		{"allow with the flag first", []string{"admin", "domain", "allow", "--reason", "neighbour", "partner.example:443"}, exitOK,
			[]string{"allowed partner.example", "federation mode is blocklist"}, ""},
		{"list both", []string{"admin", "domain", "list"}, exitOK,
			[]string{"partner.example", "allow", "neighbour", "spam.example", "block", "spam waves"}, ""},
		{"switch to allowlist", []string{"admin", "federation-mode", "allowlist"}, exitOK,
			[]string{"federation mode: allowlist"}, ""},
		{"show the mode", []string{"admin", "federation-mode"}, exitOK,
			[]string{"federation mode: allowlist"}, ""},
		{"allow in allowlist mode says nothing more", []string{"admin", "domain", "allow", "other.example"}, exitOK,
			[]string{"allowed other.example"}, ""},
		{"remove", []string{"admin", "domain", "remove", "spam.example"}, exitOK,
			[]string{"removed the policy for spam.example"}, ""},
		{"list after remove", []string{"admin", "domain", "list"}, exitOK,
			[]string{"federation mode: allowlist", "other.example", "partner.example"}, ""},

		{"remove unknown", []string{"admin", "domain", "remove", "spam.example"}, exitFailure, nil, "has no domain policy"},
		{"block our own domain", []string{"admin", "domain", "block", "council.test"}, exitFailure, nil, "own domain"},
		{"non-ASCII domain", []string{"admin", "domain", "block", "exämple.org"}, exitFailure, nil, "xn--"},
		{"no domain", []string{"admin", "domain", "block"}, exitUsage, nil, "exactly one DOMAIN"},
		{"two domains", []string{"admin", "domain", "allow", "a.example", "b.example"}, exitUsage, nil, "exactly one DOMAIN"},
		{"remove takes no reason", []string{"admin", "domain", "remove", "a.example", "--reason", "x"}, exitUsage, nil, "reason"},
		{"unknown domain subcommand", []string{"admin", "domain", "purge", "a.example"}, exitUsage, nil, `unknown admin domain subcommand "purge"`},
		{"no domain subcommand", []string{"admin", "domain"}, exitUsage, nil, "block, allow, remove or list"},
		{"unknown mode", []string{"admin", "federation-mode", "open"}, exitUsage, nil, `unknown federation mode "open"`},
		{"unknown admin subcommand", []string{"admin", "domains"}, exitUsage, nil, "domain or federation-mode"},
	}
	for _, s := range steps {
		code, out, stderr := runCLI(t, vars, "", s.args...)
		if code != s.code {
			t.Fatalf("%s: exit %d, want %d (stdout %q, stderr %q)", s.name, code, s.code, out, stderr)
		}
		for _, want := range s.out {
			if !strings.Contains(out, want) {
				t.Errorf("%s: stdout %q lacks %q", s.name, out, want)
			}
		}
		if s.err != "" && !strings.Contains(stderr, s.err) {
			t.Errorf("%s: stderr %q lacks %q", s.name, stderr, s.err)
		}
		if s.code == exitOK && stderr != "" {
			t.Errorf("%s: unexpected stderr %q", s.name, stderr)
		}
	}
	// "allow in allowlist mode" must not carry the blocklist note.
	_, out, _ := runCLI(t, vars, "", "admin", "domain", "allow", "third.example")
	if strings.Contains(out, "note:") {
		t.Errorf("allow in allowlist mode printed %q", out)
	}
}

func TestUsageListsDomainCommands(t *testing.T) {
	_, out, _ := runCLI(t, nil, "", "help")
	for _, want := range []string{"admin domain block DOMAIN", "admin domain allow DOMAIN", "admin domain remove DOMAIN",
		"admin domain list", "admin federation-mode"} {
		if !strings.Contains(out, want) {
			t.Errorf("usage lacks %q", want)
		}
	}
}
