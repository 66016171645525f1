package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scaffold-dev/scaffold/schema"
)

// casesEnv selects cases by name, comma-separated; empty runs them all.
const casesEnv = "SCAFFOLD_E2E_CASES"

// repoRoot is the repository root, relative to this package's directory,
// where go test runs it.
const repoRoot = "../.."

// schemaCase is one schema to generate and exercise.
type schemaCase struct {
	name string
	file string // absolute path of the schema
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: generates, builds and runs whole projects; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("end-to-end: stops servers with SIGTERM, which Windows does not have")
	}
	cases := selectCases(t, findCases(t))
	scaffold := buildScaffold(t)
	// Cases run one after the other: each already keeps every core busy
	// compiling the generated project.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCase(t, scaffold, c) })
	}
}

// findCases lists testdata/golden/*/scaffold.yaml and testdata/schemas/*.yaml.
func findCases(t *testing.T) []schemaCase {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	golden, err := filepath.Glob(filepath.Join(root, "testdata", "golden", "*", "scaffold.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	extra, err := filepath.Glob(filepath.Join(root, "testdata", "schemas", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []schemaCase
	for _, f := range golden {
		cases = append(cases, schemaCase{name: filepath.Base(filepath.Dir(f)), file: f})
	}
	for _, f := range extra {
		cases = append(cases, schemaCase{name: strings.TrimSuffix(filepath.Base(f), ".yaml"), file: f})
	}
	if len(cases) == 0 {
		t.Fatalf("no schemas found under %s/testdata", root)
	}
	return cases
}

// selectCases keeps the cases named in SCAFFOLD_E2E_CASES, failing on a name
// that matches nothing so that a typo does not pass as a green run.
func selectCases(t *testing.T, all []schemaCase) []schemaCase {
	t.Helper()
	want := os.Getenv(casesEnv)
	if want == "" {
		return all
	}
	var names []string
	for _, c := range all {
		names = append(names, c.name)
	}
	var out []schemaCase
	for _, name := range strings.Split(want, ",") {
		name = strings.TrimSpace(name)
		i := slices.Index(names, name)
		if i < 0 {
			t.Fatalf("%s: unknown case %q (known: %s)", casesEnv, name, strings.Join(names, ", "))
		}
		out = append(out, all[i])
	}
	return out
}

// buildScaffold compiles the command once for every case.
func buildScaffold(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "scaffold")
	mustRun(t, repoRoot, "go", "build", "-o", bin, "./cmd/scaffold")
	return bin
}

// runCase generates the project, checks it with the Go toolchain, then
// serves it and drives its API.
func runCase(t *testing.T, scaffold string, c schemaCase) {
	p, err := schema.Load(c.file)
	if err != nil {
		t.Fatalf("loading %s:\n%v", c.file, err)
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, c.name)
	mustRun(t, tmp, scaffold, "new", dir, "--schema", c.file)
	mustRun(t, dir, "go", "build", "./...")
	// A vet or test failure does not stop the case: the API is still
	// driven, so one run shows every problem.
	run(t, dir, "go", "vet", "./...")
	run(t, dir, "go", "test", "./...")

	server := filepath.Join(tmp, "server")
	mustRun(t, dir, "go", "build", "-o", server, "./cmd/server")
	srv := startServer(t, server, dir, []string{
		"APP_ENV=development",
		"DATABASE_URL=sqlite:" + filepath.Join(tmp, "app.db"),
	})
	driveAPI(t, newClient(srv.url), p)
	srv.stop(t)
}

// mustRun runs a command whose failure leaves nothing else to test.
func mustRun(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	if !run(t, dir, name, args...) {
		t.FailNow()
	}
}

// run executes a command in dir. On failure it marks the test failed with
// the command's whole output and returns false.
func run(t *testing.T, dir string, name string, args ...string) bool {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s (in %s): %v\n%s", strings.Join(cmd.Args, " "), dir, err, out)
		return false
	}
	t.Logf("%s: ok in %v", strings.Join(cmd.Args, " "), time.Since(start).Round(100*time.Millisecond))
	return true
}

// server is a running generated server.
type server struct {
	cmd    *exec.Cmd
	url    string
	out    *syncBuffer
	exited chan struct{} // closed when the process has exited
	err    error         // the exit status; read it only after exited is closed
}

// startServer runs the binary on a free port and waits until /readyz answers
// 200. The server's log is printed if the test fails.
func startServer(t *testing.T, bin, dir string, env []string) *server {
	t.Helper()
	port := freePort(t)
	s := &server{
		url:    "http://127.0.0.1:" + port,
		out:    &syncBuffer{},
		exited: make(chan struct{}),
	}
	s.cmd = exec.Command(bin)
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), append(env, "PORT="+port)...)
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.out.String())
		}
	})

	probe := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-s.exited:
			t.Fatalf("server exited before it was ready: %v", s.err)
		default:
		}
		resp, err := probe.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 60s (last answer: %v)", describe(resp, err))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and expects a clean exit with status 0.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("sending SIGTERM: %v", err)
	}
	select {
	case <-s.exited:
		if s.err != nil {
			t.Fatalf("server did not exit cleanly on SIGTERM: %v", s.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server still running 30s after SIGTERM")
	}
}

func describe(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// freePort asks the kernel for a port that is free right now.
func freePort(t *testing.T) string {
	t.Helper()
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// syncBuffer collects a process's output from two goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
