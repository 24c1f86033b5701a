//go:build !amd64

package syscalls

// IA32 is amd64's compat syscall handling; other architectures have none.
type IA32 struct {
	NR        int
	Name      string
	Native    *Syscall
	Translate bool
}

// IA32Table is empty off amd64.
func IA32Table() []IA32 { return nil }

// IA32Name is empty off amd64.
func IA32Name(int) string { return "" }
