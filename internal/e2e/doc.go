// Package e2e holds the end-to-end tests of scaffold: every schema under
// testdata is generated into a temporary directory with the real command,
// once per database (SQLite, PostgreSQL, MySQL/MariaDB). Each generated
// project is built, vetted and tested with the Go toolchain against a fresh
// database of its own; its server migrates that database up, is started and
// driven over HTTP, including a burst of concurrent creates and updates,
// and the database is then migrated down to nothing and up again.
//
// The suite needs the Go toolchain and the module proxy (scaffold new runs
// go mod tidy). It is skipped with -short.
//
// Database servers are found through SCAFFOLD_TEST_POSTGRES_URL (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) and
// SCAFFOLD_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/), as users
// who may create and drop databases; psql and the mariadb (or mysql) client
// must be installed. A server that does not answer skips its database, or
// fails the run when CI=true.
//
// SCAFFOLD_E2E_DBS selects databases (for example SCAFFOLD_E2E_DBS=sqlite),
// SCAFFOLD_E2E_CASES selects cases by name (for example
// SCAFFOLD_E2E_CASES=shop,edge), both comma-separated; the case of a golden
// schema is its directory name, the case of testdata/schemas/NAME.yaml is
// NAME.
package e2e
