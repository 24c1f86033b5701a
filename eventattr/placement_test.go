package eventattr

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"
)

// Every key constant sits in a const block whose doc comment begins "On the
// record" or "On the Resource", and Where agrees with it: the comments a
// reader follows and the table tests and tools use cannot drift apart.
func TestWhereAgreesWithTheDocComments(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	keys := 0
	for _, pkg := range pkgs {
		for name, f := range pkg.Files {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				doc := gd.Doc.Text()
				onRecord, onResource := strings.HasPrefix(doc, "On the record"), strings.HasPrefix(doc, "On the Resource")
				for _, s := range gd.Specs {
					vs := s.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if strings.HasPrefix(id.Name, "Source") || strings.HasPrefix(id.Name, "EventName") {
							continue // sources, not attribute keys
						}
						keys++
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok {
							t.Errorf("%s: %s is not a string literal", name, id.Name)
							continue
						}
						key := constant.StringVal(constant.MakeFromLiteral(lit.Value, lit.Kind, 0))
						if !onRecord && !onResource {
							t.Errorf("%s: %s's const block does not say record or Resource", name, id.Name)
							continue
						}
						res, known := Where(key)
						if !known {
							t.Errorf("%s: Where does not know %s (%q)", name, id.Name, key)
						} else if res != onResource {
							t.Errorf("%s: %s (%q): Where says on the Resource %v, the doc comment %v", name, id.Name, key, res, onResource)
						}
					}
				}
			}
		}
	}
	if keys < 100 {
		t.Fatalf("only %d keys found; the parse is not seeing the contract", keys)
	}
	if _, known := Where("vigil.no.such.key"); known {
		t.Error("an unknown key is known")
	}
	if res, known := Where(ContainerLabelPrefix + "app"); !known || !res {
		t.Error("a container label is not on the Resource")
	}
	if res, known := Where(EvtArgPrefix + "flags"); !known || res {
		t.Error("an event argument is not on the record")
	}
}
