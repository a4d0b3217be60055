package tenant

import "time"

// bucket is a token bucket kept as a "theoretical arrival time" (GCRA): full
// is the instant at which the bucket will hold all its tokens again. It works
// in integer durations, so Retry-After values are exact.
type bucket struct {
	full time.Time
}

// bucketSpec is a bucket's burst and the time one token takes to come back.
type bucketSpec struct {
	burst int
	every time.Duration
}

// Per-user limits (reference §3.5).
var (
	// sendSMSVoice: "SMS sent | 10 | 1 per hour | per user id"; voice shares the SMS bucket.
	sendSMSVoice = bucketSpec{burst: 10, every: time.Hour}
	// sendEmail: "Email sent | 20 | 1 per minute | per user id".
	sendEmail = bucketSpec{burst: 20, every: time.Minute}
	// sendPush: "Push notifications sent | 5 | 5 per minute | per user id".
	sendPush = bucketSpec{burst: 5, every: time.Minute / 5}
	// failedCodes: "invalid codes can be returned 10 times and refill once every
	// six minutes" (SMS/voice guide); shared by OTP and binding codes.
	failedCodes = bucketSpec{burst: 10, every: 6 * time.Minute}
	// failedRecovery: "Recovery code failures | 10 | 10 per hour | per user id".
	failedRecovery = bucketSpec{burst: 10, every: time.Hour / 10}
	// pushPolls: "MFA OOB token exchange | POST | burst 12 | 12/minute | To a
	// unique session" (docs-v2 rate-limit-configurations, reference §2.6,
	// §3.5). Past it a push poll answers slow_down, the docs' code for
	// "If the polling is too frequent". [UNK] in the reference what "a unique
	// session" is: chosen one push oob_code (one enrollment or challenge),
	// because it is what a client polls with.
	pushPolls = bucketSpec{burst: 12, every: time.Minute / 12}
)

// wait reports how long until one token is available (0: available now).
func (b *bucket) wait(s bucketSpec, now time.Time) time.Duration {
	if !b.full.After(now) {
		return 0
	}
	debt := b.full.Sub(now)
	if limit := time.Duration(s.burst-1) * s.every; debt > limit {
		return debt - limit
	}
	return 0
}

// take consumes one token; the caller has checked wait first.
func (b *bucket) take(s bucketSpec, now time.Time) {
	if b.full.Before(now) {
		b.full = now
	}
	b.full = b.full.Add(s.every)
}
