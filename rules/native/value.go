package native

import (
	"fmt"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Value is a compiled operand: a field with its argument, a transformer
// applied to operands, or (inside transformer arguments) a constant. It is
// the left side of a check, the right side of val() and transformer
// comparisons, and what an output's %token prints.
//
// The readers that apply follow Type and Shape, as for fields.Accessor; they
// report false when the value cannot be extracted. Composed values (case
// folding, decoding, joining) are built in the Scratch and stay valid until
// it is released below the mark taken before the call.
type Value struct {
	typ   fields.Type
	shape fields.Shape
	// acc is set for a plain field; direct when it reads one attribute as
	// is, from key.
	acc    *fields.Accessor
	direct bool
	key    fields.Key
	text   string
	cost   int

	str   func(fields.Event, *fields.Scratch) (string, bool)
	num   func(fields.Event, *fields.Scratch) (int64, bool)
	bl    func(fields.Event, *fields.Scratch) (bool, bool)
	byt   func(fields.Event, *fields.Scratch) ([]byte, bool)
	n     func(fields.Event, *fields.Scratch) (int, bool)
	strAt func(fields.Event, *fields.Scratch, int) (string, bool)
	intAt func(fields.Event, *fields.Scratch, int) (int64, bool)

	// constant is true for literals inside transformer arguments.
	constant bool
}

// Type is the value type.
func (v *Value) Type() fields.Type { return v.typ }

// Shape is how many values the operand yields.
func (v *Value) Shape() fields.Shape { return v.shape }

// Field returns the field of a plain field operand, or nil.
func (v *Value) Field() *fields.Field {
	if v.acc == nil {
		return nil
	}
	return v.acc.Field()
}

// String is the operand as canonical condition text.
func (v *Value) String() string { return v.text }

func (v *Value) Str(ev fields.Event, sc *fields.Scratch) (string, bool) {
	if v.str == nil {
		return "", false
	}
	return v.str(ev, sc)
}

func (v *Value) Int(ev fields.Event, sc *fields.Scratch) (int64, bool) {
	if v.num == nil {
		return 0, false
	}
	return v.num(ev, sc)
}

func (v *Value) Bool(ev fields.Event, sc *fields.Scratch) (bool, bool) {
	if v.bl == nil {
		return false, false
	}
	return v.bl(ev, sc)
}

func (v *Value) Bytes(ev fields.Event, sc *fields.Scratch) ([]byte, bool) {
	if v.byt == nil {
		return nil, false
	}
	return v.byt(ev, sc)
}

// Len is the number of values of an AnyOf or ListOf operand.
func (v *Value) Len(ev fields.Event, sc *fields.Scratch) (int, bool) {
	if v.n == nil {
		return 0, false
	}
	return v.n(ev, sc)
}

func (v *Value) StrAt(ev fields.Event, sc *fields.Scratch, i int) (string, bool) {
	if v.strAt == nil {
		return "", false
	}
	return v.strAt(ev, sc, i)
}

func (v *Value) IntAt(ev fields.Event, sc *fields.Scratch, i int) (int64, bool) {
	if v.intAt == nil {
		return 0, false
	}
	return v.intAt(ev, sc, i)
}

// Error is a compile error at a position in the condition (or output) text.
type Error struct {
	Pos condition.Pos
	Msg string
	// Check is the offending check as condition text, when the error is in
	// one. Conditions assembled from macros share no single text, so this
	// says where the problem is better than Pos alone.
	Check string
}

func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
}

