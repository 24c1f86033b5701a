package condition

import "strings"

// String renders e as canonical condition text: single blanks, "=" for
// equality, parentheses only where the tree needs them (a nested and/or of
// the same kind, an or inside an and, a compound under not), values quoted
// only when they must be or were written quoted. Parsing the result gives a
// tree Equal to e.
func String(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

// OperandString renders a check's left side or a transformer argument.
func OperandString(o Operand) string {
	var b strings.Builder
	writeOperand(&b, o)
	return b.String()
}

// ValueString renders a check's right side as it would follow op.
func ValueString(op Operator, v Value) string {
	var b strings.Builder
	writeValue(&b, op, v)
	return b.String()
}

func writeExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *Or:
		for i, c := range e.Children {
			if i > 0 {
				b.WriteString(" or ")
			}
			_, nested := c.(*Or)
			writeMaybeParen(b, c, nested)
		}
	case *And:
		for i, c := range e.Children {
			if i > 0 {
				b.WriteString(" and ")
			}
			switch c.(type) {
			case *Or, *And:
				writeMaybeParen(b, c, true)
			default:
				writeExpr(b, c)
			}
		}
	case *Not:
		b.WriteString("not ")
		switch e.Child.(type) {
		case *Or, *And, *Not:
			writeMaybeParen(b, e.Child, true)
		default:
			writeExpr(b, e.Child)
		}
	case *MacroRef:
		// A macro named like a keyword reads back as that keyword unless it
		// stands alone in parentheses.
		switch e.Name {
		case "and", "or", "not":
			b.WriteString("(" + e.Name + ")")
		default:
			b.WriteString(e.Name)
		}
	case *Check:
		writeOperand(b, e.LHS)
		b.WriteByte(' ')
		b.WriteString(e.Op.String())
		if e.Modifier != ModNone {
			b.WriteByte(' ')
			b.WriteString(e.Modifier.String())
		}
		if e.RHS != nil {
			b.WriteByte(' ')
			writeValue(b, e.Op, e.RHS)
		}
	case nil:
		b.WriteString("<nil>")
	}
}

func writeMaybeParen(b *strings.Builder, e Expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeExpr(b, e)
	if paren {
		b.WriteByte(')')
	}
}

func writeOperand(b *strings.Builder, o Operand) {
	switch o := o.(type) {
	case *FieldRef:
		writeField(b, o)
	case *Transform:
		b.WriteString(o.Name.String())
		b.WriteByte('(')
		for i, a := range o.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeOperand(b, a)
		}
		b.WriteByte(')')
		if o.HasIndex {
			writeArg(b, o.Index)
		}
	case *Literal:
		// Transformer arguments: numbers bare, everything else quoted.
		if !o.Quoted && isNumber(o.Text) {
			b.WriteString(o.Text)
		} else {
			b.WriteString(Quote(o.Text))
		}
	case *ArgList:
		b.WriteByte('(')
		for i, a := range o.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeOperand(b, a)
		}
		b.WriteByte(')')
	case *List:
		writeList(b, o)
	}
}

func writeField(b *strings.Builder, f *FieldRef) {
	b.WriteString(f.Name)
	if f.HasArg {
		writeArg(b, f.Arg)
	}
}

func writeArg(b *strings.Builder, arg string) {
	b.WriteByte('[')
	bare := arg != ""
	for i := 0; i < len(arg) && bare; i++ {
		bare = isBareArg(arg[i]) && arg[i] >= 0x20 && arg[i] != 0x7f
	}
	if bare {
		b.WriteString(arg)
	} else {
		b.WriteString(Quote(arg))
	}
	b.WriteByte(']')
}

func writeValue(b *strings.Builder, op Operator, v Value) {
	switch v := v.(type) {
	case *Literal:
		switch op {
		case OpLt, OpLe, OpGt, OpGe:
			if isNumber(v.Text) {
				b.WriteString(v.Text)
				return
			}
		}
		writeString(b, v.Text, v.Quoted)
	case *List:
		writeList(b, v)
	case *FieldValue:
		b.WriteString("val(")
		writeField(b, v.Field)
		b.WriteByte(')')
	case *TransformValue:
		writeOperand(b, v.Transform)
	}
}

func writeList(b *strings.Builder, l *List) {
	b.WriteByte('(')
	for i := range l.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		writeString(b, l.Items[i].Text, l.Items[i].Quoted)
	}
	b.WriteByte(')')
}

// writeString writes a string value bare when the lexer would read it back
// as the same bare string, else quoted.
func writeString(b *strings.Builder, s string, quoted bool) {
	if quoted || needsQuotes(s) {
		b.WriteString(Quote(s))
	} else {
		b.WriteString(s)
	}
}

func needsQuotes(s string) bool {
	switch s {
	case "", "oneof", "anyof", "allof":
		// The modifier words would be read as modifiers before "(" or a name.
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isBareStr(c) || c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// isNumber reports whether the scanner reads all of s as one number token.
func isNumber(s string) bool {
	sc := newScanner(s)
	n, ok := sc.number()
	return ok && n == s
}
