//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/schema"
)

// enter is the Enter key: it takes the default or the highlighted option.
const enter = ""

// step is one question of a terminal session and the keys that answer it.
type step struct {
	expect string // text of the question
	send   string // keys typed before Enter; a select filters on them
}

// runInTerminal runs scaffold with args on a pseudo-terminal emulated by
// vt10x, as survey's own tests do, answering each question in turn. It
// returns the exit status and what went to standard output. Each question
// must appear within a few seconds, so a session that goes off script fails
// instead of hanging.
//
// interruptAt, when not empty, is a question at which to press Ctrl-C after
// the steps.
func runInTerminal(t *testing.T, args []string, steps []step, interruptAt string) (int, string) {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatalf("open pseudo-terminal: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(pts))
	var transcript bytes.Buffer
	c, err := expect.NewConsole(expect.WithStdin(ptm), expect.WithStdout(term, &transcript),
		expect.WithCloser(ptm, pts), expect.WithDefaultTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("create console: %v", err)
	}
	defer c.Close()

	// interrupt presses Ctrl-C once the command reads keys in raw mode, so
	// that a session gone off script ends instead of waiting forever.
	interrupt := func() {
		if waitForRawMode(c.Tty()) == nil {
			_, _ = c.Send("\x03")
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, s := range steps {
			if _, err := c.ExpectString(s.expect); err != nil {
				t.Errorf("waiting for %q: %v\nscreen:\n%s", s.expect, err, term.String())
				interrupt()
				return
			}
			if _, err := c.Send(s.send + "\r"); err != nil {
				t.Errorf("answering %q: %v", s.expect, err)
				return
			}
		}
		if interruptAt != "" {
			if _, err := c.ExpectString(interruptAt); err != nil {
				t.Errorf("waiting for %q: %v\nscreen:\n%s", interruptAt, err, term.String())
				interrupt()
				return
			}
			// Ctrl-C reaches survey as a key only in raw mode; in the
			// terminal's cooked mode the line discipline swallows it. A
			// select is drawn before it switches, so the question on the
			// screen is not enough.
			if err := waitForRawMode(c.Tty()); err != nil {
				t.Errorf("at %q: %v", interruptAt, err)
			}
			if _, err := c.Send("\x03"); err != nil {
				t.Errorf("sending Ctrl-C: %v", err)
			}
		}
		// Generating can be silent for a while on a busy machine, hence a
		// longer wait than for a question.
		if _, err := c.Expect(expect.EOF, expect.PTSClosed, expect.WithTimeout(2*time.Minute)); err != nil && !errors.Is(err, os.ErrClosed) {
			// The command still waits for a key the script did not
			// send. Closing the terminal would not end its read, which
			// blocks in the kernel; Ctrl-C at the prompt does, and the
			// test fails here instead of at the suite's timeout.
			t.Errorf("the session did not end after the last answer: %v\nscreen:\n%s", err, term.String())
			interrupt()
		}
	}()

	var out bytes.Buffer
	ios := &iostreams.IOStreams{In: c.Tty(), Out: &out, ErrOut: c.Tty()}
	ios.SetStdinTTY(true)
	code := Run(context.Background(), &Factory{IOStreams: ios, BuildInfo: testBuildInfo}, args)
	if err := c.Tty().Close(); err != nil {
		t.Errorf("close terminal: %v", err)
	}
	<-done
	if t.Failed() {
		t.Logf("terminal transcript:\n%s", transcript.String())
	}
	return code, out.String()
}

// waitForRawMode waits until the program on the terminal tty has turned
// off ISIG, as survey's raw mode does, so that Ctrl-C arrives as a key.
func waitForRawMode(tty *os.File) error {
	raw, err := tty.SyscallConn()
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var state *unix.Termios
		var getErr error
		if err := raw.Control(func(fd uintptr) { state, getErr = unix.IoctlGetTermios(int(fd), ioctlGetTermios) }); err != nil {
			return err
		}
		if getErr != nil {
			return getErr
		}
		if state.Lflag&unix.ISIG == 0 {
			return nil
		}
	}
	return errors.New("the terminal is still in cooked mode after 10s")
}

// initSession answers every question of scaffold init: a project with
// two entities, constraints of several types and a relation.
var initSession = []step{
	{"Project name", "shop"},
	{"Go module path", "example.com/shop"},
	{"Database", enter},
	{"Add user accounts with login", "n"},
	{"Entity name", "Category"},
	{"Field of Category", "name"},
	{"Type of name", "string"},
	{"Is name required?", "y"},
	{"Must name be unique?", "y"},
	{"Maximum length", "80"},
	{"Minimum length", enter},
	{"Pattern", enter},
	{"Format", enter},
	{"Default value", enter},
	{"Field of Category", enter},
	{"Add a relation from Category", "n"},
	{"Add another entity?", "y"},
	{"Entity name", "Product"},
	{"Field of Product", "price"},
	{"Type of price", "decimal"},
	{"Is price required?", "y"},
	{"Must price be unique?", "n"},
	{"Precision", enter},
	{"Scale", enter},
	{"Minimum", "0"},
	{"Maximum", enter},
	{"Default value", enter},
	{"Field of Product", "status"},
	{"Type of status", "enum"},
	{"Values, separated by commas", "draft, active"},
	{"Is status required?", "n"},
	{"Must status be unique?", "n"},
	{"Default value, one of draft|active", "draft"},
	{"Field of Product", enter},
	{"Add a relation from Product", "y"},
	{"Related entity", "Category"},
	{"Each Product ... Category", enter},
	{"Relation name", enter},
	{"Is category required?", "y"},
	{"When a Category is deleted", "cascade"},
	{"Add a relation from Product", "n"},
	{"Add another entity?", "n"},
	{"scaffold.yaml?", "y"},
}

// TestInitInTerminal goes from nothing to a schema by answering survey's
// real prompts in a pseudo-terminal, then proves the schema loads and
// generates.
func TestInitInTerminal(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "scaffold.yaml")
	code, out := runInTerminal(t, []string{"init", file}, initSession, "")
	if code != ExitOK {
		t.Fatalf("scaffold init exited with %d; output:\n%s", code, out)
	}
	if want := "scaffold new shop --schema " + file; !strings.Contains(out, want) {
		t.Errorf("output does not give the command to run next (%q):\n%s", want, out)
	}
	project, err := schema.Load(file)
	if err != nil {
		t.Fatalf("schema.Load rejects the schema written: %v", err)
	}
	src, _ := os.ReadFile(file)
	for _, want := range []string{
		"database: sqlite",
		"name: {type: string, required: true, unique: true, max_length: 80}",
		"price: {type: decimal, required: true, min: 0}",
		"status: {type: enum, default: draft, values: [draft, active]}",
		"category: {belongs_to: Category, required: true, on_delete: cascade}",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("scaffold.yaml lacks %q:\n%s", want, src)
		}
	}
	set, err := generator.Generate(project)
	if err != nil {
		t.Fatalf("generator.Generate: %v", err)
	}
	for _, p := range []string{"internal/model/product.go", "internal/store/category.go", "internal/api/product.go"} {
		if set.Get(p) == nil {
			t.Errorf("generated project lacks %s", p)
		}
	}
}

