package views

import "github.com/a-h/templ"

// Views is the set of page functions mfahandler renders. Replace any field to use your own
// component with the same typed model; nil fields are filled by WithDefaults.
type Views struct {
	List         func(ListPage) templ.Component
	TOTP         func(TOTPPage) templ.Component
	Phone        func(PhonePage) templ.Component
	Email        func(EmailPage) templ.Component
	Code         func(CodePage) templ.Component
	Push         func(PushPage) templ.Component
	RecoveryCode func(RecoveryCodePage) templ.Component
	Remove       func(RemovePage) templ.Component
	Rename       func(RenamePage) templ.Component
	StepUp       func(StepUpPage) templ.Component
	Error        func(ErrorPage) templ.Component
	// ConfirmAction confirms a host action held across the step-up (RequireRecentMFA).
	ConfirmAction func(ConfirmActionPage) templ.Component
	// Nudge is the reminder for the host's layout (mfahandler's Handler.Nudge).
	Nudge func(NudgeProps) templ.Component
}

// Default returns the default pages.
func Default() Views {
	return Views{
		List:          List,
		TOTP:          TOTP,
		Phone:         Phone,
		Email:         Email,
		Code:          Code,
		Push:          Push,
		RecoveryCode:  RecoveryCode,
		Remove:        Remove,
		Rename:        Rename,
		StepUp:        StepUp,
		Error:         Error,
		Nudge:         Nudge,
		ConfirmAction: ConfirmAction,
	}
}

// WithDefaults returns v with every nil field set from Default().
func (v Views) WithDefaults() Views {
	d := Default()
	if v.List == nil {
		v.List = d.List
	}
	if v.TOTP == nil {
		v.TOTP = d.TOTP
	}
	if v.Phone == nil {
		v.Phone = d.Phone
	}
	if v.Email == nil {
		v.Email = d.Email
	}
	if v.Code == nil {
		v.Code = d.Code
	}
	if v.Push == nil {
		v.Push = d.Push
	}
	if v.RecoveryCode == nil {
		v.RecoveryCode = d.RecoveryCode
	}
	if v.Remove == nil {
		v.Remove = d.Remove
	}
	if v.Rename == nil {
		v.Rename = d.Rename
	}
	if v.StepUp == nil {
		v.StepUp = d.StepUp
	}
	if v.Error == nil {
		v.Error = d.Error
	}
	if v.Nudge == nil {
		v.Nudge = d.Nudge
	}
	if v.ConfirmAction == nil {
		v.ConfirmAction = d.ConfirmAction
	}
	return v
}
