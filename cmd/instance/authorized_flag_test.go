package main

import (
	"flag"
	"strings"
	"testing"
)

// --authorized-fetch and GUILDHALL_AUTHORIZED_FETCH reach the server's Config; the flag wins.
func TestAuthorizedFetchFlagAndEnvironment(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want bool
	}{
		{"off by default", nil, nil, false},
		{"flag", nil, []string{"--authorized-fetch"}, true},
		{"environment", map[string]string{"GUILDHALL_AUTHORIZED_FETCH": "true"}, nil, true},
		{"flag beats environment", map[string]string{"GUILDHALL_AUTHORIZED_FETCH": "true"}, []string{"--authorized-fetch=false"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			cfg, finish := configFlags(fs, fakeEnv(tc.vars))
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if _, err := finish(); err != nil {
				t.Fatal(err)
			}
			if cfg.AuthorizedFetch != tc.want {
				t.Fatalf("AuthorizedFetch = %v, want %v", cfg.AuthorizedFetch, tc.want)
			}
		})
	}
	_, out, _ := runCLI(t, nil, "", "help")
	if !strings.Contains(out, "--authorized-fetch") || !strings.Contains(out, "GUILDHALL_AUTHORIZED_FETCH") {
		t.Fatal("help does not list --authorized-fetch")
	}
}
