// Package falcoalert encodes an alert log record (package alert) as Falco's
// JSON alert: the object Falco writes with json_output and POSTs with
// http_output, byte for byte where the record carries the same information.
//
// Falco builds that object with nlohmann::json, whose default object type is
// an ordered std::map and whose serialiser escapes only what JSON requires.
// The encoder reproduces both: keys in byte order at every level, compact
// separators, no HTML escaping, invalid UTF-8 replaced with U+FFFD.
package falcoalert
