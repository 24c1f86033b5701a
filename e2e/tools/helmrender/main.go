// Command helmrender renders a Helm chart from a directory with a values
// file, the way `helm template` does, with the chart's JSON schema check,
// and prints the manifests. It lives in the e2e/tools module, which keeps
// helm's many dependencies out of the collector's module graph; the e2e
// tests build it once into the e2e cache (see e2e/helmchart).
package main

import (
	"flag"
	"fmt"
	"os"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
)

func main() {
	chartDir := flag.String("chart", "", "chart directory")
	valuesFile := flag.String("values", "", "values file")
	name := flag.String("name", "vigil", "release name")
	namespace := flag.String("namespace", "vigil", "release namespace")
	kubeVersion := flag.String("kube-version", "v1.36.0", "Kubernetes version the chart renders for (Capabilities.KubeVersion)")
	flag.Parse()
	if err := render(*chartDir, *valuesFile, *name, *namespace, *kubeVersion); err != nil {
		fmt.Fprintln(os.Stderr, "helmrender:", err)
		os.Exit(1)
	}
}

func render(chartDir, valuesFile, name, namespace, kubeVersion string) error {
	if chartDir == "" || valuesFile == "" {
		return fmt.Errorf("-chart and -values are required")
	}
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return fmt.Errorf("loading chart %s: %w", chartDir, err)
	}
	vals, err := (&values.Options{ValueFiles: []string{valuesFile}}).MergeValues(getter.Providers{})
	if err != nil {
		return fmt.Errorf("reading %s: %w", valuesFile, err)
	}
	kv, err := chartutil.ParseKubeVersion(kubeVersion)
	if err != nil {
		return err
	}
	// client-only dry run: no cluster is contacted; Install still merges
	// the chart's defaults and checks values.schema.json
	inst := action.NewInstall(&action.Configuration{})
	inst.DryRun = true
	inst.ClientOnly = true
	inst.Replace = true
	inst.IncludeCRDs = true
	inst.ReleaseName = name
	inst.Namespace = namespace
	inst.KubeVersion = kv
	rel, err := inst.Run(chrt, vals)
	if err != nil {
		return fmt.Errorf("rendering %s with %s: %w", chartDir, valuesFile, err)
	}
	_, err = fmt.Print(rel.Manifest)
	return err
}
