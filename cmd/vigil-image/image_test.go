package main

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/vigil-sec/vigil/internal/ocilayout"
)

// dockerfileStage is what the final stage of examples/Dockerfile puts in
// the image.
type dockerfileStage struct {
	from            string
	files           map[string]string // destination -> source
	workdir, user   string
	entrypoint, cmd []string
}

// parseFinalStage reads the instructions of the Dockerfile's last stage
// that decide the image's layout (COPY, WORKDIR, USER, ENTRYPOINT, CMD in
// exec form).
func parseFinalStage(t *testing.T, path string) dockerfileStage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st dockerfileStage
	for n, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		arg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), f[0]))
		exec := func() []string {
			var v []string
			if err := json.Unmarshal([]byte(arg), &v); err != nil {
				t.Fatalf("%s:%d: %s not in exec form: %v", path, n+1, f[0], err)
			}
			return v
		}
		switch f[0] {
		case "FROM":
			st = dockerfileStage{from: f[1], files: map[string]string{}}
		case "COPY":
			args := f[1:]
			if strings.HasPrefix(args[0], "--from=") {
				args = args[1:]
			}
			if len(args) != 2 {
				t.Fatalf("%s:%d: COPY of one file expected", path, n+1)
			}
			st.files[args[1]] = args[0]
		case "WORKDIR":
			st.workdir = arg
		case "USER":
			st.user = arg
		case "ENTRYPOINT":
			st.entrypoint = exec()
		case "CMD":
			st.cmd = exec()
		case "RUN", "ENV", "ARG", "LABEL":
		default:
			t.Fatalf("%s:%d: instruction %s is not compared with cmd/vigil-image", path, n+1, f[0])
		}
	}
	return st
}

// TestSameLayoutAsDockerfile: the image Build makes has the files, working
// directory, user, entrypoint and command that examples/Dockerfile's
// final stage declares, on the same empty base, and nothing else.
func TestSameLayoutAsDockerfile(t *testing.T) {
	st := parseFinalStage(t, filepath.Join("..", "..", "examples", "Dockerfile"))
	if st.from != "scratch" {
		t.Errorf("the Dockerfile's final stage is FROM %s; cmd/vigil-image builds on scratch", st.from)
	}
	img, err := Build(Contents{Binary: []byte("bin"), Config: []byte("cfg"), CACerts: []byte("ca"), Arch: "amd64", Created: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if c.WorkingDir != st.workdir || c.User != st.user || !slices.Equal(c.Entrypoint, st.entrypoint) || !slices.Equal(c.Cmd, st.cmd) {
		t.Errorf("image config workdir %q user %q entrypoint %q cmd %q; Dockerfile %q %q %q %q",
			c.WorkingDir, c.User, c.Entrypoint, c.Cmd, st.workdir, st.user, st.entrypoint, st.cmd)
	}
	files := map[string]string{}
	tr := tar.NewReader(mutate.Extract(img))
	var dirs []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := "/" + strings.TrimSuffix(h.Name, "/")
		if h.Typeflag == tar.TypeDir {
			dirs = append(dirs, name)
			continue
		}
		data, _ := io.ReadAll(tr)
		files[name] = string(data)
		if h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s owned by %d:%d", name, h.Uid, h.Gid)
		}
	}
	want := map[string]string{BinaryPath: "bin", ConfigPath: "cfg", CACertsPath: "ca"}
	if len(files) != len(st.files) || len(files) != len(want) {
		t.Errorf("image files %v, Dockerfile copies %v", keys(files), keys(st.files))
	}
	for dst, content := range want {
		if files[dst] != content {
			t.Errorf("%s holds %q, want %q", dst, files[dst], content)
		}
		if _, ok := st.files[dst]; !ok {
			t.Errorf("the Dockerfile does not copy %s", dst)
		}
	}
	// make image's defaults are the files the Dockerfile copies
	if st.files[BinaryPath] != "/src/bin/vigil" || st.files[ConfigPath] != "examples/local.yaml" || st.files[CACertsPath] != CACertsPath {
		t.Errorf("the Dockerfile copies %v", st.files)
	}
	if !slices.Contains(dirs, WorkDir) {
		t.Errorf("no %s directory in the image (dirs %v)", WorkDir, dirs)
	}
}

// TestArchiveIsReproducible: the same contents give the same archive, and
// it is an OCI layout naming the image for ctr and Docker.
func TestArchiveIsReproducible(t *testing.T) {
	dir := t.TempDir()
	var archives [2][]byte
	for i := range archives {
		img, err := Build(Contents{Binary: []byte("bin"), Config: []byte("cfg"), CACerts: []byte("ca"), Arch: "amd64", Created: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "image.tar")
		if err := ocilayout.WriteTar(out, img, "ghcr.io/vigil-sec/vigil:0.1.0"); err != nil {
			t.Fatal(err)
		}
		if archives[i], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	if string(archives[0]) != string(archives[1]) {
		t.Error("two archives of the same contents differ")
	}
	lay := filepath.Join(dir, "layout")
	untar(t, filepath.Join(dir, "image.tar"), lay)
	idx, err := layout.ImageIndexFromPath(lay)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Annotations["io.containerd.image.name"] != "ghcr.io/vigil-sec/vigil:0.1.0" ||
		m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "0.1.0" {
		t.Errorf("index manifests %+v", m.Manifests)
	}
}

func untar(t *testing.T, archive, dst string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
