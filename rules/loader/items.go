package loader

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vigil-sec/vigil/alert/priority"
)

type listInfo struct {
	name              string
	items             []string
	pos               Position
	index, visibility int
	used              bool
}

type macroInfo struct {
	name              string
	cond              text
	pos               Position
	index, visibility int
}

type ruleInfo struct {
	name          string
	cond          text
	output, desc  string
	prio          priority.Priority
	source        string
	tags          map[string]bool
	enabled       bool
	warnEvttypes  bool
	skipUnknown   bool
	capture       bool
	captureDur    uint64
	exceptions    []*exceptionInfo
	pos, condPos  Position
	outPos        Position
	ref           *nodeRef // the rule item, origin of made-up condition text
	index         int
	unknownSource bool
}

// itemReader reads the keys of one item and records whether any was bad,
// so a broken item is reported fully but never applied half-way.
type itemReader struct {
	l      *loader
	it     *item
	name   string
	failed bool
}

func (r *itemReader) errorf(p Position, format string, args ...any) {
	r.failed = true
	r.l.errorf(p, r.name, format, args...)
}

func (r *itemReader) warnf(p Position, format string, args ...any) {
	r.l.warnf(p, r.name, format, args...)
}

// str reads a non-empty scalar.
func (r *itemReader) str(k string) (string, bool) {
	n, ok := r.it.val[k]
	if !ok {
		r.errorf(r.it.at(k), "missing required key '%s'", k)
		return "", false
	}
	if p := scalarProblem(n); p != "" {
		r.errorf(r.it.at(k), "'%s' %s", k, p)
		return "", false
	}
	return n.Value, true
}

// optStr reads a non-empty scalar if the key is present.
func (r *itemReader) optStr(k string) (string, bool) {
	if !r.it.has(k) {
		return "", false
	}
	return r.str(k)
}

func (r *itemReader) optBool(k string) (v, present bool) {
	s, ok := r.optStr(k)
	if !ok {
		return false, false
	}
	b, ok := parseBool(s)
	if !ok {
		r.errorf(r.it.at(k), "'%s' must be a boolean (true or false), not '%s'", k, s)
		return false, false
	}
	return b, true
}

// strSeq reads a sequence of scalars (list items, tags).
func (r *itemReader) strSeq(k string) ([]string, bool) {
	n := r.it.val[k]
	if n == nil || n.Kind != yaml.SequenceNode {
		r.errorf(r.it.at(k), "'%s' must be a sequence", k)
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for i, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode || isNull(c) {
			r.errorf(r.it.ref(c).start(), "item %d of '%s' must be a scalar", i+1, k)
			ok = false
			continue
		}
		out = append(out, c.Value)
	}
	return out, ok
}

// scalarText reads key k as condition text mapped to its YAML scalar.
func (r *itemReader) text(k string) (text, bool) {
	s, ok := r.str(k)
	if !ok {
		return text{}, false
	}
	return scalarText(r.it.ref(r.it.val[k]), s), true
}

// overrides reads the override key: which keys are appended and which
// replaced.
func (r *itemReader) overrides(appendable, replaceable map[string]bool) (app, repl map[string]bool) {
	app, repl = map[string]bool{}, map[string]bool{}
	n, ok := r.it.val["override"]
	if !ok {
		return app, repl
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(r.it.at("override"), "'override' must be a mapping of keys to 'append' or 'replace'")
		return app, repl
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := deref(n.Content[i]), deref(n.Content[i+1])
		kp := r.it.ref(kn).start()
		if kn.Kind != yaml.ScalarNode {
			r.errorf(kp, "keys under 'override' must be scalars")
			continue
		}
		k := kn.Value
		op := ""
		if vn.Kind == yaml.ScalarNode {
			op = vn.Value
		}
		switch op {
		case "append":
			if !appendable[k] {
				if replaceable[k] {
					r.errorf(kp, "key '%s' cannot be appended to, use 'replace' instead", k)
				} else {
					r.errorf(kp, "key '%s' cannot be overridden", k)
				}
				continue
			}
			app[k] = true
		case "replace":
			if !replaceable[k] {
				r.errorf(kp, "key '%s' cannot be overridden", k)
				continue
			}
			repl[k] = true
		default:
			var allowed []string
			if appendable[k] {
				allowed = append(allowed, "'append'")
			}
			if replaceable[k] {
				allowed = append(allowed, "'replace'")
			}
			if len(allowed) == 0 {
				r.errorf(kp, "key '%s' cannot be overridden", k)
			} else {
				r.errorf(r.it.ref(vn).start(), "invalid override operation '%s' for key '%s': use %s", op, k, strings.Join(allowed, " or "))
			}
		}
	}
	return app, repl
}

