package tenant

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Timing rules. Each is one named value; the reference section is in the comment.
const (
	// pendingTTL: pending authenticators "have a 24-hour TTL and are removed
	// automatically" (reference §4.2, community 187705).
	pendingTTL = 24 * time.Hour
	// oobCodeTTL: OTP, SMS and email codes and push enrollment last 5 minutes
	// (reference §4.5).
	oobCodeTTL = 5 * time.Minute
	// mfaTokenTTL: [UNK] in the reference (only the 5-minute transaction
	// between first and second factor is documented): chosen 10 minutes,
	// the documented lifetime of the /mfa/ access token (reference §1.3).
	mfaTokenTTL = 10 * time.Minute
	// maxFailedEnrollments: community report 187705: "After 50 failed
	// enrollment attempts the user gets 'Guardian - User has created the
	// maximum amount of authenticators'".
	maxFailedEnrollments = 50
	// enrollmentWindow: [UNK] in the reference (how the 50 are counted):
	// chosen because the community fix is "wait 24 h", so failed and
	// abandoned attempts count per user within the 24 h pending TTL.
	enrollmentWindow = pendingTTL
	// forgottenAfter: how long expired mfa_tokens and oob_codes are kept so
	// that a late use answers "expired" rather than "invalid". Not on the wire.
	forgottenAfter = time.Hour
)

// Behavioural choices for facts the reference marks [UNK].
const (
	// deletePendingResetsFailedCount: [UNK] in the reference: chosen false
	// because the community fixes for the lockout are an MFA reset or waiting
	// 24 h, never "delete the pending ones", so deleting pending
	// authenticators does not reset the count of failed/abandoned enrollments.
	deletePendingResetsFailedCount = false
	// confirmNewestPendingTOTP: [UNK] in the reference which pending totp an
	// mfa-otp confirm activates when several are pending (the recording shows
	// two): chosen "the newest" because a user who restarts enrollment scans
	// the latest QR code, and §7.2 suggests "the latest pending totp". Older
	// pending ones stay pending until they expire or are deleted.
	confirmNewestPendingTOTP = true
	// requireEmailOnAssociate: [UNK] in the reference whether email may be
	// omitted for an email association (auth-js: "uses user's email if not
	// provided"): chosen true (400 when missing) because the docs list the
	// field as the address to enroll and strictness surfaces client bugs.
	requireEmailOnAssociate = true
	// pushEnrollmentUsesSendLimit: [UNK] in the reference: chosen false
	// because push enrollment sends no notification (the user scans a QR
	// code); push challenges do use the push send limit.
	pushEnrollmentUsesSendLimit = false
	// pushDeviceName: [UNK] in the reference (the device's name is chosen by
	// the Guardian app): chosen as a fixed name set when a push enrollment is
	// approved; pending push authenticators have no name, as recorded.
	pushDeviceName = "Emulated Guardian device"
)

// challengePreference is never modified.
var (
	// challengePreference: [UNK] in the reference which enrolled authenticator
	// /mfa/challenge picks without authenticator_id: chosen push first (what
	// Universal Login offers Guardian users first; its companion totp remains
	// reachable with challenge_type "otp"), then otp (no message to send),
	// then sms, voice, email (strongest first).
	challengePreference = []string{kindPush, kindTOTP, kindSMS, kindVoice, kindEmail}
)

// Defaults for empty Settings fields.
const (
	defaultFriendlyName = "auth0test"
	defaultGuardianURL  = "https://auth0test.guardian.invalid"
)

// Authenticator kinds (id prefixes) and wire types.
const (
	kindTOTP     = "totp"
	kindSMS      = "sms"
	kindVoice    = "voice"
	kindPush     = "push"
	kindEmail    = "email"
	kindRecovery = "recovery-code"

	typeOTP      = "otp"
	typeOOB      = "oob"
	typeRecovery = "recovery-code"

	channelPush   = "auth0"
	bindingPrompt = "prompt"
)

