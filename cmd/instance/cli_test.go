package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEnv is an environment for run; tests never read the real one.
func fakeEnv(vars map[string]string) env {
	return env{func(k string) (string, bool) { v, ok := vars[k]; return v, ok }}
}

func runCLI(t *testing.T, vars map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, fakeEnv(vars), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func tempDB(t *testing.T) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "g.db")
}

func TestBadConfigurationIsRefusedWithTheFlagNamed(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"host with scheme", nil, []string{"migrate", "--host", "https://council.example"}, "--host"},
		{"host with path", nil, []string{"migrate", "--host", "council.example/x"}, "--host"},
		{"host with bad port", nil, []string{"migrate", "--host", "council.example:99999"}, "--host"},
		{"listen without port", nil, []string{"migrate", "--listen", "127.0.0.1"}, "--listen"},
		{"unknown db scheme", nil, []string{"migrate", "--db", "mysql://x"}, "--db"},
		{"empty sqlite path", nil, []string{"migrate", "--db", "sqlite:"}, "--db"},
		{"bad env host", map[string]string{"GUILDHALL_HOST": "a b"}, []string{"migrate"}, "GUILDHALL_HOST"},
		{"bad env boolean", map[string]string{"GUILDHALL_INSECURE_HTTP": "perhaps"}, []string{"migrate"}, "--insecure-http"},
		{"bad log level", nil, []string{"serve", "--log-level", "loud"}, "--log-level"},
		{"media store not s3", nil, []string{"migrate", "--media-store", "https://bucket"}, "--media-store"},
		{"media store credentials in URL", map[string]string{"GUILDHALL_MEDIA_STORE": "s3://k:s@bucket"}, []string{"migrate"}, "AWS_ACCESS_KEY_ID"},
		{"bad env lease", map[string]string{"GUILDHALL_DELIVERY_LEASE": "soon"}, []string{"migrate"}, "--delivery-lease"},
		{"lease too short", nil, []string{"migrate", "--delivery-lease", "1ms"}, "--delivery-lease"},
		{"unknown flag", nil, []string{"serve", "--colour"}, "colour"},
		{"unknown command", nil, []string{"launch"}, `unknown command "launch"`},
		{"stray argument", nil, []string{"migrate", "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.vars, "", tc.args...)
			if code != exitUsage {
				t.Fatalf("exit code = %d, want %d (stderr %q)", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Fatalf("stderr %q does not name %q", stderr, tc.want)
			}
		})
	}
}

func TestFlagBeatsEnvironment(t *testing.T) {
	db := tempDB(t)
	// The environment names a bad host; the flag overrides it, so the command succeeds.
	code, out, stderr := runCLI(t, map[string]string{"GUILDHALL_HOST": "bad host", "GUILDHALL_DB": db}, "",
		"migrate", "--host", "council.test")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "schema version") {
		t.Fatalf("migrate printed %q", out)
	}
}

