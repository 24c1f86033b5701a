package eventattr

// On the record: the file descriptor the event operates on, and for sockets
// its two ends (client/server by role, local/peer by side).
const (
	FDNum         = "vigil.fd.num"
	FDType        = "vigil.fd.type" // file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd
	FilePath      = "file.path"     // absolute path, for file and directory fds
	FDName        = "vigil.fd.name" // name of a non-file fd: socket tuple, unix path, pipe:[ino]
	FDNameRaw     = "vigil.fd.nameraw"
	FDNameChanged = "vigil.fd.name_changed"
	FDConnected   = "vigil.fd.connected"
	FDIsServer    = "vigil.fd.is_server"
	FDDev         = "vigil.fd.dev"
	FDIno         = "vigil.fd.ino"
	L4Proto       = "network.transport" // tcp, udp, icmp, raw
	ClientAddr    = "client.address"
	ClientPort    = "client.port"
	ServerAddr    = "server.address"
	ServerPort    = "server.port"
	LocalAddr     = "network.local.address"
	LocalPort     = "network.local.port"
	PeerAddr      = "network.peer.address"
	PeerPort      = "network.peer.port"
	ClientName    = "vigil.fd.cip.name"
	ServerName    = "vigil.fd.sip.name"
	LocalName     = "vigil.fd.lip.name"
	PeerName      = "vigil.fd.rip.name"
)
