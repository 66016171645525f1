package generator

// Versions of the Go toolchain and modules that generated projects use. They
// are pinned here, in one place, so that every generated project is
// reproducible and an upgrade is one reviewed change. The proxy is asked for
// exact versions only, never @latest.
const (
	GoVersion       = "1.26.0"  // go directive; goose and sqlite need 1.26
	SQLiteVersion   = "v1.62.0" // modernc.org/sqlite
	GooseVersion    = "v3.29.0" // github.com/pressly/goose/v3
	PgxVersion      = "v5.12.0" // github.com/jackc/pgx/v5
	MySQLVersion    = "v1.9.3"  // github.com/go-sql-driver/mysql
	JWTVersion      = "v5.3.1"  // github.com/golang-jwt/jwt/v5
	CryptoVersion   = "v0.58.0" // golang.org/x/crypto
	TimeRateVersion = "v0.16.0" // golang.org/x/time
)

// Versions is the template view of the pinned versions.
type Versions struct {
	Go, SQLite, Goose, Pgx, MySQL, JWT, Crypto, TimeRate string
}

func pinnedVersions() Versions {
	return Versions{
		Go: GoVersion, SQLite: SQLiteVersion, Goose: GooseVersion, Pgx: PgxVersion,
		MySQL: MySQLVersion, JWT: JWTVersion, Crypto: CryptoVersion, TimeRate: TimeRateVersion,
	}
}
