//go:build !amd64

package syscalls

// Only amd64 has a syscall table so far (see the probe package).
var table []Syscall
