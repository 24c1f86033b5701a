// Package probe holds the compiled eBPF probe (bpf2go output, committed so
// that building needs no clang) and loads it.
package probe

//go:generate go tool bpf2go -tags linux -cc clang -cflags "-O2 -g -Wall -Werror" -target amd64 -go-package probe vigil ../../../../bpf/vigil.bpf.c -- -I../../../../bpf
