package fields

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/vigil-sec/vigil/internal/linuxabi"
	"github.com/vigil-sec/vigil/rules/native/fnmatch"
)

// Shape says how many values a field yields for one event.
type Shape uint8

const (
	// Single is one value (or none).
	Single Shape = iota
	// AnyOf is several candidate values of which a filter check needs one to
	// hold: proc.aname without index (the ancestors), fd.ip (client or
	// server side).
	AnyOf
	// ListOf is a list value: "in" is a subset test, "intersects" an
	// overlap test (container.mounts).
	ListOf
)

// Accessor reads one field, with its argument, from events. Everything that
// depends only on the field and its argument (prefixed key names, parsed
// indices) is worked out once by NewAccessor; reading never allocates.
//
// Which reader applies follows Type and Shape: Str for String, IPAddr and
// IPNet; Int for Int, Port, AbsTime and RelTime; Bool for Bool; Bytes for
// Bytes; Len with StrAt or IntAt for AnyOf and ListOf. Readers report false
// when the value cannot be extracted for this event.
type Accessor struct {
	f      *Field
	arg    string
	hasArg bool
	shape  Shape
	// key is the attribute read for Prefixed and EvtArg by name.
	key Key
	// idx is the parsed index argument, or -1.
	idx int
	// evtType, when set, is the event type the accessor was specialised
	// for (ForEventType), so it need not read it.
	evtType string
	// j reads fields of the event's JSON document (k8saudit.go).
	j *docAccess
}

// NewAccessor builds the accessor a filter check uses. arg is the bracket or
// dotted argument; hasArg distinguishes "proc.env[]"-style empty arguments
// from none.
func NewAccessor(f *Field, arg string, hasArg bool) (*Accessor, error) {
	return newAccessor(f, arg, hasArg, false)
}

// NewOutputAccessor builds the accessor an output uses. It differs from
// NewAccessor only for the ancestor fields without index, which print the
// process's own value instead of matching any ancestor.
func NewOutputAccessor(f *Field, arg string, hasArg bool) (*Accessor, error) {
	return newAccessor(f, arg, hasArg, true)
}

func newAccessor(f *Field, arg string, hasArg, output bool) (*Accessor, error) {
	if f.Doc != nil {
		return newDocAccessor(f, arg, hasArg)
	}
	a := &Accessor{f: f, arg: arg, hasArg: hasArg, idx: -1}
	if hasArg {
		if f.Arg == ArgNone {
			return nil, fmt.Errorf("field %s does not take an argument", f.Name)
		}
		if arg == "" {
			return nil, fmt.Errorf("field %s: empty argument", f.Name)
		}
		switch f.Arg {
		case ArgIndex:
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("field %s: argument %q is not a non-negative index", f.Name, arg)
			}
			a.idx = n
		case ArgIndexOrKey:
			if n, err := strconv.Atoi(arg); err == nil && n >= 0 {
				a.idx = n
			}
		}
	} else if f.ArgRequired {
		return nil, fmt.Errorf("field %s requires an argument", f.Name)
	}
	if f.List {
		a.shape = ListOf
	}
	switch f.Extract {
	case Prefixed:
		if hasArg {
			a.key = prefixedKey(f.Keys[0], arg)
		}
	case EvtArg:
		if a.idx < 0 {
			a.key = prefixedKey(f.Keys[0], arg)
		}
	case Ancestor:
		if !hasArg {
			if output {
				a.idx = 0
			} else {
				a.shape = AnyOf
			}
		}
	case Either:
		a.shape = AnyOf
	}
	return a, nil
}

// prefixedKey names prefix+arg, reusing a declared key (and its cache slot)
// when one has that name, as evt.rawarg.flags does.
func prefixedKey(prefix Key, arg string) Key {
	name := prefix.Name + arg
	if k, ok := keyByName[name]; ok && k.Resource == prefix.Resource {
		return k
	}
	return Key{Name: name, Resource: prefix.Resource, Slot: -1}
}

