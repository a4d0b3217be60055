package pglimit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// DefaultCleanupInterval is how often the background cleanup runs unless
// [WithCleanupInterval] says otherwise.
const DefaultCleanupInterval = 5 * time.Minute

// cleanupBatch bounds the rows one cleanup statement deletes, so each holds its row locks for
// a short time.
const cleanupBatch = 1000

func (l *Limiter) cleanupQueries() [3]string {
	var q [3]string
	for i, tc := range [3][2]string{{l.t.buckets, "tat_us"}, {l.t.locks, "expires_us"}, {l.t.flags, "expires_us"}} {
		q[i] = strings.NewReplacer("{table}", tc[0], "{col}", tc[1]).Replace(cleanupSQL)
	}
	return q
}

// Cleanup deletes expired rows (refilled buckets, expired locks and flags) in batches and
// returns how many it deleted. It never waits for rows that callers hold and never deletes a
// live lock or flag. The background cleanup calls it; hosts that turned that off call it
// themselves.
func (l *Limiter) Cleanup(ctx context.Context) (int64, error) {
	var total int64
	for _, q := range l.q.cleanup {
		for {
			tag, err := l.pool.Exec(ctx, q, l.clockArg(), l.batch)
			if err != nil {
				return total, fmt.Errorf("pglimit: cleanup: %w", err)
			}
			total += tag.RowsAffected()
			if tag.RowsAffected() < int64(l.batch) {
				break
			}
		}
	}
	return total, nil
}

func (l *Limiter) startCleanup() {
	if l.every <= 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.stop, l.done = cancel, make(chan struct{})
	go func() {
		defer close(l.done)
		tick := time.NewTicker(l.every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if _, err := l.Cleanup(ctx); err != nil && ctx.Err() == nil {
					l.log.LogAttrs(ctx, slog.LevelWarn, "pglimit: cleanup of expired rows failed; it runs again later",
						slog.String("error", err.Error()))
				}
			}
		}
	}()
}

// Close stops the background cleanup and waits for a running pass to end. It does not close
// the pool. It is idempotent, and the Limiter still works after it (without the cleanup).
func (l *Limiter) Close() {
	l.closer.Do(func() {
		if l.stop != nil {
			l.stop()
			<-l.done
		}
	})
}
