package logencode

import (
	"net/netip"
	"strconv"
)

// Socket addresses repeat as much as paths do: a server's clients, a
// client's server, loopback. Rendering "127.0.0.1" and the tuple name
// once per distinct value keeps netip formatting and its allocation off
// the per-event path (it was a quarter of a connect record's allocations).
// Same direct-mapped scheme as intern.go, with fewer slots: a node talks
// to fewer addresses than it has paths, and tuples with ephemeral ports
// rarely repeat beyond a connection's lifetime.
const addrSlots = 1024

type addrText struct {
	a netip.Addr
	s string
}

type addrTexts [addrSlots]addrText

func addrHash(a netip.Addr) uint64 {
	b := a.As16()
	lo := leU64(b[:8])
	hi := leU64(b[8:])
	h := (lo ^ hi*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	return h ^ h>>31
}

// text returns a's rendering, as netip.Addr.String gives it.
func (c *addrTexts) text(a netip.Addr) string {
	e := &c[addrHash(a)%addrSlots]
	if e.s != "" && e.a == a {
		return e.s
	}
	s := a.String()
	*e = addrText{a: a, s: s}
	return s
}

// endpointsText is a rendered pair of endpoints, "client:port->server:port".
type endpointsText struct {
	c, s   netip.Addr
	cp, sp uint16
	text   string
}

type endpointsTexts [addrSlots]endpointsText

// text returns "c:cp->s:sp", rendering the addresses through addrs.
func (c *endpointsTexts) text(addrs *addrTexts, buf []byte, cl netip.Addr, cp uint16, sv netip.Addr, sp uint16) string {
	h := addrHash(cl) ^ addrHash(sv)*31 ^ uint64(cp)<<16 ^ uint64(sp)
	e := &c[(h^h>>29)%addrSlots]
	if e.text != "" && e.c == cl && e.s == sv && e.cp == cp && e.sp == sp {
		return e.text
	}
	buf = append(buf[:0], addrs.text(cl)...)
	buf = append(buf, ':')
	buf = strconv.AppendUint(buf, uint64(cp), 10)
	buf = append(buf, "->"...)
	buf = append(buf, addrs.text(sv)...)
	buf = append(buf, ':')
	buf = strconv.AppendUint(buf, uint64(sp), 10)
	s := string(buf)
	*e = endpointsText{c: cl, s: sv, cp: cp, sp: sp, text: s}
	return s
}

// addrPortText is a rendered socket address, "addr:port".
type addrPortText struct {
	a    netip.Addr
	p    uint16
	text string
}

type addrPortTexts [addrSlots]addrPortText

func (c *addrPortTexts) text(addrs *addrTexts, buf []byte, a netip.Addr, p uint16) string {
	h := addrHash(a) ^ uint64(p)*0x9e3779b97f4a7c15
	e := &c[(h^h>>29)%addrSlots]
	if e.text != "" && e.a == a && e.p == p {
		return e.text
	}
	buf = append(buf[:0], addrs.text(a)...)
	buf = append(buf, ':')
	buf = strconv.AppendUint(buf, uint64(p), 10)
	s := string(buf)
	*e = addrPortText{a: a, p: p, text: s}
	return s
}