// keyByName is filled by init, after every key variable has been declared
// (a package-level initializer could run before keys.go's).
var keyByName map[string]Key

func init() {
	keyByName = make(map[string]Key, len(declared))
	for _, k := range declared {
		if k.Slot >= 0 {
			keyByName[k.Name] = k
		}
	}
}

// DirectKey returns the one attribute a field reads as is, when it is that
// simple, so callers can skip the accessor's dispatch.
func (a *Accessor) DirectKey() (Key, bool) {
	if a.j != nil {
		return a.j.fast, a.j.fast2
	}
	switch {
	case a.f.Extract == Direct && len(a.f.Keys) == 1 && !a.f.List:
		return a.f.Keys[0], true
	case a.f.Extract == Prefixed && a.hasArg:
		return a.key, true
	case a.f.Extract == Ancestor && a.idx == 0:
		return a.f.Keys[0], true
	}
	return Key{}, false
}

// ForEventType returns an accessor for events known to be of type t, or a
// itself when the type does not matter to the field. Only evt.is_open_*
// depend on it.
func (a *Accessor) ForEventType(t string) *Accessor {
	switch a.f.Extract {
	case IsOpenRead, IsOpenWrite, IsOpenExec, IsOpenCreate:
		b := *a
		b.evtType = t
		return &b
	}
	return a
}

// ConstBool reports a boolean value that is the same for every event, as
// evt.is_open_read is (false) once specialised for a type outside the open
// family.
func (a *Accessor) ConstBool() (value, ok bool) {
	switch a.f.Extract {
	case IsOpenRead, IsOpenWrite, IsOpenCreate:
		return false, a.evtType != "" && !isOpenFamily(a.evtType)
	case IsOpenExec:
		return false, a.evtType != "" && !isOpenFamily(a.evtType) && a.evtType != "creat"
	}
	return false, false
}

func isOpenFamily(t string) bool {
	switch t {
	case "open", "openat", "openat2", "open_by_handle_at":
		return true
	}
	return false
}

// Field returns the field read.
func (a *Accessor) Field() *Field { return a.f }

// Arg returns the argument as written and whether there was one.
func (a *Accessor) Arg() (string, bool) { return a.arg, a.hasArg }

// Type is the value type.
func (a *Accessor) Type() Type { return a.f.Type }

// Shape is how many values the field yields.
func (a *Accessor) Shape() Shape { return a.shape }

// Composes reports whether Str may need the Scratch (values built from
// several attributes or rendered from numbers). Callers that pass a nil
// Scratch must not use such accessors.
func (a *Accessor) Composes() bool {
	if a.j != nil {
		return true
	}
	switch a.f.Extract {
	case Prefixed:
		return !a.hasArg
	case EvtArg, EvtArgs, ProcArgs, ErrnoName, ImageRef:
		return true
	}
	return false
}

