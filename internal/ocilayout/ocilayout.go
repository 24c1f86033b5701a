// Package ocilayout writes an image as an OCI image layout in one tar file,
// with a Docker manifest.json beside it pointing into the same blobs: the
// archive `docker save` has written since Docker 25. `ctr image import`
// reads the OCI index; `docker load` with Docker's own image store reads
// only manifest.json.
package ocilayout

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// WriteTar writes img, named ref (a full reference such as
// ghcr.io/vigil-sec/vigil:0.1.0), to the tar file dst. The index entry
// carries the name twice: io.containerd.image.name, which ctr and
// Docker's loader take as the image's name, and the OCI ref.name (the
// tag), which layout-reading tools such as skopeo and crane use.
func WriteTar(dst string, img v1.Image, ref string) error {
	tag, err := name.NewTag(ref, name.WeakValidation)
	if err != nil {
		return fmt.Errorf("image name %q: %w", ref, err)
	}
	dir, err := os.MkdirTemp("", "ocilayout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{
		"io.containerd.image.name":          tag.Name(),
		"org.opencontainers.image.ref.name": tag.TagStr(),
	})); err != nil {
		return err
	}
	if err := writeDockerManifest(dir, img, tag.Name()); err != nil {
		return err
	}
	return tarTree(dir, dst)
}

// writeDockerManifest writes manifest.json, the docker-archive index: the
// config and layer blobs by path, and the image's name.
func writeDockerManifest(dir string, img v1.Image, ref string) error {
	cfg, err := img.ConfigName()
	if err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	blob := func(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }
	entry := struct {
		Config   string
		RepoTags []string
		Layers   []string
	}{Config: blob(cfg), RepoTags: []string{ref}}
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		entry.Layers = append(entry.Layers, blob(d))
	}
	data, err := json.Marshal([]any{entry})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), data, 0o644)
}

// tarTree tars the directory src into dst with root ownership and a fixed
// time, so that the same image gives the same archive.
func tarTree(src, dst string) error {
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil || path == src {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		// layout.Write's modes (0755 files, 0600 blobs) are its own
		// business; the archive gives everyone read access
		h.Name, h.Mode = filepath.ToSlash(rel), 0o644
		if info.IsDir() {
			h.Name += "/"
			h.Mode = 0o755
		}
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		h.ModTime = time.Unix(0, 0)
		h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}
		h.Format = tar.FormatPAX
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		_, err = io.Copy(tw, in)
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Close()
}
