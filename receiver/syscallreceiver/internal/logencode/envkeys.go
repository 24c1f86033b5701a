package logencode

import "github.com/vigil-sec/vigil/eventattr"

// The exec record carries each environment variable as its own attribute,
// vigil.proc.env.NAME: the key was concatenated for every variable of
// every exec, though a machine's processes share a few hundred variable
// names. envKeys makes each key once; the bound keeps a process that
// makes up names from growing it without end (past it, keys are
// concatenated as before).
const maxEnvKeys = 4096

type envKeys map[string]string

// key returns eventattr.ProcEnvPrefix + name.
func (c *envKeys) key(name string) string {
	if k, ok := (*c)[name]; ok {
		return k
	}
	k := eventattr.ProcEnvPrefix + name
	if *c == nil {
		*c = make(envKeys, 64)
	}
	if len(*c) < maxEnvKeys {
		// the map's key is the name inside k: no copy, and it does not
		// keep the process's environment alive
		(*c)[k[len(eventattr.ProcEnvPrefix):]] = k
	}
	return k
}
