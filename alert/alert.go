// Package alert is the contract for alert log records: what the rules
// processor writes for each rule match and what exporters such as falcojson
// read back. Event records (one per syscall) follow rules/fields instead.
//
// An alert record has:
//   - EventName: EventName;
//   - Timestamp: the triggering event's time; ObservedTimestamp: when the rule fired;
//   - SeverityNumber and SeverityText: from the rule's priority (alert/priority),
//     SeverityText spelled as Falco prints it ("Warning");
//   - Body: the rendered output string, without Falco's time/priority prefix;
//   - the attributes below, plus the triggering event record's own attributes
//     (event, parameters, file, network);
//   - the triggering event's Resource, which carries the host, container and
//     pod identity and the process context (process, user, ancestry).
package alert

// EventName identifies alert records among other log records.
const EventName = "vigil.alert"

// Attribute keys of an alert record.
const (
	// RuleName, RuleDescription and RulesetName follow the security_rule
	// semantic conventions.
	RuleName        = "security_rule.name"
	RuleDescription = "security_rule.description"
	RulesetName     = "security_rule.ruleset.name"
	// RuleTags is a string slice, in the rule's order.
	RuleTags = "vigil.rule.tags"
	// RuleSource is the rule's event source, "syscall" for kernel events.
	RuleSource = "vigil.rule.source"
	// OutputFields is a map keyed by Falco field name ("proc.name",
	// "proc.aname[2]") holding the typed value of every field in the
	// rule's output: strings as strings, integers as ints, booleans as
	// bools, list fields as slices, and an empty value where the field
	// could not be extracted (Falco's <NA>, JSON null).
	OutputFields = "vigil.output_fields"
)
