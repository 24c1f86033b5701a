package evttype

// eventNames are the events Falco's drivers produce that are not syscalls,
// which rules may name in evt.type, sorted.
var eventNames = []string{
	"asyncevent", "container", "cpu_hotplug", "drop", "notification",
	"page_fault", "pluginevent", "procexit", "procinfo", "signaldeliver", "switch",
}
