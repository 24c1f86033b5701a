package eventattr_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Receivers know the attribute contract and nothing of the rules engine: a
// receiver that imported rules/ would drag the Falco field registry, its
// accessors and the rule compilers into every build that wants only the
// receiver, and would let the two sides drift apart through a shortcut.
func TestReceiversImportNoRulesPackage(t *testing.T) {
	root := moduleRoot(t)
	cmd := exec.Command("go", "list", "-deps", "./receiver/...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list -deps ./receiver/...: %v\n%s", err, msg)
	}
	const forbidden = "github.com/vigil-sec/vigil/rules"
	sawContract := false
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == forbidden || strings.HasPrefix(pkg, forbidden+"/") {
			t.Errorf("a receiver depends on %s; receivers may import only the attribute contract (eventattr)", pkg)
		}
		if pkg == "github.com/vigil-sec/vigil/eventattr" {
			sawContract = true
		}
	}
	if !sawContract {
		// the receivers write event records, so they must use the contract;
		// if they do not, this list is not what the test thinks it is
		t.Errorf("go list -deps ./receiver/... does not list eventattr:\n%s", out)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == "/dev/null" {
		t.Fatal("not inside the module")
	}
	return filepath.Dir(mod)
}
