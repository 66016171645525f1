package generator_test

import (
	"fmt"
	"testing"

	"github.com/scaffold-dev/scaffold/bench/synth"
	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// BenchmarkGenerate measures one in-memory generation (view model, render,
// format) of synthetic schemas of growing size. Loading the schema is outside
// the timer. bench/generate.sh runs it with -benchmem and adds peak RSS.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			name := fmt.Sprintf("synth%d.yaml", n)
			p, err := schema.Parse(name, synth.Schema(n))
			if err != nil {
				b.Fatalf("synthetic schema is invalid:\n%v", err)
			}
			b.ReportAllocs()
			var files int
			for b.Loop() {
				set, err := generator.Generate(p)
				if err != nil {
					b.Fatal(err)
				}
				files = len(set.Files)
			}
			b.ReportMetric(float64(files), "files")
		})
	}
}
