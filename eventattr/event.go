package eventattr

// On the record: the event's identity and the syscall's result.
const (
	EvtType         = "vigil.evt.type"         // syscall name: "openat"
	EvtNum          = "vigil.evt.num"          // per-collector sequence number, from 1
	EvtCPU          = "vigil.evt.cpu"          // CPU the event was captured on
	EvtRawRes       = "vigil.evt.rawres"       // syscall return value
	EvtBuffer       = "vigil.evt.buffer"       // I/O payload, only when a rule asks for it
	EvtArgPrefix    = "vigil.evt.arg."         // + param name: rendered text ("O_RDONLY|O_CLOEXEC")
	EvtRawArgPrefix = "vigil.evt.rawarg."      // + param name: raw integer value
	OpenFlags       = "vigil.evt.rawarg.flags" // raw open(2) flags, for evt.is_open_*
	OpenMode        = "vigil.evt.rawarg.mode"  // raw open(2) mode, for evt.is_open_exec
	OpenCreated     = "vigil.evt.open_created" // the open created the file (O_CREAT and it did not exist)
)