var (
	userIDPattern = regexp.MustCompile(`^auth0\|[A-Za-z0-9._-]{1,128}$`)
	e164Pattern   = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	emailPattern  = regexp.MustCompile(`^[^@\s"<>()\[\],;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
)

// DefaultSettings enables otp, sms, voice, email and push, recovery codes,
// and the "challenge-if-enrolled" policy.
func DefaultSettings() Settings {
	return Settings{
		Factors: map[Factor]bool{
			FactorOTP: true, FactorSMS: true, FactorVoice: true, FactorEmail: true, FactorPush: true,
			FactorRecoveryCode: true,
		},
		RecoveryCodes: true,
		Passkeys:      true,
		Policy:        PolicyChallengeIfEnrolled,
		FriendlyName:  defaultFriendlyName,
		GuardianURL:   defaultGuardianURL,
	}
}

// New returns an empty tenant. now is its only clock and random its only
// source of randomness (pass crypto/rand.Reader outside tests). Like
// crypto/rand, a failing random reader is fatal: methods panic.
func New(now func() time.Time, random io.Reader, s Settings) *Tenant {
	return &Tenant{
		now:       now,
		random:    random,
		settings:  cloneSettings(s),
		users:     map[string]*userState{},
		byEmail:   map[string]string{},
		oobCodes:  map[[32]byte]*oobRecord{},
		mfaTokens: map[[32]byte]*mfaTokenRecord{},
		pushes:    map[string]*pushRecord{},
	}
}

func cloneSettings(s Settings) Settings {
	s.Factors = maps.Clone(s.Factors)
	if s.FriendlyName == "" {
		s.FriendlyName = defaultFriendlyName
	}
	if s.GuardianURL == "" {
		s.GuardianURL = defaultGuardianURL
	}
	return s
}

// Settings returns a copy of the tenant's settings.
func (t *Tenant) Settings() Settings {
	t.mu.Lock()
	defer t.mu.Unlock()
	return cloneSettings(t.settings)
}

// SetSettings replaces the tenant's settings. Existing authenticators stay.
func (t *Tenant) SetSettings(s Settings) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.settings = cloneSettings(s)
}

func (t *Tenant) factorEnabled(f Factor) bool { return t.settings.Factors[f] }

// recoveryEnabled is the tenant's "Recovery Code" switch. Settings.RecoveryCodes is the one
// switch; a Factors entry for recovery codes cannot turn them on behind its back.
func (t *Tenant) recoveryEnabled() bool {
	return t.settings.RecoveryCodes
}

// userState is everything the tenant knows about one user.
type userState struct {
	user            User
	implicitEmailID string
	created         time.Time
	auths           []*authn // creation order
	enrollEvents    []enrollEvent
	failures        bucket // OTP and binding codes
	recoveryFails   bucket
	sendPhone       bucket // sms and voice
	sendEmail       bucket
	sendPush        bucket
	passkeys        []*passkey // creation order
	userHandle      []byte     // WebAuthn user.id, made at the first passkey enrollment
}

// enrollEvent is one failed or abandoned enrollment: an association not (yet)
// confirmed (group set, removed on confirmation) or a failed confirm attempt.
type enrollEvent struct {
	at      time.Time
	group   string
	failure bool
}

// AddUser adds a user. ID must look like "auth0|…" and Email like an
// address; both must be unused.
func (t *Tenant) AddUser(u User) error {
	if err := validUserID(u); err != nil {
		return err
	}
	if !validEmail(u.Email) {
		return fmt.Errorf("%w: email is not an address", ErrInvalidUser)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.users[u.ID]; ok {
		return fmt.Errorf("%w: id %s", ErrDuplicateUser, u.ID)
	}
	key := strings.ToLower(u.Email)
	if _, ok := t.byEmail[key]; ok {
		return fmt.Errorf("%w: email already used", ErrDuplicateUser)
	}
	st := &userState{user: u, created: t.now()}
	if u.EmailVerified {
		st.implicitEmailID = kindEmail + "|dev_" + t.alnum(16)
	}
	t.users[u.ID] = st
	t.byEmail[key] = u.ID
	return nil
}

// User returns the user with this id.
func (t *Tenant) User(id string) (User, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := t.users[id]
	if !ok {
		return User{}, false
	}
	return st.user, true
}

// UserByEmail returns the user with this email, compared case-insensitively.
func (t *Tenant) UserByEmail(email string) (User, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.byEmail[strings.ToLower(email)]
	if !ok {
		return User{}, false
	}
	return t.users[id].user, true
}

// CheckPassword returns the user with this email when password is theirs.
// The comparison is constant-time, and an unknown email costs the same.
func (t *Tenant) CheckPassword(email, password string) (User, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var want string
	st := t.users[t.byEmail[strings.ToLower(email)]]
	if st != nil {
		want = st.user.Password
	}
	a := sha256.Sum256([]byte(password))
	b := sha256.Sum256([]byte(want))
	match := subtle.ConstantTimeCompare(a[:], b[:]) == 1
	if st == nil || want == "" || !match {
		return User{}, false
	}
	return st.user, true
}

func validEmail(s string) bool { return len(s) <= 254 && emailPattern.MatchString(s) }

var connectionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// validUserID: "auth0|…" for the database connection, "{Connection}|…" (and no password) for
// another connection.
func validUserID(u User) error {
	if u.Connection == "" {
		if !userIDPattern.MatchString(u.ID) {
			return fmt.Errorf("%w: id must look like \"auth0|…\"", ErrInvalidUser)
		}
		return nil
	}
	rest, ok := strings.CutPrefix(u.ID, u.Connection+"|")
	if !connectionPattern.MatchString(u.Connection) || u.Connection == "auth0" || !ok || !userIDPattern.MatchString("auth0|"+rest) {
		return fmt.Errorf("%w: a user of connection %q must have an id %q", ErrInvalidUser, u.Connection, u.Connection+"|…")
	}
	if u.Password != "" {
		return fmt.Errorf("%w: a user of connection %q has no password", ErrInvalidUser, u.Connection)
	}
	return nil
}

// --- randomness -------------------------------------------------------------

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (t *Tenant) read(b []byte) {
	if _, err := io.ReadFull(t.random, b); err != nil {
		panic(fmt.Sprintf("tenant: random source failed: %v", err))
	}
}

// pick returns n characters drawn uniformly from chars (rejection sampling).
func (t *Tenant) pick(chars string, n int) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(chars)
	var buf [32]byte
	for len(out) < n {
		t.read(buf[:])
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, chars[int(c)%len(chars)])
			}
		}
	}
	return string(out)
}

func (t *Tenant) alnum(n int) string { return t.pick(alnumChars, n) }

// recoveryCodeChars: recovery codes are 24 chars [A-Z0-9] (reference §7.1).
const recoveryCodeChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (t *Tenant) newRecoveryCode() string { return t.pick(recoveryCodeChars, 24) }

// newDigits returns a 6-digit code.
func (t *Tenant) newDigits() string {
	var b [4]byte
	for {
		t.read(b[:])
		v := binary.BigEndian.Uint32(b[:])
		if v < 4294000000 { // largest multiple of 10^6 below 2^32
			return fmt.Sprintf("%06d", v%1000000)
		}
	}
}

// newSecret returns a TOTP secret of 32 base32 characters (160 bits).
func (t *Tenant) newSecret() string {
	var b [20]byte
	t.read(b[:])
	return base32.StdEncoding.EncodeToString(b[:])
}

// newSealed returns a random Fe26.2-looking opaque string (Hapi iron's
// layout, reference §7.1) with its expiry in milliseconds. Only its hash is
// stored; it is looked up, never decoded.
func (t *Tenant) newSealed(expires time.Time) string {
	var h1, salt, body, h2, mac [32]byte
	for _, b := range [][]byte{h1[:], salt[:16], body[:], h2[:], mac[:]} {
		t.read(b)
	}
	enc := base64.RawURLEncoding
	return "Fe26.2*SERVER_1*" + hex.EncodeToString(h1[:]) + "*" + enc.EncodeToString(salt[:16]) + "*" +
		enc.EncodeToString(body[:]) + "*" + strconv.FormatInt(expires.UnixMilli(), 10) + "*" +
		hex.EncodeToString(h2[:]) + "*" + enc.EncodeToString(mac[:])
}

func sealedKey(s string) [32]byte { return sha256.Sum256([]byte(s)) }
