// Package priority holds Falco's rule priorities: how rules files spell them,
// how Falco prints them, and the OpenTelemetry severity each maps to.
package priority

import (
	"fmt"
	"strings"
)

// Priority is a Falco rule priority. Lower values are more severe, as in
// Falco, so "minimum_priority: warning" keeps every p <= Warning.
type Priority uint8

const (
	Emergency Priority = iota
	Alert
	Critical
	Error
	Warning
	Notice
	Informational
	Debug
)

var names = [...]string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"}

// severities follow the syslog mapping of the OpenTelemetry log data model.
var severities = [...]int32{21, 19, 18, 17, 13, 10, 9, 5}

// String is the priority as Falco prints it: "Warning", "Informational".
func (p Priority) String() string {
	if int(p) < len(names) {
		return names[p]
	}
	return fmt.Sprintf("Priority(%d)", p)
}

// SeverityNumber is the OpenTelemetry SeverityNumber for p.
func (p Priority) SeverityNumber() int32 {
	if int(p) < len(severities) {
		return severities[p]
	}
	return 0
}

// Parse accepts the spellings rules files use: any case, and "info" for
// Informational.
func Parse(s string) (Priority, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	if l == "info" {
		return Informational, nil
	}
	for i, n := range names {
		if strings.ToLower(n) == l {
			return Priority(i), nil
		}
	}
	return 0, fmt.Errorf("invalid priority %q: want one of emergency, alert, critical, error, warning, notice, informational (or info), debug", s)
}