func errorf(pos condition.Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// CompileOperand compiles a field or transformer operand. forOutput selects
// output semantics: fields flagged FilterOnly are rejected and the ancestor
// fields without index print the process's own value.
func CompileOperand(op condition.Operand, forOutput bool) (*Value, error) {
	v, err := compileOperand(op, forOutput)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func compileOperand(op condition.Operand, forOutput bool) (*Value, *Error) {
	switch o := op.(type) {
	case *condition.FieldRef:
		return fieldValue(o, forOutput)
	case *condition.Transform:
		return transformValue(o, forOutput)
	case *condition.Literal:
		return constValue(o.Text, o.At), nil
	case *condition.ArgList, *condition.List:
		return nil, errorf(op.Position(), "a parenthesised list is only allowed as an argument of join, concat or getopt")
	}
	return nil, errorf(op.Position(), "unsupported operand")
}

// resolveField finds the registry field and the argument of a field
// reference, splitting a dotted argument off the name.
func resolveField(ref *condition.FieldRef) (*fields.Field, string, bool, *Error) {
	f, dotted, ok := fields.Resolve(ref.Name)
	if !ok {
		return nil, "", false, errorf(ref.At, "unknown field '%s'", ref.Name)
	}
	if dotted != "" && ref.HasArg {
		return nil, "", false, errorf(ref.At, "field '%s' has both a dotted and a bracket argument", fieldText(ref))
	}
	if dotted != "" {
		return f, dotted, true, nil
	}
	return f, ref.Arg, ref.HasArg, nil
}

func fieldText(ref *condition.FieldRef) string { return condition.OperandString(ref) }

func fieldValue(ref *condition.FieldRef, forOutput bool) (*Value, *Error) {
	f, arg, hasArg, perr := resolveField(ref)
	if perr != nil {
		return nil, perr
	}
	if forOutput && f.FilterOnly {
		return nil, errorf(ref.At, "field '%s' can only be used in conditions, not in outputs", f.Name)
	}
	var acc *fields.Accessor
	var err error
	if forOutput {
		acc, err = fields.NewOutputAccessor(f, arg, hasArg)
	} else {
		acc, err = fields.NewAccessor(f, arg, hasArg)
	}
	if err != nil {
		return nil, errorf(ref.At, "%v", err)
	}
	return accessorValue(acc, fieldText(ref)), nil
}

func accessorValue(acc *fields.Accessor, text string) *Value {
	v := &Value{typ: acc.Type(), shape: acc.Shape(), acc: acc, text: text, cost: 1}
	if acc.Composes() {
		v.cost = 3
	}
	if v.shape != fields.Single {
		v.cost = 4
		v.n = func(ev fields.Event, _ *fields.Scratch) (int, bool) { return acc.Len(ev) }
		if v.typ.Numeric() {
			v.intAt = func(ev fields.Event, _ *fields.Scratch, i int) (int64, bool) { return acc.IntAt(ev, i) }
		} else {
			v.strAt = func(ev fields.Event, _ *fields.Scratch, i int) (string, bool) { return acc.StrAt(ev, i) }
		}
		return v
	}
	if k, ok := acc.DirectKey(); ok {
		v.direct, v.key = true, k
		switch {
		case v.typ.Numeric():
			v.num = func(ev fields.Event, _ *fields.Scratch) (int64, bool) { return ev.Int(k) }
		case v.typ == fields.Bool:
			v.bl = func(ev fields.Event, _ *fields.Scratch) (bool, bool) { return ev.Bool(k) }
		case v.typ == fields.Bytes:
			v.byt = func(ev fields.Event, _ *fields.Scratch) ([]byte, bool) { return ev.Bytes(k) }
		default:
			v.str = func(ev fields.Event, _ *fields.Scratch) (string, bool) { return ev.Str(k) }
		}
		return v
	}
	switch {
	case v.typ.Numeric():
		v.num = func(ev fields.Event, _ *fields.Scratch) (int64, bool) { return acc.Int(ev) }
	case v.typ == fields.Bool:
		v.bl = func(ev fields.Event, _ *fields.Scratch) (bool, bool) { return acc.Bool(ev) }
	case v.typ == fields.Bytes:
		v.byt = func(ev fields.Event, _ *fields.Scratch) ([]byte, bool) { return acc.Bytes(ev) }
	default:
		v.str = acc.Str
	}
	return v
}

func constValue(text string, at condition.Pos) *Value {
	_ = at
	return &Value{
		typ: fields.String, text: condition.Quote(text), constant: true,
		str: func(fields.Event, *fields.Scratch) (string, bool) { return text, true },
	}
}

// isStringType reports the types whose values are text and that string
// operators and transformers accept.
func isStringType(t fields.Type) bool { return t == fields.String }
