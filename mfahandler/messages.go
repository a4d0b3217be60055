package mfahandler

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// msgID names one user-facing sentence of the handler. Every sentence the handler shows (page
// titles of failures, messages, flashes, labels) is in englishText below and nowhere else:
// this is the table a translation starts from.
type msgID string

// Failure titles.
const (
	tNotFound         msgID = "error.not_found.title"
	tInvalidRequest   msgID = "error.invalid_request.title"
	tRefused          msgID = "error.cross_origin.title"
	tWentWrong        msgID = "error.internal.title"
	tSignIn           msgID = "error.sign_in.title"
	tUnsupportedForm  msgID = "error.unsupported_form.title"
	tFormTooLarge     msgID = "error.form_too_large.title"
	tInvalidForm      msgID = "error.invalid_form.title"
	tNotAllowed       msgID = "error.method_not_allowed.title"
	tBusy             msgID = "error.busy.title"
	tTryAgain         msgID = "error.unavailable.title"
	tTooMany          msgID = "error.too_many.title"
	tNotAvailable     msgID = "error.config.title"
	tServiceDown      msgID = "error.circuit_open.title"
	tServiceSlow      msgID = "error.timeout.title"
	tMethodOff        msgID = "error.factor_disabled.title"
	tTooManyPending   msgID = "error.max_authenticators.title"
	tServiceProblem   msgID = "error.upstream.title"
	tNotAdded         msgID = "confirm.not_activated.title"
	tCheckMethods     msgID = "confirm.ambiguous.title"
	tUnknownMethod    msgID = "remove.unknown.title"
	tKeepOne          msgID = "remove.guarded.title"
	tSignInExpired    msgID = "stepup.expired.title"
	tSignInIncomplete msgID = "stepup.not_completed.title"
	tSignInFailed     msgID = "stepup.failed.title"
	tSignInNotRecent  msgID = "stepup.not_recent.title"
	tDifferentAccount msgID = "stepup.other_account.title"
	tAdded            msgID = "confirm.added_but.title"
	tRemoved          msgID = "remove.removed_but.title"
)

