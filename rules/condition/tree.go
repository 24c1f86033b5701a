package condition

// Equal reports whether two trees mean the same condition as written:
// positions are ignored, and so is whether a value was quoted ("bash" and
// bash are the same value). "=" and "==" are one operator already.
func Equal(a, b Expr) bool {
	switch a := a.(type) {
	case *And:
		b, ok := b.(*And)
		return ok && equalExprs(a.Children, b.Children)
	case *Or:
		b, ok := b.(*Or)
		return ok && equalExprs(a.Children, b.Children)
	case *Not:
		b, ok := b.(*Not)
		return ok && Equal(a.Child, b.Child)
	case *MacroRef:
		b, ok := b.(*MacroRef)
		return ok && a.Name == b.Name
	case *Check:
		b, ok := b.(*Check)
		return ok && a.Op == b.Op && a.Modifier == b.Modifier &&
			equalOperand(a.LHS, b.LHS) && equalValue(a.RHS, b.RHS)
	case nil:
		return b == nil
	}
	return false
}

func equalExprs(a, b []Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equalOperand(a, b Operand) bool {
	switch a := a.(type) {
	case *FieldRef:
		b, ok := b.(*FieldRef)
		return ok && equalField(a, b)
	case *Transform:
		b, ok := b.(*Transform)
		return ok && equalTransform(a, b)
	case *Literal:
		b, ok := b.(*Literal)
		return ok && a.Text == b.Text
	case *ArgList:
		b, ok := b.(*ArgList)
		return ok && equalOperands(a.Items, b.Items)
	case *List:
		b, ok := b.(*List)
		return ok && equalList(a, b)
	case nil:
		return b == nil
	}
	return false
}

func equalOperands(a, b []Operand) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalOperand(a[i], b[i]) {
			return false
		}
	}
	return true
}

func equalField(a, b *FieldRef) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Name == b.Name && a.HasArg == b.HasArg && a.Arg == b.Arg
}

func equalTransform(a, b *Transform) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Name == b.Name && a.HasIndex == b.HasIndex && a.Index == b.Index && equalOperands(a.Args, b.Args)
}

func equalList(a, b *List) bool {
	if len(a.Items) != len(b.Items) {
		return false
	}
	for i := range a.Items {
		if a.Items[i].Text != b.Items[i].Text {
			return false
		}
	}
	return true
}

func equalValue(a, b Value) bool {
	switch a := a.(type) {
	case *Literal:
		b, ok := b.(*Literal)
		return ok && a.Text == b.Text
	case *List:
		b, ok := b.(*List)
		return ok && equalList(a, b)
	case *FieldValue:
		b, ok := b.(*FieldValue)
		return ok && equalField(a.Field, b.Field)
	case *TransformValue:
		b, ok := b.(*TransformValue)
		return ok && equalTransform(a.Transform, b.Transform)
	case nil:
		return b == nil
	}
	return false
}

// Clone returns a deep copy of e. The loader substitutes a fresh copy of a
// macro's tree at every reference, so later passes may annotate or rewrite
// one use without touching the others.
func Clone(e Expr) Expr {
	switch e := e.(type) {
	case *And:
		return &And{At: e.At, Children: cloneExprs(e.Children)}
	case *Or:
		return &Or{At: e.At, Children: cloneExprs(e.Children)}
	case *Not:
		return &Not{At: e.At, Child: Clone(e.Child)}
	case *MacroRef:
		c := *e
		return &c
	case *Check:
		c := *e
		c.LHS = cloneOperand(e.LHS)
		c.RHS = cloneValue(e.RHS)
		return &c
	}
	return nil
}

func cloneExprs(es []Expr) []Expr {
	out := make([]Expr, len(es))
	for i, c := range es {
		out[i] = Clone(c)
	}
	return out
}

func cloneOperand(o Operand) Operand {
	switch o := o.(type) {
	case *FieldRef:
		c := *o
		return &c
	case *Transform:
		return cloneTransform(o)
	case *Literal:
		c := *o
		return &c
	case *ArgList:
		c := &ArgList{At: o.At, Items: make([]Operand, len(o.Items))}
		for i, a := range o.Items {
			c.Items[i] = cloneOperand(a)
		}
		return c
	case *List:
		return cloneList(o)
	}
	return nil
}

func cloneTransform(t *Transform) *Transform {
	c := *t
	c.Args = make([]Operand, len(t.Args))
	for i, a := range t.Args {
		c.Args[i] = cloneOperand(a)
	}
	return &c
}

func cloneList(l *List) *List {
	return &List{At: l.At, Items: append([]Literal{}, l.Items...)}
}

func cloneValue(v Value) Value {
	switch v := v.(type) {
	case *Literal:
		c := *v
		return &c
	case *List:
		return cloneList(v)
	case *FieldValue:
		f := *v.Field
		return &FieldValue{At: v.At, Field: &f}
	case *TransformValue:
		return &TransformValue{At: v.At, Transform: cloneTransform(v.Transform)}
	}
	return nil
}

// Walk calls fn for e and, while fn returns true, for every sub-expression
// in depth-first order.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch e := e.(type) {
	case *And:
		for _, c := range e.Children {
			Walk(c, fn)
		}
	case *Or:
		for _, c := range e.Children {
			Walk(c, fn)
		}
	case *Not:
		Walk(e.Child, fn)
	}
}

// CheckFields calls fn for every field a check reads: its left side, the
// fields inside transformers on either side, and val() fields.
func CheckFields(c *Check, fn func(*FieldRef)) {
	operandFields(c.LHS, fn)
	switch v := c.RHS.(type) {
	case *FieldValue:
		fn(v.Field)
	case *TransformValue:
		operandFields(v.Transform, fn)
	}
}

func operandFields(o Operand, fn func(*FieldRef)) {
	switch o := o.(type) {
	case *FieldRef:
		fn(o)
	case *Transform:
		for _, a := range o.Args {
			operandFields(a, fn)
		}
	case *ArgList:
		for _, a := range o.Items {
			operandFields(a, fn)
		}
	}
}
