package linuxabi

// ErrnoName is the name of errno value n ("ENOENT" for 2), or "" when n is
// no errno the kernel defines.
func ErrnoName(n int64) string {
	if n <= 0 || n >= int64(len(errnoNames)) {
		return ""
	}
	return errnoNames[n]
}