// Failure messages and flashes.
const (
	mNotFound          msgID = "error.not_found"
	mTooManyParams     msgID = "error.too_many_params"
	mCrossOrigin       msgID = "error.cross_origin"
	mPageFailed        msgID = "error.page_failed"
	mInternal          msgID = "error.internal"
	mSignIn            msgID = "error.sign_in"
	mUnsupportedForm   msgID = "error.unsupported_form"
	mFormTooLarge      msgID = "error.form_too_large"
	mFormUnreadable    msgID = "error.form_unreadable"
	mFormTooManyFields msgID = "error.form_too_many_fields"
	mFormFieldTwice    msgID = "error.form_field_twice"
	mNotAllowed        msgID = "error.method_not_allowed"
	mBusy              msgID = "error.busy"
	mLockUnavailable   msgID = "error.lock_unavailable"
	mCheckUnavailable  msgID = "error.check_unavailable"
	mRecoveryNotShown  msgID = "recovery.unavailable"
	mRecoveryLater     msgID = "recovery.later"
	mPolicyOverdue     msgID = "policy.overdue"
	mRecoveryOff       msgID = "recovery.off"
	mRecoveryFailed    msgID = "recovery.failed"
	mActionDone        msgID = "action.done"
	mActionGone        msgID = "action.gone"
	mActionNeedsFactor msgID = "action.needs_factor"
	tActionDone        msgID = "title.action_done"
	tActionGone        msgID = "title.action_gone"
	mTooMany           msgID = "error.too_many"
	mConfig            msgID = "error.config"
	mUpstream          msgID = "error.upstream"
	mCircuitOpen       msgID = "error.circuit_open"
	mFactorDisabled    msgID = "error.factor_disabled"
	mMaxAuthenticators msgID = "error.max_authenticators"
	mMethodOff         msgID = "enroll.not_available"
	mMethodOffNothing  msgID = "enroll.not_available_nothing_changed"
	mBadEmail          msgID = "enroll.bad_email"
	mBadPhoneRefused   msgID = "enroll.phone_refused"
	mBadEmailRefused   msgID = "enroll.email_refused"
	mNotInProgress     msgID = "enroll.not_in_progress"
	mEnded             msgID = "enroll.ended"
	mCodeMalformed     msgID = "confirm.malformed"
	mCodeWrong         msgID = "confirm.wrong"
	mCodeExpired       msgID = "confirm.expired"
	mTooManyWrong      msgID = "confirm.too_many_wrong"
	mNotActivated      msgID = "confirm.not_activated"
	mAmbiguous         msgID = "confirm.ambiguous"
	mConfirmTimeout    msgID = "confirm.timeout"
	mAdded             msgID = "confirm.added"
	mAddedBut          msgID = "confirm.added_but"
	mNoMoreSends       msgID = "resend.no_more"
	mSent              msgID = "resend.sent"
	mCancelled         msgID = "cancel.done"
	mReadyUnsaved      msgID = "recovery.ready_unsaved"
	mAddedUnsaved      msgID = "recovery.added_unsaved"
	mReady             msgID = "recovery.ready"
	mUnknownMethod     msgID = "remove.unknown"
	mUnknownNothing    msgID = "remove.unknown_nothing_changed"
	mGuarded           msgID = "remove.guarded"
	mAlreadyRemoved    msgID = "remove.already"
	mVerifiedEmail     msgID = "remove.verified_email"
	mVerifiedEmailRow  msgID = "list.verified_email"
	mRenamed           msgID = "rename.done"
	mBadName           msgID = "rename.bad_name"
	mChannelVoice      msgID = "channel.voice"
	mChannelSMS        msgID = "channel.sms"
	mBadChannel        msgID = "channel.bad"
	mNotSupported      msgID = "manage.not_supported"
	mRemoved           msgID = "remove.removed"
	mRemovedPhonePair  msgID = "remove.removed_phone_pair"
	mRemovedUnchecked  msgID = "remove.unchecked"
	mRemovedBut        msgID = "remove.removed_but"
	mStillListed       msgID = "remove.still_listed"
	mMaybeCompanion    msgID = "remove.maybe_push_codes"
	mChoiceClosed      msgID = "sessions.closed"
	mChooseSignOut     msgID = "sessions.choose"
	mKeptSessions      msgID = "sessions.kept"
	mSignOutFailed     msgID = "sessions.failed"
	mSignedOut         msgID = "sessions.signed_out"
	mNoOtherSessions   msgID = "sessions.none"
	mLoginExpired      msgID = "stepup.expired"
	mLoginNotCompleted msgID = "stepup.not_completed"
	mLoginTooLong      msgID = "stepup.too_long"
	mLoginOtherAccount msgID = "stepup.started_by_other"
	mLoginIncomplete   msgID = "stepup.incomplete"
	mLoginUnverified   msgID = "stepup.unverified"
	mLoginUnreadable   msgID = "stepup.unreadable"
	mLoginMismatch     msgID = "stepup.mismatch"
	mLoginNotRecent    msgID = "stepup.not_recent"
	mLoginDifferent    msgID = "stepup.other_account"
	mLoginFailed       msgID = "stepup.failed"
	mLoginCodeUsed     msgID = "stepup.code_used"
)

// Labels: next steps, factor names, QR codes, destinations, waits.
const (
	lBackToList    msgID = "next.back_to_list"
	lBackToSetup   msgID = "next.back_to_setup"
	lHome          msgID = "next.home"
	lTryAgain      msgID = "next.try_again"
	lQRApp         msgID = "qr.app"
	lQRGuardian    msgID = "qr.guardian"
	lNumberEnding  msgID = "destination.number_ending"
	lYourPhone     msgID = "destination.your_phone"
	lYourEmail     msgID = "destination.your_email"
	lPhoneNumber   msgID = "field.phone_number"
	lEmailAddress  msgID = "field.email"
	lWaitFew       msgID = "wait.few_minutes"
	lWaitSeconds   msgID = "wait.seconds"
	lContinueWhere msgID = "label.continue_where"
	lWaitMinutes   msgID = "wait.minutes"
	lWaitHours     msgID = "wait.hours"
	lMethodTOTP    msgID = "method.totp"
	lMethodPush    msgID = "method.push"
	lMethodPhone   msgID = "method.phone"
	lMethodEmail   msgID = "method.email"
	lMethodAny     msgID = "method.any"
	lFactorTOTP    msgID = "factor.totp"
	lFactorPush    msgID = "factor.push"
	lFactorSMS     msgID = "factor.sms"
	lFactorVoice   msgID = "factor.voice"
	lFactorEmail   msgID = "factor.email"
)

// message is one sentence in English: text, or text by CLDR plural category for messages
// with a count ("one", "other").
type message struct {
	text   string
	plural map[string]string
}

