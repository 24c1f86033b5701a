package fields_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
	"github.com/vigil-sec/vigil/rules/loader"
	"github.com/vigil-sec/vigil/rules/output"
)

func upstreamFiles(t *testing.T) []string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "falco-rules"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("upstream rules files in %s: %v (found %d)", dir, err, len(files))
	}
	return files
}

// TestUpstreamFieldsResolve loads every upstream rules file and checks that
// every field its conditions and outputs name resolves in the registry,
// with an argument of the right kind.
func TestUpstreamFieldsResolve(t *testing.T) {
	seen := map[string]bool{}
	for _, file := range upstreamFiles(t) {
		res := loader.LoadFiles(file)
		for _, d := range res.Errors() {
			t.Errorf("%s", d)
		}
		for _, r := range res.Rules {
			if r.AST != nil {
				condition.Walk(r.AST, func(e condition.Expr) bool {
					if c, ok := e.(*condition.Check); ok {
						condition.CheckFields(c, func(f *condition.FieldRef) { seen[condition.OperandString(f)] = true })
					}
					return true
				})
			}
			f, err := output.Compile(r.Output)
			if err != nil {
				t.Errorf("%s: rule %q: output: %v", file, r.Name, err)
				continue
			}
			for _, k := range f.Fields() {
				seen[k] = true
			}
		}
	}
	if len(seen) < 70 {
		t.Fatalf("only %d distinct field spellings found; the corpus has more than 70", len(seen))
	}
	for name := range seen {
		base := name
		if i := strings.IndexByte(name, '['); i >= 0 {
			base = name[:i]
		}
		if _, _, ok := fields.Resolve(base); !ok {
			t.Errorf("field %s does not resolve", name)
		}
	}
}

// keyNamespaces says which attribute namespaces each field class may read,
// so a field cannot silently read another entity's attribute.
var keyNamespaces = map[string][]string{
	"evt":       {"vigil.evt.", "host.name"},
	"proc":      {"process.", "vigil.proc."},
	"thread":    {"thread.", "vigil.thread.", "process.pid"},
	"user":      {"process.user.", "vigil.user."},
	"group":     {"vigil.group."},
	"fd":        {"file.", "vigil.fd.", "network.", "client.", "server."},
	"container": {"container.", "k8s.container.name", "vigil.container."},
	"k8s":       {"k8s.", "vigil.k8s."},
	"ka":        {"vigil.ka."},
	"jevt":      {"vigil.ka."},
}

// unreadKeys are declared for the receiver's contract but no Falco field
// reads them.
var unreadKeys = map[string]string{
	"process.interactive": "semantic-convention attribute the receiver writes; Falco has no such field",
}

// wantResource says where an attribute lives: host, container and pod
// identity and the process context (process, user, group, ancestry, the
// thread's capabilities) are on the Resource, one per process state; the
// event, its thread ids, the environment (exec records only) and the fd are
// on the record.
func wantResource(name string) bool {
	for _, p := range []string{"container.", "k8s.", "vigil.container.", "vigil.k8s.", "host.name",
		"process.", "vigil.proc.", "vigil.user.", "vigil.group.", "vigil.thread.cap_"} {
		if strings.HasPrefix(name, p) {
			return !strings.HasPrefix(name, "process.environment_variable.")
		}
	}
	return false
}

