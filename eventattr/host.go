package eventattr

// On the Resource: the host the event happened on.
const (
	HostName = "host.name"
)
