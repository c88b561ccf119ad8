package guildhall_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
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
		m + "activitypub/preferences context " + m + "activitypub", // an area builds on the kernel
		m + "activitypub/preferences " + m + "storage",
	}
	problems, _ := violations(lines)
	want := []string{"activitypub imports github.com/jmoiron/sqlx", "ui/web imports ui/mastoapi", "activitypub/preferences imports " + m + "storage"}
	if len(problems) != len(want) {
		t.Fatalf("want %d violations (%q), got %q", len(want), want, problems)
	}
	for i, p := range problems {
		if !strings.HasPrefix(p, want[i]) {
			t.Errorf("violation %d = %q, want %q…", i, p, want[i])
		}
	}
}

const module = "github.com/guildhall/guildhall/"

var forbidden = map[string][]string{
	"storage":     {"federation", "ui", "cmd"},
	"federation":  {"storage", "ui", "cmd"},
	"ui/web":      {"federation", "storage", "ui/mastoapi", "cmd"},
	"ui/mastoapi": {"federation", "storage", "ui/web", "cmd"},
	"adapters":    {"federation", "storage", "ui", "cmd"},
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
			if inDomain(pkg) {
				checked++
				switch {
				case strings.HasPrefix(imp, module):
					// Our own module: the domain's packages may use each other (the area
					// rules of deps_areas_test.go say which way); the outer layers are banned.
					if !inDomain(strings.TrimPrefix(imp, module)) {
						problems = append(problems, pkg+" imports "+imp+"; the domain must not depend on the layers around it")
					}
				case strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
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

// inDomain reports whether a module-relative package is the domain kernel or one of its areas.
func inDomain(pkg string) bool { return pkg == "activitypub" || strings.HasPrefix(pkg, "activitypub/") }

// confinement says that a third-party (or standard) package may be imported only by the listed
// packages of ours (and the packages below them): each library does its one job in one place, so
// swapping it, auditing it or reasoning about what it can reach stays a local matter.
type confinement struct {
	// imports is an import path prefix: the package itself and everything under it.
	imports string
	// allowed are our packages (module-relative prefixes) that may import it.
	allowed []string
	why     string
}

var confinements = []confinement{
	{"github.com/go-fed/activity", []string{"federation/as2"}, "ActivityStreams types stay behind the as2 translation"},
	{"html/template", []string{"ui/web"}, "HTML pages are rendered in one place, with one set of templates"},
	{"modernc.org/sqlite", []string{"storage"}, "SQL drivers belong to storage"},
	{"github.com/lib/pq", []string{"storage"}, "SQL drivers belong to storage"},
	{"github.com/jmoiron/sqlx", []string{"storage"}, "SQL belongs to storage"},
	{"github.com/microcosm-cc/bluemonday", []string{"federation/content"}, "one HTML sanitiser policy, where it lives"},
	{"github.com/yuin/goldmark", []string{"adapters/markdown"}, "Markdown is rendered by the local post renderer only"},
	{"github.com/minio/minio-go", []string{"adapters/s3store"}, "the S3 client is the S3 media store's alone"},
}

// TestThirdPartyConfinement checks the production imports of every package against the
// confinement table and reports every violation. Tests may reach across (a fault test may open
// the database file directly), as in TestDependencyDirection.
func TestThirdPartyConfinement(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	problems, checked := confinementViolations(strings.Split(strings.TrimSpace(string(out)), "\n"), confinements)
	for _, p := range problems {
		t.Error(p)
	}
	if checked == 0 {
		t.Fatal("no import matched any confinement rule: the table or the module path is stale")
	}
}

// TestConfinementCatchesViolations shows the confinement checker is not blind.
func TestConfinementCatchesViolations(t *testing.T) {
	lines := []string{
		module + "federation/as2 github.com/go-fed/activity/streams",
		module + "federation/inbox github.com/go-fed/activity/streams/vocab",
		module + "ui/web html/template",
		module + "ui/mastoapi html/template net/http",
		module + "storage/sqlite modernc.org/sqlite",
		module + "cmd/instance github.com/lib/pq",
		module + "adapters/markdown github.com/yuin/goldmark",
		module + "federation/content github.com/yuin/goldmark/ast",
	}
	problems, _ := confinementViolations(lines, confinements)
	want := []string{"federation/inbox", "ui/mastoapi", "cmd/instance", "federation/content"}
	if len(problems) != len(want) {
		t.Fatalf("want %d violations (%v), got %q", len(want), want, problems)
	}
	for i, p := range problems {
		if !strings.HasPrefix(p, want[i]+" imports ") {
			t.Errorf("violation %d = %q, want one about %s", i, p, want[i])
		}
	}
}

func underAny(pkg string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return pkg == p || strings.HasPrefix(pkg, p+"/") })
}

func confinementViolations(lines []string, rules []confinement) (problems []string, checked int) {
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(fields[0], module)
		for _, imp := range fields[1:] {
			for _, rule := range rules {
				if !underAny(imp, []string{rule.imports}) {
					continue
				}
				checked++
				if !underAny(pkg, rule.allowed) {
					problems = append(problems, pkg+" imports "+imp+"; only "+strings.Join(rule.allowed, ", ")+" may: "+rule.why)
				}
			}
		}
	}
	return problems, checked
}