// Str reads a text value. sc receives composed values (see Composes).
func (a *Accessor) Str(ev Event, sc *Scratch) (string, bool) {
	if a.j != nil {
		return a.j.str(a, ev, sc)
	}
	f := a.f
	switch f.Extract {
	case Direct:
		for _, k := range f.Keys {
			if s, ok := ev.Str(k); ok {
				return s, true
			}
		}
		return "", false
	case Constant:
		return f.Const, true
	case EventSource:
		if se, ok := ev.(SourceEvent); ok {
			if s := se.Source(); s != "" {
				return s, true
			}
		}
		return f.Const, true
	case Prefixed:
		if a.hasArg {
			return ev.Str(a.key)
		}
		return a.joinRange(ev, sc)
	case EvtArg:
		if a.idx >= 0 {
			return nthUnder(ev, f.Keys[0], a.idx)
		}
		if s, ok := ev.Str(a.key); ok {
			return s, true
		}
		if n, ok := ev.Int(a.key); ok && sc != nil {
			m := sc.Mark()
			sc.B = strconv.AppendInt(sc.B, n, 10)
			return sc.String(m), true
		}
		return "", false
	case EvtArgs:
		return a.joinRange(ev, sc)
	case Ancestor:
		switch {
		case a.idx == 0:
			return ev.Str(f.Keys[0])
		case a.idx > 0:
			return ev.StrAt(f.Keys[1], a.idx-1)
		}
		return "", false
	case Parent:
		return ev.StrAt(f.Keys[0], 0)
	case ProcArgs:
		return a.procArgs(ev, sc)
	case Directory:
		return directory(ev, f.Keys)
	case Filename:
		return filename(ev, f.Keys)
	case TypeChar:
		t, ok := ev.Str(f.Keys[0])
		if !ok {
			return "", false
		}
		return typeChar(t), true
	case SockFamily:
		t, ok := ev.Str(f.Keys[0])
		if !ok {
			return "", false
		}
		switch t {
		case "ipv4", "ipv6":
			return "ip", true
		case "unix":
			return "unix", true
		}
		return "", false
	case ErrnoName:
		r, ok := ev.Int(f.Keys[0])
		if !ok {
			return "", false
		}
		if r >= 0 {
			return "SUCCESS", true
		}
		if name := ErrnoNameOf(-r); name != "" {
			return name, true
		}
		if sc == nil {
			return "", false
		}
		m := sc.Mark()
		sc.B = strconv.AppendInt(sc.B, r, 10)
		return sc.String(m), true
	case ContainerID, ContainerFullID:
		id, ok := ev.Str(f.Keys[0])
		if !ok || id == "" {
			return "host", true
		}
		if f.Extract == ContainerID && len(id) > 12 {
			id = id[:12]
		}
		return id, true
	case ShortID:
		id, ok := ev.Str(f.Keys[0])
		if ok && len(id) > 12 {
			id = id[:12]
		}
		return id, ok
	case HostDefault:
		if id, ok := ev.Str(f.Keys[0]); !ok || id == "" {
			return "host", true
		}
		for _, k := range f.Keys[1:] {
			if s, ok := ev.Str(k); ok {
				return s, true
			}
		}
		return "", false
	case ImageRef:
		repo, ok := ev.Str(f.Keys[0])
		if !ok {
			return "", false
		}
		tag, ok := ev.Str(f.Keys[1])
		if !ok || tag == "" || sc == nil {
			return repo, true
		}
		m := sc.Mark()
		sc.B = append(sc.B, repo...)
		sc.B = append(sc.B, ':')
		sc.B = append(sc.B, tag...)
		return sc.String(m), true
	case MountDest:
		return a.mountDest(ev)
	}
	return "", false
}

// Int reads an integer value.
func (a *Accessor) Int(ev Event) (int64, bool) {
	f := a.f
	switch f.Extract {
	case Direct:
		for _, k := range f.Keys {
			if n, ok := ev.Int(k); ok {
				return n, true
			}
		}
		return 0, false
	case Prefixed:
		if a.hasArg {
			return ev.Int(a.key)
		}
		return 0, false
	case Ancestor:
		switch {
		case a.idx == 0:
			return ev.Int(f.Keys[0])
		case a.idx > 0:
			return ev.IntAt(f.Keys[1], a.idx-1)
		}
		return 0, false
	case Parent:
		return ev.IntAt(f.Keys[0], 0)
	case ArgCount:
		n, ok := ev.Len(f.Keys[0])
		if !ok {
			return 0, false
		}
		if n > 0 {
			n--
		}
		return int64(n), true
	case SinceStart:
		start, ok := ev.Int(f.Keys[0])
		if !ok || start == 0 {
			return 0, false
		}
		return ev.Time() - start, true
	case Difference:
		x, ok1 := ev.Int(f.Keys[0])
		y, ok2 := ev.Int(f.Keys[1])
		if !ok1 || !ok2 || x <= y || y == 0 {
			return 0, false
		}
		return x - y, true
	case Time:
		return ev.Time(), true
	}
	return 0, false
}

