// Package rego translates a loaded Falco rule set into one Rego module and
// evaluates events through OPA's prepared queries, and runs user policies
// written directly in Rego.
//
// The translated module reads the event from input.fields, an object keyed
// by canonical Falco field name ("proc.name", "proc.aname[2]",
// "evt.arg[flags]"), holding only the fields the event can provide: a field
// that cannot be extracted is absent, which makes every check on it false,
// as in Falco. Operators, lists, macros (already expanded), exceptions
// (already compiled into the condition), negation and the string matching
// rules (glob, pmatch, regex, case folding) are all expressed in Rego; the
// Go side only extracts field values, through the same field registry the
// native engine uses. Its single output is the set of matching rule names,
// data.vigil.rules.matches.
//
// Constructs Rego cannot express faithfully are translation errors naming
// the rule and the check (the getopt transformer, val() on the right of glob
// and pmatch, byte constants that are not valid UTF-8).
package rego
