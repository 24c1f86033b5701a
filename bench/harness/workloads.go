package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// A workload is something users run, measured as a whole: its wall time,
// its own CPU time (children included) and how many operations it did.
type workload struct {
	name string
	// what one op is, for the table
	op  string
	run func() (ops int64, workCPU float64, err error)
	// setup runs once before the workload's runs, teardown after them
	setup, teardown func() error
}

// modes a workload is measured in: no collector, the collector as users
// run it, and the collector with its kernel filters switched off.
const (
	modeOff        = "no collector"
	modeOn         = "collector"
	modeFiltersOff = "collector, filters off"
)

type measurement struct {
	wall, workCPU, collectorCPU float64
	ops                         int64
	counters                    map[string]int64
	alerts                      int64
	rssMB                       float64
	// the collector's CPU and ring events in the same span of time with
	// no workload, from quiet windows measured just before and after: every process
	// on the machine feeds the receiver, and on a shared machine the others
	// are not quiet
	bgCPU, bgEvents float64
	// records of the workload's processes, and all records (tap.go)
	mine, all int64
}

const (
	eventsRead  = "otelcol_receiver_syscall_events_read"
	kernelDrops = "otelcol_receiver_syscall_kernel_drops"
)

var bgWindow = flag.Duration("background", 3*time.Second, "workloads: quiet window measured before each run with the collector, subtracted as background")

func workloads(storm string, args []string) {
	fs := flag.NewFlagSet("workloads", flag.ExitOnError)
	only := fs.String("only", "tree,exec,connect,redis,build", "workloads to run, in order")
	runs := fs.Int("runs", 2, "alternating runs per mode; the fastest of each mode is reported")
	treeOps := fs.Int64("tree-ops", 500000, "tree: open/close pairs")
	treeFiles := fs.Int("tree-files", 10000, "tree: distinct files")
	execOps := fs.Int64("exec-ops", 2000, "exec: fork+execs of /bin/true")
	connectOps := fs.Int64("connect-ops", 40000, "connect: loopback connects")
	redisN := fs.Int("redis-n", 200000, "redis: redis-benchmark -n (requests per test; SET and GET are run)")
	buildPkg := fs.String("build-pkg", "./bench/storm", "build: package built with go build and a cold GOCACHE, from the current directory")
	fs.Parse(args)

	all := map[string]*workload{
		"tree":    treeWorkload(storm, *treeFiles, *treeOps),
		"exec":    stormWorkload(storm, "exec", "fork+exec of /bin/true", *execOps),
		"connect": stormWorkload(storm, "connect", "socket+connect+close to a loopback listener", *connectOps),
		"redis":   redisWorkload(*redisN),
		"build":   buildWorkload(*buildPkg),
	}
	modes := []string{modeOff, modeOn, modeFiltersOff}
	fmt.Println("Background-corrected columns (\"net\") subtract what the collector spent and read in quiet windows just before and after the run, scaled to the run's length; captured = ring events + kernel drops with the filters off.")
	fmt.Println()
	fmt.Println("\"Attributed\" is the collector's CPU times the workload's share of the records (those of its processes and their descendants).")
	fmt.Println()
	fmt.Println("| workload | mode | ops | wall (s) | slowdown | workload CPU (s) | collector CPU per op (µs) | net | attributed | collector CPU s per 1M captured (net) | ring events (net) | captured (net) | crossed the ring | kernel drops | workload's records / all | alerts | collector peak RSS (MB) |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, name := range strings.Split(*only, ",") {
		w := all[strings.TrimSpace(name)]
		if w == nil {
			fail(fmt.Errorf("unknown workload %q", name))
		}
		if w.setup != nil {
			if err := w.setup(); err != nil {
				fmt.Printf("| %s | skipped: %v |\n", w.name, err)
				continue
			}
		}
		best := map[string]*measurement{}
		notes := []string{}
		noFilters := false
		for i := 0; i < *runs; i++ {
			for _, mode := range modes {
				if mode == modeFiltersOff && noFilters {
					continue
				}
				m, err := measure(w, mode)
				if errors.Is(err, errNoFilterKey) {
					noFilters = true
					notes = append(notes, err.Error())
					continue
				}
				if err != nil {
					fail(fmt.Errorf("%s, %s: %w", w.name, mode, err))
				}
				if b := best[mode]; b == nil || m.wall < b.wall {
					best[mode] = m
				}
			}
		}
		if w.teardown != nil {
			if err := w.teardown(); err != nil {
				fail(err)
			}
		}
		base := best[modeOff]
		// captured: what crosses the ring with nothing filtered in the
		// kernel, less the background
		// kernel, less the background; what the kernel dropped for want of
		// ring space was captured too
		captured := 0.0
		if m := best[modeFiltersOff]; m != nil {
			captured = float64(m.counters[eventsRead]+m.counters[kernelDrops]) - m.bgEvents
		} else if m := best[modeOn]; m != nil && noFilters {
			// no kernel filters in this build: everything captured crosses
			captured = float64(m.counters[eventsRead]+m.counters[kernelDrops]) - m.bgEvents
		}
		for _, mode := range modes {
			m := best[mode]
			if m == nil {
				continue
			}
			if mode == modeOff {
				fmt.Printf("| %s | %s | %d | %.3f | | %.3f | | | | | | | | | | | |\n", w.name, mode, m.ops, m.wall, m.workCPU)
				continue
			}
			read := float64(m.counters[eventsRead]) - m.bgEvents
			net := m.collectorCPU - m.bgCPU
			perM, frac := "-", "-"
			if captured > 0 {
				perM = fmt.Sprintf("%.2f", net/captured*1e6)
				frac = fmt.Sprintf("%.1f%%", read/captured*100)
			}
			// a receiver that counts what its kernel filters drop gives the
			// fraction within the run itself, background included
			if f := filtered(m.counters); f > 0 {
				in := float64(m.counters[eventsRead])
				frac = fmt.Sprintf("%.1f%% (this run: %.1f%% of %d)", read/captured*100, in/(in+float64(m.counters[kernelDrops]+f))*100, m.counters[eventsRead]+m.counters[kernelDrops]+f)
			}
			attributed := "-"
			if m.all > 0 {
				attributed = fmt.Sprintf("%.2f", m.collectorCPU*float64(m.mine)/float64(m.all)/float64(m.ops)*1e6)
			}
			fmt.Printf("| %s | %s | %d | %.3f | %.1f%% | %.3f | %.2f | %.2f | %s | %s | %.0f | %.0f | %s | %d | %d / %d | %d | %.0f |\n",
				w.name, mode, m.ops, m.wall, (m.wall/base.wall-1)*100, m.workCPU,
				m.collectorCPU/float64(m.ops)*1e6, net/float64(m.ops)*1e6, attributed, perM, read, captured, frac,
				m.counters[kernelDrops], m.mine, m.all, m.alerts, m.rssMB)
			// whatever else the receiver counts (the kernel filters' hits,
			// evictions...) goes below the table
			for _, k := range sortedKeys(m.counters) {
				if strings.Contains(k, "filter") || strings.Contains(k, "discard") || strings.Contains(k, "approver") {
					notes = append(notes, fmt.Sprintf("%s, %s: %s = %d", w.name, mode, k, m.counters[k]))
				}
			}
		}
		for _, n := range notes {
			fmt.Printf("# %s: %s\n", w.name, n)
		}
	}
	fmt.Printf("# load after: %s\n", loadavg())
}

