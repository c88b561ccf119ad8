package main

import (
	"strings"
	"testing"
)

func TestAdminCreateGroup(t *testing.T) {
	vars := map[string]string{"GUILDHALL_DB": tempDB(t), "GUILDHALL_HOST": "council.test"}
	code, _, _ := runCLI(t, vars, "a long enough password\n", "admin", "create-user", "--username", "ann",
		"--email", "ann@council.test", "--password", "-")
	if code != exitOK {
		t.Fatal("create-user failed")
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"display name required", []string{"--name", "web_managers"}, exitUsage, "", "--display-name is required"},
		{"bad membership", []string{"--name", "web_managers", "--display-name", "Web managers", "--membership", "closed"}, exitUsage, "", "--membership must be open, approval or invite"},
		{"bad reach", []string{"--name", "web_managers", "--display-name", "Web managers", "--reach", "world"}, exitUsage, "", "--reach must be federated, internal or partners"},
		{"bad handle", []string{"--name", "web managers", "--display-name", "Web managers"}, exitFailure, "", "username"},
		{"unknown owner", []string{"--name", "web_managers", "--display-name", "Web managers", "--owner", "nobody"}, exitFailure, "", `no local user named "nobody"`},
		{"created", []string{"--name", "web_managers", "--display-name", "Web managers", "--description", "For web teams",
			"--membership", "approval", "--reach", "partners", "--owner", "ann"}, exitOK, "https://council.test/users/web_managers\n", ""},
		{"handle taken", []string{"--name", "Web_Managers", "--display-name", "Again"}, exitFailure, "", "taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, vars, "", append([]string{"admin", "create-group"}, tc.args...)...)
			if code != tc.code || (tc.stdout != "" && out != tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d, out %q, err %q; want exit %d, out %q, err containing %q", code, out, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}

	code, _, stderr := runCLI(t, vars, "", "admin", "partner", "add", "Council-B.example")
	if code != exitOK {
		t.Fatalf("partner add: exit %d, %q", code, stderr)
	}
	code, out, _ := runCLI(t, vars, "", "admin", "partner", "list")
	if code != exitOK || out != "council-b.example\n" {
		t.Fatalf("partner list: exit %d, %q", code, out)
	}
}
