package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// dialect holds what differs between the databases: the SQL text and how
// times are bound.
type dialect struct {
	name      string
	get, list string
	insertSQL string
	// returning: the insert returns the id as a row; otherwise it comes
	// from LastInsertId.
	returning bool
	// textTimes: times are stored as RFC 3339 text with microseconds, the
	// way the generated code stores them in SQLite.
	textTimes bool
}

var (
	sqliteDialect = dialect{
		name:      "sqlite",
		get:       `SELECT "id", "title", "body", "pinned", "created_at", "updated_at" FROM "notes" WHERE "id" = ?`,
		list:      `SELECT "id", "title", "body", "pinned", "created_at", "updated_at" FROM "notes" ORDER BY "id" LIMIT ? OFFSET ?`,
		insertSQL: `INSERT INTO "notes" ("title", "body", "pinned", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "id"`,
		returning: true,
		textTimes: true,
	}
	postgresDialect = dialect{
		name:      "postgres",
		get:       `SELECT "id", "title", "body", "pinned", "created_at", "updated_at" FROM "notes" WHERE "id" = $1`,
		list:      `SELECT "id", "title", "body", "pinned", "created_at", "updated_at" FROM "notes" ORDER BY "id" LIMIT $1 OFFSET $2`,
		insertSQL: `INSERT INTO "notes" ("title", "body", "pinned", "created_at", "updated_at") VALUES ($1, $2, $3, $4, $5) RETURNING "id"`,
		returning: true,
	}
	mysqlDialect = dialect{
		name:      "mysql",
		get:       "SELECT `id`, `title`, `body`, `pinned`, `created_at`, `updated_at` FROM `notes` WHERE `id` = ?",
		list:      "SELECT `id`, `title`, `body`, `pinned`, `created_at`, `updated_at` FROM `notes` ORDER BY `id` LIMIT ? OFFSET ?",
		insertSQL: "INSERT INTO `notes` (`title`, `body`, `pinned`, `created_at`, `updated_at`) VALUES (?, ?, ?, ?, ?)",
	}
)

// statements runs the SQL of a dialect: as text each time (what most
// hand-written servers do), or through statements prepared once at start,
// which database/sql then prepares once per connection.
type statements struct {
	db       *sql.DB
	prepared map[string]*sql.Stmt // by SQL text; empty when not preparing
}

// newStatements prepares the statements of d when prepare is set.
func newStatements(ctx context.Context, db *sql.DB, d dialect, prepare bool) (statements, error) {
	s := statements{db: db, prepared: map[string]*sql.Stmt{}}
	if !prepare {
		return s, nil
	}
	for _, q := range []string{d.get, d.list, d.insertSQL} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			s.close()
			return s, fmt.Errorf("preparing %q: %w", q, err)
		}
		s.prepared[q] = st
	}
	return s, nil
}

func (s statements) close() {
	for _, st := range s.prepared {
		st.Close()
	}
}

func (s statements) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.prepared[q]; st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, q, args...)
}

func (s statements) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.prepared[q]; st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, q, args...)
}

func (s statements) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := s.prepared[q]; st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.db.ExecContext(ctx, q, args...)
}

// insert runs the insert and returns the new id.
func (d dialect) insert(ctx context.Context, db statements, args ...any) (int64, error) {
	if d.returning {
		var id int64
		err := db.QueryRowContext(ctx, d.insertSQL, args...).Scan(&id)
		return id, err
	}
	res, err := db.ExecContext(ctx, d.insertSQL, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// timeLayout is how times are stored as text: UTC with microseconds.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// timeArg binds t as the column stores it.
func (d dialect) timeArg(t time.Time) any {
	if d.textTimes {
		return t.UTC().Format(timeLayout)
	}
	return t.UTC()
}

// timeScanner reads a time stored as a time or as text.
type timeScanner struct{ dst *time.Time }

func (s timeScanner) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case time.Time:
		*s.dst = v.UTC()
		return nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return err
	}
	*s.dst = t.UTC()
	return nil
}

// open connects to the database of databaseURL with the settings the
// generated server uses.
func open(ctx context.Context, databaseURL string) (*sql.DB, dialect, error) {
	var (
		driver, dsn string
		d           dialect
		err         error
	)
	switch {
	case strings.HasPrefix(databaseURL, "sqlite:"):
		driver, d = "sqlite", sqliteDialect
		dsn = sqliteDSN(strings.TrimPrefix(databaseURL, "sqlite:"))
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		driver, d, dsn = "pgx", postgresDialect, databaseURL
	case strings.HasPrefix(databaseURL, "mysql://"):
		driver, d = "mysql", mysqlDialect
		if dsn, err = mysqlDSN(databaseURL); err != nil {
			return nil, d, err
		}
	default:
		return nil, d, errors.New("DATABASE_URL must be sqlite:PATH, postgres://HOST/DB or mysql://HOST/DB")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, d, err
	}
	// The pool of the generated server: SQLite's single writer needs few
	// connections; a server database gets a fixed pool of 25.
	if d.textTimes {
		n := max(4, 2*runtime.NumCPU())
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		db.SetMaxOpenConns(25)
		db.SetMaxIdleConns(25)
		db.SetConnMaxLifetime(30 * time.Minute)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, d, fmt.Errorf("connecting to the database: %w", err)
	}
	return db, d, nil
}

// sqliteDSN is the DSN of a database file with the settings of every
// connection: WAL, a busy timeout, foreign keys, synchronous NORMAL and
// immediate transactions.
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(5000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// mysqlDSN turns mysql://user:password@host:port/db?options into the
// driver's DSN, with the session in UTC and times read as time.Time in UTC.
func mysqlDSN(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr += ":3306"
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	// Arguments escaped by the driver: no prepare and close round trips.
	cfg.InterpolateParams = true
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	for k, v := range u.Query() {
		cfg.Params[k] = v[0]
	}
	return cfg.FormatDSN(), nil
}
