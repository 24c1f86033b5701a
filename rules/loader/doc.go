// Package loader reads Falco rules files: it collects list, macro and rule
// items across files in order (with append, override, exceptions and
// redefinition), pastes lists into conditions as text, parses conditions,
// substitutes macros as trees and checks every field against the registry,
// exactly as spec/falco-language.md §1, §5, §6 and §7 describe.
//
// Loading never stops at the first problem: every error and warning is a
// Diagnostic with file, line and column. A Result with errors must not be
// used to evaluate events.
package loader
