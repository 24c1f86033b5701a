// Package linuxabi holds facts of the Linux kernel's user-space ABI that
// both the rules engine and the syscall receiver need: the x86-64 syscall
// numbers and names, and the errno names. Both are generated from the
// kernel's UAPI headers (gen.go), so there is one table of each in the
// module, and a rule's evt.type and a receiver's record agree by
// construction. It is a leaf: it imports nothing of this module, and nothing
// of eBPF or OpenTelemetry.
package linuxabi

//go:generate go run gen.go /usr/include/x86_64-linux-gnu/asm/unistd_64.h /usr/include/asm-generic/errno-base.h /usr/include/asm-generic/errno.h
