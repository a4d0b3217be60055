package pglimit

// The statements behind each operation. Each one is atomic on its own: INSERT … ON CONFLICT
// DO UPDATE takes the row lock of an existing row and evaluates its WHERE against the latest
// committed version, so concurrent callers on one key are serialised by PostgreSQL.
//
// $1 is always "now" in Unix microseconds from the client's clock ([WithClock]), or NULL for
// the server's clock: nowSQL turns it into the statement's now. now() is the transaction's
// start, constant within a statement, so every use of it in one statement agrees.

const nowSQL = `coalesce($1::bigint, (extract(epoch from now()) * 1000000)::bigint)`

// takeSQL spends a token if one is available; $2 rule, $3 key, $4 refill µs, $5 burst. It
// returns (tat, now) when the take is allowed and no row when it is denied (the row is then
// left as it was: a denied take writes nothing). A missing or refilled row is a full bucket.
const takeSQL = `
WITH c AS (SELECT ` + nowSQL + ` AS now)
INSERT INTO {buckets} AS b (rule, key, tat_us)
SELECT $2, $3, c.now + $4 FROM c
ON CONFLICT (rule, key) DO UPDATE
	SET tat_us = greatest(b.tat_us, EXCLUDED.tat_us - $4) + $4
	WHERE greatest(b.tat_us, EXCLUDED.tat_us - $4) + $4 - $5::bigint * $4 <= EXCLUDED.tat_us - $4
RETURNING tat_us, (SELECT now FROM c)`

// bucketSQL reads a bucket for a denied take's RetryAfter; $2 rule, $3 key. tat is NULL when
// there is no row.
const bucketSQL = `
SELECT (SELECT tat_us FROM {buckets} WHERE rule = $2 AND key = $3), ` + nowSQL

const resetSQL = `DELETE FROM {buckets} WHERE rule = $1 AND key = $2`

// lockSQL takes the lock $2 for token $3 and ttl $4 µs unless a live holder has it; one row
// when taken.
const lockSQL = `
WITH c AS (SELECT ` + nowSQL + ` AS now)
INSERT INTO {locks} AS l (name, token, expires_us)
SELECT $2, $3, c.now + $4 FROM c
ON CONFLICT (name) DO UPDATE
	SET token = EXCLUDED.token, expires_us = EXCLUDED.expires_us
	WHERE l.expires_us <= EXCLUDED.expires_us - $4
RETURNING 1`

// unlockSQL releases lock $1 only if token $2 still holds it.
const unlockSQL = `DELETE FROM {locks} WHERE name = $1 AND token = $2`

// setOnceSQL stores flag $2 = $3 for $4 µs unless a live one exists; one row (the value) when
// stored.
const setOnceSQL = `
WITH c AS (SELECT ` + nowSQL + ` AS now)
INSERT INTO {flags} AS f (name, value, expires_us)
SELECT $2, $3, c.now + $4 FROM c
ON CONFLICT (name) DO UPDATE
	SET value = EXCLUDED.value, expires_us = EXCLUDED.expires_us
	WHERE f.expires_us <= EXCLUDED.expires_us - $4
RETURNING value`

// getSQL reads the live value of flag $2.
const getSQL = `SELECT value FROM {flags} WHERE name = $2 AND expires_us > ` + nowSQL

const deleteSQL = `DELETE FROM {flags} WHERE name = $1`

// cleanupSQL deletes at most $2 expired rows of one table ({table}, {col}), skipping rows that
// callers hold locked, so it never waits for a caller; a caller may wait for one short batch.
const cleanupSQL = `
DELETE FROM {table} WHERE ctid = ANY(ARRAY(
	SELECT ctid FROM {table} WHERE {col} <= (SELECT ` + nowSQL + `)
	LIMIT $2 FOR UPDATE SKIP LOCKED))`
