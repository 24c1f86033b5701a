package logencode

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/vigil-sec/vigil/eventattr"
)

// putHostNames writes fd.sip.name and fd.cip.name when the tuple's
// addresses are among those the rules' host names resolved to.
func (b *Encoder) putHostNames(a pcommon.Map, t *sockTuple) {
	if b.HostName == nil {
		return
	}
	if n, ok := b.HostName(t.server); ok {
		a.PutStr(eventattr.ServerName, n)
	}
	if n, ok := b.HostName(t.client); ok {
		a.PutStr(eventattr.ClientName, n)
	}
}
