package eventgen

import (
	"math/rand"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// writeValue stores v as the value of the check's field: the inverse of
// the registry's extraction. v is a typed value or absent. It returns the
// attribute names written, or nil when the field has no inverse here.
func writeValue(ev *Event, c *condition.Check, v any, r *rand.Rand) []string {
	f, arg, hasArg, ok := lhsField(c)
	if !ok {
		return nil
	}
	_, isAbsent := v.(absentValue)
	k := f.Keys
	del := func(keys ...fields.Key) []string {
		var names []string
		for _, key := range keys {
			ev.Delete(key.Name)
			names = append(names, key.Name)
		}
		return names
	}
	set := func(key fields.Key, val any) []string {
		ev.SetKey(key, val)
		return []string{key.Name}
	}
	switch f.Extract {
	case fields.Direct:
		if isAbsent {
			return del(k...)
		}
		for _, key := range k[1:] {
			ev.Delete(key.Name)
		}
		return set(k[0], v)
	case fields.Prefixed, fields.EvtArg:
		if !hasArg {
			// The whole map ("NAME=value ..."): one attribute whose value
			// carries the text.
			ev.deletePrefix(k[0].Name)
			if isAbsent {
				return []string{k[0].Name}
			}
			name := k[0].Name + "V" + strconv.Itoa(r.Intn(100))
			ev.Set(name, k[0].Resource, text(v))
			return []string{name}
		}
		if _, err := strconv.Atoi(arg); err == nil && f.Extract == fields.EvtArg {
			return nil // by position: no inverse
		}
		name := k[0].Name + arg
		if isAbsent {
			ev.Delete(name)
			return []string{name}
		}
		if f.Extract == fields.EvtArg {
			v = text(v)
		}
		ev.Set(name, k[0].Resource, v)
		return []string{name}
	case fields.Ancestor:
		return writeAncestor(ev, k, arg, hasArg, v, isAbsent, r)
	case fields.Parent:
		if isAbsent {
			return del(k[0])
		}
		return setSliceAt(ev, k[0], 0, v)
	case fields.ProcArgs:
		if hasArg {
			n, err := strconv.Atoi(arg)
			if err != nil || isAbsent {
				return nil
			}
			return setSliceAt(ev, k[2], n+1, text(v))
		}
		if isAbsent {
			return del(k[0], k[2])
		}
		comm := "proc"
		if s, ok := ev.Get(k[1].Name); ok {
			comm, _ = s.(string)
		} else {
			ev.SetKey(k[1], comm)
		}
		args := text(v)
		cmd := comm
		if args != "" {
			cmd += " " + args
		}
		ev.SetKey(k[0], cmd)
		ev.SetKey(k[2], append([]string{comm}, strings.Fields(args)...))
		return []string{k[0].Name, k[1].Name, k[2].Name}
	case fields.ArgCount:
		if isAbsent {
			return del(k[0])
		}
		n, _ := v.(int64)
		if n < 0 || n > 50 {
			return nil
		}
		argv := make([]string, n+1)
		for i := range argv {
			argv[i] = "a" + strconv.Itoa(i)
		}
		return set(k[0], argv)
	case fields.Directory, fields.Filename:
		if isAbsent {
			return del(k[0])
		}
		s := text(v)
		cur, _ := ev.Get(k[0].Name)
		p, _ := cur.(string)
		var np string
		if f.Extract == fields.Directory {
			base := "file"
			if i := strings.LastIndexByte(p, '/'); i >= 0 && i < len(p)-1 {
				base = p[i+1:]
			}
			np = strings.TrimSuffix(s, "/") + "/" + base
		} else {
			dir := "/tmp"
			if i := strings.LastIndexByte(p, '/'); i > 0 {
				dir = p[:i]
			}
			np = dir + "/" + s
		}
		ev.SetKey(k[0], np)
		ev.SetKey(k[1], "file")
		return []string{k[0].Name, k[1].Name}
	case fields.TypeChar:
		if isAbsent {
			return del(k[0])
		}
		return set(k[0], longType(text(v)))
	case fields.SockFamily:
		if isAbsent {
			return del(k[0])
		}
		switch text(v) {
		case "ip":
			return set(k[0], "ipv4")
		case "unix":
			return set(k[0], "unix")
		}
		return set(k[0], "file")
	case fields.Either:
		if isAbsent {
			return del(k...)
		}
		return set(k[r.Intn(len(k))], v)
	case fields.ErrnoName:
		if isAbsent {
			return del(k[0])
		}
		s := text(v)
		if s == "SUCCESS" {
			return set(k[0], int64(r.Intn(5)))
		}
		for n := int64(1); n < 200; n++ {
			if fields.ErrnoNameOf(n) == s {
				return set(k[0], -n)
			}
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return set(k[0], n)
		}
		return set(k[0], int64(-2))
	case fields.Failed:
		if isAbsent {
			return del(k[0])
		}
		if b, _ := v.(bool); b {
			return set(k[0], int64(-13))
		}
		return set(k[0], int64(0))
	case fields.IsOpenRead, fields.IsOpenWrite, fields.IsOpenExec, fields.IsOpenCreate:
		return writeOpen(ev, f.Extract, k, v, isAbsent, r)
	case fields.SameInt:
		if isAbsent {
			return del(k[0])
		}
		other, _ := ev.Get(k[1].Name)
		n, ok := other.(int64)
		if !ok {
			n = 42
			ev.SetKey(k[1], n)
		}
		if b, _ := v.(bool); !b {
			n++
		}
		ev.SetKey(k[0], n)
		return []string{k[0].Name, k[1].Name}
	case fields.SinceStart:
		if isAbsent {
			return del(k[0])
		}
		n, _ := v.(int64)
		return set(k[0], ev.Time-n)
	case fields.Difference:
		if isAbsent {
			return del(k[0])
		}
		n, _ := v.(int64)
		ev.SetKey(k[0], ev.Time)
		ev.SetKey(k[1], ev.Time-n)
		return []string{k[0].Name, k[1].Name}
	case fields.Time:
		n, _ := v.(int64)
		if isAbsent || n <= 0 {
			return nil
		}
		ev.Time = n
		return []string{"(time)"}
	case fields.ContainerID, fields.ContainerFullID:
		s := text(v)
		if isAbsent || s == "host" {
			return del(k[0])
		}
		if f.Extract == fields.ContainerID && len(s) == 12 {
			s += randomHex(r, 52)
		}
		return set(k[0], s)
	case fields.HostDefault:
		s := text(v)
		if isAbsent || s == "host" {
			return del(k[0])
		}
		if _, ok := ev.Get(k[0].Name); !ok {
			ev.SetKey(k[0], randomHex(r, 64))
		}
		for _, key := range k[2:] {
			ev.Delete(key.Name)
		}
		ev.SetKey(k[1], s)
		return []string{k[0].Name, k[1].Name}
	case fields.ImageRef:
		if isAbsent {
			return del(k[0])
		}
		s := text(v)
		if i := strings.LastIndexByte(s, ':'); i > 0 {
			ev.SetKey(k[0], s[:i])
			ev.SetKey(k[1], s[i+1:])
		} else {
			ev.SetKey(k[0], s)
			ev.Delete(k[1].Name)
		}
		return []string{k[0].Name, k[1].Name}
	}
	return nil
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case []byte:
		return string(x)
	}
	return ""
}

