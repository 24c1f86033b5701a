package loader

import (
	"fmt"
	"strings"
)

// Diagnostic is one error or warning found while loading.
type Diagnostic struct {
	File      string
	Line, Col int
	// Item names the item the problem belongs to, e.g. "rule 'Terminal
	// shell in container'"; empty for file-level problems.
	Item    string
	Message string
	Warning bool
}

// String renders the diagnostic as "file:line:col: [warning: ]item: message".
func (d Diagnostic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", d.File, d.Line, d.Col)
	if d.Warning {
		b.WriteString("warning: ")
	}
	if d.Item != "" {
		b.WriteString(d.Item)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Error makes an error Diagnostic usable as an error value.
func (d Diagnostic) Error() string { return d.String() }

// itemName is how diagnostics name an item: kind and quoted name.
func itemName(kind, name string) string {
	if name == "" {
		return kind
	}
	return kind + " '" + name + "'"
}