// englishText is every user-facing sentence of the handler. Placeholders are {{.Name}}.
var englishText = map[msgID]message{
	tNotFound:         {text: "Page not found"},
	tInvalidRequest:   {text: "Invalid request"},
	tRefused:          {text: "Request refused"},
	tWentWrong:        {text: "Something went wrong"},
	tSignIn:           {text: "Please sign in"},
	tUnsupportedForm:  {text: "Unsupported form"},
	tFormTooLarge:     {text: "Form too large"},
	tInvalidForm:      {text: "Invalid form"},
	tNotAllowed:       {text: "Not allowed"},
	tBusy:             {text: "Another change is in progress"},
	tTryAgain:         {text: "Please try again"},
	tTooMany:          {text: "Too many attempts"},
	tNotAvailable:     {text: "Not available right now"},
	tServiceDown:      {text: "The sign-in service is unavailable"},
	tServiceSlow:      {text: "The sign-in service is slow"},
	tMethodOff:        {text: "Method not available"},
	tTooManyPending:   {text: "Too many unfinished attempts"},
	tServiceProblem:   {text: "The sign-in service had a problem"},
	tNotAdded:         {text: "Not added"},
	tCheckMethods:     {text: "Please check your sign-in methods"},
	tUnknownMethod:    {text: "Unknown sign-in method"},
	tKeepOne:          {text: "Keep at least one method"},
	tSignInExpired:    {text: "Sign-in expired"},
	tSignInIncomplete: {text: "Sign-in was not completed"},
	tSignInFailed:     {text: "Sign-in failed"},
	tSignInNotRecent:  {text: "Sign-in not recent"},
	tDifferentAccount: {text: "Different account"},
	tAdded:            {text: "Your {{.Method}} was added"},
	tRemoved:          {text: "{{.Method}} removed"},

	mNotFound:          {text: "This page does not exist."},
	mTooManyParams:     {text: "The address had too many parameters. Nothing was changed."},
	mCrossOrigin:       {text: "This request came from another site and was refused. Nothing was changed."},
	mPageFailed:        {text: "This page could not be shown. Go back to your sign-in methods to see their current state."},
	mInternal:          {text: "Your sign-in methods were not changed. Please try again in a moment."},
	mSignIn:            {text: "You need to be signed in to manage your sign-in methods."},
	mUnsupportedForm:   {text: "The form was sent in a format this page does not accept. Nothing was changed."},
	mFormTooLarge:      {text: "The form was too large. Nothing was changed."},
	mFormUnreadable:    {text: "The form could not be read. Nothing was changed."},
	mFormTooManyFields: {text: "The form had too many fields. Nothing was changed."},
	mFormFieldTwice:    {text: "A form field was sent twice. Nothing was changed."},
	mNotAllowed:        {text: "This page can't be used that way. Nothing was changed."},
	mBusy:              {text: "Another change to your sign-in methods is in progress. Nothing was changed; please try again in a moment."},
	mLockUnavailable:   {text: "Your sign-in methods could not be changed right now. Nothing was changed."},
	mCheckUnavailable:  {text: "Your request could not be checked right now. Nothing was changed."},
	mRecoveryNotShown:  {text: "Your recovery code could not be shown right now. Reload this page in a moment."},
	mActionDone:        {text: "This was done already, or it is no longer waiting. It was not done a second time."},
	mActionGone:        {text: "There is nothing waiting to be confirmed. Nothing was done; start again from where you were."},
	mActionNeedsFactor: {text: "That needs a second sign-in step, and your account has none yet. Add one below, then try again."},
	tActionDone:        {text: "Already done"},
	tActionGone:        {text: "Nothing to confirm"},
	mRecoveryFailed:    {text: "Your recovery code could not be created just now. Create it on your security page with “Create a recovery code”."},
	mRecoveryOff:       {text: "This site doesn't use recovery codes. So that you can't be locked out, add a second method as a backup."},
	mPolicyOverdue:     {text: "Your account now needs a second sign-in step. Add one below, then continue where you were."},
	mRecoveryLater: {text: "Your recovery code isn't ready yet: only a few changes to your sign-in methods are allowed each minute. " +
		"In {{.Wait}}, create it on your security page with “Create a recovery code”."},
	mTooMany: {text: "There have been too many attempts. Please wait {{.Wait}} and try again. Nothing was changed."},
	mConfig: {text: "Managing sign-in methods is not available right now because of a configuration problem on our side. " +
		"Nothing was changed. Please try again later or contact support."},
	mUpstream:       {text: "The sign-in service did not answer. Nothing was changed. Please try again in a moment."},
	mCircuitOpen:    {text: "The sign-in service is not answering right now. Nothing was changed. Please try again in a minute."},
	mFactorDisabled: {text: "This sign-in method is not available right now. Nothing was changed. Please choose another method."},
	mMaxAuthenticators: {text: "Your account has too many unfinished attempts to add a sign-in method. They expire after 24 hours; " +
		"please try again tomorrow or contact support to reset them."},
	mMethodOff:        {text: "This sign-in method is not available."},
	mMethodOffNothing: {text: "This sign-in method is not available. Nothing was changed."},
	mBadEmail:         {text: "Enter an email address such as name@example.com."},
	mBadPhoneRefused:  {text: "This phone number can't be used. Check it and try again."},
	mBadEmailRefused:  {text: "This email address can't be used. Check it and try again."},
	mNotInProgress:    {text: "That enrollment is no longer in progress. Nothing was changed."},
	mEnded:            {text: "That setup has already ended (it was confirmed or cancelled, perhaps in another tab). Nothing else was changed."},
	mCodeMalformed:    {text: "Enter the 6-digit code."},
	mCodeWrong:        {text: "That code didn't work. Check it and try again."},
	mCodeExpired:      {text: "That code has expired. Send a new code and enter it."},
	mTooManyWrong:     {text: "Too many wrong codes. That attempt was cancelled and nothing was added; you can start again."},
	mNotActivated: {text: "The sign-in service accepted the confirmation, but your {{.Method}} does not show as active. " +
		"It was not added. Please try again, or cancel and start again."},
	mAmbiguous: {text: "The sign-in service did not answer in time, so we could not tell whether your {{.Method}} was added. " +
		"Go back to your sign-in methods to see whether it is listed."},
	mConfirmTimeout: {text: "The sign-in service did not answer in time. Go back to your sign-in methods to see whether your " +
		"{{.Method}} was added, or enter a new code."},
	mAdded:            {text: "Your {{.Method}} was added."},
	mAddedBut:         {text: "Your {{.Method}} was added, but this page could not be updated. Go back to your sign-in methods to see it."},
	mNoMoreSends:      {text: "No more codes can be sent for this attempt. Cancel and start again later."},
	mSent:             {text: "A new code was sent."},
	mCancelled:        {text: "Cancelled. Nothing was added."},
	mAddedUnsaved:     {text: "Your {{.Method}} was added. If you did not save your recovery code, contact support to get a new one."},
	mReadyUnsaved:     {text: "Your new sign-in method is ready. If you did not save your recovery code, contact support to get a new one."},
	mReady:            {text: "Your new sign-in method is ready."},
	mUnknownMethod:    {text: "That sign-in method was not found."},
	mUnknownNothing:   {text: "That sign-in method was not found. Nothing was changed."},
	mGuarded:          {text: "This is your only sign-in method, so it can't be removed. Add another method first. Nothing was changed."},
	mAlreadyRemoved:   {text: "That sign-in method was already removed."},
	mVerifiedEmail:    {text: "This email address is your account's verified email and can't be removed here."},
	mVerifiedEmailRow: {text: "Your account's email: can't be removed here"},
	mRenamed:          {text: "The method is now called “{{.Name}}”."},
	mBadName:          {text: "Enter a name of 1 to 64 characters, without control characters. Nothing was changed."},
	mChannelVoice:     {text: "Codes for this phone now come by voice call."},
	mChannelSMS:       {text: "Codes for this phone now come by text message."},
	mBadChannel:       {text: "Only a phone can switch between text messages and voice calls. Nothing was changed."},
	mNotSupported:     {text: "This can't be changed here. Nothing was changed."},
	mRemoved:          {text: "{{.Method}} removed."},
	mRemovedPhonePair: {text: "Phone removed (text messages and voice calls)."},
	mRemovedUnchecked: {text: "{{.Removed}} The list below may not be up to date yet; reload the page in a moment."},
	mRemovedBut:       {text: "{{.Removed}} This page could not be updated; go back to your sign-in methods."},
	mStillListed: {text: "The sign-in service answered that the method was removed, but it is still listed. " +
		"Reload your sign-in methods to check, and try again if it is still there."},
	mMaybeCompanion:    {text: "If these codes come from the Guardian app, removing them also turns off sign-in notifications on that device."},
	mChoiceClosed:      {text: "That choice is no longer open. Nothing was changed."},
	mChooseSignOut:     {text: "Choose whether to sign out your other sessions. Nothing was changed."},
	mKeptSessions:      {text: "Your other sessions stay signed in."},
	mSignOutFailed:     {text: "Your other sessions could not be signed out right now. Please try again in a moment."},
	mSignedOut:         {text: "You were signed out everywhere else."},
	mNoOtherSessions:   {text: "There were no other sessions to sign out."},
	mLoginExpired:      {text: "This sign-in attempt has expired or was already used. Nothing was changed."},
	mLoginNotCompleted: {text: "The sign-in was cancelled or could not be completed. Nothing was changed."},
	mLoginTooLong:      {text: "This sign-in attempt took too long. Nothing was changed."},
	mLoginOtherAccount: {text: "This sign-in attempt belongs to another account. Nothing was changed."},
	mLoginIncomplete:   {text: "The sign-in answer was incomplete. Nothing was changed."},
	mLoginUnverified:   {text: "The sign-in answer could not be verified. Nothing was changed."},
	mLoginUnreadable:   {text: "The sign-in answer could not be read. Nothing was changed."},
	mLoginMismatch:     {text: "The sign-in answer did not match this attempt. Nothing was changed."},
	mLoginNotRecent:    {text: "Please sign in again to manage your sign-in methods."},
	mLoginDifferent: {text: "You confirmed your identity with a different account than the one you are signed in with. " +
		"Nothing was changed. Sign in again with the same account."},
	mLoginFailed:   {text: "The sign-in could not be completed. Nothing was changed. Please try again."},
	mLoginCodeUsed: {text: "This sign-in answer was already used, has expired or belongs to another attempt. Nothing was changed."},

	lBackToList:    {text: "Back to sign-in methods"},
	lBackToSetup:   {text: "Back to the setup"},
	lHome:          {text: "Go to the home page"},
	lTryAgain:      {text: "Try again"},
	lQRApp:         {text: "QR code for your authenticator app"},
	lQRGuardian:    {text: "QR code for the Auth0 Guardian app"},
	lNumberEnding:  {text: "the number ending in {{.Last4}}"},
	lYourPhone:     {text: "your phone"},
	lYourEmail:     {text: "your email address"},
	lPhoneNumber:   {text: "phone number"},
	lEmailAddress:  {text: "email address"},
	lWaitFew:       {text: "a few minutes"},
	lContinueWhere: {text: "Continue where you were"},
	lWaitSeconds:   {plural: map[string]string{"one": "a second", "other": "{{.Count}} seconds"}},
	lWaitMinutes:   {plural: map[string]string{"one": "a minute", "other": "{{.Count}} minutes"}},
	lWaitHours:     {plural: map[string]string{"one": "an hour", "other": "{{.Count}} hours"}},
	lMethodTOTP:    {text: "Authenticator app"},
	lMethodPush:    {text: "Auth0 Guardian app"},
	lMethodPhone:   {text: "Phone"},
	lMethodEmail:   {text: "Email"},
	lMethodAny:     {text: "Sign-in method"},
	lFactorTOTP:    {text: "authenticator app"},
	lFactorPush:    {text: "Guardian app"},
	lFactorSMS:     {text: "text message"},
	lFactorVoice:   {text: "voice call"},
	lFactorEmail:   {text: "email"},
}

