// Command storm generates syscalls at a controlled rate for the syscall
// receiver's benchmarks: open/close pairs of one file or of a tree of
// distinct files, fork+exec of /bin/true, or TCP connects to a loopback
// listener.
//
//	storm -mode open -rate 150000 -duration 10s -workers 1
//
// It prints one JSON line: {"mode":..,"ops":..,"seconds":..,"ops_per_sec":..}.
// An open op is two syscalls (openat and close); a connect op is socket,
// connect and close; an exec op is a clone, an execve and the child's own
// startup syscalls.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	mode := flag.String("mode", "open", "open, tree, exec or connect")
	rate := flag.Float64("rate", 0, "operations per second over all workers; 0 = as fast as possible")
	duration := flag.Duration("duration", 5*time.Second, "how long to run (ignored with -ops)")
	ops := flag.Int64("ops", 0, "stop after this many operations per worker instead of after -duration")
	workers := flag.Int("workers", 1, "parallel workers (OS threads)")
	file := flag.String("file", "/etc/hostname", "file to open in open mode")
	dir := flag.String("dir", "", "tree mode: the tree of files to open (made by TreePaths' layout, see -files)")
	files := flag.Int("files", 10000, "tree mode: how many files the tree holds")
	mktree := flag.Bool("mktree", false, "tree mode: make the tree's files (empty) and exit")
	flag.Parse()

	if *mktree {
		for _, p := range treePaths(*dir, *files) {
			if err := os.MkdirAll(p[:strings.LastIndexByte(p, '/')], 0o755); err != nil {
				fail(err)
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				fail(err)
			}
		}
		return
	}

	var op func() error
	switch *mode {
	case "open":
		path := *file
		op = func() error {
			fd, err := unix.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			return unix.Close(fd)
		}
	case "tree":
		// one open/close per op like open, but cycling through a tree of
		// distinct files, as a build or a package manager does, so that
		// nothing per path stays hot
		if *dir == "" {
			fail(fmt.Errorf("tree mode needs -dir"))
		}
		paths := treePaths(*dir, *files)
		var i atomic.Int64
		op = func() error {
			fd, err := unix.Openat(unix.AT_FDCWD, paths[int(i.Add(1))%len(paths)], unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			return unix.Close(fd)
		}
	case "exec":
		op = func() error {
			pid, err := syscall.ForkExec("/bin/true", []string{"true"}, &syscall.ProcAttr{})
			if err != nil {
				return err
			}
			var ws syscall.WaitStatus
			_, err = syscall.Wait4(pid, &ws, 0, nil)
			return err
		}
	case "connect":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fail(err)
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		port := ln.Addr().(*net.TCPAddr).Port
		sa := &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
		op = func() error {
			fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return err
			}
			err = unix.Connect(fd, sa)
			unix.Close(fd)
			return err
		}
	default:
		fail(fmt.Errorf("unknown mode %q", *mode))
	}

	var total atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(*duration)
	perWorker := *rate / float64(*workers)
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			var n int64
			for {
				// pace and check the clock every 64 operations
				for i := 0; i < 64; i++ {
					if err := op(); err != nil {
						fail(err)
					}
				}
				n += 64
				if *ops > 0 && n >= *ops {
					break
				}
				now := time.Now()
				if *ops == 0 && now.After(deadline) {
					break
				}
				if perWorker > 0 {
					due := start.Add(time.Duration(float64(n) / perWorker * float64(time.Second)))
					if d := due.Sub(now); d > 0 {
						time.Sleep(d)
					}
				}
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	// CPU time (user + system, the probe's in-kernel work included): on a
	// shared machine wall time also counts waiting for a CPU
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	cpu := float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"mode": *mode, "ops": total.Load(), "seconds": secs, "ops_per_sec": float64(total.Load()) / secs,
		"cpu_seconds": cpu,
	})
}

// treePaths names the tree's files: 100 per directory, dir/d000/f00000 on.
// -mktree makes them.
func treePaths(dir string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s/d%03d/f%05d", dir, i/100, i)
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "storm:", err)
	os.Exit(1)
}
