package rego

import (
	"encoding/hex"
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/vigil-sec/vigil/rules/fields"
)

// Values in input.fields, by field type:
//
//	string                       Rego string
//	int, port, abstime, reltime  number
//	bool                         boolean
//	ipaddr, ipnet                the address as text (IPv4-mapped IPv6 unmapped);
//	                             null when the event's text is not an address
//	bytes                        lower-case hex of the bytes
//
// Candidate fields (fd.ip, proc.aname without index) hold an array of the
// candidates that can be extracted; list fields (container.mounts) an array
// of their items (null for an item that cannot be read). Fields that cannot
// be extracted, and empty arrays, are left out.

// extractor reads one input key from events.
type extractor struct {
	key *ast.Term
	in  Input
	acc *fields.Accessor
}

func newExtractor(in Input) (*extractor, error) {
	acc := in.acc
	if acc == nil {
		var err error
		if acc, err = fields.NewAccessor(in.Field, in.Arg, in.HasArg); err != nil {
			return nil, err
		}
	}
	return &extractor{key: ast.StringTerm(in.Key), in: in, acc: acc}, nil
}

// value extracts the field; ok is false when it cannot be extracted.
func (x *extractor) value(ev fields.Event, sc *fields.Scratch) (*ast.Term, bool) {
	switch x.acc.Shape() {
	case fields.AnyOf, fields.ListOf:
		n, ok := x.acc.Len(ev)
		if !ok || n == 0 {
			return nil, false
		}
		list := x.acc.Shape() == fields.ListOf
		items := make([]*ast.Term, 0, n)
		for i := 0; i < n; i++ {
			t, ok := x.item(ev, i)
			switch {
			case ok:
				items = append(items, t)
			case list:
				items = append(items, ast.NullTerm())
			}
		}
		if len(items) == 0 {
			return nil, false
		}
		return ast.ArrayTerm(items...), true
	}
	typ := x.acc.Type()
	switch {
	case typ.Numeric():
		n, ok := x.acc.Int(ev)
		if !ok {
			return nil, false
		}
		return intTerm(n), true
	case typ == fields.Bool:
		b, ok := x.acc.Bool(ev)
		if !ok {
			return nil, false
		}
		return ast.BooleanTerm(b), true
	case typ == fields.Bytes:
		b, ok := x.acc.Bytes(ev)
		if !ok {
			return nil, false
		}
		return ast.StringTerm(hex.EncodeToString(b)), true
	}
	m := sc.Mark()
	s, ok := x.acc.Str(ev, sc)
	var t *ast.Term
	if ok {
		t = textTerm(typ, s)
	}
	sc.Release(m)
	return t, ok
}

func (x *extractor) item(ev fields.Event, i int) (*ast.Term, bool) {
	typ := x.acc.Type()
	if typ.Numeric() {
		n, ok := x.acc.IntAt(ev, i)
		if !ok {
			return nil, false
		}
		return intTerm(n), true
	}
	s, ok := x.acc.StrAt(ev, i)
	if !ok {
		return nil, false
	}
	return textTerm(typ, s), true
}

// textTerm copies s (it may alias scratch memory) into a term; addresses
// are canonicalised, and null when they do not parse.
func textTerm(typ fields.Type, s string) *ast.Term {
	if typ == fields.IPAddr || typ == fields.IPNet {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return ast.NullTerm()
		}
		return ast.StringTerm(a.Unmap().String())
	}
	return ast.StringTerm(strings.Clone(s))
}

func intTerm(n int64) *ast.Term {
	return ast.NumberTerm(json.Number(strconv.FormatInt(n, 10)))
}

// buildFields extracts every extractor's field into an object.
func buildFields(xs []*extractor, ev fields.Event, sc *fields.Scratch) ast.Object {
	obj := ast.NewObject()
	for _, x := range xs {
		if t, ok := x.value(ev, sc); ok {
			obj.Insert(x.key, t)
		}
	}
	return obj
}

// inputOf wraps the fields object as the input document.
func inputOf(fieldsObj ast.Object, timeNS int64) ast.Value {
	return ast.NewObject(
		ast.Item(ast.StringTerm("fields"), ast.NewTerm(fieldsObj)),
		ast.Item(ast.StringTerm("time"), intTerm(timeNS)),
	)
}