// Bool reads a boolean value.
func (a *Accessor) Bool(ev Event) (bool, bool) {
	f := a.f
	switch f.Extract {
	case Direct:
		for _, k := range f.Keys {
			if b, ok := ev.Bool(k); ok {
				return b, true
			}
		}
		return false, false
	case Failed:
		r, ok := ev.Int(f.Keys[0])
		return r < 0, ok
	case SameInt:
		x, ok1 := ev.Int(f.Keys[0])
		y, ok2 := ev.Int(f.Keys[1])
		return x == y, ok1 && ok2
	case IsOpenRead, IsOpenWrite, IsOpenExec, IsOpenCreate:
		return isOpen(ev, f.Extract, f.Keys, a.evtType)
	}
	return false, false
}

// Bytes reads a byte-buffer value.
func (a *Accessor) Bytes(ev Event) ([]byte, bool) {
	if a.f.Extract != Direct {
		return nil, false
	}
	for _, k := range a.f.Keys {
		if b, ok := ev.Bytes(k); ok {
			return b, true
		}
	}
	return nil, false
}

// Len is the number of values of an AnyOf or ListOf field.
func (a *Accessor) Len(ev Event) (int, bool) {
	if a.j != nil {
		return a.j.length(ev)
	}
	f := a.f
	switch {
	case f.Extract == Either:
		return len(f.Keys), true
	case f.Extract == Ancestor:
		return ev.Len(f.Keys[1])
	case f.List:
		return ev.Len(f.Keys[0])
	}
	return 0, false
}

// StrAt reads text value i of an AnyOf or ListOf field.
func (a *Accessor) StrAt(ev Event, i int) (string, bool) {
	if a.j != nil {
		return a.j.at(ev, i, nil)
	}
	f := a.f
	switch {
	case f.Extract == Either:
		if i < 0 || i >= len(f.Keys) {
			return "", false
		}
		return ev.Str(f.Keys[i])
	case f.Extract == Ancestor:
		return ev.StrAt(f.Keys[1], i)
	case f.List:
		return ev.StrAt(f.Keys[0], i)
	}
	return "", false
}

// IntAt reads integer value i of an AnyOf or ListOf field.
func (a *Accessor) IntAt(ev Event, i int) (int64, bool) {
	f := a.f
	switch {
	case f.Extract == Either:
		if i < 0 || i >= len(f.Keys) {
			return 0, false
		}
		return ev.Int(f.Keys[i])
	case f.Extract == Ancestor:
		return ev.IntAt(f.Keys[1], i)
	case f.List:
		return ev.IntAt(f.Keys[0], i)
	}
	return 0, false
}

func (a *Accessor) procArgs(ev Event, sc *Scratch) (string, bool) {
	f := a.f
	if a.idx >= 0 {
		return ev.StrAt(f.Keys[2], a.idx+1)
	}
	if cmd, ok := ev.Str(f.Keys[0]); ok {
		comm, ok := ev.Str(f.Keys[1])
		if ok && strings.HasPrefix(cmd, comm) {
			switch {
			case len(cmd) == len(comm):
				return "", true
			case cmd[len(comm)] == ' ':
				return cmd[len(comm)+1:], true
			}
		}
	}
	n, ok := ev.Len(f.Keys[2])
	if !ok || sc == nil {
		return "", false
	}
	m := sc.Mark()
	for i := 1; i < n; i++ {
		s, _ := ev.StrAt(f.Keys[2], i)
		if i > 1 {
			sc.B = append(sc.B, ' ')
		}
		sc.B = append(sc.B, s...)
	}
	return sc.String(m), true
}

