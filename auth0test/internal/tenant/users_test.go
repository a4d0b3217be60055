package tenant

import (
	"errors"
	"testing"
)

func TestAddUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		user User
		want error
	}{
		{"valid", User{ID: "auth0|507f1f77bcf86cd799439011", Email: "carol@example.com"}, nil},
		{"id without auth0 prefix", User{ID: "google-oauth2|1", Email: "d@example.com"}, ErrInvalidUser},
		{"empty id", User{Email: "d@example.com"}, ErrInvalidUser},
		{"bad email", User{ID: "auth0|d", Email: "not-an-email"}, ErrInvalidUser},
		{"email without domain dot", User{ID: "auth0|d", Email: "d@localhost"}, ErrInvalidUser},
		{"social user", User{ID: "google-oauth2|1", Email: "g@example.com", Connection: "google-oauth2"}, nil},
		{"social user with a password", User{ID: "google-oauth2|1", Email: "g@example.com", Password: "pw", Connection: "google-oauth2"}, ErrInvalidUser},
		{"social user with an auth0 id", User{ID: "auth0|1", Email: "g@example.com", Connection: "google-oauth2"}, ErrInvalidUser},
		{"connection auth0", User{ID: "auth0|1", Email: "g@example.com", Connection: "auth0"}, ErrInvalidUser},
		{"connection not a name", User{ID: "Google|1", Email: "g@example.com", Connection: "Google"}, ErrInvalidUser},
		{"duplicate id", User{ID: alice, Email: "new@example.com"}, ErrDuplicateUser},
		{"duplicate email, other case", User{ID: "auth0|x", Email: "USER@example.com"}, ErrDuplicateUser},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, _ := newTestTenant(t)
			err := tn.AddUser(tc.user)
			if !errors.Is(err, tc.want) {
				t.Fatalf("AddUser = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestUserLookupAndPassword(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	if u, ok := tn.User(alice); !ok || u.Email != "user@example.com" {
		t.Fatalf("User(alice) = %v, %v", u, ok)
	}
	if _, ok := tn.User("auth0|nobody"); ok {
		t.Fatal("User(nobody) found")
	}
	if u, ok := tn.UserByEmail("User@Example.com"); !ok || u.ID != alice {
		t.Fatalf("UserByEmail = %v, %v", u, ok)
	}
	tests := []struct {
		name, email, password string
		ok                    bool
	}{
		{"right", "user@example.com", "alice-pw", true},
		{"email case-insensitive", "USER@example.com", "alice-pw", true},
		{"wrong", "user@example.com", "alice-pw2", false},
		{"prefix", "user@example.com", "alice", false},
		{"other user's", "user@example.com", "bob-pw", false},
		{"unknown email", "nobody@example.com", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u, ok := tn.CheckPassword(tc.email, tc.password)
			if ok != tc.ok || (ok && u.ID != alice) {
				t.Fatalf("CheckPassword = %v, %v; want ok=%v", u, ok, tc.ok)
			}
		})
	}
	if err := tn.AddUser(User{ID: "auth0|nopw", Email: "nopw@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := tn.CheckPassword("nopw@example.com", ""); ok {
		t.Fatal("empty password accepted for a user without password")
	}
}

func TestSettingsAreCopied(t *testing.T) {
	t.Parallel()
	s := DefaultSettings()
	tn := New(nil, nil, s)
	s.Factors[FactorOTP] = false
	if !tn.Settings().Factors[FactorOTP] {
		t.Fatal("New kept the caller's map")
	}
	got := tn.Settings()
	got.Factors[FactorSMS] = false
	if !tn.Settings().Factors[FactorSMS] {
		t.Fatal("Settings returned the tenant's map")
	}
	tn.SetSettings(Settings{})
	if got := tn.Settings(); got.FriendlyName != defaultFriendlyName || got.GuardianURL != defaultGuardianURL || got.Factors[FactorOTP] {
		t.Fatalf("SetSettings(zero) = %+v", got)
	}
}