// TestOneAliasPerPackage: a package imported under an alias is imported under that same alias
// everywhere (tests included), so a name means one thing across the repository. Importing it
// under its own name is always allowed.
func TestOneAliasPerPackage(t *testing.T) {
	uses, err := importNames(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) == 0 {
		t.Fatal("no imports found: the walk is broken")
	}
	for _, p := range aliasViolations(uses) {
		t.Error(p)
	}
}

// TestAliasRuleCatchesViolations shows the alias checker is not blind.
func TestAliasRuleCatchesViolations(t *testing.T) {
	uses := map[string]map[string][]string{
		module + "activitypub":     {"": {"a.go"}, "ap": {"b_test.go"}},
		module + "adapters/media":  {"filemedia": {"s.go"}, "media": {"t.go"}, "mediafiles": {"u.go"}},
		module + "ui/mastoapi/api": {"": {"x.go"}},
	}
	problems := aliasViolations(uses)
	if len(problems) != 1 || !strings.Contains(problems[0], "adapters/media") {
		t.Fatalf("want one violation (adapters/media under two aliases), got %q", problems)
	}
}

// importNames maps each imported path to the names it is imported under ("" for none) and the
// files that do so. Blank and dot imports are not names and are left out.
func importNames(root string) (map[string]map[string][]string, error) {
	uses := map[string]map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			ipath, err := strconv.Unquote(im.Path.Value)
			if err != nil {
				return err
			}
			name := ""
			if im.Name != nil {
				name = im.Name.Name
			}
			if name == "_" || name == "." {
				continue
			}
			if uses[ipath] == nil {
				uses[ipath] = map[string][]string{}
			}
			uses[ipath][name] = append(uses[ipath][name], path)
		}
		return nil
	})
	return uses, err
}

func aliasViolations(uses map[string]map[string][]string) []string {
	var problems []string
	for ipath, names := range uses {
		var aliases []string
		for name := range names {
			// An explicit name equal to the last path element is the package's own name.
			if name != "" && name != filepath.Base(ipath) {
				aliases = append(aliases, name)
			}
		}
		if len(aliases) < 2 {
			continue
		}
		sort.Strings(aliases)
		var where []string
		for _, a := range aliases {
			where = append(where, a+" in "+strings.Join(names[a], ", "))
		}
		problems = append(problems, ipath+" is imported under "+strconv.Itoa(len(aliases))+" aliases: "+strings.Join(where, "; "))
	}
	sort.Strings(problems)
	return problems
}
