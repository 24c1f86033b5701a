package approver

import (
	"path"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/evttype"
)

// OpenFamily are the syscalls whose fd.name is the path argument (made
// absolute and clean), so a probe can judge it from the argument: path
// filters are derived for these only.
var OpenFamily = []string{"creat", "open", "openat", "openat2"}

// Derived is what Derive finds.
type Derived struct {
	// Filters holds, for every syscall the enabled syscall rules can
	// match, the union over those rules of what each requires of the
	// kernel-visible fields for that syscall.
	Filters map[string]Filter
	// SocketNames reports that a rule that can match reads
	// fd.name_changed, which compares a socket's name with the one the
	// previous record on that socket gave it: then no record that names a
	// socket may be filtered, or the answer would change.
	SocketNames bool
}

// Derive works out the filters of the enabled syscall rules of rs.
func Derive(rs *rules.Ruleset) Derived {
	var active []*rules.Rule
	for _, r := range rs.Rules() {
		if r.Enabled && r.Source == "syscall" {
			active = append(active, r)
		}
	}
	out := make(map[string]Filter, len(rs.Syscalls()))
	socketState := false
	for _, sc := range rs.Syscalls() {
		f := None()
		for _, r := range active {
			rf := ForRule(r.Tree(), sc)
			f = f.Union(rf)
			// a rule that cannot match sc does not care what it reads
			socketState = socketState || (!rf.IsNone() && Reads(r.Tree(), sc, "fd.name_changed"))
		}
		out[sc] = f
	}
	return Derived{Filters: out, SocketNames: socketState}
}

// Reads reports whether condition e (expanded) may read field for an
// event of syscall sc: the field appears in it outside the parts that the
// event type already makes false (a conjunction with a false member). A
// negated part is never pruned.
func Reads(e condition.Expr, sc, field string) bool {
	d := deriver{sc: sc, open: isOpen(sc)}
	return d.reads(e, field, false)
}

func (d deriver) reads(e condition.Expr, field string, negated bool) bool {
	switch e := e.(type) {
	case *condition.And:
		if !negated {
			for _, k := range e.Children {
				if p, _ := d.visit(k); p.IsNone() {
					return false
				}
			}
		}
		for _, k := range e.Children {
			if d.reads(k, field, negated) {
				return true
			}
		}
		return false
	case *condition.Or:
		for _, k := range e.Children {
			if d.reads(k, field, negated) {
				return true
			}
		}
		return false
	case *condition.Not:
		return d.reads(e.Child, field, true)
	case *condition.Check:
		f, ok := e.LHS.(*condition.FieldRef)
		return !ok || f.Name == field
	}
	return true
}

// ForRule is what condition e (expanded) requires of an event of syscall
// sc to be true.
func ForRule(e condition.Expr, sc string) Filter {
	d := deriver{sc: sc, open: isOpen(sc)}
	pos, _ := d.visit(e)
	return pos
}

func isOpen(sc string) bool {
	for _, n := range OpenFamily {
		if n == sc {
			return true
		}
	}
	return false
}

type deriver struct {
	sc   string
	open bool
}

// visit returns what e requires to be true (pos) and to be false (neg).
func (d deriver) visit(e condition.Expr) (pos, neg Filter) {
	switch e := e.(type) {
	case *condition.And:
		pos, neg = All(), None()
		for _, k := range e.Children {
			p, n := d.visit(k)
			pos, neg = pos.Intersect(p), neg.Union(n)
		}
		return pos, neg
	case *condition.Or:
		pos, neg = None(), All()
		for _, k := range e.Children {
			p, n := d.visit(k)
			pos, neg = pos.Union(p), neg.Intersect(n)
		}
		return pos, neg
	case *condition.Not:
		p, n := d.visit(e.Child)
		return n, p
	case *condition.Check:
		return d.check(e)
	}
	// a macro reference left unexpanded, or a node this package does not
	// know: it may be true or false for any event
	return All(), All()
}

func (d deriver) check(c *condition.Check) (pos, neg Filter) {
	f, ok := c.LHS.(*condition.FieldRef)
	if !ok || f.HasArg || c.Modifier != condition.ModNone {
		return All(), All()
	}
	switch f.Name {
	case "evt.type", "evt.num":
		// the event-type analysis decides, for this syscall, whether the
		// check can be true and whether it can be false
		return truth(evttype.Condition(c).Contains(d.sc)), truth(evttype.Condition(&condition.Not{Child: c}).Contains(d.sc))
	case "evt.rawres":
		return rawres(c)
	case "evt.res":
		return res(c)
	case "evt.failed":
		return failed(c)
	case "fd.l4proto":
		return proto(c)
	case "evt.is_open_read":
		return d.access(c, ReadAccess)
	case "evt.is_open_write":
		return d.access(c, WriteAccess)
	case "fd.name", "fd.directory", "fd.filename":
		if d.open {
			return paths(f.Name, c)
		}
	case "fd.nameraw":
		if d.open {
			return rawPath(c)
		}
	case "proc.name":
		return names(c)
	case "container.id", "container.full_id":
		return where(c)
	}
	return All(), All()
}

