package loader

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// deref follows aliases to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// item is a YAML mapping read as a rules-file item: its keys in order,
// with the value node and the key node of each.
type item struct {
	file *sourceFile
	node *yaml.Node
	keys []string
	val  map[string]*yaml.Node
	key  map[string]*yaml.Node
}

func (it *item) has(k string) bool { _, ok := it.val[k]; return ok }

func (it *item) ref(n *yaml.Node) *nodeRef { return &nodeRef{file: it.file, node: n} }

// at is the position of key k's value, or of the item when k is absent.
func (it *item) at(k string) Position {
	if n, ok := it.val[k]; ok {
		return it.ref(n).start()
	}
	return it.ref(it.node).start()
}

// keyAt is the position of key k itself.
func (it *item) keyAt(k string) Position {
	if n, ok := it.key[k]; ok {
		return it.ref(n).start()
	}
	return it.ref(it.node).start()
}

// valueError describes why a node is not a usable non-empty scalar, or "".
func scalarProblem(n *yaml.Node) string {
	n = deref(n)
	switch {
	case isNull(n):
		return "is empty"
	case n.Kind != yaml.ScalarNode:
		return "must be a scalar, not a " + kindName(n)
	case n.Value == "":
		return "must not be an empty string"
	}
	return ""
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.DocumentNode:
		return "document"
	}
	return "alias"
}

// parseBool accepts the spellings yaml-cpp (and so Falco) accepts.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "on", "y":
		return true, true
	case "false", "no", "off", "n":
		return false, true
	}
	return false, false
}

func parseUint(s string) (uint64, bool) {
	v, err := strconv.ParseUint(s, 0, 64)
	return v, err == nil
}
