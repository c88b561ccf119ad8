package guildhall_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
)

// maxTrackedBytes is the largest file the repository may hold outside testdata/ and docs/: build
// outputs and dumps do not belong in history, where they stay for ever.
const maxTrackedBytes = 1 << 20

// trackedFile is one entry of the index: its path, git mode, size and first bytes.
type trackedFile struct {
	path string
	mode string // "100644", "100755", "120000" (symlink)…
	size int64
	head []byte
}

// binaryMagic are the executable formats a Go build leaves behind on Linux, macOS and Windows.
var binaryMagic = []struct {
	name  string
	magic []byte
}{
	{"ELF", []byte{0x7f, 'E', 'L', 'F'}},
	{"Mach-O", []byte{0xfe, 0xed, 0xfa, 0xce}}, {"Mach-O", []byte{0xfe, 0xed, 0xfa, 0xcf}},
	{"Mach-O", []byte{0xce, 0xfa, 0xed, 0xfe}}, {"Mach-O", []byte{0xcf, 0xfa, 0xed, 0xfe}},
	{"Mach-O universal", []byte{0xca, 0xfe, 0xba, 0xbe}},
	{"PE", []byte{'M', 'Z'}},
}

// trackedProblems says what is wrong with each file: an executable binary anywhere, an executable
// bit on anything that is not a #! script, or a size over the bound outside testdata/ and docs/.
func trackedProblems(files []trackedFile) []string {
	var out []string
	for _, f := range files {
		if f.mode == "120000" || f.mode == "160000" { // symlinks and submodules have no content here
			continue
		}
		for _, m := range binaryMagic {
			if bytes.HasPrefix(f.head, m.magic) {
				out = append(out, fmt.Sprintf("%s is an executable binary (%s)", f.path, m.name))
				break
			}
		}
		if f.mode == "100755" && !bytes.HasPrefix(f.head, []byte("#!")) {
			out = append(out, fmt.Sprintf("%s is executable but not a #! script", f.path))
		}
		if f.size > maxTrackedBytes && !exemptFromSize(f.path) {
			out = append(out, fmt.Sprintf("%s is %d bytes, over the %d-byte bound outside testdata/ and docs/", f.path, f.size, maxTrackedBytes))
		}
	}
	return out
}

func exemptFromSize(p string) bool {
	if strings.HasPrefix(p, "docs/") {
		return true
	}
	for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if path.Base(dir) == "testdata" {
			return true
		}
	}
	return false
}

// TestTrackedFiles: no tracked file is a build output or an oversized blob (.ci/run runs it
// first, on its own, so the failure is plain).
func TestTrackedFiles(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-s", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	var files []trackedFile
	for _, rec := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		meta, p, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := trackedFile{path: p, mode: strings.Fields(meta)[0]}
		st, err := os.Lstat(p)
		if err != nil {
			continue // deleted in the work tree, not yet committed
		}
		f.size = st.Size()
		if fh, err := os.Open(p); err == nil && st.Mode().IsRegular() {
			f.head = make([]byte, 4)
			n, _ := fh.Read(f.head)
			f.head = f.head[:n]
			fh.Close()
		}
		files = append(files, f)
	}
	if len(files) < 10 {
		t.Fatalf("only %d tracked files found", len(files))
	}
	for _, p := range trackedProblems(files) {
		t.Error(p)
	}
}

// TestTrackedFilesCatchesProblems shows the check is not blind.
func TestTrackedFilesCatchesProblems(t *testing.T) {
	tests := []struct {
		f    trackedFile
		want string
	}{
		{trackedFile{path: "guildhall", mode: "100755", size: 13 << 20, head: []byte{0x7f, 'E', 'L', 'F'}}, "executable binary (ELF)"},
		{trackedFile{path: "tools/x.exe", mode: "100644", size: 10, head: []byte("MZ\x90\x00")}, "(PE)"},
		{trackedFile{path: "bin/mac", mode: "100644", size: 10, head: []byte{0xcf, 0xfa, 0xed, 0xfe}}, "(Mach-O)"},
		{trackedFile{path: "notes.txt", mode: "100755", size: 10, head: []byte("hell")}, "not a #! script"},
		{trackedFile{path: "dump.sql", mode: "100644", size: 2 << 20, head: []byte("-- d")}, "over the"},
		{trackedFile{path: "federation/as2/testdata/big.json", mode: "100644", size: 2 << 20, head: []byte("{}")}, ""},
		{trackedFile{path: "docs/diagram.svg", mode: "100644", size: 2 << 20, head: []byte("<svg")}, ""},
		{trackedFile{path: "bench/run.sh", mode: "100755", size: 100, head: []byte("#!/u")}, ""},
		{trackedFile{path: "testdatax/big", mode: "100644", size: 2 << 20, head: []byte("xx")}, "over the"},
	}
	for _, tt := range tests {
		got := strings.Join(trackedProblems([]trackedFile{tt.f}), "; ")
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.f.path, got, tt.want)
		}
	}
}
