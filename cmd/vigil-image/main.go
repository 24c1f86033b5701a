// Command vigil-image writes the Vigil collector's container image, an OCI
// image layout in one tar file, without Docker: bin/vigil, a default
// configuration and the CA certificates of Debian's ca-certificates, on an
// empty base. `make image` runs it; `docker load -i` and
// `ctr image import` read the result, and any registry client that reads
// OCI layouts (crane, skopeo, oras) pushes it.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/vigil-sec/vigil/internal/ocilayout"
)

func main() {
	binary := flag.String("binary", "bin/vigil", "the collector binary (static, built by make build)")
	config := flag.String("config", "examples/local.yaml", "the default configuration, installed as "+ConfigPath)
	caCerts := flag.String("ca-certs", "/etc/ssl/certs/ca-certificates.crt", "the CA bundle (Debian's ca-certificates), installed as "+CACertsPath)
	ref := flag.String("name", "ghcr.io/vigil-sec/vigil:0.1.0", "the image's name and tag")
	arch := flag.String("arch", runtime.GOARCH, "the binary's architecture")
	out := flag.String("o", "bin/vigil-image.tar", "the archive to write")
	flag.Parse()
	if err := run(*binary, *config, *caCerts, *ref, *arch, *out); err != nil {
		fmt.Fprintln(os.Stderr, "vigil-image:", err)
		os.Exit(1)
	}
}

func run(binary, config, caCerts, ref, arch, out string) error {
	c := Contents{Arch: arch, Created: created()}
	for _, f := range []struct {
		path, what string
		data       *[]byte
	}{{binary, "the collector binary (make build)", &c.Binary}, {config, "the default configuration", &c.Config}, {caCerts, "the CA bundle (apt-get install ca-certificates)", &c.CACerts}} {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return fmt.Errorf("%s: %w", f.what, err)
		}
		*f.data = data
	}
	img, err := Build(c)
	if err != nil {
		return err
	}
	if err := ocilayout.WriteTar(out, img, ref); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	st, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s %s (%d bytes)\n", out, ref, digest, st.Size())
	return nil
}

// created is SOURCE_DATE_EPOCH when set, else the Unix epoch: the image's
// digest then depends only on its contents.
func created() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Unix(0, 0).UTC()
}
