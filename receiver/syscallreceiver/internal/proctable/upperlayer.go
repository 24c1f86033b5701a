package proctable

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// inUpperLayer reports whether the overlayfs file at path (as the process of
// procDir sees it) lives in the mount's upper layer (upper), or else in a
// lower one, and whether that could be told at all (known). The probe reads
// that
// from the kernel's overlay inode at exec. A process read from /proc was
// exec'd before the probe ran, so the answer comes from the mount instead:
// the file is in the upper layer when the upper directory holds an entry
// for it that is not a whiteout. dev is the file's device, which names the
// overlay mount in the process's mountinfo. The upper directory is the
// path the mounter gave, which the collector sees when it shares the host's
// mounts (a container runtime's snapshots); when it does not, neither layer
// is claimed. A mount without an upper directory is all lower layers.
func inUpperLayer(procDir, path string, dev uint64) (upper, known bool) {
	f, err := os.Open(filepath.Join(procDir, "mountinfo"))
	if err != nil {
		return false, false
	}
	defer f.Close()
	devID := strconv.FormatUint(uint64(unix.Major(dev)), 10) + ":" + strconv.FormatUint(uint64(unix.Minor(dev)), 10)
	best, upperDir, root, found := "", "", "", false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20) // overlay lines list every lower layer
	for sc.Scan() {
		// id parent major:minor root mountpoint options [optional...] - fstype source superoptions
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		fs, sf := strings.Fields(pre), strings.Fields(post)
		if len(fs) < 5 || len(sf) < 3 || sf[0] != "overlay" || fs[2] != devID {
			continue
		}
		mp := unescapeMount(fs[4])
		if !under(path, mp) || (found && len(mp) <= len(best)) {
			continue
		}
		best, upperDir, root, found = mp, "", unescapeMount(fs[3]), true
		for _, o := range strings.Split(sf[2], ",") {
			if v, ok := strings.CutPrefix(o, "upperdir="); ok {
				upperDir = unescapeMount(v)
			}
		}
	}
	switch {
	case !found:
		return false, false
	case upperDir == "":
		return false, true
	}
	var st unix.Stat_t
	if unix.Stat(upperDir, &st) != nil {
		return false, false // not visible from here
	}
	rel := strings.TrimPrefix(path, best)
	if unix.Lstat(filepath.Join(upperDir, root, rel), &st) != nil {
		return false, true
	}
	// A whiteout (a 0:0 character device) hides a lower file; it is not
	// the file.
	return !(st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0), true
}

// under reports whether path is mp or below it.
func under(path, mp string) bool {
	return mp == "/" || path == mp || strings.HasPrefix(path, mp+"/")
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
