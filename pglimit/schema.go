package pglimit

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// DefaultTablePrefix names the tables unless [WithTablePrefix] says otherwise:
// selfmfa_limiter_buckets, selfmfa_limiter_locks and selfmfa_limiter_flags.
const DefaultTablePrefix = "selfmfa_limiter_"

// validPrefix keeps table names plain identifiers (they are spliced into SQL, never quoted
// from user input).
var validPrefix = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,40}$`)

// tables holds the three table names of one prefix.
type tables struct{ buckets, locks, flags string }

func tablesFor(prefix string) (tables, error) {
	if !validPrefix.MatchString(prefix) {
		return tables{}, fmt.Errorf("pglimit: table prefix %q: want lower-case letters, digits and _ (at most 41), not starting with a digit", prefix)
	}
	return tables{buckets: prefix + "buckets", locks: prefix + "locks", flags: prefix + "flags"}, nil
}

// schemaSQL is the DDL of [Limiter.CreateTables]. Times are Unix microseconds (bigint), so the
// token-bucket arithmetic is exact integer arithmetic; names are bytea, so any key works.
// Buckets have no index on tat: an index would turn every Take's update into a non-HOT one,
// and the cleanup's scan runs in the background.
const schemaSQL = `
CREATE TABLE IF NOT EXISTS {buckets} (
	rule bytea NOT NULL,
	key bytea NOT NULL,
	tat_us bigint NOT NULL,
	PRIMARY KEY (rule, key)
);
CREATE TABLE IF NOT EXISTS {locks} (
	name bytea PRIMARY KEY,
	token bytea NOT NULL,
	expires_us bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS {locks}_expires ON {locks} (expires_us);
CREATE TABLE IF NOT EXISTS {flags} (
	name bytea PRIMARY KEY,
	value bytea NOT NULL,
	expires_us bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS {flags}_expires ON {flags} (expires_us);
`

// SchemaSQL returns the statements [Limiter.CreateTables] runs, for hosts that apply
// migrations with their own tool.
func (l *Limiter) SchemaSQL() string { return l.sql(schemaSQL) }

// CreateTables creates the limiter's tables and indexes if they do not exist (idempotent; safe
// to call at every start-up, from several instances at once).
func (l *Limiter) CreateTables(ctx context.Context) error {
	// A transaction-level advisory lock serialises concurrent CREATE ... IF NOT EXISTS, which
	// can otherwise fail on the catalog's unique index when two instances start together.
	tx, err := l.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pglimit: create tables: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "selfmfa pglimit schema "+l.t.buckets); err != nil {
		return fmt.Errorf("pglimit: create tables: %w", err)
	}
	if _, err := tx.Exec(ctx, l.SchemaSQL()); err != nil {
		return fmt.Errorf("pglimit: create tables: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pglimit: create tables: %w", err)
	}
	return nil
}

// sql fills in the table names.
func (l *Limiter) sql(q string) string {
	return strings.NewReplacer("{buckets}", l.t.buckets, "{locks}", l.t.locks, "{flags}", l.t.flags).Replace(q)
}