func truth(b bool) Filter {
	if b {
		return All()
	}
	return None()
}

func withOutcome(o Outcome) Filter {
	f := All()
	f.Outcome = o
	if o == 0 {
		return None()
	}
	return f
}

func withProto(p Proto) Filter {
	f := All()
	f.Proto = p
	return f
}

func withPaths(p Paths) Filter {
	if p.Any {
		return All()
	}
	f := All()
	f.Path = [Modes]Paths{p, p, p, p}
	return f
}

func withAccess(a Access) Filter {
	f := All()
	f.Access = a
	for m := range f.Path {
		if a&(1<<m) == 0 {
			f.Path[m] = Paths{}
		}
	}
	if a == 0 {
		return None()
	}
	return f
}

// rawres: the outcomes (return value >= 0, < 0) a numeric comparison
// with n can hold for, and its negation.
func rawres(c *condition.Check) (Filter, Filter) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) == 0 {
		return All(), All()
	}
	ns := make([]int64, len(items))
	for i, it := range items {
		n, err := strconv.ParseInt(it, 0, 64)
		if err != nil {
			return All(), All()
		}
		ns[i] = n
	}
	at := func(n int64) Outcome {
		if n >= 0 {
			return Success
		}
		return Failure
	}
	if c.Op == condition.OpIn {
		var o Outcome
		for _, n := range ns {
			o |= at(n)
		}
		return withOutcome(o), All()
	}
	if len(ns) != 1 {
		return All(), All()
	}
	n := ns[0]
	// below(n): the outcomes of the values x < n; from(n): of x >= n
	below := func(n int64) Outcome {
		o := Failure
		if n > 0 {
			o |= Success
		}
		return o
	}
	from := func(n int64) Outcome {
		o := Success
		if n <= -1 {
			o |= Failure
		}
		return o
	}
	switch c.Op {
	case condition.OpEq:
		return withOutcome(at(n)), All()
	case condition.OpNe:
		return All(), withOutcome(at(n))
	case condition.OpLt:
		return withOutcome(below(n)), withOutcome(from(n))
	case condition.OpGe:
		return withOutcome(from(n)), withOutcome(below(n))
	case condition.OpLe:
		return withOutcome(below(n + 1)), withOutcome(from(n + 1))
	case condition.OpGt:
		return withOutcome(from(n + 1)), withOutcome(below(n + 1))
	}
	return All(), All()
}

// res: "SUCCESS" is a return value >= 0, any other value (an errno name)
// a failure.
func res(c *condition.Check) (Filter, Filter) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) == 0 {
		return All(), All()
	}
	var o Outcome
	for _, it := range items {
		if it == "SUCCESS" {
			o |= Success
		} else {
			o |= Failure
		}
	}
	switch c.Op {
	case condition.OpEq, condition.OpIn:
		if len(items) == 1 && o == Success {
			return withOutcome(Success), withOutcome(Failure)
		}
		return withOutcome(o), All()
	case condition.OpNe:
		if o == Success {
			return withOutcome(Failure), withOutcome(Success)
		}
		return All(), withOutcome(o)
	}
	return All(), All()
}

// boolCheck reads a boolean field compared with one constant (= or !=) as
// the value the field must have for the check to hold.
func boolCheck(c *condition.Check) (want, ok bool) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) != 1 || (c.Op != condition.OpEq && c.Op != condition.OpNe) {
		return false, false
	}
	switch strings.ToLower(items[0]) {
	case "true":
		want = true
	case "false":
	default:
		return false, false
	}
	return want != (c.Op == condition.OpNe), true
}

func failed(c *condition.Check) (Filter, Filter) {
	want, ok := boolCheck(c)
	if !ok {
		return All(), All()
	}
	o := Success
	if want {
		o = Failure
	}
	return withOutcome(o), withOutcome(o ^ AnyOutcome)
}

// access: evt.is_open_read or evt.is_open_write (true in the modes of
// set) compared with a boolean. For open, openat and openat2 it holds in
// those modes; the rules library makes it false for every other syscall
// but open_by_handle_at, whose mode no probe reads. Its false side is left
// free: a record without flags makes both comparisons false.
func (d deriver) access(c *condition.Check, set Access) (Filter, Filter) {
	want, ok := boolCheck(c)
	if !ok {
		return All(), All()
	}
	switch {
	case d.sc == "open_by_handle_at":
		return All(), All()
	case !d.open || d.sc == "creat":
		// constantly false: the check holds exactly when want is false
		return truth(!want), truth(want)
	case want:
		return withAccess(set), All()
	}
	return withAccess(AnyAccess ^ set), All()
}

