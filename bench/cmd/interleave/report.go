package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// report prints, for each load, its requests, their rate during its bursts
// and the server's CPU time per request; then, for each load after the
// first, its cost as a ratio to the first's: over all rounds, and as the
// median, quartiles and 95% interval of the median of the rounds' ratios.
func report(w io.Writer, loads []load, rounds []round, burst int) {
	n := len(rounds)
	requests := n * burst
	fmt.Fprintf(w, "%d rounds of %d requests per load\n", n, burst)
	width := len("load")
	for _, l := range loads {
		width = max(width, len(l.name))
	}
	fmt.Fprintf(w, "%-*s %9s %9s %9s %9s\n", width, "load", "requests", "req/s", "cpu/req", "ratio")
	total := make([]time.Duration, len(loads))
	for k, l := range loads {
		var wall time.Duration
		for _, r := range rounds {
			total[k] += r.cpu[k]
			wall += r.wall[k]
		}
		perRequest := float64(total[k].Microseconds()) / float64(requests)
		fmt.Fprintf(w, "%-*s %9d %9.0f %7.1fus %8.3fx", width, l.name, requests,
			float64(requests)/wall.Seconds(), perRequest, float64(total[k])/float64(total[0]))
		if k > 0 && n > 1 {
			lo, hi := ratioInterval(rounds, k)
			fmt.Fprintf(w, "  95%% interval %.3fx to %.3fx", lo, hi)
		}
		fmt.Fprintln(w)
	}
	k := intervalRank(n)
	fmt.Fprintf(w, "\nCPU ratio of the rounds, median (quartiles)")
	if k > 0 {
		fmt.Fprintf(w, "  95%% interval of the median")
	}
	fmt.Fprintln(w, ":")
	for j := 1; j < len(loads); j++ {
		ratios := make([]float64, n)
		for i, r := range rounds {
			ratios[i] = float64(r.cpu[j]) / float64(r.cpu[0])
		}
		slices.Sort(ratios)
		fmt.Fprintf(w, "  %-*s %.3fx (%.3fx to %.3fx)", 2*width+1, loads[j].name+"/"+loads[0].name,
			quantile(ratios, .5), quantile(ratios, .25), quantile(ratios, .75))
		if k > 0 {
			fmt.Fprintf(w, "  %.3fx to %.3fx", ratios[k-1], ratios[n-k])
		}
		fmt.Fprintln(w)
	}
}

// ratioInterval returns the 95% interval of the ratio of load k's total CPU
// time to the first load's, by the delta method of survey sampling's ratio
// estimator: with R the ratio of the sums, the rounds' residuals
// cpu[k] - R*cpu[0] give its standard error. Unlike the median of the
// rounds' ratios, the ratio of the sums weighs a round that met a garbage
// collection as much as any other, which is what a server pays over time.
func ratioInterval(rounds []round, k int) (lo, hi float64) {
	n := float64(len(rounds))
	var a, b float64
	for _, r := range rounds {
		a += float64(r.cpu[k])
		b += float64(r.cpu[0])
	}
	ratio := a / b
	var squares float64
	for _, r := range rounds {
		d := float64(r.cpu[k]) - ratio*float64(r.cpu[0])
		squares += d * d
	}
	se := math.Sqrt(squares/(n*(n-1))) / (b / n)
	return ratio - 1.96*se, ratio + 1.96*se
}

// quantile interpolates the q-quantile of sorted values, as R's default
// (type 7) does.
func quantile(sorted []float64, q float64) float64 {
	h := float64(len(sorted)-1) * q
	l := int(h)
	if l >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[l] + (h-float64(l))*(sorted[l+1]-sorted[l])
}

// intervalRank returns the largest k for which the k-th smallest and the
// k-th largest of n independent values enclose their median with a
// probability of 95% at least, or 0 when n is too small for any. The
// interval assumes nothing of the values' distribution: each falls below
// the median with probability one half, so the count below it is a fair
// coin's count of heads in n tosses.
func intervalRank(n int) int {
	below, k := 0.0, 0
	for ; k < n/2; k++ {
		p := binomial(n, k) // the chance of exactly k heads
		if below+p > 0.025 {
			break
		}
		below += p
	}
	return k
}

// binomial returns the chance of exactly k heads in n tosses of a fair
// coin, through logarithms so that 2^-n does not vanish for large n.
func binomial(n, k int) float64 {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	return math.Exp(lg(n) - lg(k) - lg(n-k) - float64(n)*math.Ln2)
}
