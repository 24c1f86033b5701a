//go:build linux && amd64

package probe

import (
	"fmt"

	"github.com/cilium/ebpf"
)

// HostTGID is the calling process's tgid as the kernel numbers it in the
// initial pid namespace, which the probe's filters compare. Inside a pid
// namespace (a pod without hostPID) getpid() returns another number, and
// /proc may be the namespace's own, so the kernel is asked: the probe's
// whoami program, run once with BPF_PROG_TEST_RUN in this task, returns
// bpf_get_current_pid_tgid's tgid.
func HostTGID() (uint32, error) {
	spec, err := loadVigil()
	if err != nil {
		return 0, err
	}
	ps := spec.Programs[vigilProgWhoami]
	if ps == nil {
		return 0, fmt.Errorf("the probe object has no %s program", vigilProgWhoami)
	}
	prog, err := ebpf.NewProgram(ps)
	if err != nil {
		return 0, explainLoadError(fmt.Errorf("loading %s: %w", vigilProgWhoami, err))
	}
	defer prog.Close()
	// a raw tracepoint program runs in the calling task (no CPU is
	// requested); its context is the tracepoint's arguments, unused here
	ret, err := prog.Run(&ebpf.RunOptions{Context: make([]byte, 8)})
	if err != nil {
		return 0, fmt.Errorf("running %s: %w", vigilProgWhoami, err)
	}
	if ret == 0 {
		return 0, fmt.Errorf("%s returned no tgid", vigilProgWhoami)
	}
	return ret, nil
}
