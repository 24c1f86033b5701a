package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Source is the content of one rules file, or of rules held in memory
// (embedded defaults). Name is what diagnostics call it.
type Source struct {
	Name string
	Data []byte
}

// LoadedSources are the event sources whose rules Vigil evaluates; rules for
// any other source are kept but skipped with a warning.
var LoadedSources = []string{"syscall", "k8s_audit"}

// Load reads the sources in order and compiles their lists, macros and rules.
func Load(srcs ...Source) *Result {
	l := newLoader()
	for _, s := range srcs {
		l.read(&sourceFile{name: s.Name, data: s.Data})
	}
	l.compile()
	return l.res
}

// LoadFiles reads rules files in order; a file that cannot be read is an
// error diagnostic and the others are still loaded.
func LoadFiles(paths ...string) *Result {
	srcs, diags := ReadFiles(paths...)
	r := Load(srcs...)
	r.Diagnostics = append(diags, r.Diagnostics...)
	return r
}

// ReadFiles reads files into Sources, reporting unreadable ones.
func ReadFiles(paths ...string) ([]Source, []Diagnostic) {
	var srcs []Source
	var diags []Diagnostic
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			var pe *os.PathError
			msg := err.Error()
			if errors.As(err, &pe) {
				msg = pe.Err.Error()
			}
			diags = append(diags, Diagnostic{File: p, Line: 1, Col: 1, Message: "cannot read rules file: " + msg})
			continue
		}
		srcs = append(srcs, Source{Name: p, Data: data})
	}
	return srcs, diags
}

type loader struct {
	res *Result
	// cur orders every definition and update across kinds; an item may
	// reference lists and macros whose first definition has a smaller
	// index than its own latest update (visibility, §5).
	cur int

	lists  map[string]*listInfo
	macros map[string]*macroInfo
	rules  map[string]*ruleInfo

	listOrder  []*listInfo
	macroOrder []*macroInfo
	ruleOrder  []*ruleInfo

	engine    semver
	hasEngine bool

	reported map[string]bool // de-duplicates diagnostics found through macros

	pastedBytes, expandedNodes int // totals checked against the load limits
}

func newLoader() *loader {
	return &loader{
		res:      &Result{},
		lists:    map[string]*listInfo{},
		macros:   map[string]*macroInfo{},
		rules:    map[string]*ruleInfo{},
		reported: map[string]bool{},
	}
}

func (l *loader) diag(warning bool, p Position, item, format string, args ...any) {
	l.res.Diagnostics = append(l.res.Diagnostics, Diagnostic{
		File: p.File, Line: p.Line, Col: p.Col, Item: item,
		Message: fmt.Sprintf(format, args...), Warning: warning,
	})
}

func (l *loader) errorf(p Position, item, format string, args ...any) {
	l.diag(false, p, item, format, args...)
}

func (l *loader) warnf(p Position, item, format string, args ...any) {
	l.diag(true, p, item, format, args...)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// read collects the items of one file.
func (l *loader) read(f *sourceFile) {
	docs, err := decodeAll(f.data)
	if err != nil {
		line, msg := 1, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		l.errorf(Position{File: f.name, Line: line, Col: 1}, "", "invalid YAML: %s", msg)
		return
	}
	for _, doc := range docs {
		if len(doc.Content) == 0 {
			continue
		}
		root := deref(doc.Content[0])
		if isNull(root) {
			continue
		}
		if root.Kind != yaml.SequenceNode {
			l.errorf(Position{File: f.name, Line: root.Line, Col: root.Column}, "",
				"rules content must be a sequence of items, not a %s", kindName(root))
			continue
		}
		for _, n := range root.Content {
			if isNull(n) {
				continue
			}
			l.readItem(f, deref(n))
		}
	}
}

// decodeAll parses every YAML document of a file. The YAML library is
// third-party code fed untrusted input; a panic in it becomes an error.
func decodeAll(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
}

// itemKinds are checked in this order; the first key present decides.
var itemKinds = []string{"required_engine_version", "required_plugin_versions", "list", "macro", "rule"}

var knownKeys = map[string]map[string]bool{
	"required_engine_version":  set("required_engine_version"),
	"required_plugin_versions": set("required_plugin_versions"),
	"list":                     set("list", "items", "append", "override"),
	"macro":                    set("macro", "condition", "append", "override"),
	"rule": set("rule", "condition", "output", "desc", "priority", "source", "enabled", "tags",
		"exceptions", "capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter",
		"append", "override"),
}

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func (l *loader) readItem(f *sourceFile, n *yaml.Node) {
	at := Position{File: f.name, Line: n.Line, Col: n.Column}
	if n.Kind != yaml.MappingNode {
		l.errorf(at, "", "each item of a rules file must be a mapping, not a %s", kindName(n))
		return
	}
	it := &item{file: f, node: n, val: map[string]*yaml.Node{}, key: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := deref(n.Content[i]), deref(n.Content[i+1])
		if kn.Kind != yaml.ScalarNode {
			l.errorf(Position{File: f.name, Line: kn.Line, Col: kn.Column}, "", "item keys must be scalars, not a %s", kindName(kn))
			return
		}
		k := kn.Value
		if _, dup := it.val[k]; dup {
			l.warnf(Position{File: f.name, Line: kn.Line, Col: kn.Column}, "", "duplicate key '%s': the first value is used", k)
			continue
		}
		it.keys = append(it.keys, k)
		it.val[k] = vn
		it.key[k] = kn
	}
	kind := ""
	for _, k := range itemKinds {
		if it.has(k) {
			kind = k
			break
		}
	}
	if kind == "" {
		l.errorf(at, "", "unknown item: expected one of the keys 'rule', 'macro', 'list', 'required_engine_version' or 'required_plugin_versions'")
		return
	}
	for _, k := range it.keys {
		if !knownKeys[kind][k] {
			l.warnf(it.keyAt(k), l.nameForWarning(it, kind), "unknown key '%s' is ignored", k)
		}
	}
	switch kind {
	case "required_engine_version":
		l.readEngineVersion(it)
	case "required_plugin_versions":
		l.readPluginVersions(it)
	case "list":
		l.readList(it)
	case "macro":
		l.readMacro(it)
	case "rule":
		l.readRule(it)
	}
}

// nameForWarning names an item before it has been validated.
func (l *loader) nameForWarning(it *item, kind string) string {
	switch kind {
	case "list", "macro", "rule":
		if n := it.val[kind]; scalarProblem(n) == "" {
			return itemName(kind, n.Value)
		}
		return kind
	}
	return kind
}
