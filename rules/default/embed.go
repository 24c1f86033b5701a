// Package defaultrules holds Vigil's own default ruleset, written in the
// Falco rules format and embedded in the binary. The rules processor loads
// it when no rules files are configured.
package defaultrules

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed *.yaml
var files embed.FS

// File is one rules file of the default ruleset.
type File struct {
	// Name is the file's name ("vigil-files.yaml"); rules loaded from it
	// report it as their ruleset name.
	Name    string
	Content []byte
}

// Files returns the ruleset's files in load order (by name).
func Files() []File {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		// The embedded directory always exists; this cannot fail.
		panic(err)
	}
	out := make([]File, 0, len(entries))
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		out = append(out, File{Name: e.Name(), Content: b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// FS is the ruleset as a file system, for callers that load by path.
func FS() fs.FS { return files }
