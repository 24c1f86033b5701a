package discarder

import (
	"slices"

	"github.com/vigil-sec/vigil/rules"
	"github.com/vigil-sec/vigil/rules/approver"
	"github.com/vigil-sec/vigil/rules/fields"
)

// A discarded open writes no fd-table entry, so a later record on that fd
// (fchmod, ftruncate, sendfile, finit_module, ...) learns the file's path
// from /proc/PID/fd/N when the receiver handles it: missing once the fd is
// closed or the process gone, and wrong once the number is reused. The
// path is the only part of such a record the fd table supplies for a
// regular file: the fd's type, device and inode come from the kernel's
// view of the fd in the record itself, and fd.nameraw is written for
// opens only. So the fields at risk are those read from the file path
// key (fd.name, fd.directory, fd.filename), taken from the registry.
var fdTableFields = func() []string {
	var out []string
	for _, f := range fields.All() {
		if slices.Contains(f.Keys, fields.KeyFilePath) {
			out = append(out, f.Name)
		}
	}
	return out
}()

// noFile are syscalls none of whose arguments can be an fd of a regular
// file: they take paths, and the dirfd of the *at ones must be a
// directory (none of them takes AT_EMPTY_PATH). Their records need no
// fd-table entry of a file. Any syscall not listed counts as taking one:
// an omission only keeps discarding off.
var noFile = []string{"chdir", "chmod", "chown", "chroot", "execve", "lchown", "link", "mkdir", "mkdirat", "mknod", "mknodat",
	"mount", "rename", "renameat", "renameat2", "rmdir", "symlink", "symlinkat", "truncate", "umount", "umount2", "unlink", "unlinkat"}

// FDTableReader names the first enabled syscall rule of rs that can match a
// syscall outside the open family and reads a field that syscall's
// record takes from the fd table, and that field; ok is false when there
// is none. Every captured syscall but the open family and noFile counts,
// and a rule with no event-type restriction can match every one.
// Mirrors approver.Derive's SocketNames.
func FDTableReader(rs *rules.Ruleset) (rule, field string, ok bool) {
	var others []string
	for _, sc := range rs.Syscalls() {
		if !slices.Contains(approver.OpenFamily, sc) && !slices.Contains(noFile, sc) {
			others = append(others, sc)
		}
	}
	for _, r := range rs.Rules() {
		if !r.Enabled || r.Source != "syscall" {
			continue
		}
		for _, sc := range others {
			// a rule that cannot match sc does not care what it reads
			if approver.ForRule(r.Tree(), sc).IsNone() {
				continue
			}
			for _, f := range fdTableFields {
				if approver.Reads(r.Tree(), sc, f) {
					return r.Name, f, true
				}
			}
		}
	}
	return "", "", false
}
