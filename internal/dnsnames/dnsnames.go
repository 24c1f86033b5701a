// Package dnsnames is where rules processors publish the host names their
// rules compare fd.sip.name and fd.cip.name with, and where syscall
// receivers learn which names to resolve: as Falco does, only the names
// the loaded rules mention are resolved, and the events' addresses are
// named after them.
package dnsnames

import "github.com/vigil-sec/vigil/internal/syscallset"

// Default is the registry of one collector process (owner: the processor's
// component id; value: host names). The registry carries plain names, like
// the syscall one.
var Default = syscallset.NewRegistry()
