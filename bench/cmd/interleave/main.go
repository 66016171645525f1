// Command interleave measures the CPU time an HTTP server spends on each of
// several kinds of GET request. It sends the kinds in alternating bursts over
// the same kept-alive connections and reads the server's CPU clock between
// bursts:
//
//	interleave -pid 1234 -duration 60s \
//		-load 'public http://127.0.0.1:8080/api/v1/public-notes/1' \
//		-load 'auth http://127.0.0.1:8080/api/v1/private-notes/1 Authorization: Bearer eyJ…'
//
// A load may name a server of its own, NAME@PID, so that two builds of a
// server, each on its own port, can be compared in one run.
//
// Loads that run seconds apart, as with one hey run per kind, meet a
// different machine: on a shared host another tenant's work moves the CPU
// time of a request by 10% or more within a minute, and the ratio of two
// such loads moves with it. A burst here lasts tens of milliseconds, and a
// round sends one burst of each kind in a random order, so that whatever
// slows the machine falls on every kind alike. The first kind is the
// reference; the others are reported as ratios to it, both over all rounds
// and as the median of the rounds' ratios with a 95% interval.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	var loads loadFlags
	pid := flag.Int("pid", 0, "process id of the server, for the loads that name none")
	conns := flag.Int("conns", 32, "concurrent connections")
	burst := flag.Int("burst", 1000, "requests per burst")
	duration := flag.Duration("duration", time.Minute, "how long to measure, after one warm-up round")
	raw := flag.String("raw", "", "also write each round's CPU time per load, in ns, to this file (tab-separated)")
	flag.Var(&loads, "load", "a kind of request: 'NAME[@PID] URL [Header: value]' (repeat; the first is the reference)")
	flag.Parse()
	for i := range loads {
		if loads[i].pid == 0 {
			loads[i].pid = *pid
		}
	}
	if len(loads) < 2 || slices.ContainsFunc(loads, func(l load) bool { return l.pid <= 0 }) || *conns < 1 || *burst < 1 {
		fmt.Fprintln(os.Stderr, "usage: interleave [-pid PID] -load 'NAME[@PID] URL [Header: value]' -load ... (two loads at least, each with a server)")
		flag.PrintDefaults()
		os.Exit(2)
	}
	m := &meter{
		cpu:    processCPUTime,
		client: newClient(*conns),
		conns:  *conns,
		burst:  *burst,
	}
	rounds, err := m.run(loads, *duration)
	if err == nil && *raw != "" {
		err = writeRaw(*raw, loads, rounds)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "interleave:", err)
		os.Exit(1)
	}
	report(os.Stdout, loads, rounds, *burst)
}

// load is one kind of request, and the server process that answers it.
type load struct {
	name string
	pid  int
	req  *http.Request
}

// loadFlags collects the -load flags.
type loadFlags []load

func (l *loadFlags) String() string { return fmt.Sprint(len(*l), " loads") }

// Set parses "NAME[@PID] URL [Header: value]".
func (l *loadFlags) Set(s string) error {
	name, rest, _ := strings.Cut(strings.TrimSpace(s), " ")
	url, header, _ := strings.Cut(strings.TrimSpace(rest), " ")
	name, pidText, hasPID := strings.Cut(name, "@")
	if name == "" || url == "" {
		return errors.New("want 'NAME[@PID] URL [Header: value]'")
	}
	pid := 0
	if hasPID {
		var err error
		if pid, err = strconv.Atoi(pidText); err != nil || pid <= 0 {
			return fmt.Errorf("%q is not a process id", pidText)
		}
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if header = strings.TrimSpace(header); header != "" {
		key, value, ok := strings.Cut(header, ":")
		if !ok {
			return fmt.Errorf("header %q: want 'Name: value'", header)
		}
		req.Header.Set(strings.TrimSpace(key), strings.TrimSpace(value))
	}
	*l = append(*l, load{name: name, pid: pid, req: req})
	return nil
}

// newClient returns a transport that keeps conns connections open, so that
// the bursts reuse them instead of paying for new ones.
func newClient(conns int) *http.Transport {
	return &http.Transport{
		MaxConnsPerHost:     conns,
		MaxIdleConnsPerHost: conns,
		DisableCompression:  true,
	}
}

// meter sends the bursts and reads the servers' CPU clocks around them.
type meter struct {
	cpu    func(pid int) (time.Duration, error)
	client http.RoundTripper
	conns  int
	burst  int
}

// round holds the CPU time and the wall time of one burst of each load, in
// the order of the loads.
type round struct {
	cpu, wall []time.Duration
}

// run measures rounds until duration has passed, after a warm-up round that
// opens the connections and fills the server's caches.
func (m *meter) run(loads []load, duration time.Duration) ([]round, error) {
	jobs := make(chan *http.Request, m.burst)
	results := make(chan error, m.burst)
	var wg sync.WaitGroup
	for range m.conns {
		wg.Go(func() {
			for req := range jobs {
				results <- m.send(req)
			}
		})
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()

	var rounds []round
	var end time.Time
	for i := 0; ; i++ {
		r := round{cpu: make([]time.Duration, len(loads)), wall: make([]time.Duration, len(loads))}
		// A new order each round: a burst pays for what the one before it
		// left behind (a garbage collection under way, a server woken from
		// idle, caches filled by another server), and a fixed order would
		// charge that to the same load every time.
		for _, k := range rand.Perm(len(loads)) {
			var err error
			if r.cpu[k], r.wall[k], err = m.burstOf(loads[k], jobs, results); err != nil {
				return nil, err
			}
		}
		if i == 0 { // the warm-up round
			end = time.Now().Add(duration)
			continue
		}
		rounds = append(rounds, r)
		if time.Now().After(end) {
			return rounds, nil
		}
	}
}

// burstOf sends m.burst requests of l through the workers and returns the
// CPU time its server spent meanwhile, and the wall time.
func (m *meter) burstOf(l load, jobs chan<- *http.Request, results <-chan error) (cpu, wall time.Duration, err error) {
	start := time.Now()
	before, err := m.cpu(l.pid)
	if err != nil {
		return 0, 0, err
	}
	for range m.burst {
		jobs <- l.req
	}
	var failed error
	for range m.burst {
		if err := <-results; err != nil && failed == nil {
			failed = fmt.Errorf("%s: %w", l.name, err)
		}
	}
	if failed != nil {
		return 0, 0, failed
	}
	after, err := m.cpu(l.pid)
	if err != nil {
		return 0, 0, err
	}
	return after - before, time.Since(start), nil
}

// send makes one request and reads the whole answer, so that the connection
// can carry the next one.
func (m *meter) send(req *http.Request) error {
	resp, err := m.client.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %s, want 200 OK", req.URL, resp.Status)
	}
	return nil
}

// writeRaw writes a header line of the loads' names, then a line per round
// of each load's CPU time in nanoseconds.
func writeRaw(path string, loads []load, rounds []round) error {
	var b strings.Builder
	for i, l := range loads {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(l.name)
	}
	b.WriteByte('\n')
	for _, r := range rounds {
		for i, d := range r.cpu {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(strconv.FormatInt(d.Nanoseconds(), 10))
		}
		b.WriteByte('\n')
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
