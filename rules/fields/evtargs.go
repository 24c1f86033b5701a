package fields

import "strconv"

// In evt.args Falco prints a parameter that has both a number and a name
// as "number(name)": a failed call's res is "-21(EISDIR)" and the current
// directory as dirfd "-100(AT_FDCWD)", while evt.arg.res and evt.arg.dirfd
// alone are the names. The event record holds the names (evt.arg.*) and
// the numbers (evt.rawres), so evt.args is composed from both.

// atFDCWD is Linux's AT_FDCWD.
const atFDCWD = -100

func appendEvtArgValue(dst []byte, ev Event, name, text string) []byte {
	switch {
	case text == "AT_FDCWD":
		dst = strconv.AppendInt(dst, atFDCWD, 10)
		return append(append(append(dst, '('), text...), ')')
	case name == "res" && len(text) > 1 && text[0] == 'E':
		if n, ok := ev.Int(KeyEvtRawRes); ok && n < 0 {
			dst = strconv.AppendInt(dst, n, 10)
			return append(append(append(dst, '('), text...), ')')
		}
	}
	return append(dst, text...)
}
