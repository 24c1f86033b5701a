// Package condition holds the Falco condition language: its syntax tree, the
// lexer and parser (grammar of spec §2), string escapes, and a printer that
// renders a tree back to canonical condition text.
package condition

// Pos is a position in condition text: byte offset and 1-based line and
// column. The loader maps it to a position in the rules file.
type Pos struct {
	Offset, Line, Col int
}

// Expr is a node of a parsed condition.
type Expr interface {
	Position() Pos
	expr()
}

// And and Or are n-ary; the parser flattens chains of the same operator.
type And struct {
	At       Pos
	Children []Expr
}

type Or struct {
	At       Pos
	Children []Expr
}

type Not struct {
	At    Pos
	Child Expr
}

// MacroRef is a bare identifier: a reference to a macro, resolved by the
// loader when it substitutes macro trees.
type MacroRef struct {
	At   Pos
	Name string
}

// Check is one comparison: LHS Op RHS. RHS is nil for "exists".
type Check struct {
	At       Pos
	LHS      Operand
	Op       Operator
	Modifier Modifier
	RHS      Value
}

// Operand is the left side of a check, or an argument of a transformer.
type Operand interface {
	Position() Pos
	operand()
}

// FieldRef is a field as written: Name is the whole dotted token
// ("evt.arg.flags"), Arg the bracket argument if any ("2" in
// proc.aname[2]). Splitting a dotted argument off the name is the field
// registry's job (fields.Resolve), not the parser's.
type FieldRef struct {
	At     Pos
	Name   string
	Arg    string
	HasArg bool
}

// Transform is a transformer call: tolower(proc.name), join(",", (a, b)).
// Args holds fields, nested transforms, *Literal (quoted strings and numbers)
// and *ArgList (a parenthesised argument list). The single-argument
// transformers (tolower toupper b64 basename len) always have exactly one
// *FieldRef or *Transform; join and getopt have two arguments, concat two or
// more. Index is an optional trailing [ARG].
type Transform struct {
	At       Pos
	Name     Transformer
	Args     []Operand
	Index    string
	HasIndex bool
}

// ArgList is a parenthesised argument of join, concat or getopt:
// the (proc.name, proc.pname) in join(",", (proc.name, proc.pname)). Items
// are fields, transforms and *Literal; lists do not nest.
type ArgList struct {
	At    Pos
	Items []Operand
}

// Value is the right side of a check.
type Value interface {
	Position() Pos
	value()
}

// Literal is one constant, already unescaped. Quoted records whether it was
// written in quotes (printing keeps the distinction readable, semantics do
// not: "bash" and bash are the same value).
type Literal struct {
	At     Pos
	Text   string
	Quoted bool
}

// List is a parenthesised list of constants: (a, "b c"). Also used for a
// bare identifier after a list operator (in foo), as a one-item list.
type List struct {
	At    Pos
	Items []Literal
}

// FieldValue is val(field): the value of another field of the same event.
type FieldValue struct {
	At    Pos
	Field *FieldRef
}

// TransformValue is a transformer on the right side.
type TransformValue struct {
	At        Pos
	Transform *Transform
}

func (e *And) Position() Pos      { return e.At }
func (e *Or) Position() Pos       { return e.At }
func (e *Not) Position() Pos      { return e.At }
func (e *MacroRef) Position() Pos { return e.At }
func (e *Check) Position() Pos    { return e.At }
func (*And) expr()                {}
func (*Or) expr()                 {}
func (*Not) expr()                {}
func (*MacroRef) expr()           {}
func (*Check) expr()              {}

func (o *FieldRef) Position() Pos  { return o.At }
func (o *Transform) Position() Pos { return o.At }
func (o *Literal) Position() Pos   { return o.At }
func (o *List) Position() Pos      { return o.At }
func (o *ArgList) Position() Pos   { return o.At }
func (*FieldRef) operand()         {}
func (*Transform) operand()        {}
func (*Literal) operand()          {}
func (*List) operand()             {}
func (*ArgList) operand()          {}

func (v *FieldValue) Position() Pos     { return v.At }
func (v *TransformValue) Position() Pos { return v.At }
func (*Literal) value()                 {}
func (*List) value()                    {}
func (*FieldValue) value()              {}
func (*TransformValue) value()          {}

// Texts is the constant text of a right-hand side: one for a literal, each
// item's for a list. ok is false for values that are not constants (another
// field's value, a transformer).
func Texts(v Value) (texts []string, ok bool) {
	switch v := v.(type) {
	case *Literal:
		return []string{v.Text}, true
	case *List:
		out := make([]string, len(v.Items))
		for i, it := range v.Items {
			out[i] = it.Text
		}
		return out, true
	}
	return nil, false
}
