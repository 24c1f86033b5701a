package proctable

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// SetExeInode records the executable's inode as the probe read it at exec
// (or /proc at start): its times, whether it is writable by the process's
// user, and, for an overlayfs file not in the upper layer, that it comes
// from a lower (image) layer. ExeUpper and the credentials must be set.
func (p *Process) SetExeInode(mode, uid, gid uint32, ctimeNs, mtimeNs int64, overlay bool) {
	p.ExeCtime, p.ExeMtime = ctimeNs, mtimeNs
	p.ExeWritable = exeWritable(mode, uid, gid, p.UID, p.GID, p.CapEff)
	p.ExeLower = overlay && !p.ExeUpper
}

// exeWritable is the kernel's write-permission check on the file for the
// process's effective ids, as Falco's proc.is_exe_writable approximates it:
// the owner, group or other write bit that applies, or CAP_DAC_OVERRIDE.
// Supplementary groups are not known here and are not consulted.
func exeWritable(mode, uid, gid, euid, egid uint32, capEff string) bool {
	switch {
	case strings.Contains(capEff, "CAP_DAC_OVERRIDE"):
		return true
	case euid == uid:
		return mode&unix.S_IWUSR != 0
	case egid == gid:
		return mode&unix.S_IWGRP != 0
	}
	return mode&unix.S_IWOTH != 0
}

// statExe fills the executable's inode for a process read from /proc: its
// times, writability, and for an overlayfs file which layer it lives in
// (inUpperLayer; the probe tells it at exec).
func (p *Process) statExe(procDir string) {
	exeLink := filepath.Join(procDir, "exe")
	var st unix.Stat_t
	if unix.Stat(exeLink, &st) != nil {
		return
	}
	var fs unix.Statfs_t
	overlay := unix.Statfs(exeLink, &fs) == nil && fs.Type == unix.OVERLAYFS_SUPER_MAGIC
	known := false
	if overlay && p.ExePath != "" {
		p.ExeUpper, known = inUpperLayer(procDir, p.ExePath, st.Dev)
	}
	// A layer that cannot be told leaves both flags false.
	p.SetExeInode(st.Mode, st.Uid, st.Gid, st.Ctim.Nano(), st.Mtim.Nano(), overlay && known)
}
