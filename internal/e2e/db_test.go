package e2e

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dbsEnv selects databases by name, comma-separated; empty runs them all.
const dbsEnv = "SCAFFOLD_E2E_DBS"

// database is one database system the suite runs every schema against.
type database struct {
	name string // the value of scaffold new --db
	// env names the variable holding the server's URL, as an administrator
	// who may create and drop databases; empty for SQLite, which needs no
	// server.
	env string
	// fallback is the URL used when env is unset: the local server of a
	// development machine or CI container.
	fallback string
	// admin runs one SQL statement against the server at the given URL.
	admin func(serverURL, sql string) error
}

// databases are the three targets of generated projects.
var databases = []database{
	{name: "sqlite"},
	{
		name:     "postgres",
		env:      "SCAFFOLD_TEST_POSTGRES_URL",
		fallback: "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		admin:    postgresAdmin,
	},
	{
		name:     "mysql",
		env:      "SCAFFOLD_TEST_MYSQL_URL",
		fallback: "mysql://root@127.0.0.1:3306/",
		admin:    mysqlAdmin,
	},
}

// selectDatabases keeps the databases named in SCAFFOLD_E2E_DBS, failing on
// an unknown name.
func selectDatabases(t *testing.T) []database {
	t.Helper()
	want := os.Getenv(dbsEnv)
	if want == "" {
		return databases
	}
	var out []database
	for _, name := range strings.Split(want, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(databases, func(d database) bool { return d.name == name })
		if i < 0 {
			t.Fatalf("%s: unknown database %q (known: sqlite, postgres, mysql)", dbsEnv, name)
		}
		out = append(out, databases[i])
	}
	return out
}

// serverURL returns the administrator URL of the database server, after
// checking that the server answers. An unreachable server skips the test
// locally, naming the variable to set, and fails it under CI=true: there a
// missing server is a broken pipeline, not a reason to pass.
func (d database) serverURL(t *testing.T) string {
	t.Helper()
	if d.env == "" {
		return ""
	}
	u := os.Getenv(d.env)
	if u == "" {
		u = d.fallback
	}
	if err := d.admin(u, "SELECT 1"); err != nil {
		msg := fmt.Sprintf("%s server unreachable at %s (set %s to its URL): %v", d.name, redact(u), d.env, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// caseURL creates a fresh database for one case on the server at serverURL
// (for SQLite, a file under dir) and returns its DATABASE_URL. The database
// is dropped when the test ends.
func (d database) caseURL(t *testing.T, serverURL, caseName, dir string) string {
	t.Helper()
	if d.env == "" {
		return "sqlite:" + filepath.Join(dir, "app.db")
	}
	// The process id keeps two runs on one server apart.
	name := fmt.Sprintf("scaffold_e2e_%s_%d", nonWord.ReplaceAllString(caseName, "_"), os.Getpid())
	drop := "DROP DATABASE IF EXISTS " + name
	if d.name == "postgres" {
		// A server that did not stop cleanly may still hold connections.
		drop += " WITH (FORCE)"
	}
	if err := d.admin(serverURL, drop); err != nil {
		t.Fatalf("dropping a leftover database %s: %v", name, err)
	}
	if err := d.admin(serverURL, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := d.admin(serverURL, drop); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatalf("%s: %v", d.env, err)
	}
	u.Path = "/" + name
	return u.String()
}

// nonWord matches what may not appear in a database name.
var nonWord = regexp.MustCompile(`[^a-z0-9_]+`)

// postgresAdmin runs sql with psql, which takes the URL as it is.
func postgresAdmin(serverURL, sql string) error {
	return admin(exec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", serverURL, "-c", sql))
}

// mysqlAdmin runs sql with the MariaDB or MySQL client, which takes the
// parts of the URL as flags; the password goes through the environment so
// that it does not show in the process list.
func mysqlAdmin(serverURL, sql string) error {
	u, err := url.Parse(serverURL)
	if err != nil || u.Scheme != "mysql" {
		return fmt.Errorf("want a URL such as mysql://root@127.0.0.1:3306/, got %q", redact(serverURL))
	}
	client := "mariadb"
	if _, err := exec.LookPath(client); err != nil {
		client = "mysql"
	}
	port := u.Port()
	if port == "" {
		port = "3306"
	}
	cmd := exec.Command(client, "--protocol=TCP", "-h", u.Hostname(), "-P", port, "-u", u.User.Username(), "-e", sql)
	if pw, ok := u.User.Password(); ok {
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+pw)
	}
	return admin(cmd)
}

// admin runs an administration command, returning its output on failure.
func admin(cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", cmd.Args[0], err, strings.TrimSpace(string(out)))
	}
	return nil
}

// redact hides the password of a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(malformed URL)"
	}
	return u.Redacted()
}
