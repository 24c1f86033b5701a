package syscallcaps

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/fields"
)

// The declared keys are the keys the receiver's code names (outside
// tests): a key added to the code without being declared would make rules
// reading it look dead, one declared and never named would hide dead rules.
func TestWrittenKeysMatchSource(t *testing.T) {
	re := regexp.MustCompile(`fields\.(Key[A-Za-z0-9]+)`)
	named := map[string]bool{}
	err := filepath.Walk("..", func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.Contains(path, "syscallcaps") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "KeyByName" {
				named[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("syscallcaps.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		if strings.HasPrefix(m[1], "Key") && m[1] != "Key" {
			declared[m[1]] = true
		}
	}
	var missing, extra []string
	for k := range named {
		if !declared[k] {
			missing = append(missing, k)
		}
	}
	for k := range declared {
		if !named[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("written keys out of date: missing %v, never named by the receiver %v", missing, extra)
	}
	if len(Keys()) != len(declared) {
		t.Errorf("Keys() has %d, declared %d", len(Keys()), len(declared))
	}
	_ = fields.KeyEvtArg
}
