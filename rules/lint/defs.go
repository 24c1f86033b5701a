package lint

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vigil-sec/vigil/rules/loader"
)

// def is one top-level item of a rules file, as written: what it defines
// and how it treats an earlier definition.
type def struct {
	kind, name string
	pos        loader.Position
	appends    bool
	// override maps keys to "append" or "replace".
	override map[string]string
	// body is the condition or the items, whitespace-normalised, to tell
	// a copy from a change.
	body string
}

// readDefs reads the items of one file. The loader has already accepted
// the file, so anything unexpected is skipped rather than reported.
func readDefs(path string) ([]*def, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil, nil
	}
	var out []*def
	for _, n := range doc.Content[0].Content {
		if n.Kind != yaml.MappingNode {
			continue
		}
		d := &def{pos: loader.Position{File: path, Line: n.Line, Col: n.Column}, override: map[string]string{}}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "rule", "macro", "list":
				d.kind, d.name = k.Value, v.Value
			case "condition":
				d.body = strings.Join(strings.Fields(v.Value), " ")
			case "items":
				var items []string
				for _, it := range v.Content {
					items = append(items, it.Value)
				}
				d.body = strings.Join(items, ", ")
			case "append":
				d.appends = v.Value == "true"
			case "override":
				for j := 0; j+1 < len(v.Content); j += 2 {
					d.override[v.Content[j].Value] = v.Content[j+1].Value
				}
			}
		}
		if d.kind != "" {
			out = append(out, d)
		}
	}
	return out, nil
}

// redefinitions finds macros and lists defined again without append or
// override (the new definition silently replaces the old one for every
// rule), and overrides that replace a macro's condition or a list's items
// while other rules use them.
func redefinitions(defs []*def, u *usage) []Warning {
	var out []Warning
	first := map[string]*def{}
	for _, d := range defs {
		if d.kind == "rule" {
			continue
		}
		key := d.kind + "\x00" + d.name
		prev := first[key]
		if prev == nil {
			first[key] = d
			continue
		}
		item := fmt.Sprintf("%s '%s'", d.kind, d.name)
		used := u.macroRules[d.name]
		replaced, field := "condition", "condition"
		if d.kind == "list" {
			used, replaced, field = u.listRules[d.name], "items", "items"
		}
		switch {
		case !d.appends && len(d.override) == 0:
			how := "replaces the definition at"
			if d.body == prev.body {
				// A copy changes nothing today, but whichever file is
				// edited later, the last copy loaded wins.
				how = "a copy of the definition at"
			}
			out = append(out, Warning{Pos: d.pos, Kind: Redefined, Item: item,
				Msg: fmt.Sprintf("redefined without append or override: %s %s:%d; %s",
					how, prev.pos.File, prev.pos.Line, users(used))})
		case d.override[field] == "replace" && len(used) > 0:
			out = append(out, Warning{Pos: d.pos, Kind: ReplacedUsed, Item: item,
				Msg: fmt.Sprintf("override replaces the %s defined at %s:%d; %s", replaced,
					prev.pos.File, prev.pos.Line, users(used))})
		}
	}
	return out
}