// proto: fd.l4proto compared with constants. OtherProto stands for every
// other value and for no value, so it stays on both sides of a negation.
func proto(c *condition.Check) (Filter, Filter) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) == 0 {
		return All(), All()
	}
	var p Proto
	for _, it := range items {
		switch it {
		case "tcp":
			p |= TCP
		case "udp":
			p |= UDP
		default:
			p |= OtherProto
		}
	}
	not := (AnyProto ^ p) | OtherProto
	switch {
	case c.Op == condition.OpEq && len(items) == 1, c.Op == condition.OpIn:
		return withProto(p), withProto(not)
	case c.Op == condition.OpNe && len(items) == 1:
		return withProto(not), withProto(p)
	}
	return All(), All()
}

// paths: the path set a check on fd.name, fd.directory or fd.filename of
// an open-family event holds for. Only the equality-like side of a
// comparison gives a set; its negation leaves the path free.
func paths(field string, c *condition.Check) (Filter, Filter) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) == 0 {
		return All(), All()
	}
	var set Paths
	add := func(prefix, suffix string) bool {
		switch {
		case prefix != "" && len(prefix) <= MaxPath+1:
			set.Prefixes = append(set.Prefixes, prefix)
		case suffix != "" && len(suffix) <= MaxPath:
			set.Suffixes = append(set.Suffixes, suffix)
		default:
			return false
		}
		return true
	}
	op := c.Op
	if op == condition.OpNe {
		op = condition.OpEq
	}
	for _, v := range items {
		var pre, suf string
		switch field + " " + op.String() {
		case "fd.name =", "fd.name in":
			pre = v + "\x00"
		case "fd.name startswith", "fd.name pmatch", "fd.directory startswith", "fd.directory pmatch":
			pre = v
		case "fd.name glob":
			pre = v[:globLiteral(v)]
		case "fd.name endswith", "fd.filename endswith":
			suf = v
		case "fd.directory =", "fd.directory in":
			pre = dirPrefix(v)
		case "fd.filename =", "fd.filename in":
			suf = "/" + v
		}
		if !add(pre, suf) {
			return All(), All()
		}
	}
	if !op.IsList() && op != condition.OpEq && len(items) != 1 {
		// startswith, endswith and glob take one value
		return All(), All()
	}
	set = Paths{Prefixes: sortedUnion(set.Prefixes, nil), Suffixes: sortedUnion(set.Suffixes, nil)}.bounded()
	if c.Op == condition.OpNe {
		return All(), withPaths(set)
	}
	return withPaths(set), All()
}

// names: proc.name compared with constants by = or in holds for a name
// set; != and "not in" hold for the complement, which only their false
// side can use. Other operators (startswith, glob, contains ...) leave the
// name free: a hash set cannot judge them.
func names(c *condition.Check) (Filter, Filter) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) == 0 {
		return All(), All()
	}
	set := make([]string, 0, len(items))
	for _, v := range items {
		if len(v) > TaskComm {
			v = v[:TaskComm]
		}
		set = append(set, v)
	}
	f := withPaths(Paths{Names: sortedUnion(set, nil)}.bounded())
	switch {
	case c.Op == condition.OpIn, c.Op == condition.OpEq && len(items) == 1:
		return f, All()
	case c.Op == condition.OpNe && len(items) == 1:
		return All(), f
	}
	return All(), All()
}

func withWhere(w Where) Filter {
	f := All()
	f.Where = w
	return f
}

// where: container.id (or container.full_id) compared with "host", the
// value of every host process. Equality with a container's id holds in
// containers only; the false side of such a test is free.
func where(c *condition.Check) (Filter, Filter) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) == 0 {
		return All(), All()
	}
	var w Where
	for _, v := range items {
		if v == "host" {
			w |= Host
		} else {
			w |= Container
		}
	}
	switch {
	case c.Op == condition.OpEq && len(items) == 1, c.Op == condition.OpIn:
		neg := All()
		if w == Host {
			neg = withWhere(Container)
		}
		return withWhere(w), neg
	case c.Op == condition.OpNe && len(items) == 1:
		pos := All()
		if w == Host {
			pos = withWhere(Container)
		}
		return pos, withWhere(w)
	}
	return All(), All()
}

// rawPath: fd.nameraw is the path as passed. A test that needs ".." in it
// (the directory-traversal idiom: contains "../", glob "*../*") holds for
// no judged path, so only unjudged ones pass; anything else leaves the
// path free.
func rawPath(c *condition.Check) (Filter, Filter) {
	items, ok := condition.Texts(c.RHS)
	if !ok || len(items) != 1 || !strings.Contains(items[0], "..") {
		return All(), All()
	}
	if c.Op == condition.OpContains || (c.Op == condition.OpGlob && !strings.ContainsAny(items[0], "[\\")) {
		return withPaths(Paths{}), All()
	}
	return All(), All()
}

// globLiteral is the length of the glob pattern's leading literal part.
func globLiteral(g string) int {
	if i := strings.IndexAny(g, `*?[\`); i >= 0 {
		return i
	}
	return len(g)
}

// dirPrefix is the prefix of the paths in directory d.
func dirPrefix(d string) string {
	d = path.Clean(d)
	if d == "/" {
		return "/"
	}
	return d + "/"
}