func TestAdminCommands(t *testing.T) {
	db := tempDB(t)
	vars := map[string]string{"GUILDHALL_DB": db, "GUILDHALL_HOST": "council.test"}

	code, _, stderr := runCLI(t, vars, "", "admin", "create-user", "--username", "ann", "--email", "ann@council.test")
	if code != exitUsage || !strings.Contains(stderr, "--password is required") {
		t.Fatalf("missing password: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, vars, "", "admin", "create-user", "--username", "ann", "--email", "ann@council.test", "--password", "short")
	if code != exitFailure || !strings.Contains(stderr, "at least 10 characters") {
		t.Fatalf("short password: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, vars, "", "admin", "create-user", "--username", "bad name", "--email", "x@council.test", "--password", "long enough password")
	if code != exitFailure || !strings.Contains(stderr, "username") {
		t.Fatalf("bad username: exit %d, %q", code, stderr)
	}
	// The refused attempts left no account behind: the token command cannot find ann.
	code, _, stderr = runCLI(t, vars, "", "admin", "token", "--username", "ann")
	if code != exitFailure || !strings.Contains(stderr, `no local user named "ann"`) {
		t.Fatalf("token for missing user: exit %d, %q", code, stderr)
	}

	code, out, stderr := runCLI(t, vars, "a long enough password\n", "admin", "create-user", "--username", "Ann", "--email", "ann@council.test", "--password", "-", "--admin")
	if code != exitOK || !strings.Contains(out, "created administrator @Ann@council.test") {
		t.Fatalf("create admin: exit %d, out %q, err %q", code, out, stderr)
	}
	code, _, stderr = runCLI(t, vars, "", "admin", "create-user", "--username", "ANN", "--email", "other@council.test", "--password", "a long enough password")
	if code != exitFailure || !strings.Contains(stderr, "taken") {
		t.Fatalf("duplicate username differing in case: exit %d, %q", code, stderr)
	}

	code, _, stderr = runCLI(t, vars, "", "admin", "token", "--username", "ann", "--scopes", "read wrote")
	if code != exitFailure || !strings.Contains(stderr, "unknown scope wrote") {
		t.Fatalf("bad scope: exit %d, %q", code, stderr)
	}
	code, out, stderr = runCLI(t, vars, "", "admin", "token", "--username", "ann")
	token := strings.TrimSpace(out)
	if code != exitOK || len(token) < 40 {
		t.Fatalf("token: exit %d, out %q, err %q", code, out, stderr)
	}
	_, out2, _ := runCLI(t, vars, "", "admin", "token", "--username", "ann")
	if strings.TrimSpace(out2) == token {
		t.Fatal("two token requests returned the same secret")
	}
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := runCLI(t, nil, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "guildhall ") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, out, _ = runCLI(t, nil, "", "help")
	for _, want := range []string{"--host", "GUILDHALL_HOST", "--listen", "--db", "--insecure-http", "--allow-private-networks", "admin create-user", "admin token"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("help does not mention %s", want)
		}
	}
}

// TestAdminReadsHostFromDatabase: admin commands take the host and scheme the database was created
// with, so an operator does not have to repeat the server's --host and --insecure-http; a flag or
// variable that disagrees is refused with exit 2 and says what the database holds.
func TestAdminReadsHostFromDatabase(t *testing.T) {
	db := tempDB(t)
	if code, _, stderr := runCLI(t, nil, "", "migrate", "--db", db, "--host", "council.test:8443", "--insecure-http"); code != exitOK {
		t.Fatalf("first migrate: %d %s", code, stderr)
	}
	tests := []struct {
		name   string
		vars   map[string]string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "no host flag: recorded host and scheme", args: []string{"admin", "create-user", "--db", db,
			"--username", "ann", "--email", "ann@council.test", "--password", "a long enough password"},
			code: exitOK, stdout: "@ann@council.test"},
		{name: "same host given", args: []string{"admin", "token", "--db", db, "--username", "ann", "--host", "council.test:8443", "--insecure-http"},
			code: exitOK},
		{name: "host only, scheme from the database", args: []string{"admin", "token", "--db", db, "--username", "ann", "--host", "council.test:8443"},
			code: exitOK},
		{name: "other host flag", args: []string{"admin", "token", "--db", db, "--username", "ann", "--host", "other.test"},
			code: exitUsage, stderr: "--host other.test disagrees with the database, which belongs to the instance at http://council.test:8443"},
		{name: "other host in the environment", vars: map[string]string{"GUILDHALL_HOST": "council.test"},
			args: []string{"admin", "domain", "list", "--db", db},
			code: exitUsage, stderr: "--host council.test disagrees"},
		{name: "scheme flag disagrees", args: []string{"admin", "federation-mode", "--db", db, "--insecure-http=false"},
			code: exitUsage, stderr: "--insecure-http=false gives https://council.test:8443, but the database belongs to the instance at http://council.test:8443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.vars, "", tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, stdout, tt.stdout, stderr, tt.stderr)
			}
		})
	}
	// The account made without --host lives under the recorded host: its token works and names it.
	code, out, stderr := runCLI(t, nil, "", "admin", "token", "--db", db, "--username", "ann")
	if code != exitOK || len(strings.TrimSpace(out)) < 40 {
		t.Fatalf("token: exit %d %q %q", code, out, stderr)
	}
}

// TestAdminOnNewDatabaseRecordsHost: on a database nothing has opened yet, the flags decide and are
// recorded, so the next command without them agrees.
func TestAdminOnNewDatabaseRecordsHost(t *testing.T) {
	db := tempDB(t)
	code, _, stderr := runCLI(t, nil, "", "admin", "federation-mode", "--db", db, "--host", "fresh.test")
	if code != exitOK {
		t.Fatalf("first admin command: exit %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "", "admin", "domain", "list", "--db", db, "--host", "localhost:8080")
	if code != exitUsage || !strings.Contains(stderr, "belongs to the instance at https://fresh.test") {
		t.Fatalf("second command with another host: exit %d %q", code, stderr)
	}
}
