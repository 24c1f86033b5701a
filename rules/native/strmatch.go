package native

import (
	"regexp"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/native/fnmatch"
)

// strPred is a compiled string comparison against a constant.
type strPred func(string) bool

// stringPredicate compiles "LHS op rhs" for a constant rhs.
func stringPredicate(op condition.Operator, rhs string, at condition.Pos) (strPred, int, *Error) {
	switch op {
	case condition.OpEq:
		return func(s string) bool { return s == rhs }, 1, nil
	case condition.OpNe:
		return func(s string) bool { return s != rhs }, 1, nil
	case condition.OpLt:
		return func(s string) bool { return s < rhs }, 1, nil
	case condition.OpLe:
		return func(s string) bool { return s <= rhs }, 1, nil
	case condition.OpGt:
		return func(s string) bool { return s > rhs }, 1, nil
	case condition.OpGe:
		return func(s string) bool { return s >= rhs }, 1, nil
	case condition.OpContains:
		return func(s string) bool { return strings.Contains(s, rhs) }, 4, nil
	case condition.OpIContains:
		needle := foldASCII(rhs)
		return func(s string) bool { return containsFold(s, needle) }, 6, nil
	case condition.OpStartsWith:
		return func(s string) bool { return strings.HasPrefix(s, rhs) }, 2, nil
	case condition.OpEndsWith:
		return func(s string) bool { return strings.HasSuffix(s, rhs) }, 2, nil
	case condition.OpGlob:
		if !fnmatch.HasMeta(rhs) {
			return func(s string) bool { return s == rhs }, 1, nil
		}
		return func(s string) bool { return fnmatch.Match(rhs, s) }, 8, nil
	case condition.OpIGlob:
		return func(s string) bool { return fnmatch.MatchFold(rhs, s) }, 8, nil
	case condition.OpRegex:
		re, err := compileRegex(rhs)
		if err != nil {
			return nil, 0, errorf(at, "invalid regular expression %s: %v", condition.Quote(rhs), err)
		}
		return re.MatchString, 20, nil
	}
	return nil, 0, errorf(at, "operator '%s' does not apply to strings", op)
}

// compileRegex anchors the pattern at both ends: Falco's regex is a full
// match (RE2::FullMatch).
func compileRegex(p string) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(p); err != nil {
		return nil, err
	}
	return regexp.Compile(`\A(?:` + p + `)\z`)
}

func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// containsFold reports whether needle (already lower-case) occurs in s with
// ASCII letters compared case-insensitively; other bytes compare exactly,
// like strcasestr in the C locale.
func containsFold(s, needle string) bool {
	if needle == "" {
		return true
	}
	first := needle[0]
	for i := 0; i+len(needle) <= len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != first {
			continue
		}
		j := 1
		for ; j < len(needle); j++ {
			d := s[i+j]
			if 'A' <= d && d <= 'Z' {
				d += 'a' - 'A'
			}
			if d != needle[j] {
				break
			}
		}
		if j == len(needle) {
			return true
		}
	}
	return false
}

// strSet is the right side of "in"/"intersects" on text: a few items are
// compared directly, more go through a hash set. Most values tested are not
// members, so two bitmasks (the lengths and the last bytes of the items)
// reject most of them before any hashing.
type strSet struct {
	small []string
	big   map[string]struct{}
	// lens has bit n set when an item is n bytes long (n < 63); bit 63
	// stands for every longer length.
	lens uint64
	// last has bit c set when an item ends in byte c; empty items set
	// hasEmpty instead.
	last     [4]uint64
	hasEmpty bool
}

const smallSet = 4

func newStrSet(items []string) *strSet {
	s := &strSet{}
	for _, it := range items {
		s.lens |= lenBit(len(it))
		if it == "" {
			s.hasEmpty = true
			continue
		}
		c := it[len(it)-1]
		s.last[c>>6] |= 1 << (c & 63)
	}
	if len(items) <= smallSet {
		s.small = slices.Clone(items)
		return s
	}
	s.big = make(map[string]struct{}, len(items))
	for _, it := range items {
		s.big[it] = struct{}{}
	}
	return s
}

func lenBit(n int) uint64 {
	if n >= 63 {
		return 1 << 63
	}
	return 1 << n
}

func (s *strSet) has(v string) bool {
	if s.lens&lenBit(len(v)) == 0 {
		return false
	}
	if v == "" {
		return s.hasEmpty
	}
	if c := v[len(v)-1]; s.last[c>>6]&(1<<(c&63)) == 0 {
		return false
	}
	if s.big != nil {
		_, ok := s.big[v]
		return ok
	}
	for _, it := range s.small {
		if it == v {
			return true
		}
	}
	return false
}

func (s *strSet) cost() int {
	if s.big != nil {
		return 3
	}
	return len(s.small)
}

// prefixSet answers "does s start with any of these prefixes" with one
// binary search. Prefixes covered by a shorter one are dropped, so the
// greatest prefix not above s is the only candidate: any prefix p of s sorts
// at or below s, and every prefix between p and s would have p as a prefix.
type prefixSet struct {
	sorted []string
}

func newPrefixSet(items []string) *prefixSet {
	sorted := slices.Clone(items)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	out := sorted[:0]
	for _, p := range sorted {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return &prefixSet{sorted: out}
}

func (p *prefixSet) has(s string) bool {
	// Find the first element greater than s; the candidate is just before.
	lo, hi := 0, len(p.sorted)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if p.sorted[mid] <= s {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo > 0 && strings.HasPrefix(s, p.sorted[lo-1])
}

// suffixSet is the endswith counterpart, for or-chains of endswith: it
// buckets suffixes by length.
type suffixSet struct {
	byLen []lenBucket
}

type lenBucket struct {
	n   int
	set map[string]struct{}
}

func newSuffixSet(items []string) *suffixSet {
	ss := &suffixSet{}
	for _, it := range items {
		i := slices.IndexFunc(ss.byLen, func(b lenBucket) bool { return b.n == len(it) })
		if i < 0 {
			ss.byLen = append(ss.byLen, lenBucket{n: len(it), set: map[string]struct{}{}})
			i = len(ss.byLen) - 1
		}
		ss.byLen[i].set[it] = struct{}{}
	}
	slices.SortFunc(ss.byLen, func(a, b lenBucket) int { return a.n - b.n })
	return ss
}

func (ss *suffixSet) has(s string) bool {
	for _, b := range ss.byLen {
		if b.n > len(s) {
			return false
		}
		if _, ok := b.set[s[len(s)-b.n:]]; ok {
			return true
		}
	}
	return false
}
