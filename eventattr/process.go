package eventattr

// On the record: the thread that made the syscall, and the environment
// (written on exec records only: secrets live in environments, and on the
// Resource it would travel with every batch and alert of the process).
const (
	ThreadTID     = "thread.id"
	ThreadVTID    = "vigil.thread.vtid"
	ProcEnvPrefix = "process.environment_variable."
)

// On the Resource: the process context. OpenTelemetry's semantic conventions
// put process.* there, and the syscall receiver emits one ResourceLogs per
// process state (its context between two changes of it: exec, credential and
// cwd changes, a changed ancestry) instead of repeating ~75 values on every
// record. The Anc* keys list the ancestors nearest first: element 0 is the
// parent.
const (
	ProcPID         = "process.pid"
	ProcVPID        = "process.vpid"
	ProcPPID        = "process.parent_pid"
	ProcName        = "process.executable.name" // Falco proc.name: the task comm
	ProcExe         = "process.command"         // argv[0]
	ProcExePath     = "process.executable.path"
	ProcCmdline     = "process.command_line" // comm + " " + args, as Falco builds it
	ProcArgs        = "process.command_args" // argv, including argv[0]
	ProcCwd         = "process.working_directory"
	ProcTTY         = "vigil.proc.tty"      // encoded dev_t of the controlling tty, 0 = none
	ProcInteractive = "process.interactive" // has a controlling tty
	ProcSID         = "process.session_leader.pid"
	ProcSName       = "vigil.proc.sname"
	ProcPGID        = "process.group_leader.pid"
	ProcVPGID       = "vigil.proc.vpgid"
	ProcStartTime   = "vigil.proc.start_ts" // process start, ns since epoch
	ProcExeIno      = "vigil.proc.exe_ino"
	ProcExeCtime    = "vigil.proc.exe_ino.ctime"
	ProcExeMtime    = "vigil.proc.exe_ino.mtime"
	ProcExeWritable = "vigil.proc.is_exe_writable"
	ProcExeUpper    = "vigil.proc.is_exe_upper_layer"
	ProcExeMemfd    = "vigil.proc.is_exe_from_memfd"
	ProcExeLower    = "vigil.proc.is_exe_lower_layer"
	CapPermitted    = "vigil.thread.cap_permitted"
	CapEffective    = "vigil.thread.cap_effective"
	CapInheritable  = "vigil.thread.cap_inheritable"
	AncNames        = "vigil.proc.anames"
	AncPIDs         = "vigil.proc.apids"
	AncExes         = "vigil.proc.aexes"
	AncExePaths     = "vigil.proc.aexepaths"
	AncCmdlines     = "vigil.proc.acmdlines"
)
