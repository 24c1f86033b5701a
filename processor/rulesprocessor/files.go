package rulesprocessor

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// resolvePaths expands configured entries into files, in order: a directory
// gives its files with one of exts, sorted by name; a glob gives its matches,
// sorted; anything else is a file. A directory or glob that yields nothing is
// fine (files may appear later and be picked up by a reload); a plain path
// that does not exist is an error. A file named twice is loaded once, at its
// first place.
func resolvePaths(entries []string, exts ...string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	var errs []error
	for _, e := range entries {
		if hasGlobMeta(e) {
			matches, err := filepath.Glob(e)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", e, err))
				continue
			}
			sort.Strings(matches)
			for _, m := range matches {
				if st, err := os.Stat(m); err == nil && !st.IsDir() {
					add(m)
				}
			}
			continue
		}
		st, err := os.Stat(e)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e, pathError(err)))
			continue
		}
		if !st.IsDir() {
			add(e)
			continue
		}
		ents, err := os.ReadDir(e)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e, pathError(err)))
			continue
		}
		for _, de := range ents {
			if de.IsDir() || !hasExt(de.Name(), exts) || strings.HasPrefix(de.Name(), ".") {
				continue
			}
			add(filepath.Join(e, de.Name()))
		}
	}
	return out, errors.Join(errs...)
}

func hasGlobMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

func hasExt(name string, exts []string) bool {
	for _, x := range exts {
		if strings.HasSuffix(name, x) {
			return true
		}
	}
	return false
}

func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileStamp identifies the state of one file on disk cheaply.
type fileStamp struct {
	path  string
	size  int64
	mtime time.Time
}

// snapshot is what a set of configured entries resolved to at one time:
// the files, their stamps, and a digest of their contents.
type snapshot struct {
	stamps []fileStamp
	digest [sha256.Size]byte
	err    error
}

// stampsOf resolves entries and stats the files.
func stampsOf(entries []string, exts ...string) ([]fileStamp, error) {
	paths, err := resolvePaths(entries, exts...)
	stamps := make([]fileStamp, 0, len(paths))
	for _, p := range paths {
		st, serr := os.Stat(p)
		if serr != nil {
			err = errors.Join(err, fmt.Errorf("%s: %w", p, pathError(serr)))
			continue
		}
		stamps = append(stamps, fileStamp{path: p, size: st.Size(), mtime: st.ModTime()})
	}
	return stamps, err
}

func sameStamps(a, b []fileStamp) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].path != b[i].path || a[i].size != b[i].size || !a[i].mtime.Equal(b[i].mtime) {
			return false
		}
	}
	return true
}

// readAll reads the files and digests their names and contents.
func readAll(paths []string) ([][]byte, [sha256.Size]byte, error) {
	h := sha256.New()
	datas := make([][]byte, 0, len(paths))
	var errs []error
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: cannot read: %w", p, pathError(err)))
			continue
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		datas = append(datas, b)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return datas, sum, errors.Join(errs...)
}