// longType is the receiver's fd type for a Falco fd.typechar.
func longType(c string) string {
	switch c {
	case "f":
		return "file"
	case "d":
		return "directory"
	case "4":
		return "ipv4"
	case "6":
		return "ipv6"
	case "u":
		return "unix"
	case "p":
		return "pipe"
	case "e":
		return "event"
	case "s":
		return "signalfd"
	case "l":
		return "eventpoll"
	case "i":
		return "inotify"
	case "t":
		return "timerfd"
	case "n":
		return "netlink"
	case "b":
		return "bpf"
	case "r":
		return "io_uring"
	case "m":
		return "memfd"
	case "P":
		return "pidfd"
	}
	return "unknown"
}

func writeAncestor(ev *Event, k []fields.Key, arg string, hasArg bool, v any, isAbsent bool, r *rand.Rand) []string {
	if hasArg {
		n, err := strconv.Atoi(arg)
		if err != nil {
			return nil
		}
		if n == 0 {
			if isAbsent {
				ev.Delete(k[0].Name)
			} else {
				ev.SetKey(k[0], v)
			}
			return []string{k[0].Name}
		}
		if isAbsent {
			// Cut the ancestry below the N-th ancestor.
			truncateSlice(ev, k[1], n-1)
			return []string{k[1].Name}
		}
		return setSliceAt(ev, k[1], n-1, v)
	}
	// Without index: any ancestor.
	if isAbsent {
		ev.Delete(k[1].Name)
		return []string{k[1].Name}
	}
	cur, _ := ev.Get(k[1].Name)
	switch s := cur.(type) {
	case []string:
		if str, ok := v.(string); ok && len(s) < 6 {
			i := r.Intn(len(s) + 1)
			s = append(s[:i], append([]string{str}, s[i:]...)...)
			ev.SetKey(k[1], s)
			return []string{k[1].Name}
		}
	case []int64:
		if n, ok := v.(int64); ok && len(s) < 6 {
			ev.SetKey(k[1], append(s, n))
			return []string{k[1].Name}
		}
	}
	switch x := v.(type) {
	case string:
		ev.SetKey(k[1], []string{x})
	case int64:
		ev.SetKey(k[1], []int64{x})
	default:
		return nil
	}
	return []string{k[1].Name}
}

