package guildhall_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainAreas enforces the shape of the domain: the kernel (activitypub) never imports an
// area package (activitypub/<area>/…), and areas never import each other; an area that needs
// another declares a small interface and the server wires them. Test helpers (…test) are exempt.
func TestDomainAreas(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./activitypub/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], module+"activitypub") {
		t.Fatalf("go list found no domain packages: %q", out)
	}
	for _, p := range areaViolations(lines) {
		t.Error(p)
	}
	// The areas the README's architecture section names must be there to be checked: a rename
	// or a merge back into the kernel would otherwise pass silently.
	seen := map[string]bool{}
	for _, line := range lines {
		if area, ok := domainArea(strings.TrimPrefix(strings.Fields(line)[0], module)); ok {
			seen[area] = true
		}
	}
	for _, area := range []string{"accounts", "moderation", "groups", "preferences"} {
		if !seen[area] {
			t.Errorf("area activitypub/%s not found: update the README and this list together", area)
		}
	}
}

// TestDomainAreaRuleCatchesViolations shows the area checker is not blind.
func TestDomainAreaRuleCatchesViolations(t *testing.T) {
	const m = module + "activitypub"
	lines := []string{
		m + " context " + m + "/accounts",                     // kernel imports an area
		m + "/moderation " + m + " " + m + "/accounts/tokens", // area imports another area
		m + "/preferences " + m + " " + m + "/preferences/filters",
		m + "/accounts/accountstest " + m + "/moderation", // a test helper may
		m + "/accounts " + m + " context",                 // an area builds on the kernel
	}
	got := areaViolations(lines)
	if len(got) != 2 || !strings.Contains(got[0], "kernel") || !strings.Contains(got[1], "moderation imports") {
		t.Fatalf("want the kernel→area and moderation→accounts violations, got %q", got)
	}
}

// areaViolations checks `go list` lines of "package import import…" against the area rule.
func areaViolations(lines []string) []string {
	var problems []string
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module)
		if strings.HasSuffix(pkg, "test") {
			continue
		}
		from, ok := domainArea(pkg)
		if !ok {
			continue
		}
		for _, imp := range fields[1:] {
			to, ok := domainArea(strings.TrimPrefix(imp, module))
			switch {
			case !ok || to == "" || to == from || !strings.HasPrefix(imp, module):
			case from == "":
				problems = append(problems, "the kernel activitypub imports the area "+to+"; areas build on the kernel, never the reverse")
			default:
				problems = append(problems, "area "+from+" imports area "+to+"; declare a small interface instead")
			}
		}
	}
	return problems
}

// domainArea names the area of a domain package: "" for the kernel, false outside the domain.
func domainArea(pkg string) (string, bool) {
	if pkg == "activitypub" {
		return "", true
	}
	rest, ok := strings.CutPrefix(pkg, "activitypub/")
	if !ok {
		return "", false
	}
	area, _, _ := strings.Cut(rest, "/")
	return area, true
}