func (a *Accessor) mountDest(ev Event) (string, bool) {
	f := a.f
	if a.idx >= 0 {
		if d, ok := ev.StrAt(f.Keys[0], a.idx); ok {
			return d, true
		}
		m, ok := ev.StrAt(f.Keys[1], a.idx)
		if !ok {
			return "", false
		}
		return mountPart(m, 1)
	}
	n, _ := ev.Len(f.Keys[1])
	for i := 0; i < n; i++ {
		m, ok := ev.StrAt(f.Keys[1], i)
		if !ok {
			continue
		}
		src, _ := mountPart(m, 0)
		if !fnmatch.Match(a.arg, src) {
			continue
		}
		if d, ok := ev.StrAt(f.Keys[0], i); ok {
			return d, true
		}
		return mountPart(m, 1)
	}
	return "", false
}

// mountPart returns the i-th ":"-separated part of a mount description.
func mountPart(m string, i int) (string, bool) {
	for ; i > 0; i-- {
		j := strings.IndexByte(m, ':')
		if j < 0 {
			return "", false
		}
		m = m[j+1:]
	}
	if j := strings.IndexByte(m, ':'); j >= 0 {
		m = m[:j]
	}
	return m, true
}

func directory(ev Event, k []Key) (string, bool) {
	p, ok := ev.Str(k[0])
	if !ok {
		return "", false
	}
	t, hasType := ev.Str(k[1])
	if hasType && t == "directory" {
		return p, true
	}
	if hasType && t != "file" {
		return "", false
	}
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/", true
	}
	if i < len(p)-1 {
		return p[:i], true
	}
	return p, true
}

func filename(ev Event, k []Key) (string, bool) {
	p, ok := ev.Str(k[0])
	if !ok {
		return "", false
	}
	if t, hasType := ev.Str(k[1]); hasType && t != "file" {
		return "", false
	}
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "/", true
	}
	if i < len(p)-1 {
		return p[i+1:], true
	}
	return p, true
}

// fdTypes are the fd.type values the receiver writes.
var fdTypes = []string{
	"file", "directory", "ipv4", "ipv6", "unix", "pipe", "event", "signalfd", "eventpoll",
	"inotify", "timerfd", "netlink", "bpf", "userfaultfd", "io_uring", "memfd", "pidfd",
}

// FDTypesWithChar lists the fd.type values whose fd.typechar is c, so a
// check on fd.typechar can test fd.type directly. ok is false for "o"
// (any other type), which no finite list describes.
func FDTypesWithChar(c string) (types []string, ok bool) {
	if c == "o" {
		return nil, false
	}
	for _, t := range fdTypes {
		if typeChar(t) == c {
			types = append(types, t)
		}
	}
	return types, true
}

// typeChar maps the long fd type the receiver writes to Falco's fd.typechar.
func typeChar(t string) string {
	switch t {
	case "file":
		return "f"
	case "directory":
		return "d"
	case "ipv4":
		return "4"
	case "ipv6":
		return "6"
	case "unix", "userfaultfd":
		return "u"
	case "pipe":
		return "p"
	case "event":
		return "e"
	case "signalfd":
		return "s"
	case "eventpoll":
		return "l"
	case "inotify":
		return "i"
	case "timerfd":
		return "t"
	case "netlink":
		return "n"
	case "bpf":
		return "b"
	case "io_uring":
		return "r"
	case "memfd":
		return "m"
	case "pidfd":
		return "P"
	}
	return "o"
}

// Linux open(2) flag bits (x86-64 and the generic ABI).
const (
	oAccMode = 0o3
	oWronly  = 0o1
	oRdwr    = 0o2
	oCreat   = 0o100
	oTmpfile = 0o20000000 // __O_TMPFILE; O_TMPFILE adds O_DIRECTORY
	sIXAll   = 0o111
)

