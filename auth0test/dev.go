package auth0test

import (
	"net/http"
	"slices"
)

// The dev pages exist to show codes and decide pushes by hand; they are
// served only with WithDevPages(true).

func (s *Server) devNotFound(w http.ResponseWriter) bool {
	if s.devPages {
		return false
	}
	writeAPIError(w, newAPIError(http.StatusNotFound, ErrCodeNotFound, "Not Found"))
	return true
}

func (s *Server) handleDevInbox(w http.ResponseWriter, r *http.Request) {
	if s.devNotFound(w) {
		return
	}
	msgs := s.Outbox()
	slices.Reverse(msgs)
	s.renderPage(w, http.StatusOK, pageData{Title: "Inbox", Kind: "inbox", Messages: msgs})
}

func (s *Server) allPendingPushes() []PushRequest {
	var out []PushRequest
	for _, u := range s.Users() {
		out = append(out, s.PendingPushes(u.ID)...)
	}
	return out
}

func (s *Server) handleDevGuardian(w http.ResponseWriter, r *http.Request) {
	if s.devNotFound(w) {
		return
	}
	s.renderPage(w, http.StatusOK, pageData{Title: "Guardian", Kind: "guardian", Pushes: s.allPendingPushes()})
}

func (s *Server) handleDevGuardianPost(w http.ResponseWriter, r *http.Request) {
	if s.devNotFound(w) {
		return
	}
	if !readForm(w, r) {
		s.renderError(w, http.StatusBadRequest, "Bad request", "The form could not be read.", "", "")
		return
	}
	id := r.PostForm.Get("id")
	var err error
	switch r.PostForm.Get("decision") {
	case "approve":
		err = s.ApprovePush(id)
	case "reject":
		err = s.RejectPush(id)
	default:
		s.renderError(w, http.StatusBadRequest, "Bad request", "Choose Approve or Reject.", "/_dev/guardian", "Back")
		return
	}
	if err != nil {
		s.renderError(w, http.StatusBadRequest, "Push not found", "That notification is no longer pending.", "/_dev/guardian", "Back")
		return
	}
	http.Redirect(w, r, "/_dev/guardian", http.StatusSeeOther)
}
