package main

import (
	"archive/tar"
	"bytes"
	"io"
	"path"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's layout. examples/Dockerfile builds the same one (a test
// compares the two), and examples/helm/values.yaml relies on the binary
// path (command.name) and on the root user.
const (
	BinaryPath  = "/vigil"
	ConfigPath  = "/etc/vigil/config.yaml"
	CACertsPath = "/etc/ssl/certs/ca-certificates.crt"
	WorkDir     = "/var/lib/vigil"
	// User is root: Kubernetes grants a container's added capabilities
	// to its processes only when they run as uid 0.
	User = "0:0"
)

// Contents are the files the image holds.
type Contents struct {
	Binary, Config, CACerts []byte
	// Arch is the binary's GOARCH.
	Arch string
	// Created is the image's creation time (also every file's mtime);
	// a fixed one makes the same inputs give the same digest.
	Created time.Time
	Labels  map[string]string
}

// Build assembles the image: one layer on an empty base (scratch).
func Build(c Contents) (v1.Image, error) {
	layerTar, err := rootfs(c)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1), mutate.Addendum{
		Layer:     layer,
		History:   v1.History{Created: v1.Time{Time: c.Created}, CreatedBy: "vigil-image", Comment: "vigil, its default config and CA certificates"},
		MediaType: types.OCILayer,
	})
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = c.Arch, "linux"
	cf.Created = v1.Time{Time: c.Created}
	cf.Config = v1.Config{
		Entrypoint: []string{BinaryPath},
		Cmd:        []string{"--config", ConfigPath},
		WorkingDir: WorkDir,
		User:       User,
		Labels:     c.Labels,
	}
	return mutate.ConfigFile(img, cf)
}

// rootfs is the layer: each file with its parent directories.
func rootfs(c Contents) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	var mkdir func(dir string) error
	mkdir = func(dir string) error {
		if dir == "/" || dir == "." || dirs[dir] {
			return nil
		}
		if err := mkdir(path.Dir(dir)); err != nil {
			return err
		}
		dirs[dir] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(dir, "/") + "/", Mode: 0o755, ModTime: c.Created, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := mkdir(path.Dir(name)); err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(name, "/"), Mode: mode, Size: int64(len(data)), ModTime: c.Created, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := file(BinaryPath, 0o755, c.Binary); err != nil {
		return nil, err
	}
	if err := file(ConfigPath, 0o644, c.Config); err != nil {
		return nil, err
	}
	if err := file(CACertsPath, 0o644, c.CACerts); err != nil {
		return nil, err
	}
	if err := mkdir(WorkDir); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
