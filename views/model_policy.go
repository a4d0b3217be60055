package views

import (
	"time"

	"github.com/a-h/templ"
)

// NudgeProps is the reminder to add a second sign-in step that a host puts into its own
// layout (mfahandler's Handler.Nudge decides when, and fills it).
type NudgeProps struct {
	// Classes are the host's extra classes, as for the pages.
	Classes Classes
	// Deadline is the day by which the user must add one.
	Deadline time.Time
	// Overdue: the deadline has passed (the reminder then says so, and cannot be put off).
	Overdue bool
	// SetUp is the security page.
	SetUp templ.SafeURL
	// Dismiss, when set, is the "Remind me later" form.
	Dismiss *Form
}

// ConfirmActionPage confirms a host action that needed a recent second factor, after the
// step-up: Continue sends the action's form again (once); Cancel leaves it.
type ConfirmActionPage struct {
	Meta  PageMeta
	Flash Flash
	// Describe names the action ("Change your email address").
	Describe string
	// Continue is the POST to the host route, its fields the action's form.
	Continue Form
	Cancel   Action
}
