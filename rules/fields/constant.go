package fields

import (
	"errors"
	"strconv"
	"strings"
)

// Errors from ParseInt; compilers wrap them in messages that name the
// constant and its position.
var (
	ErrNotInteger = errors.New("not an integer")
	ErrPortRange  = errors.New("not a port number (0-65535)")
)

// ParseInt reads an integer constant for a field of type t the way the rules
// language writes them: decimal or 0x hex, optionally signed. Decimal values
// above MaxInt64 (unsigned fields such as evt.num) wrap, and ports must lie
// in 0-65535. The native compiler, the Rego translator and the event-type
// analysis all parse numbers here, so they cannot disagree on a constant.
func ParseInt(s string, t Type) (int64, error) {
	var n int64
	var err error
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if strings.HasPrefix(digits, "0x") || strings.HasPrefix(digits, "0X") {
		var u uint64
		u, err = strconv.ParseUint(digits[2:], 16, 64)
		n = int64(u)
		if neg {
			n = -n
		}
	} else if n, err = strconv.ParseInt(s, 10, 64); err != nil {
		var u uint64
		if u, err = strconv.ParseUint(s, 10, 64); err == nil {
			n = int64(u)
		}
	}
	if err != nil {
		return 0, ErrNotInteger
	}
	if t == Port && (n < 0 || n > 65535) {
		return 0, ErrPortRange
	}
	return n, nil
}
