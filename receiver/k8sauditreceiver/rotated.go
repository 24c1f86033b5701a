package k8sauditreceiver

import (
	"os"
	"path/filepath"
	"strings"
)

// fileStamp orders the files of one log: a rotated file stops being written
// when it is renamed, so its last write time places it among the other
// rotated files. Files written within one tick of the file system's clock
// fall back to inode order, which is creation order on most file systems
// but not guaranteed; rotations that close are rare (the apiserver rotates
// at a size of megabytes).
type fileStamp struct {
	mtime    int64
	dev, ino uint64
}

func stampOf(fi os.FileInfo) fileStamp {
	dev, ino := fileID(fi)
	return fileStamp{mtime: fi.ModTime().UnixNano(), dev: dev, ino: ino}
}

// before reports whether s was written before o.
func (s fileStamp) before(o fileStamp) bool {
	if s.mtime != o.mtime {
		return s.mtime < o.mtime
	}
	return s.ino < o.ino
}

// isRotatedName reports whether name is one of the names a rotation gives
// the log base: the apiserver's own (audit-<time>.log for audit.log) or
// logrotate's (audit.log.1). Compressed copies cannot be followed and are
// left alone.
func isRotatedName(base, name string) bool {
	if name == base {
		return false
	}
	switch filepath.Ext(name) {
	case ".gz", ".bz2", ".xz", ".zst":
		return false
	}
	if strings.HasPrefix(name, base+".") {
		return true
	}
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	return strings.HasPrefix(name, stem+"-") && strings.HasSuffix(name, ext)
}

// nextRotated returns the rotated file of path written next after the file
// done, or "" when there is none and the live path comes next. It is how
// the follower crosses several rotations that happened while it was
// stopped or behind: each renamed file is read in the order it was written,
// none is skipped.
func nextRotated(path string, done fileStamp) string {
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var live fileStamp
	if fi, err := os.Stat(path); err == nil {
		live = stampOf(fi)
	}
	best, bestPath := fileStamp{}, ""
	for _, e := range entries {
		if !isRotatedName(base, e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		s := stampOf(fi)
		if s.dev != done.dev || s.ino == done.ino || (s.ino == live.ino && s.dev == live.dev) {
			continue
		}
		if !done.before(s) {
			continue
		}
		if bestPath == "" || s.before(best) {
			best, bestPath = s, p
		}
	}
	return bestPath
}
