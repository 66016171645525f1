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
	skipUnlessServersRun(t, "end-to-end")
	cases := selectCases(t, findCases(t))
	dbs := selectDatabases(t)
	scaffold := buildScaffold(t)
	// Cases run one after the other: each already keeps every core busy
	// compiling the generated project.
	for _, db := range dbs {
		t.Run(db.name, func(t *testing.T) {
			serverURL := db.serverURL(t)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { runCase(t, scaffold, db, serverURL, c) })
			}
		})
	}
}

// skipUnlessServersRun skips a test that generates, builds and runs whole
// projects: with -short, and on Windows, which cannot stop servers with
// SIGTERM.
func skipUnlessServersRun(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("%s: generates, builds and runs whole projects; skipped with -short", what)
	}
	if runtime.GOOS == "windows" {
		t.Skipf("%s: stops servers with SIGTERM, which Windows does not have", what)
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

// runCase generates the project for db, checks it with the Go toolchain,
// migrates a fresh database up, serves it and drives its API, then migrates
// it down to nothing and up again.
func runCase(t *testing.T, scaffold string, db database, serverURL string, c schemaCase) {
	p, err := schema.Load(c.file)
	if err != nil {
		t.Fatalf("loading %s:\n%v", c.file, err)
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, c.name)
	dbURL := db.caseURL(t, serverURL, c.name, tmp)
	mustRun(t, tmp, scaffold, "new", dir, "--schema", c.file, "--db", db.name)
	mustRun(t, dir, "go", "build", "./...")
	// A vet or test failure does not stop the case: the API is still
	// driven, so one run shows every problem. On SQLite the generated tests
	// use their own default; elsewhere they get the case's database.
	run(t, dir, "go", "vet", "./...")
	var testEnv []string
	if db.env != "" {
		testEnv = []string{"TEST_DATABASE_URL=" + dbURL}
	}
	output(t, dir, testEnv, "go", "test", "./...")

	server := filepath.Join(tmp, "server")
	mustRun(t, dir, "go", "build", "-o", server, "./cmd/server")
	env := []string{
		"APP_ENV=development",
		"DATABASE_URL=" + dbURL,
		// The suite applies the migrations itself, so that "migrate up"
		// is what is tested rather than the start-up path.
		"AUTO_MIGRATE=false",
	}
	env = append(env, authEnv(p)...)
	m := &migrator{bin: server, dir: dir, env: env}
	total := m.up(t)
	if p.Auth.Enabled {
		createUser(t, server, dir, env, adminEmail, "admin", adminPassword)
	}

	srv := startServer(t, server, dir, env)
	cl := newClient(srv.url)
	if p.Auth.Enabled {
		cl.token, _ = signIn(t, cl, p.API.BasePath, adminEmail, adminPassword)
	}
	driveAPI(t, cl, p)
	t.Run("concurrency", func(t *testing.T) { checkConcurrency(t, cl, p) })
	srv.stop(t)

	m.downToZero(t, total)
	if again := m.up(t); again != total {
		t.Errorf("migrate up after migrating down: %d migrations applied, want %d", again, total)
	}
}

// migrator runs the migrate commands of a generated server.
type migrator struct {
	bin, dir string
	env      []string
}

// up applies every migration and returns how many are applied, failing the
// test if any is left pending.
func (m *migrator) up(t *testing.T) int {
	t.Helper()
	applied, pending := migrationStates(m.run(t, "up"))
	if applied == 0 || pending != 0 {
		t.Fatalf("after migrate up: %d migrations applied, %d pending; want all applied", applied, pending)
	}
	return applied
}

// downToZero rolls back one migration at a time until none is applied,
// which runs every down migration on its own.
func (m *migrator) downToZero(t *testing.T, applied int) {
	t.Helper()
	for want := applied - 1; want >= 0; want-- {
		got, _ := migrationStates(m.run(t, "down"))
		if got != want {
			t.Fatalf("after migrate down: %d migrations applied, want %d", got, want)
		}
	}
	if got, _ := migrationStates(m.run(t, "status")); got != 0 {
		t.Fatalf("migrate status after migrating down to zero: %d migrations still applied", got)
	}
}

// run runs "server migrate CMD" and returns the status table it prints.
func (m *migrator) run(t *testing.T, cmd string) string {
	t.Helper()
	out, ok := output(t, m.dir, m.env, m.bin, "migrate", cmd)
	if !ok {
		t.FailNow()
	}
	return out
}

// migrationStates counts the applied and pending rows of a status table:
// a header line, then one line per migration whose second column is its
// state.
func migrationStates(status string) (applied, pending int) {
	for _, line := range strings.Split(status, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[1] {
		case "applied":
			applied++
		case "pending":
			pending++
		}
	}
	return applied, pending
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
	_, ok := output(t, dir, nil, name, args...)
	return ok
}

// output is run with env added to the suite's environment, returning the
// command's standard output too.
func output(t *testing.T, dir string, env []string, name string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	cmd.Env = commandEnv(env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Errorf("%s (in %s): %v\n%s%s", strings.Join(cmd.Args, " "), dir, err, stdout.Bytes(), stderr.Bytes())
		return stdout.String(), false
	}
	t.Logf("%s: ok in %v", strings.Join(cmd.Args, " "), time.Since(start).Round(100*time.Millisecond))
	return stdout.String(), true
}

// commandEnv is the suite's environment without the database settings a
// developer may have exported, plus env: every command sees only the
// database the case chose.
func commandEnv(env []string) []string {
	out := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "TEST_DATABASE_URL=")
	})
	return append(out, env...)
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
	s.cmd.Env = commandEnv(slices.Concat(env, []string{"PORT=" + port}))
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
			t.Logf("server log (the last %d lines):\n%s", logTail, tail(s.out.String(), logTail))
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

// logTail is how many lines of a failed server's log are shown: the
// concurrency check alone logs thousands of requests.
const logTail = 200

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "")
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
