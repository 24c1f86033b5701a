package evttype

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/rules/condition"
)

func set(t *testing.T, cond string) Set {
	t.Helper()
	e, err := condition.Parse(cond)
	if err != nil {
		t.Fatalf("parse %q: %v", cond, err)
	}
	return Condition(e)
}

func TestCondition(t *testing.T) {
	tests := []struct {
		cond string
		want string
	}{
		{"evt.type = open", "{open}"},
		{"evt.type == open", "{open}"},
		{"evt.type in (open, openat)", "{open, openat}"},
		{"evt.type in ()", "{}"},
		{"evt.type != open", "all but {open}"},
		{"evt.type exists", "all"},
		{"not evt.type exists", "{}"},
		{"proc.name = bash", "all"},
		// Checks that do not constrain the type stay "all" under negation.
		{"not proc.name = bash", "all"},
		{"not evt.type = open", "all but {open}"},
		{"not evt.type != open", "{open}"},
		{"not not evt.type = open", "{open}"},
		{"not evt.type in (open, openat)", "all but {open, openat}"},
		// and intersects, or unites.
		{"evt.type in (open, openat) and evt.type in (openat, execve)", "{openat}"},
		{"evt.type = open or evt.type = execve", "{execve, open}"},
		{"evt.type = open and proc.name = bash", "{open}"},
		{"evt.type = open or proc.name = bash", "all"},
		{"evt.type = open and evt.type = execve", "{}"},
		{"evt.type != open and evt.type != openat", "all but {open, openat}"},
		{"evt.type != open or evt.type != openat", "all"},
		{"evt.type != open and evt.type in (open, execve)", "{execve}"},
		{"evt.type != open or evt.type = open", "all"},
		// De Morgan: not (A and B) = not A or not B; not (A or B) = not A and not B.
		{"not (evt.type = open and proc.name = bash)", "all"},
		{"not (evt.type = open and evt.type = execve)", "all"},
		{"not (evt.type = open or evt.type = execve)", "all but {execve, open}"},
		{"not (evt.type in (open, execve) and not evt.type = open)", "all but {execve}"},
		{"not (evt.type = open or proc.name = bash)", "all but {open}"},
		// The never_true idiom and its friends.
		{"evt.num = 0", "{}"},
		{"evt.num in (0)", "{}"},
		{"evt.num < 1", "{}"},
		{"evt.num <= 0", "{}"},
		{"not evt.num = 0", "all"},
		{"evt.num = 0 and evt.type = open", "{}"},
		{"evt.num = 0 or evt.type = open", "{open}"},
		{"evt.type = open and not evt.num = 0", "{open}"},
		{"evt.num != 0", "all"},
		{"evt.num > 0", "all"},
		{"evt.num >= 1", "all"},
		{"not evt.num != 0", "{}"},
		{"not evt.num > 0 or evt.type = open", "{open}"},
		{"evt.num = 5", "all"},
		{"not evt.num = 5", "all"},
		// evt.type with other operators or shapes is neutral.
		{"evt.type startswith open", "all"},
		{"not evt.type startswith open", "all"},
		{"evt.type = anyof (open, openat)", "all"},
		{"evt.type = val(proc.name)", "all"},
		{"tolower(evt.type) = open", "all"},
		{"evt.type intersects (open)", "all"},
	}
	for _, tt := range tests {
		if got := set(t, tt.cond).String(); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.cond, got, tt.want)
		}
	}
}

func TestSetAlgebra(t *testing.T) {
	a := Of("open", "openat", "execve")
	b := Of("openat", "connect")
	notA := a.Complement()
	notB := b.Complement()
	tests := []struct {
		name string
		got  Set
		want string
	}{
		{"a∪b", a.Union(b), "{connect, execve, open, openat}"},
		{"a∩b", a.Intersect(b), "{openat}"},
		{"¬a∪b", notA.Union(b), "all but {execve, open}"},
		{"a∪¬b", a.Union(notB), "all but {connect}"},
		{"¬a∩b", notA.Intersect(b), "{connect}"},
		{"a∩¬b", a.Intersect(notB), "{execve, open}"},
		{"¬a∪¬b", notA.Union(notB), "all but {openat}"},
		{"¬a∩¬b", notA.Intersect(notB), "all but {connect, execve, open, openat}"},
		{"a∪All", a.Union(All()), "all"},
		{"a∩None", a.Intersect(None()), "{}"},
		{"¬¬a", notA.Complement(), "{execve, open, openat}"},
		{"All∩None", All().Intersect(None()), "{}"},
	}
	for _, tt := range tests {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, s, tt.want)
		}
	}
	if !notA.Contains("connect") || notA.Contains("open") || !a.Contains("execve") || a.Contains("connect") {
		t.Error("Contains")
	}
	if !All().IsAll() || !None().IsEmpty() || a.IsAll() || notA.IsEmpty() || !a.Finite() || notA.Finite() {
		t.Error("IsAll/IsEmpty/Finite")
	}
	// De Morgan holds for the set operations themselves.
	if !a.Union(b).Complement().Equal(notA.Intersect(notB)) || !a.Intersect(b).Complement().Equal(notA.Union(notB)) {
		t.Error("De Morgan")
	}
}

func TestNames(t *testing.T) {
	if got := Of("openat", "open", "open").Names(); !slices.Equal(got, []string{"open", "openat"}) {
		t.Errorf("Names = %v", got)
	}
	all := All().Names()
	if len(all) != len(Known()) || All().Len() != len(Known()) {
		t.Errorf("All has %d names, Len %d, Known %d", len(all), All().Len(), len(Known()))
	}
	notOpen := Of("open", "not_a_syscall").Complement()
	if notOpen.Len() != len(Known())-1 || slices.Contains(notOpen.Names(), "open") {
		t.Errorf("all but open: Len %d", notOpen.Len())
	}
	if !slices.IsSorted(Known()) {
		t.Error("Known is not sorted")
	}
	for _, n := range []string{"open", "openat", "openat2", "execve", "execveat", "connect", "accept4", "ptrace", "bpf", "userfaultfd", "finit_module", "setns", "unshare", "creat", "dup3", "sendmsg", "recvfrom"} {
		if !IsSyscall(n) {
			t.Errorf("%s is not in the syscall table", n)
		}
	}
	for _, n := range []string{"procexit", "container", "signaldeliver"} {
		if !IsKnown(n) || IsSyscall(n) {
			t.Errorf("%s: known %v syscall %v", n, IsKnown(n), IsSyscall(n))
		}
	}
	if IsKnown("not_a_syscall") {
		t.Error("unknown name is known")
	}
	if len(Known()) < 350 {
		t.Errorf("only %d known names", len(Known()))
	}
	if !strings.Contains(Of("a").Complement().String(), "all but") {
		t.Error("String of a co-finite set")
	}
}
