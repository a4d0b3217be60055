package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/views"
)

//go:embed static
var static embed.FS

// Session keys of the app. selfmfa keeps its own keys, under "mfa.", in the same session.
const (
	keyUser     = "user" // the Auth0 subject of the signed-in user
	keyName     = "name"
	keyEmail    = "email"
	keyState    = "login.state"
	keyNonce    = "login.nonce"
	keyVerifier = "login.verifier"
	keyNext     = "login.next"
)

// host is the app itself: its pages and its own sign-in with go-oidc and x/oauth2.
type host struct {
	sm        *scs.SessionManager
	oauth     *oauth2.Config
	verifier  *oidc.IDTokenVerifier
	client    *http.Client // for the code exchange and the tenant's keys
	logoutURL string       // the tenant's /v2/logout, back to the home page
	csp       string
	log       *slog.Logger
	// mfa, when set, is handed the token of every login (its audience and scopes are asked
	// for), so the security page needs no second challenge right after signing in.
	mfa *mfahandler.Handler
	// devPages is the emulated tenant's URL when the example started it with its dev pages
	// (inbox, Guardian); "" on a real tenant. The code and push pages then link to them.
	devPages string
}

// requestPathKey carries the request's path to mfaLayout, which sees only the context.
type requestPathKey struct{}

func (h *host) routes(mfa http.Handler, mfaPattern string, cop *http.CrossOriginProtection) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /login", h.login)
	mux.HandleFunc("GET /callback", h.callback)
	mux.Handle("POST /logout", cop.Handler(http.HandlerFunc(h.logout)))
	mux.HandleFunc("GET /account", h.account)
	mux.Handle("GET /account/payouts", h.mfa.RequireMFA(http.HandlerFunc(h.payouts)))
	mux.Handle("POST /account/payouts", h.mfa.RequireRecentMFA("Send a payout of $100", http.HandlerFunc(h.sendPayout)))
	mux.Handle("GET /static/", http.FileServerFS(static))
	mux.Handle(mfaPattern, mfa) // selfmfa routes on full paths: no http.StripPrefix
	return h.sm.LoadAndSave(h.headers(mux))
}

// headers sets the app's security headers. selfmfa sets its own on its pages.
func (h *host) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", h.csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestPathKey{}, r.URL.Path)))
	})
}

// currentUser is the CurrentUser of mfahandler.Config.
func (h *host) currentUser(r *http.Request) (string, bool) {
	sub := h.sm.GetString(r.Context(), keyUser)
	return sub, sub != ""
}

func (h *host) viewer(ctx context.Context) *viewer {
	if h.sm.GetString(ctx, keyUser) == "" {
		return nil
	}
	return &viewer{Name: h.sm.GetString(ctx, keyName), Email: h.sm.GetString(ctx, keyEmail)}
}

// mfaLayout wraps selfmfa's pages in the app's chrome (mfahandler.WithLayout). The user is read
// when the page renders, from the request's context.
func (h *host) mfaLayout(meta views.PageMeta, body templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if h.devPages != "" {
			path, _ := ctx.Value(requestPathKey{}).(string)
			switch path {
			case meta.BasePath + "/enroll/code": // text message, voice call and email codes
				body = templ.Join(devNote(templ.SafeURL(h.devPages+"/_dev/inbox"), "Nothing is really sent on the emulated tenant: read the code in its", "dev inbox"), body)
			case meta.BasePath + "/enroll/push", meta.BasePath + "/enroll/push/status": // the waiting page
				body = templ.Join(devNote(templ.SafeURL(h.devPages+"/_dev/guardian"), "No phone is needed on the emulated tenant: answer the request on its", "Guardian page"), body)
			}
		}
		return layout(h.viewer(ctx), meta.BasePath+"/", meta, body).Render(ctx, w)
	})
}

func (h *host) render(w http.ResponseWriter, r *http.Request, status int, title string, body templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	meta := views.PageMeta{Title: title}
	if err := layout(h.viewer(r.Context()), r.URL.Path, meta, body).Render(r.Context(), w); err != nil {
		h.log.Error("app: rendering page", "path", r.URL.Path, "error", err)
	}
}

func (h *host) home(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "Home", homePage(h.viewer(r.Context())))
}

