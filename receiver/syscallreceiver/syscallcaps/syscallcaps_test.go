package syscallcaps

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/eventattr"
)

// The declared keys are the keys the receiver's code names (outside
// tests): a key added to the code without being declared would make rules
// reading it look dead, one declared and never named would hide dead rules.
// Keys are named by their eventattr constants; constants that are not
// attribute keys of the contract (the records' event name) do not count.
func TestWrittenKeysMatchSource(t *testing.T) {
	consts := eventattrConsts(t)
	re := regexp.MustCompile(`eventattr\.([A-Z][A-Za-z0-9]*)`)
	keysIn := func(src string) map[string]bool {
		out := map[string]bool{}
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			v, ok := consts[m[1]]
			if !ok {
				continue // a function or type, not a constant
			}
			if _, known := eventattr.Where(v); known {
				out[m[1]] = true
			}
		}
		return out
	}
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
		for k := range keysIn(string(b)) {
			named[k] = true
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
	declared := keysIn(string(src))
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
}

// eventattrConsts maps the name of each string constant of package
// eventattr to its value, read from the package's source.
func eventattrConsts(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "eventattr")
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, err := strconv.Unquote(lit.Value); err == nil {
							out[id.Name] = v
						}
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no constants found in %s", dir)
	}
	return out
}
