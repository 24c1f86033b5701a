package native

import (
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"

	"github.com/vigil-sec/vigil/rules/condition"
	"github.com/vigil-sec/vigil/rules/fields"
)

// Constants on the right side of a check are parsed into the left side's
// type once, at compile time; a value that does not parse is an error at
// the value's position.

func parseInt(lit condition.Literal, typ fields.Type) (int64, *Error) {
	n, err := fields.ParseInt(lit.Text, typ)
	switch {
	case errors.Is(err, fields.ErrPortRange):
		return 0, errorf(lit.At, "%s is not a valid port number", condition.Quote(lit.Text))
	case err != nil:
		return 0, errorf(lit.At, "%s is not a valid %s value", condition.Quote(lit.Text), typeWord(typ))
	}
	return n, nil
}

func parseBool(lit condition.Literal) (bool, *Error) {
	switch lit.Text {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errorf(lit.At, "%s is not a valid boolean value: use true or false", condition.Quote(lit.Text))
}

// ipConst is an address or a network on the right side of an IP check.
type ipConst struct {
	net  netip.Prefix
	addr netip.Addr
	// isNet is true when the constant was written as a CIDR.
	isNet bool
}

func (c ipConst) match(a netip.Addr) bool {
	if c.isNet {
		return c.net.Contains(a.Unmap())
	}
	return c.addr == a.Unmap()
}

func parseIP(lit condition.Literal, typ fields.Type) (ipConst, *Error) {
	s := lit.Text
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return ipConst{}, errorf(lit.At, "%s is not a valid network (CIDR)", condition.Quote(s))
		}
		return ipConst{net: netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-unmapBits(p)).Masked(), isNet: true}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		if typ == fields.IPNet {
			return ipConst{}, errorf(lit.At, "%s is not a valid network (CIDR)", condition.Quote(s))
		}
		return ipConst{}, errorf(lit.At, "%s is not a valid IP address", condition.Quote(s))
	}
	a = a.Unmap()
	if typ == fields.IPNet {
		return ipConst{net: netip.PrefixFrom(a, a.BitLen()), isNet: true}, nil
	}
	return ipConst{addr: a}, nil
}

// unmapBits converts an IPv4-mapped IPv6 prefix length to its IPv4 length.
func unmapBits(p netip.Prefix) int {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return 96
	}
	return 0
}

// parseAddr reads an address the receiver wrote as text.
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

func parseHex(lit condition.Literal, op condition.Operator) ([]byte, *Error) {
	b, err := hex.DecodeString(lit.Text)
	if err != nil {
		return nil, errorf(lit.At, "'%s' needs a hexadecimal byte string such as cafebabe, not %s", op, condition.Quote(lit.Text))
	}
	return b, nil
}

func typeWord(t fields.Type) string {
	switch t {
	case fields.Int, fields.AbsTime, fields.RelTime:
		return "integer"
	case fields.Port:
		return "port"
	}
	return t.String()
}