func (h *host) account(w http.ResponseWriter, r *http.Request) {
	v := h.viewer(r.Context())
	if v == nil {
		http.Redirect(w, r, "/login?next=/account", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "Your account", accountPage(*v, h.mfa.Nudge(r)))
}

// payouts is a page the policy protects: after the deadline, only with a second factor.
func (h *host) payouts(w http.ResponseWriter, r *http.Request) {
	v := h.viewer(r.Context())
	if v == nil {
		http.Redirect(w, r, "/login?next=/account/payouts", http.StatusSeeOther)
		return
	}
	sent := h.sm.PopString(r.Context(), "payout.flash")
	h.render(w, r, http.StatusOK, "Payouts", payoutsPage(sent))
}

// sendPayout is an action that needs a recent second factor (RequireRecentMFA): it runs once
// per confirmation.
func (h *host) sendPayout(w http.ResponseWriter, r *http.Request) {
	h.sm.Put(r.Context(), "payout.flash", "A payout of $"+r.PostFormValue("amount")+" was sent.")
	http.Redirect(w, r, "/account/payouts", http.StatusSeeOther)
}

// toLogin sends visitors who are not signed in to the login, and back afterwards
// (mfahandler.WithUnauthenticated).
func (h *host) toLogin(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
}

// login starts the authorization-code flow: state, nonce and a PKCE verifier are kept in the
// session until the callback.
func (h *host) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	next := localPath(r.URL.Query().Get("next"))
	if _, ok := h.currentUser(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	h.sm.Put(ctx, keyState, state)
	h.sm.Put(ctx, keyNonce, nonce)
	h.sm.Put(ctx, keyVerifier, verifier)
	h.sm.Put(ctx, keyNext, next)
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)}
	if h.mfa != nil {
		// The login asks for selfmfa's audience, so the one MFA challenge of the login also
		// covers the security page (AdoptToken below): no second code right after signing in.
		opts = append(opts, oauth2.SetAuthURLParam("audience", h.mfa.Audience()))
	}
	http.Redirect(w, r, h.oauth.AuthCodeURL(state, opts...), http.StatusSeeOther)
}

// callback finishes the login: the state matches, the code is exchanged with the PKCE verifier,
// the ID token is verified (signature, issuer, audience, expiry) and carries the nonce. The
// session is then cleared and renewed: a new session id for the signed-in user.
func (h *host) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	state, nonce := h.sm.PopString(ctx, keyState), h.sm.PopString(ctx, keyNonce)
	verifier, next := h.sm.PopString(ctx, keyVerifier), localPath(h.sm.PopString(ctx, keyNext))
	q := r.URL.Query()
	if state == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		h.fail(w, r, "This sign-in has expired or was already used.", errors.New("unknown state"))
		return
	}
	if e := q.Get("error"); e != "" {
		h.fail(w, r, "The sign-in was cancelled or refused.", fmt.Errorf("authorize answered error=%.40q", e))
		return
	}
	octx := oidc.ClientContext(ctx, h.client)
	tok, err := h.oauth.Exchange(octx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		h.fail(w, r, "The sign-in could not be completed.", fmt.Errorf("code exchange: %w", err))
		return
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := h.verifier.Verify(octx, rawID)
	if err != nil {
		h.fail(w, r, "The sign-in could not be verified.", fmt.Errorf("id token: %w", err))
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		h.fail(w, r, "The sign-in could not be verified.", errors.New("id token nonce mismatch"))
		return
	}
	var claims struct{ Name, Email string }
	if err := idt.Claims(&claims); err != nil {
		h.fail(w, r, "The sign-in could not be verified.", fmt.Errorf("id token claims: %w", err))
		return
	}
	if err := h.sm.Clear(ctx); err != nil {
		h.fail(w, r, "The sign-in could not be completed.", err)
		return
	}
	if err := h.sm.RenewToken(ctx); err != nil {
		h.fail(w, r, "The sign-in could not be completed.", err)
		return
	}
	h.sm.Put(ctx, keyUser, idt.Subject)
	h.sm.Put(ctx, keyName, claims.Name)
	h.sm.Put(ctx, keyEmail, claims.Email)
	h.log.Info("app: signed in", "user", idt.Subject)
	if h.mfa != nil {
		if err := h.mfa.AdoptToken(w, r, tok); err != nil {
			h.log.Info("app: selfmfa did not take the login's token; the security page will ask for a step-up", "error", err)
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the app's session, then the tenant's single-sign-on session.
func (h *host) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.sm.Destroy(r.Context()); err != nil {
		h.fail(w, r, "You could not be signed out. Please try again.", err)
		return
	}
	http.Redirect(w, r, h.logoutURL, http.StatusSeeOther)
}

func (h *host) fail(w http.ResponseWriter, r *http.Request, message string, err error) {
	h.log.Warn("app: sign-in failed", "path", r.URL.Path, "error", err)
	h.render(w, r, http.StatusBadRequest, "Sign-in failed", problemPage("Sign-in failed", message))
}

// localPath keeps a post-login destination inside the signed-in area; anything else is /account.
func localPath(p string) string {
	if p != "/account" && (!strings.HasPrefix(p, "/account/") || strings.ContainsAny(p, "\\?#") ||
		strings.Contains(p, "//") || strings.Contains(p, "..")) {
		return "/account"
	}
	return p
}