const warnAppend = "'append: true' is deprecated: add an entry under 'override' instead (e.g. 'condition: append')"

func (r *itemReader) appendFlag() bool {
	a, _ := r.optBool("append")
	if a {
		r.warnf(r.it.at("append"), "%s", warnAppend)
	}
	return a
}

// listNameOK: a list name must be a bare string, or it can never be
// pasted into a condition.
func listNameOK(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', ')', '"', '\'', '=', ',', ' ', '\t', '\n', '\v', '\f', '\r':
			return false
		}
	}
	return s != ""
}

// macroNameOK: a macro name must be an identifier, or no condition can
// refer to it.
func macroNameOK(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (l *loader) readList(it *item) {
	r := &itemReader{l: l, it: it, name: "list"}
	name, ok := r.str("list")
	if !ok {
		return
	}
	r.name = itemName("list", name)
	if !listNameOK(name) {
		r.warnf(it.at("list"), "the list name is not a bare string (it contains a blank or one of ( ) \" ' = ,), so no condition can refer to it")
	}
	items, _ := r.strSeq("items")
	app := r.appendFlag()
	oa, or := r.overrides(set("items"), set("items"))
	if app && (len(oa) > 0 || len(or) > 0) {
		r.errorf(it.at("override"), "'override' and 'append: true' cannot be used together")
	}
	if r.failed {
		return
	}
	info := &listInfo{name: name, items: items, pos: it.ref(it.node).start()}
	if app || oa["items"] {
		prev := l.lists[name]
		if prev == nil {
			r.errorf(info.pos, "cannot append to list '%s': no list with that name is defined before", name)
			return
		}
		prev.items = append(prev.items, items...)
		prev.visibility = l.next()
		return
	}
	if prev := l.lists[name]; prev != nil {
		info.index = prev.index
		info.visibility = l.next()
		*prev = *info
		return
	}
	info.index = l.next()
	info.visibility = info.index
	l.lists[name] = info
	l.listOrder = append(l.listOrder, info)
}

func (l *loader) next() int { l.cur++; return l.cur - 1 }

func (l *loader) readMacro(it *item) {
	r := &itemReader{l: l, it: it, name: "macro"}
	name, ok := r.str("macro")
	if !ok {
		return
	}
	r.name = itemName("macro", name)
	if !macroNameOK(name) {
		r.warnf(it.at("macro"), "the macro name is not an identifier (a letter, then letters, digits or '_'), so no condition can refer to it")
	}
	cond, _ := r.text("condition")
	app := r.appendFlag()
	oa, or := r.overrides(set("condition"), set("condition"))
	if app && (len(oa) > 0 || len(or) > 0) {
		r.errorf(it.at("override"), "'override' and 'append: true' cannot be used together")
	}
	if r.failed {
		return
	}
	info := &macroInfo{name: name, cond: cond, pos: it.ref(it.node).start()}
	if app || oa["condition"] {
		prev := l.macros[name]
		if prev == nil {
			r.errorf(info.pos, "cannot append to macro '%s': no macro with that name is defined before", name)
			return
		}
		prev.cond = joinText(prev.cond, madeText(" ", it.ref(it.node)), cond)
		prev.visibility = l.next()
		return
	}
	if prev := l.macros[name]; prev != nil {
		info.index = prev.index
		info.visibility = l.next()
		*prev = *info
		return
	}
	info.index = l.next()
	info.visibility = info.index
	l.macros[name] = info
	l.macroOrder = append(l.macroOrder, info)
}

var (
	ruleAppendable  = set("condition", "output", "desc", "tags", "exceptions")
	ruleReplaceable = set("condition", "output", "desc", "priority", "tags", "exceptions", "enabled",
		"capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter")
	// ruleOverridable is every key override can name, in the order updates
	// read them.
	ruleOverridable = []string{"condition", "output", "desc", "priority", "tags", "exceptions", "enabled",
		"capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter"}
)

// ruleUpdate is what an append or override item carries.
type ruleUpdate struct {
	keys       map[string]bool
	cond       text
	output     string
	desc       string
	prio       priority.Priority
	tags       []string
	exceptions []*exceptionInfo
	enabled    bool
	capture    bool
	captureDur uint64
	warnEvt    bool
	skipUnk    bool
}

func (l *loader) readRule(it *item) {
	r := &itemReader{l: l, it: it, name: "rule"}
	name, ok := r.str("rule")
	if !ok {
		return
	}
	r.name = itemName("rule", name)
	app := r.appendFlag()
	oa, or := r.overrides(ruleAppendable, ruleReplaceable)
	hasOverride := len(oa) > 0 || len(or) > 0
	switch {
	case app && hasOverride:
		r.errorf(it.at("override"), "'override' and 'append: true' cannot be used together")
	case hasOverride:
		l.readRuleOverride(r, name, oa, or)
	case app:
		l.readRuleAppend(r, name)
	case !it.has("condition") && !it.has("output") && !it.has("desc") && !it.has("priority") && !it.has("override"):
		l.readRuleEnable(r, name)
	default:
		l.readRuleDefine(r, name)
	}
}

func (l *loader) readRuleDefine(r *itemReader, name string) {
	it := r.it
	info := &ruleInfo{name: name, enabled: true, warnEvttypes: true, source: "syscall", ref: it.ref(it.node)}
	info.pos = info.ref.start()
	info.cond, _ = r.text("condition")
	info.condPos = it.at("condition")
	out, _ := r.str("output")
	info.output = strings.TrimSpace(out)
	info.outPos = it.at("output")
	info.desc, _ = r.str("desc")
	if p, ok := r.str("priority"); ok {
		if pr, err := priority.Parse(p); err != nil {
			r.errorf(it.at("priority"), "%v", err)
		} else {
			info.prio = pr
		}
	}
	if s, ok := r.optStr("source"); ok {
		info.source = s
	}
	if v, ok := r.optBool("enabled"); ok {
		info.enabled = v
	}
	if v, ok := r.optBool("warn_evttypes"); ok {
		info.warnEvttypes = v
	}
	if v, ok := r.optBool("skip-if-unknown-filter"); ok {
		info.skipUnknown = v
	}
	if v, ok := r.optBool("capture"); ok {
		info.capture = v
	}
	info.captureDur = r.optUint("capture_duration")
	info.tags = r.tags()
	info.exceptions = r.exceptions(false)
	if r.failed {
		return
	}
	prev := l.rules[name]
	if prev != nil && prev.source != info.source {
		r.errorf(it.at("source"), "rule redefined with source '%s', but it was defined with source '%s'", info.source, prev.source)
		return
	}
	if !sourceLoaded(info.source) {
		info.unknownSource = true
		r.warnf(it.at("source"), "source '%s' is not loaded (only %s): the rule is skipped", info.source, strings.Join(LoadedSources, ", "))
	}
	for _, ex := range info.exceptions {
		if !ex.hasFields {
			r.errorf(ex.ref.start(), "exception '%s' must have a 'fields' key", ex.name)
			continue
		}
		l.validateException(r, ex, !info.unknownSource)
	}
	if r.failed {
		return
	}
	if prev != nil {
		info.index = prev.index
		l.next()
		*prev = *info
		return
	}
	info.index = l.next()
	l.rules[name] = info
	l.ruleOrder = append(l.ruleOrder, info)
}

func sourceLoaded(s string) bool {
	for _, x := range LoadedSources {
		if x == s {
			return true
		}
	}
	return false
}

func (r *itemReader) optUint(k string) uint64 {
	s, ok := r.optStr(k)
	if !ok {
		return 0
	}
	v, ok := parseUint(s)
	if !ok {
		r.errorf(r.it.at(k), "'%s' must be a non-negative integer, not '%s'", k, s)
	}
	return v
}

func (r *itemReader) tags() map[string]bool {
	t := map[string]bool{}
	if !r.it.has("tags") {
		return t
	}
	items, _ := r.strSeq("tags")
	for _, s := range items {
		t[s] = true
	}
	return t
}

// readRuleEnable handles the legacy item that only sets enabled.
func (l *loader) readRuleEnable(r *itemReader, name string) {
	if !r.it.has("enabled") {
		r.errorf(r.it.at("rule"), "a new rule needs 'condition', 'output', 'desc' and 'priority'; to change an existing rule use 'override'")
		return
	}
	v, ok := r.optBool("enabled")
	if !ok {
		return
	}
	r.warnf(r.it.at("enabled"), "an item with only 'rule' and 'enabled' is deprecated: add 'override: {enabled: replace}'")
	prev := l.rules[name]
	if prev == nil {
		r.errorf(r.it.at("rule"), "cannot enable or disable rule '%s': no rule with that name is defined before", name)
		return
	}
	prev.enabled = v
}

// readRuleAppend handles the deprecated append: true form: only the
// condition and exceptions are appended.
func (l *loader) readRuleAppend(r *itemReader, name string) {
	it := r.it
	u := &ruleUpdate{keys: map[string]bool{}}
	if it.has("condition") {
		u.cond, _ = r.text("condition")
		u.keys["condition"] = true
	}
	if it.has("exceptions") {
		u.exceptions = r.exceptions(true)
		u.keys["exceptions"] = true
	}
	for _, k := range it.keys {
		switch k {
		case "rule", "append", "condition", "exceptions", "source":
		default:
			if knownKeys["rule"][k] {
				r.warnf(it.keyAt(k), "key '%s' is ignored: 'append: true' only appends 'condition' and 'exceptions' (use 'override' for other keys)", k)
			}
		}
	}
	if r.failed {
		return
	}
	if len(u.keys) == 0 {
		r.errorf(it.at("rule"), "an appended rule must have a 'condition' or 'exceptions' key")
		return
	}
	l.applyAppend(r, name, u)
}

// readRuleOverride handles override: every key under override must be in
// the item, and every overridable key in the item must be under override.
func (l *loader) readRuleOverride(r *itemReader, name string, oa, or map[string]bool) {
	it := r.it
	for _, k := range ruleOverridable {
		named := oa[k] || or[k]
		switch {
		case named && !it.has(k):
			op := "append"
			if or[k] {
				op = "replace"
			}
			r.errorf(it.at("override"), "'override' asks to %s '%s', but the item has no '%s' key", op, k, k)
		case !named && it.has(k):
			r.errorf(it.keyAt(k), "key '%s' is not named under 'override': add '%s: append' or '%s: replace' there", k, k, k)
		}
	}
	if r.failed {
		return
	}
	read := func(keys map[string]bool) *ruleUpdate {
		u := &ruleUpdate{keys: keys}
		for k := range keys {
			switch k {
			case "condition":
				u.cond, _ = r.text("condition")
			case "output":
				out, _ := r.str("output")
				u.output = strings.TrimSpace(out)
			case "desc":
				u.desc, _ = r.str("desc")
			case "priority":
				if p, ok := r.str("priority"); ok {
					pr, err := priority.Parse(p)
					if err != nil {
						r.errorf(it.at("priority"), "%v", err)
					}
					u.prio = pr
				}
			case "tags":
				for t := range r.tags() {
					u.tags = append(u.tags, t)
				}
			case "exceptions":
				u.exceptions = r.exceptions(true)
			case "enabled":
				u.enabled, _ = r.optBool("enabled")
			case "capture":
				u.capture, _ = r.optBool("capture")
			case "capture_duration":
				u.captureDur = r.optUint("capture_duration")
			case "warn_evttypes":
				u.warnEvt, _ = r.optBool("warn_evttypes")
			case "skip-if-unknown-filter":
				u.skipUnk, _ = r.optBool("skip-if-unknown-filter")
			}
		}
		return u
	}
	ua, ur := read(oa), read(or)
	if r.failed {
		return
	}
	if len(oa) > 0 {
		l.applyAppend(r, name, ua)
	}
	if len(or) > 0 && !r.failed {
		l.applyReplace(r, name, ur)
	}
}

// checkSource rejects an update that names a different source.
func (l *loader) checkSource(r *itemReader, prev *ruleInfo) bool {
	if s, ok := r.optStr("source"); ok && s != prev.source {
		r.errorf(r.it.at("source"), "an update cannot change the source of rule '%s' from '%s' to '%s'", prev.name, prev.source, s)
		return false
	}
	return true
}

func (l *loader) applyAppend(r *itemReader, name string, u *ruleUpdate) {
	prev := l.rules[name]
	if prev == nil {
		r.errorf(r.it.at("rule"), "cannot append to rule '%s': no rule with that name is defined before", name)
		return
	}
	if !l.checkSource(r, prev) {
		return
	}
	ref := r.it.ref(r.it.node)
	if u.keys["condition"] && u.cond.s != "" {
		prev.cond = joinText(prev.cond, madeText(" ", ref), u.cond)
	}
	if u.keys["output"] && u.output != "" {
		prev.output += " " + u.output
	}
	if u.keys["desc"] && u.desc != "" {
		prev.desc += " " + u.desc
	}
	for _, t := range u.tags {
		prev.tags[t] = true
	}
	for _, ex := range u.exceptions {
		var old *exceptionInfo
		for _, e := range prev.exceptions {
			if e.name == ex.name {
				old = e
				break
			}
		}
		if old == nil {
			if !ex.hasFields {
				r.errorf(ex.ref.start(), "new exception '%s' must have a 'fields' key", ex.name)
				continue
			}
			if len(ex.values) == 0 {
				r.errorf(ex.ref.start(), "new exception '%s' must have a 'values' key", ex.name)
				continue
			}
			if l.validateException(r, ex, !prev.unknownSource) {
				prev.exceptions = append(prev.exceptions, ex)
			}
			continue
		}
		if ex.hasFields {
			r.errorf(ex.ref.start(), "cannot change the fields of existing exception '%s': only values can be appended", ex.name)
			continue
		}
		if ex.hasComps {
			r.errorf(ex.ref.start(), "cannot change the comps of existing exception '%s': only values can be appended", ex.name)
			continue
		}
		old.values = append(old.values, ex.values...)
	}
	l.next()
}

func (l *loader) applyReplace(r *itemReader, name string, u *ruleUpdate) {
	prev := l.rules[name]
	if prev == nil {
		r.errorf(r.it.at("rule"), "cannot override rule '%s': no rule with that name is defined before", name)
		return
	}
	if !l.checkSource(r, prev) {
		return
	}
	k := u.keys
	if k["condition"] {
		prev.cond = u.cond
		prev.condPos = r.it.at("condition")
	}
	if k["output"] {
		prev.output = u.output
		prev.outPos = r.it.at("output")
	}
	if k["desc"] {
		prev.desc = u.desc
	}
	if k["priority"] {
		prev.prio = u.prio
	}
	if k["tags"] {
		prev.tags = map[string]bool{}
		for _, t := range u.tags {
			prev.tags[t] = true
		}
	}
	if k["exceptions"] {
		ok := true
		for _, ex := range u.exceptions {
			if !ex.hasFields {
				r.errorf(ex.ref.start(), "exception '%s' must have a 'fields' key", ex.name)
				ok = false
				continue
			}
			ok = l.validateException(r, ex, !prev.unknownSource) && ok
		}
		if ok {
			prev.exceptions = u.exceptions
		}
	}
	if k["enabled"] {
		prev.enabled = u.enabled
	}
	if k["capture"] {
		prev.capture = u.capture
	}
	if k["capture_duration"] {
		prev.captureDur = u.captureDur
	}
	if k["warn_evttypes"] {
		prev.warnEvttypes = u.warnEvt
	}
	if k["skip-if-unknown-filter"] {
		prev.skipUnknown = u.skipUnk
	}
	l.next()
}

func sortedTags(t map[string]bool) []string {
	out := make([]string, 0, len(t))
	for k := range t {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
