package generator_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // the driver generated projects use
	"github.com/pressly/goose/v3"
)

// The PostgreSQL and MySQL proofs need a server, given as an administrator
// URL that may create and drop databases; each database the proof opens is
// a fresh one, dropped at the end. Without a server the proof is skipped
// locally, naming the variable, and fails under CI=true.
const (
	postgresEnv      = "SCAFFOLD_TEST_POSTGRES_URL"
	postgresFallback = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
)

const (
	mysqlEnv      = "SCAFFOLD_TEST_MYSQL_URL"
	mysqlFallback = "mysql://root@127.0.0.1:3306/"
)

func TestMigrationsMySQL(t *testing.T) {
	server := serverURL(t, "mysql", mysqlEnv, mysqlFallback, mysqlDSN)
	for name, lossy := range sequences {
		t.Run(name, func(t *testing.T) {
			steps := loadSequence(t, name, "mysql", lossy)
			proveSequence(t, steps, mysqlDB(server))
		})
	}
}

// mysqlDSN turns a mysql:// URL into a driver DSN with the session
// settings of generated projects: ANSI_QUOTES and the strict modes, UTC.
func mysqlDSN(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net, cfg.Addr = "tcp", u.Host
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.ParseTime, cfg.Loc = true, time.UTC
	cfg.Params = map[string]string{
		"sql_mode":  "'ANSI_QUOTES,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
		"time_zone": "'+00:00'",
	}
	return cfg.FormatDSN()
}

func mysqlDB(server string) testDB {
	return testDB{
		name:    "mysql",
		dialect: goose.DialectMySQL,
		open: func(t *testing.T) *sql.DB {
			db, err := sql.Open("mysql", mysqlDSN(freshDatabase(t, "mysql", server, mysqlDSN, "")))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
		catalog: mysqlCatalog,
		columns: func(t *testing.T, db *sql.DB) map[string][][2]string {
			out := map[string][][2]string{}
			for _, r := range query(t, db, `SELECT TABLE_NAME, COLUMN_NAME, CONCAT_WS(' ', COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA)
				FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'goose%' ORDER BY TABLE_NAME, ORDINAL_POSITION`) {
				out[r[0]] = append(out[r[0]], [2]string{r[1], r[2]})
			}
			return out
		},
	}
}

// mysqlCatalog describes the tables of the database but goose's through
// information_schema: columns (by name), indexes with their columns,
// foreign keys and checks.
func mysqlCatalog(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	add := func(prefix, q string) {
		for _, r := range query(t, db, q) {
			out = append(out, prefix+strings.Join(r, " | "))
		}
	}
	add("column: ", `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COALESCE(COLUMN_DEFAULT, 'NULL'), EXTRA
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'goose%' ORDER BY 1, 2`)
	add("index: ", `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX)
		FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'goose%' GROUP BY 1, 2, 3 ORDER BY 1, 2`)
	add("foreign key: ", `SELECT rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.COLUMN_NAME, rc.REFERENCED_TABLE_NAME, rc.DELETE_RULE
		FROM information_schema.REFERENTIAL_CONSTRAINTS rc JOIN information_schema.KEY_COLUMN_USAGE k
		ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = rc.TABLE_NAME AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME
		WHERE rc.CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2`)
	add("check: ", `SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE
		FROM information_schema.CHECK_CONSTRAINTS cc JOIN information_schema.TABLE_CONSTRAINTS tc
		ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
		WHERE cc.CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2, 3`)
	return out
}

func TestMigrationsPostgres(t *testing.T) {
	server := serverURL(t, "pgx", postgresEnv, postgresFallback, func(u string) string { return u })
	for name, lossy := range sequences {
		t.Run(name, func(t *testing.T) {
			steps := loadSequence(t, name, "postgres", lossy)
			proveSequence(t, steps, postgresDB(server))
		})
	}
}

// serverURL returns the server's URL after checking that it answers.
func serverURL(t *testing.T, driver, env, fallback string, dsn func(string) string) string {
	t.Helper()
	u := os.Getenv(env)
	if u == "" {
		u = fallback
	}
	db, err := sql.Open(driver, dsn(u))
	if err == nil {
		err = db.Ping()
		db.Close()
	}
	if err != nil {
		msg := fmt.Sprintf("no database server at %s (set %s to an administrator URL): %v", env, env, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// dbCounter names the databases of one test process apart.
var dbCounter atomic.Int64

// freshDatabase creates an empty database on the server and drops it when
// the test ends. It returns the server URL with the database as its path.
func freshDatabase(t *testing.T, driver, serverURL string, dsn func(string) string, drop string) string {
	t.Helper()
	name := fmt.Sprintf("scaffold_migration_%d_%d", os.Getpid(), dbCounter.Add(1))
	admin, err := sql.Open(driver, dsn(serverURL))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + drop); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open(driver, dsn(serverURL))
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + drop); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func postgresDB(server string) testDB {
	plain := func(u string) string { return u }
	return testDB{
		name:    "postgres",
		dialect: goose.DialectPostgres,
		open: func(t *testing.T) *sql.DB {
			// The proof changes tables under open connections: no
			// statement cache, whose plans would go stale.
			u := freshDatabase(t, "pgx", server, plain, " WITH (FORCE)")
			db, err := sql.Open("pgx", withQuery(u, "default_query_exec_mode", "exec"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
		catalog: postgresCatalog,
		columns: func(t *testing.T, db *sql.DB) map[string][][2]string {
			out := map[string][][2]string{}
			for _, r := range query(t, db, `SELECT table_name, column_name, concat_ws(' ', data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default)
				FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose%' ORDER BY table_name, ordinal_position`) {
				out[r[0]] = append(out[r[0]], [2]string{r[1], r[2]})
			}
			return out
		},
	}
}

// postgresCatalog describes the tables of the current schema but goose's:
// columns from information_schema (by name: ALTER TABLE adds columns at the
// end, which no query depends on), constraints with their definitions,
// indexes and sequences.
func postgresCatalog(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	add := func(prefix, q string) {
		for _, r := range query(t, db, q) {
			out = append(out, prefix+strings.Join(r, " | "))
		}
	}
	add("column: ", `SELECT table_name, column_name, data_type, coalesce(character_maximum_length::text, ''),
		coalesce(numeric_precision::text, ''), coalesce(numeric_scale::text, ''), is_nullable, coalesce(column_default, ''), is_identity
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose%' ORDER BY 1, 2`)
	add("constraint: ", `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text NOT LIKE 'goose%' ORDER BY 1, 2`)
	add("index: ", `SELECT tablename, indexname, indexdef FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename NOT LIKE 'goose%' ORDER BY 1, 2`)
	add("sequence: ", `SELECT sequence_name FROM information_schema.sequences
		WHERE sequence_schema = current_schema() AND sequence_name NOT LIKE 'goose%' ORDER BY 1`)
	return out
}

// withQuery sets a query parameter of a URL.
func withQuery(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
