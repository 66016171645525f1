package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/scaffold-dev/scaffold/bench/synth"
	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/apply"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/schema"
)

// BenchmarkGenerateCheck measures scaffold generate --check on an up-to-date
// 100-entity project, the CI gate; the target is under a second.
//
// "release" is a release build whose manifest it wrote itself: it validates
// the schema and compares every recorded file's hash with the disk. "render"
// is a development build, or another release: it also renders the whole
// project and compares every file.
func BenchmarkGenerateCheck(b *testing.B) {
	src := synth.Schema(100)
	project, err := schema.Parse(SchemaFileName, src)
	if err != nil {
		b.Fatal(err)
	}
	set, err := generator.Generate(project)
	if err != nil {
		b.Fatal(err)
	}
	files, err := projectFiles(set, src, testBuildInfo.Version)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "synth")
	if _, err := apply.Write(context.Background(), dir, files); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(files)), "files")

	for _, bc := range []struct{ name, version string }{
		{"release", testBuildInfo.Version},
		{"render", "(devel)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ios, _, _, _ := iostreams.Test()
			opts := &GenerateOptions{
				IO:          ios,
				Dir:         dir,
				Check:       true,
				ToolVersion: bc.version,
				Generate:    func(p *schema.Project) (*generator.FileSet, error) { return generator.Generate(p) },
			}
			for b.Loop() {
				if err := runGenerate(context.Background(), opts); err != nil {
					b.Fatalf("the project drifted: %v", err)
				}
			}
		})
	}
}
