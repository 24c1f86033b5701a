package containerd

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/vigil-sec/vigil/internal/ocilayout"
)

// ImageRepo and ImageTag name the busybox image the tests build.
const (
	ImageRepo = "vigil.test/e2e/busybox"
	ImageTag  = "1.36"
	ImageName = ImageRepo + ":" + ImageTag
)

// busyboxApplets are the commands the image links to busybox.
var busyboxApplets = []string{"sh", "cat", "sleep", "ls", "mount", "true"}

// BuildImage writes an OCI image layout tarball of a busybox rootfs (from
// Debian's busybox-static) to dir and returns its path. The index carries
// io.containerd.image.name, so `ctr image import` names it ImageName.
func BuildImage(t testing.TB, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "busybox-oci.tar")
	if err := ocilayout.WriteTar(out, BusyboxImage(t), ImageName); err != nil {
		t.Fatal(err)
	}
	return out
}

// BusyboxImage is the image: one layer (rootfsTar), amd64/linux, /bin/sh.
func BusyboxImage(t testing.TB) v1.Image {
	t.Helper()
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatalf("busybox-static is needed for the container image (apt-get install busybox-static): %v", err)
	}
	rootfs := rootfsTar(t, bb)
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(rootfs)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Config = v1.Config{Cmd: []string{"/bin/sh"}, Env: []string{"PATH=/bin"}}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	return img
}

// rootfsTar is the image's single layer: busybox, its applet links, and an
// /etc with root's passwd and shadow entries.
func rootfsTar(t testing.TB, busybox []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(h *tar.Header, data []byte) {
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		h.Size = int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"bin/", "etc/", "tmp/", "proc/", "sys/", "dev/", "root/", "run/"} {
		add(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755}, nil)
	}
	add(&tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755}, busybox)
	for _, a := range busyboxApplets {
		add(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", Mode: 0o777}, nil)
	}
	add(&tar.Header{Typeflag: tar.TypeReg, Name: "etc/passwd", Mode: 0o644}, []byte("root:x:0:0:root:/root:/bin/sh\n"))
	add(&tar.Header{Typeflag: tar.TypeReg, Name: "etc/group", Mode: 0o644}, []byte("root:x:0:\n"))
	add(&tar.Header{Typeflag: tar.TypeReg, Name: "etc/shadow", Mode: 0o600}, []byte("root:*:19000:0:99999:7:::\n"))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
