package enroll

// Factor is a kind of second factor a user can add, as the handler's routes name it.
type Factor string

// The factors the core can enroll.
const (
	TOTP  Factor = "totp"
	Push  Factor = "push"
	SMS   Factor = "sms"
	Voice Factor = "voice"
	Email Factor = "email"
)

// Destination is what an enrollment needs from the user before it starts.
type Destination int

// Destinations.
const (
	NoDestination Destination = iota // TOTP, push: started with a plain POST
	PhoneNumber                      // SMS, voice: an E.164 number
	EmailAddress                     // email: an address
)

// Confirmation is how an enrollment is confirmed.
type Confirmation int

// Confirmations.
const (
	ByAppCode  Confirmation = iota // a code from the authenticator app shown on the setup page
	BySentCode                     // a code sent by text message, voice call or email
	ByApproval                     // approval in the Guardian app, polled
)

// Spec is everything the core and the handler know about one factor: one row of the factor
// table instead of dispatch spread over switches.
type Spec struct {
	Factor Factor
	// Kind is the authenticator kind an enrollment creates and must activate ("totp", "push",
	// "sms", "voice", "email").
	Kind string
	// Group is how the list shows it: "totp", "push", "phone" (an SMS+voice pair) or "email".
	Group        string
	Destination  Destination
	Confirmation Confirmation
	// Sends: starting it (or a resend) sends something and spends the send budget.
	Sends bool
	// Weak: can be taken over (SIM swap, a read mailbox); labelled "Less secure" and never
	// offered alone (NIST SP 800-63B §3.1.3.3).
	Weak bool
}

// specs is the factor table, in the order the list offers them.
var specs = [...]Spec{
	{Factor: TOTP, Kind: "totp", Group: "totp", Destination: NoDestination, Confirmation: ByAppCode},
	{Factor: Push, Kind: "push", Group: "push", Destination: NoDestination, Confirmation: ByApproval, Sends: true},
	{Factor: SMS, Kind: "sms", Group: "phone", Destination: PhoneNumber, Confirmation: BySentCode, Sends: true, Weak: true},
	{Factor: Voice, Kind: "voice", Group: "phone", Destination: PhoneNumber, Confirmation: BySentCode, Sends: true, Weak: true},
	{Factor: Email, Kind: "email", Group: "email", Destination: EmailAddress, Confirmation: BySentCode, Sends: true, Weak: true},
}

// Specs returns the factor table in display order.
func Specs() []Spec { return specs[:] }

// SpecOf returns f's row of the table.
func SpecOf(f Factor) (Spec, bool) {
	for _, s := range specs {
		if s.Factor == f {
			return s, true
		}
	}
	return Spec{}, false
}

// spec is SpecOf for a factor already known to be valid (an enrollment record's).
func spec(f Factor) Spec {
	s, _ := SpecOf(f)
	return s
}

// GroupFactor is the factor a listed method of group counts as, for events: a phone is "sms"
// unless voice is its only channel.
func GroupFactor(m Method) Factor {
	switch m.Group {
	case "totp":
		return TOTP
	case "push":
		return Push
	case "email":
		return Email
	case "phone":
		if len(m.Channels) == 1 && m.Channels[0] == "voice" {
			return Voice
		}
		return SMS
	}
	return ""
}