// measure runs w once in mode.
func measure(w *workload, mode string) (*measurement, error) {
	m := &measurement{}
	var r *running
	if mode != modeOff {
		var err error
		if r, err = startReceiver(*rulesFile, mode == modeFiltersOff); err != nil {
			return nil, err
		}
		defer r.stop()
		time.Sleep(time.Second) // the process table's /proc scan is not the workload's
	}
	var before map[string]int64
	var alerts0 int64
	var cpu0 float64
	var bgCPURate, bgEventRate float64
	var mine0, all0 int64
	stopRSS := func() float64 { return 0 }
	if r != nil {
		b0, c0, t0 := r.counters(), cpuSeconds(), time.Now()
		time.Sleep(*bgWindow)
		b1 := r.counters()
		el := time.Since(t0).Seconds()
		bgCPURate = (cpuSeconds() - c0) / el
		bgEventRate = float64(b1[eventsRead]-b0[eventsRead]) / el
		before = b1
		alerts0 = r.count.n.Load()
		mine0, all0 = r.tap.counts()
		cpu0 = cpuSeconds()
		stopRSS = sampleRSS()
	}
	t0 := time.Now()
	ops, workCPU, err := w.run()
	if err != nil {
		return nil, err
	}
	m.wall = time.Since(t0).Seconds()
	m.ops, m.workCPU = ops, workCPU
	if r != nil {
		// the reader drains and publishes its counters once a second
		time.Sleep(1500 * time.Millisecond)
		el := m.wall + 1.5
		m.collectorCPU = cpuSeconds() - cpu0
		m.rssMB = stopRSS()
		mine1, all1 := r.tap.counts()
		m.mine, m.all = mine1-mine0, all1-all0
		after := r.counters()
		// and a second quiet window after the run: the background is the
		// mean of the two
		b0, c0, t0 := after, cpuSeconds(), time.Now()
		time.Sleep(*bgWindow)
		b1 := r.counters()
		bl := time.Since(t0).Seconds()
		bgCPURate = (bgCPURate + (cpuSeconds()-c0)/bl) / 2
		bgEventRate = (bgEventRate + float64(b1[eventsRead]-b0[eventsRead])/bl) / 2
		m.bgCPU, m.bgEvents = bgCPURate*el, bgEventRate*el
		m.counters = map[string]int64{}
		for k, v := range after {
			m.counters[k] = v - before[k]
		}
		m.alerts = r.count.n.Load() - alerts0
	}
	fmt.Printf("#   %s, %s: %.3f s, %d ops, workload CPU %.3f s, collector CPU %.3f s (background %.3f s, %.0f ring events)\n", w.name, mode, m.wall, m.ops, m.workCPU, m.collectorCPU, m.bgCPU, m.bgEvents)
	return m, nil
}