// arg is one named value of a message.
type arg struct{ name, value string }

func a(name, value string) arg { return arg{name, value} }

// t is the sentence id in the request's language, with args filled in.
func (h *Handler) t(_ *http.Request, id msgID, args ...arg) string {
	m := englishText[id]
	return fill(m.text, args)
}

// tn is the plural sentence id for count.
func (h *Handler) tn(_ *http.Request, id msgID, count int, args ...arg) string {
	m := englishText[id]
	form := m.plural["other"]
	if count == 1 && m.plural["one"] != "" {
		form = m.plural["one"]
	}
	return fill(form, append(args, a("Count", strconv.Itoa(count))))
}

// fill replaces each {{.Name}} of text with its arg.
func fill(text string, args []arg) string {
	if len(args) == 0 || !strings.Contains(text, "{{.") {
		return text
	}
	for _, x := range args {
		text = strings.ReplaceAll(text, "{{."+x.name+"}}", x.value)
	}
	return text
}

// waitText turns a Retry-After into words.
func (h *Handler) waitText(r *http.Request, d time.Duration) string {
	switch {
	case d <= 0:
		return h.t(r, lWaitFew)
	case d < time.Minute:
		// The real number: Auth0's per-minute limits answer waits of seconds.
		return h.tn(r, lWaitSeconds, int((d+time.Second-1)/time.Second))
	case d < time.Hour:
		return h.tn(r, lWaitMinutes, max(1, int((d+time.Minute-1)/time.Minute)))
	default:
		return h.tn(r, lWaitHours, int((d+time.Hour-1)/time.Hour))
	}
}
