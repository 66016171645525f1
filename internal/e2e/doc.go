// Package e2e holds the end-to-end tests of scaffold: every schema under
// testdata is generated into a temporary directory with the real command,
// the generated project is built, vetted and tested with the Go toolchain,
// and its server is started and driven over HTTP.
//
// The suite needs the Go toolchain and the module proxy (scaffold new runs
// go mod tidy). It is skipped with -short. SCAFFOLD_E2E_CASES selects cases
// by name, comma-separated (for example SCAFFOLD_E2E_CASES=shop,edge); the
// case of a golden schema is its directory name, the case of
// testdata/schemas/NAME.yaml is NAME.
package e2e