func isOpen(ev Event, which Extract, k []Key, typ string) (bool, bool) {
	if typ == "" {
		var ok bool
		if typ, ok = ev.Str(k[3]); !ok {
			return false, false
		}
	}
	switch typ {
	case "open", "openat", "openat2", "open_by_handle_at":
	case "creat":
		if which != IsOpenExec {
			return false, true
		}
		mode, ok := ev.Int(k[1])
		if !ok {
			return false, false
		}
		return mode&sIXAll != 0, true
	default:
		return false, true
	}
	flags, ok := ev.Int(k[0])
	if !ok {
		return false, false
	}
	switch which {
	case IsOpenRead:
		return flags&oAccMode != oWronly, true
	case IsOpenWrite:
		acc := flags & oAccMode
		return acc == oWronly || acc == oRdwr, true
	case IsOpenCreate:
		if created, ok := ev.Bool(k[2]); ok && created {
			return true, true
		}
		if flags&oTmpfile != 0 {
			if r, ok := ev.Int(k[4]); ok && r >= 0 {
				return true, true
			}
		}
		return false, true
	case IsOpenExec:
		if typ == "open_by_handle_at" || flags&(oCreat|oTmpfile) == 0 {
			return false, true
		}
		mode, ok := ev.Int(k[1])
		if !ok {
			return false, true
		}
		return mode&sIXAll != 0, true
	}
	return false, false
}

// ErrnoNameOf returns the Linux name of errno value n ("ENOENT" for 2), or
// "" when n is not a known errno.
func ErrnoNameOf(n int64) string { return linuxabi.ErrnoName(n) }

// joinRange renders every attribute under the field's prefix the way Falco
// prints the whole-map form of the field.
func (a *Accessor) joinRange(ev Event, sc *Scratch) (string, bool) {
	if sc == nil {
		return "", false
	}
	kv, sep := "=", " "
	if a.f.Name != "proc.env" && a.f.Extract == Prefixed {
		kv, sep = ":", ","
	}
	j := joinPool.Get().(*rangeJoin)
	j.sc, j.kv, j.sep, j.n = sc, kv, sep, 0
	if a.f.Extract == EvtArgs {
		j.ev = ev
	}
	m := sc.Mark()
	ev.Range(a.f.Keys[0], j.fn)
	n := j.n
	j.sc, j.ev = nil, nil
	joinPool.Put(j)
	if n == 0 {
		return "", false
	}
	return sc.String(m), true
}

// rangeJoin and rangeNth carry Range callbacks bound once per pooled object,
// so walking prefixed attributes allocates nothing.
type rangeJoin struct {
	sc      *Scratch
	kv, sep string
	n       int
	fn      func(string, string) bool
	// ev is set for evt.args, whose values Falco prints number first
	// (evtargs.go)
	ev Event
}

func (j *rangeJoin) visit(k, v string) bool {
	if j.n > 0 {
		j.sc.B = append(j.sc.B, j.sep...)
	}
	j.sc.B = append(j.sc.B, k...)
	j.sc.B = append(j.sc.B, j.kv...)
	if j.ev != nil {
		j.sc.B = appendEvtArgValue(j.sc.B, j.ev, k, v)
	} else {
		j.sc.B = append(j.sc.B, v...)
	}
	j.n++
	return true
}

var joinPool = sync.Pool{New: func() any {
	j := &rangeJoin{}
	j.fn = j.visit
	return j
}}

type rangeNth struct {
	want, i int
	val     string
	found   bool
	fn      func(string, string) bool
}

func (r *rangeNth) visit(_, v string) bool {
	if r.i == r.want {
		r.val, r.found = v, true
		return false
	}
	r.i++
	return true
}

var nthPool = sync.Pool{New: func() any {
	r := &rangeNth{}
	r.fn = r.visit
	return r
}}

func nthUnder(ev Event, prefix Key, n int) (string, bool) {
	r := nthPool.Get().(*rangeNth)
	r.want, r.i, r.val, r.found = n, 0, "", false
	ev.Range(prefix, r.fn)
	v, ok := r.val, r.found
	r.val = ""
	nthPool.Put(r)
	return v, ok
}