// filtered sums the counters of events the kernel filters dropped.
func filtered(c map[string]int64) int64 {
	n := int64(0)
	for k, v := range c {
		if strings.Contains(k, "filtered") {
			n += v
		}
	}
	return n
}

// counters reads every int64 sum the pipeline's components publish.
func (r *running) counters() map[string]int64 {
	out := map[string]int64{}
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		return out
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, dp := range s.DataPoints {
					out[m.Name] += dp.Value
				}
			}
		}
	}
	return out
}

// sampleRSS samples this process's resident set every 200 ms until the
// returned function is called, which returns the largest in MB.
func sampleRSS() func() float64 {
	var mu sync.Mutex
	peak := 0.0
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			v := rssMB()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func stormWorkload(storm, mode, op string, ops int64) *workload {
	return &workload{name: mode, op: op, run: func() (int64, float64, error) {
		res, err := runStorm(storm, "-mode", mode, "-ops", strconv.FormatInt(ops, 10))
		return res.Ops, res.CPUSeconds, err
	}}
}

// treeWorkload opens and closes files of a tree of files distinct files in
// turn (made once, outside the measurement).
func treeWorkload(storm string, files int, ops int64) *workload {
	dir := ""
	return &workload{
		name: "tree", op: fmt.Sprintf("openat+close, cycling over %d files", files),
		setup: func() error {
			var err error
			if dir, err = os.MkdirTemp("", "vigil-bench-tree-"); err != nil {
				return err
			}
			return exec.Command(storm, "-mode", "tree", "-dir", dir, "-files", strconv.Itoa(files), "-mktree").Run()
		},
		run: func() (int64, float64, error) {
			res, err := runStorm(storm, "-mode", "tree", "-dir", dir, "-files", strconv.Itoa(files), "-ops", strconv.FormatInt(ops, 10))
			return res.Ops, res.CPUSeconds, err
		},
		teardown: func() error { return os.RemoveAll(dir) },
	}
}

// redisWorkload drives Debian's redis-server with redis-benchmark (SET and
// GET, 20 clients), the workload of Falco's published overhead figures. An
// op is a request; the workload's CPU is the benchmark's and the server's.
func redisWorkload(n int) *workload {
	var server *exec.Cmd
	port := ""
	w := &workload{name: "redis", op: "a SET or GET request (redis-benchmark -c 20 -t set,get)"}
	w.setup = func() error {
		for _, b := range []string{"redis-server", "redis-benchmark"} {
			if _, err := exec.LookPath(b); err != nil {
				return fmt.Errorf("%s not installed (apt-get install redis-server redis-tools)", b)
			}
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		port = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		server = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")
		if err := server.Start(); err != nil {
			return err
		}
		for i := 0; i < 100; i++ {
			if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
				c.Close()
				return nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		return fmt.Errorf("redis-server did not listen on %s", port)
	}
	w.run = func() (int64, float64, error) {
		s0 := procCPU(server.Process.Pid)
		watchWorkload(server.Process.Pid)
		cmd := exec.Command("redis-benchmark", "-h", "127.0.0.1", "-p", port, "-n", strconv.Itoa(n), "-c", "20", "-t", "set,get", "-q")
		if out, err := runWatched(cmd); err != nil {
			return 0, 0, fmt.Errorf("redis-benchmark: %w: %s", err, out)
		}
		return int64(2 * n), childCPU(cmd) + procCPU(server.Process.Pid) - s0, nil
	}
	w.teardown = func() error {
		server.Process.Signal(syscall.SIGTERM)
		server.Wait()
		return nil
	}
	return w
}

// buildWorkload runs go build of pkg with a new, empty GOCACHE each time:
// the compiler, linker and go command as a CI job runs them. An op is one
// build.
func buildWorkload(pkg string) *workload {
	return &workload{name: "build", op: "go build " + pkg + " with a cold GOCACHE", run: func() (int64, float64, error) {
		cache, err := os.MkdirTemp("", "vigil-bench-gocache-")
		if err != nil {
			return 0, 0, err
		}
		defer os.RemoveAll(cache)
		cmd := exec.Command("go", "build", "-o", filepath.Join(cache, "out"), pkg)
		cmd.Env = append(os.Environ(), "GOCACHE="+cache, "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := runWatched(cmd); err != nil {
			return 0, 0, fmt.Errorf("go build: %w: %s", err, out)
		}
		return 1, childCPU(cmd), nil
	}}
}

// runWatched runs cmd as part of the workload (tap.go) and returns its
// output.
func runWatched(cmd *exec.Cmd) (string, error) {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	watchWorkload(cmd.Process.Pid)
	err := cmd.Wait()
	return out.String(), err
}

// childCPU is a finished command's CPU time, its waited-for descendants
// included.
func childCPU(cmd *exec.Cmd) float64 {
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// procCPU is a running process's CPU time so far, from /proc/PID/stat.
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