// TestInitInTerminalCancel presses Ctrl-C in the middle of a session: the
// exit status is 130 and nothing is written.
func TestInitInTerminalCancel(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "scaffold.yaml")
	code, out := runInTerminal(t, []string{"init", file}, initSession[:12], initSession[12].expect)
	if code != ExitCancelled {
		t.Errorf("exit status after Ctrl-C = %d, want %d", code, ExitCancelled)
	}
	if out != "" {
		t.Errorf("output after Ctrl-C: %q", out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Ctrl-C left files behind: %v", entries)
	}
}

// TestNewInTerminal runs scaffold new without --schema at a terminal: the
// same questions, then the project is generated from the answers and the
// equivalent command is printed.
func TestNewInTerminal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop")
	code, out := runInTerminal(t, []string{"new", dir, "--skip-tidy"}, initSession, "")
	if code != ExitOK {
		t.Fatalf("scaffold new exited with %d; output:\n%s", code, out)
	}
	schemaFile := filepath.Join(dir, SchemaFileName)
	if want := "scaffold new " + dir + " --schema " + schemaFile + " --force"; !strings.Contains(out, want) {
		t.Errorf("output lacks the equivalent command %q:\n%s", want, out)
	}
	if _, err := schema.Load(schemaFile); err != nil {
		t.Fatalf("the schema copied into the project does not load: %v", err)
	}
	for _, p := range []string{"go.mod", "internal/model/product.go", "internal/api/category.go", ".scaffold/manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("project lacks %s: %v", p, err)
		}
	}
}
