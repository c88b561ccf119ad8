package guildhall_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection enforces the one-way rule of the design card: arrows only point down.
// activitypub imports the standard library only; siblings never import each other; storage
// knows nothing of the wire or the UI. Direct imports are checked per package, which enforces the
// rule transitively. Test-helper packages (…test) may reach across, as tests wire real parts.
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	problems, checked := violations(strings.Split(strings.TrimSpace(string(out)), "\n"))
	for _, p := range problems {
		t.Error(p)
	}
	if checked == 0 {
		t.Fatal("no imports were checked: the package list is empty or the module path changed")
	}
}

// TestDependencyRuleCatchesViolations shows the checker is not blind.
func TestDependencyRuleCatchesViolations(t *testing.T) {
	const m = "github.com/guildhall/guildhall/"
	lines := []string{
		m + "activitypub net/http github.com/jmoiron/sqlx",
		m + "ui/web " + m + "ui/mastoapi " + m + "activitypub",
		m + "storage/storagetest " + m + "federation",
		m + "federation/inbox " + m + "activitypub",
	}
	problems, _ := violations(lines)
	if len(problems) != 2 {
		t.Fatalf("want 2 violations (domain imports sqlx, web imports mastoapi), got %q", problems)
	}
}

const module = "github.com/guildhall/guildhall/"

var forbidden = map[string][]string{
	"storage":     {"federation", "ui", "cmd"},
	"federation":  {"storage", "ui", "cmd"},
	"ui/web":      {"federation", "storage", "ui/mastoapi", "cmd"},
	"ui/mastoapi": {"federation", "storage", "ui/web", "cmd"},
	"ui/password": {"federation", "storage", "ui/web", "ui/mastoapi", "cmd"},
}

// violations checks `go list` lines of "package import import…" against the rules.
func violations(lines []string) (problems []string, checked int) {
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg, imports := strings.TrimPrefix(fields[0], module), fields[1:]
		if strings.HasSuffix(pkg, "test") {
			continue
		}
		for _, imp := range imports {
			if pkg == "activitypub" || strings.HasPrefix(pkg, "activitypub/") {
				checked++
				// Area packages (activitypub/groups…) build on the kernel, and only on it.
				if pkg != "activitypub" && (imp == module+"activitypub" || strings.HasPrefix(imp, module+"activitypub/")) {
					continue
				}
				if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
					problems = append(problems, pkg+" imports "+imp+"; the domain may use the standard library only")
				}
				continue
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			for layer, bans := range forbidden {
				if pkg != layer && !strings.HasPrefix(pkg, layer+"/") {
					continue
				}
				checked++
				for _, ban := range bans {
					if dep == ban || strings.HasPrefix(dep, ban+"/") {
						problems = append(problems, pkg+" imports "+dep+"; "+layer+" must not depend on "+ban)
					}
				}
			}
		}
	}
	return problems, checked
}
