package loader

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// EngineVersion is the Falco rules-engine version whose language Vigil
// implements (falcosecurity/falco engine 0.63.0: libs 0.25 grammar with
// \x escapes, multi-argument transformers and oneof/anyof/allof). Files
// that require a newer engine with the same major version, or another
// major version, are rejected.
const EngineVersion = "0.63.0"

// BuiltinPlugins are the Falco plugins whose fields Vigil provides itself;
// any version requirement on them is satisfied. k8saudit's ka.* and json's
// jevt.* are the fields of the k8s_audit source.
var BuiltinPlugins = []string{"container", "k8saudit", "json"}

type semver struct{ major, minor, patch uint64 }

func (v semver) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

func (v semver) less(o semver) bool {
	if v.major != o.major {
		return v.major < o.major
	}
	if v.minor != o.minor {
		return v.minor < o.minor
	}
	return v.patch < o.patch
}

func parseSemver(s string) (semver, bool) {
	p := strings.Split(s, ".")
	if len(p) != 3 {
		return semver{}, false
	}
	var n [3]uint64
	for i, x := range p {
		if x == "" || strings.TrimLeft(x, "0123456789") != "" {
			return semver{}, false
		}
		v, err := strconv.ParseUint(x, 10, 32)
		if err != nil {
			return semver{}, false
		}
		n[i] = v
	}
	return semver{n[0], n[1], n[2]}, true
}

var engine, _ = parseSemver(EngineVersion)

func (l *loader) readEngineVersion(it *item) {
	r := &itemReader{l: l, it: it, name: "required_engine_version"}
	s, ok := r.str("required_engine_version")
	if !ok {
		return
	}
	var v semver
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		v = semver{0, n, 0} // legacy integer form: engine N is 0.N.0
	} else if v, ok = parseSemver(s); !ok {
		r.errorf(it.at("required_engine_version"), "cannot read engine version '%s': expected x.y.z (or a legacy integer)", s)
		return
	}
	if v.major != engine.major || engine.less(v) {
		r.errorf(it.at("required_engine_version"), "the rules require engine version %s, but Vigil implements engine version %s", v, EngineVersion)
		return
	}
	if !l.hasEngine || l.engine.less(v) {
		l.engine, l.hasEngine = v, true
		l.res.RequiredEngineVersion = v.String()
	}
}

func (l *loader) readPluginVersions(it *item) {
	r := &itemReader{l: l, it: it, name: "required_plugin_versions"}
	n := it.val["required_plugin_versions"]
	if n.Kind != yaml.SequenceNode {
		r.errorf(it.at("required_plugin_versions"), "'required_plugin_versions' must be a sequence")
		return
	}
	for _, pn := range n.Content {
		pn = deref(pn)
		if pn.Kind != yaml.MappingNode {
			r.errorf(it.ref(pn).start(), "each required plugin must be a mapping with 'name' and 'version'")
			continue
		}
		p := &item{file: it.file, node: pn, val: map[string]*yaml.Node{}, key: map[string]*yaml.Node{}}
		for i := 0; i+1 < len(pn.Content); i += 2 {
			if k := deref(pn.Content[i]); k.Kind == yaml.ScalarNode {
				if _, dup := p.val[k.Value]; !dup {
					p.val[k.Value], p.key[k.Value] = deref(pn.Content[i+1]), k
				}
			}
		}
		pr := &itemReader{l: l, it: p, name: "required_plugin_versions"}
		name, ok1 := pr.str("name")
		version, ok2 := pr.str("version")
		if !ok1 || !ok2 {
			r.failed = true
			continue
		}
		type alt struct{ name, version string }
		alts := []alt{{name, version}}
		if an, ok := p.val["alternatives"]; ok {
			if an.Kind != yaml.SequenceNode {
				pr.errorf(p.at("alternatives"), "'alternatives' of plugin '%s' must be a sequence", name)
				continue
			}
			for _, a := range an.Content {
				a = deref(a)
				if a.Kind != yaml.MappingNode {
					pr.errorf(it.ref(a).start(), "each alternative of plugin '%s' must be a mapping with 'name' and 'version'", name)
					continue
				}
				ai := &item{file: it.file, node: a, val: map[string]*yaml.Node{}, key: map[string]*yaml.Node{}}
				for i := 0; i+1 < len(a.Content); i += 2 {
					if k := deref(a.Content[i]); k.Kind == yaml.ScalarNode {
						ai.val[k.Value] = deref(a.Content[i+1])
					}
				}
				ar := &itemReader{l: l, it: ai, name: "required_plugin_versions"}
				an, ok1 := ar.str("name")
				av, ok2 := ar.str("version")
				if ok1 && ok2 {
					alts = append(alts, alt{an, av})
				} else {
					pr.failed = true
				}
			}
		}
		if pr.failed {
			continue
		}
		seen := map[string]bool{}
		satisfied := false
		bad := false
		for _, a := range alts {
			if _, ok := parseSemver(a.version); !ok {
				pr.errorf(it.ref(pn).start(), "invalid version '%s' required for plugin '%s': expected x.y.z", a.version, a.name)
				bad = true
			}
			if seen[a.name] {
				pr.errorf(it.ref(pn).start(), "plugin '%s' is listed more than once among alternatives", a.name)
				bad = true
			}
			seen[a.name] = true
			for _, b := range BuiltinPlugins {
				if a.name == b {
					satisfied = true
				}
			}
		}
		if bad || satisfied {
			continue
		}
		names := make([]string, len(alts))
		for i, a := range alts {
			names[i] = fmt.Sprintf("'%s' %s", a.name, a.version)
		}
		pr.errorf(it.ref(pn).start(), "the rules require plugin %s, which Vigil does not provide (built in: %s)",
			strings.Join(names, " or "), strings.Join(BuiltinPlugins, ", "))
	}
}