func TestKeysUsedWhereIntended(t *testing.T) {
	used := map[string]bool{}
	for _, f := range fields.All() {
		allowed := keyNamespaces[f.Class()]
		if allowed == nil {
			t.Errorf("field %s: unexpected class %q", f.Name, f.Class())
			continue
		}
		if len(f.Keys) == 0 && f.Extract != fields.Time && f.Extract != fields.Constant && f.Extract != fields.EventSource {
			t.Errorf("field %s reads no attribute", f.Name)
		}
		for _, k := range f.Keys {
			used[k.Name] = true
			ok := false
			for _, ns := range allowed {
				if strings.HasPrefix(k.Name, ns) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("field %s reads %s, outside its namespaces %v", f.Name, k.Name, allowed)
			}
			prefix := strings.HasSuffix(k.Name, ".")
			switch f.Extract {
			case fields.Prefixed, fields.EvtArg, fields.EvtArgs:
				if !prefix || k.Slot != -1 {
					t.Errorf("field %s: %s should be a prefix key", f.Name, k.Name)
				}
			default:
				if prefix || k.Slot < 0 {
					t.Errorf("field %s: %s is a prefix key, but the field reads it whole", f.Name, k.Name)
				}
			}
		}
	}
	slots := map[int]string{}
	names := map[string]bool{}
	for _, k := range fields.Declared() {
		if names[k.Name] {
			t.Errorf("key %s declared twice", k.Name)
		}
		names[k.Name] = true
		if k.Slot >= 0 {
			if other, dup := slots[k.Slot]; dup {
				t.Errorf("keys %s and %s share slot %d", k.Name, other, k.Slot)
			}
			slots[k.Slot] = k.Name
			if k.Slot >= fields.NumSlots() {
				t.Errorf("key %s slot %d >= NumSlots %d", k.Name, k.Slot, fields.NumSlots())
			}
		}
		if k.Resource != wantResource(k.Name) {
			t.Errorf("key %s: Resource = %v, want %v", k.Name, k.Resource, wantResource(k.Name))
		}
		if !used[k.Name] && unreadKeys[k.Name] == "" {
			t.Errorf("key %s is declared but no field reads it", k.Name)
		}
	}
	if len(slots) != fields.NumSlots() {
		t.Errorf("%d slotted keys, NumSlots = %d", len(slots), fields.NumSlots())
	}
}

func TestResolve(t *testing.T) {
	tests := []struct{ token, field, arg string }{
		{"proc.name", "proc.name", ""},
		{"evt.arg.flags", "evt.arg", "flags"},
		{"evt.rawarg.flags", "evt.rawarg", "flags"},
		{"k8s.pod.label.app.kubernetes.io/name", "k8s.pod.label", "app.kubernetes.io/name"},
		{"proc.env.HOME", "proc.env", "HOME"},
		{"proc.exe_ino.ctime", "proc.exe_ino.ctime", ""},
		{"fd.sip.name", "fd.sip.name", ""},
	}
	for _, tt := range tests {
		f, arg, ok := fields.Resolve(tt.token)
		if !ok || f.Name != tt.field || arg != tt.arg {
			t.Errorf("Resolve(%q) = %v, %q, %v; want %s, %q", tt.token, f, arg, ok, tt.field, tt.arg)
		}
	}
	for _, bad := range []string{"proc.name.x", "fd.dip", "nope", "proc.aname.2"} {
		if _, _, ok := fields.Resolve(bad); ok {
			t.Errorf("Resolve(%q) succeeded", bad)
		}
	}
}

func TestFieldTypesFollowFalco(t *testing.T) {
	// Spot checks of types that decide how constants parse and how JSON
	// output_fields print.
	want := map[string]fields.Type{
		"proc.tty": fields.Int, "user.uid": fields.Int, "user.loginuid": fields.Int, "fd.num": fields.Int,
		"evt.rawres": fields.Int, "fd.sport": fields.Port, "fd.sip": fields.IPAddr, "fd.net": fields.IPNet,
		"evt.is_open_read": fields.Bool, "container.privileged": fields.Bool, "evt.buffer": fields.Bytes,
		"evt.time": fields.AbsTime, "proc.duration": fields.RelTime, "evt.res": fields.String,
	}
	for name, typ := range want {
		f, ok := fields.Lookup(name)
		if !ok || f.Type != typ {
			t.Errorf("%s: type %v, want %v", name, f.Type, typ)
		}
	}
}