// setSliceAt sets element i of a slice attribute, growing it with filler.
func setSliceAt(ev *Event, k fields.Key, i int, v any) []string {
	if i < 0 || i > 20 {
		return nil
	}
	cur, _ := ev.Get(k.Name)
	switch x := v.(type) {
	case string:
		s, _ := cur.([]string)
		for len(s) <= i {
			s = append(s, "init")
		}
		s[i] = x
		ev.SetKey(k, s)
	case int64:
		s, _ := cur.([]int64)
		for len(s) <= i {
			s = append(s, 1)
		}
		s[i] = x
		ev.SetKey(k, s)
	default:
		return nil
	}
	return []string{k.Name}
}

func truncateSlice(ev *Event, k fields.Key, n int) {
	cur, _ := ev.Get(k.Name)
	switch s := cur.(type) {
	case []string:
		if len(s) > n {
			ev.SetKey(k, s[:n])
		}
	case []int64:
		if len(s) > n {
			ev.SetKey(k, s[:n])
		}
	}
}

// Open flags, as the registry interprets the raw value.
const (
	oRdonly  = 0o0
	oWronly  = 0o1
	oRdwr    = 0o2
	oCreat   = 0o100
	oTrunc   = 0o1000
	oTmpfile = 0o20000000
)

func writeOpen(ev *Event, which fields.Extract, k []fields.Key, v any, isAbsent bool, r *rand.Rand) []string {
	names := []string{k[0].Name, k[1].Name, k[2].Name, k[3].Name}
	if isAbsent {
		ev.Delete(k[0].Name)
		ev.SetKey(k[3], "openat")
		return names
	}
	want, _ := v.(bool)
	typ, _ := ev.Get(k[3].Name)
	switch typ {
	case "open", "openat", "openat2":
	default:
		if !want {
			// Any other event type gives false.
			return names
		}
		ev.SetKey(k[3], []string{"open", "openat", "openat2"}[r.Intn(3)])
	}
	cur, _ := ev.Get(k[0].Name)
	flags, _ := cur.(int64)
	switch which {
	case fields.IsOpenRead:
		if want {
			flags = flags&^3 | []int64{oRdonly, oRdwr}[r.Intn(2)]
		} else {
			flags = flags&^3 | oWronly
		}
	case fields.IsOpenWrite:
		if want {
			flags = flags&^3 | []int64{oWronly, oRdwr}[r.Intn(2)]
		} else {
			flags = flags &^ 3
		}
		if r.Intn(2) == 0 {
			flags |= oTrunc
		}
	case fields.IsOpenCreate:
		ev.SetKey(k[2], want)
		flags &^= oTmpfile
	case fields.IsOpenExec:
		if want {
			flags |= oCreat
			ev.SetKey(k[1], int64(0o755))
		} else {
			ev.SetKey(k[1], int64(0o644))
		}
	}
	ev.SetKey(k[0], flags)
	return names
}
