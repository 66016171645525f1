package main

import (
	"bytes"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestIntervalRank(t *testing.T) {
	// Ranks of the 95% interval of a median from the standard tables
	// (e.g. Conover, Practical Nonparametric Statistics, table A3).
	for n, want := range map[int]int{5: 0, 6: 1, 9: 2, 15: 4, 31: 10, 100: 40} {
		if got := intervalRank(n); got != want {
			t.Errorf("intervalRank(%d) = %d, want %d", n, got, want)
		}
	}
	// The normal approximation, n/2 - 1.96*sqrt(n)/2, for n too large for
	// 2^-n.
	if got := intervalRank(5000); got < 2428 || got > 2432 {
		t.Errorf("intervalRank(5000) = %d, want about 2430", got)
	}
}

func TestMeterAttributesCPUToEachLoad(t *testing.T) {
	block := bytes.Repeat([]byte("x"), 64<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Work") != "" {
			for range 20 {
				sha256.Sum256(block)
			}
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()

	var loads loadFlags
	self := strconv.Itoa(os.Getpid())
	for _, spec := range []string{"cheap@" + self + " " + srv.URL, "costly@" + self + " " + srv.URL + " X-Work: yes"} {
		if err := loads.Set(spec); err != nil {
			t.Fatal(err)
		}
	}
	m := &meter{
		cpu:    processCPUTime,
		client: newClient(4),
		conns:  4,
		burst:  20,
	}
	rounds, err := m.run(loads, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(rounds) < 3 {
		t.Fatalf("%d rounds in 200ms, want several", len(rounds))
	}
	var cheap, costly time.Duration
	for _, r := range rounds {
		cheap += r.cpu[0]
		costly += r.cpu[1]
	}
	// 20 hashes of 64 KiB take about a millisecond; the cheap request a
	// few microseconds.
	if costly < 5*cheap {
		t.Errorf("CPU of the costly load %v, of the cheap one %v: want the costly one far above", costly, cheap)
	}
	var out strings.Builder
	report(&out, loads, rounds, m.burst)
	if !strings.Contains(out.String(), "costly/cheap") {
		t.Errorf("report lacks the ratio line:\n%s", out.String())
	}
}

func TestMeterFailsOnAnErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	var loads loadFlags
	if err := loads.Set("missing " + srv.URL + "/x"); err != nil {
		t.Fatal(err)
	}
	m := &meter{
		cpu:    func(int) (time.Duration, error) { return 0, nil },
		client: newClient(2),
		conns:  2,
		burst:  5,
	}
	_, err := m.run(loads, time.Second)
	if err == nil || !strings.Contains(err.Error(), "missing: GET") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("run = %v, want an error naming the load and the status", err)
	}
}

func TestLoadFlagsRejectsMalformed(t *testing.T) {
	var loads loadFlags
	for _, bad := range []string{"", "onlyname", "name http://x/ NoColon", "name@ http://x/", "name@-3 http://x/", "name@x http://x/"} {
		if err := loads.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted it", bad)
		}
	}
}
