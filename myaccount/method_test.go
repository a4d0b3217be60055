package myaccount

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestMethodDecoding: unknown types decode as generic methods, documented ones strictly.
func TestMethodDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want Method
		bad  bool
	}{
		{name: "unknown type keeps the common members, whatever its other members",
			body: `{"id":"carrier-pigeon|dev_1","type":"carrier-pigeon","confirmed":true,"name":"Coo","usage":["secondary"],"transports":"by air","key_id":7,"created_at":"2026-01-02T03:04:05.000Z"}`,
			want: Method{ID: "carrier-pigeon|dev_1", Type: "carrier-pigeon", Confirmed: true, Name: "Coo", Usage: []Usage{UsageSecondary},
				CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{name: "unknown type with an odd common member", body: `{"id":"x|1","type":"x","confirmed":"yes","usage":"primary"}`,
			want: Method{ID: "x|1", Type: "x"}},
		{name: "pending totp", body: `{"id":"totp|dev_1","type":"totp","confirmed":false,"usage":["secondary"],"created_at":"2025-01-15T10:30:00.000Z"}`,
			want: Method{ID: "totp|dev_1", Type: TypeTOTP, Usage: []Usage{UsageSecondary}, CreatedAt: time.Date(2025, 1, 15, 10, 30, 0, 0, time.UTC)}},
		{name: "unparsable times are zero", body: `{"id":"totp|dev_1","type":"totp","confirmed":true,"created_at":"yesterday","last_auth_at":"2025-13-45"}`,
			want: Method{ID: "totp|dev_1", Type: TypeTOTP, Confirmed: true}},
		{name: "last used", body: `{"id":"email|dev_1","type":"email","confirmed":true,"email":"a@b.co","last_auth_at":"2026-11-25T08:00:00Z"}`,
			want: Method{ID: "email|dev_1", Type: TypeEmail, Confirmed: true, Email: "a@b.co", LastAuthAt: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}},
		{name: "null members read as absent", body: `{"id":"phone|dev_1","type":"phone","confirmed":null,"phone_number":null,"name":null}`,
			want: Method{ID: "phone|dev_1", Type: TypePhone}},
		{name: "documented type with a wrong member", body: `{"id":"passkey|1","type":"passkey","credential_backed_up":"true"}`, bad: true},
		{name: "documented type with a wrong usage", body: `{"id":"totp|1","type":"totp","usage":"secondary"}`, bad: true},
		{name: "no id", body: `{"type":"totp","confirmed":true}`, bad: true},
		{name: "no type", body: `{"id":"totp|1"}`, bad: true},
		{name: "not an object", body: `["totp"]`, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var m Method
			err := json.Unmarshal([]byte(tt.body), &m)
			if tt.bad {
				if err == nil {
					t.Fatalf("decoded %#v, want an error", m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m, tt.want) {
				t.Fatalf("got  %#v\nwant %#v", m, tt.want)
			}
		})
	}
}

// TestListWithABadMethodIsMalformed: one documented method of the wrong shape makes the whole
// list a malformed answer (never a silently shortened list); an unknown type never does.
func TestListWithABadMethodIsMalformed(t *testing.T) {
	t.Parallel()
	c, _ := serveStub(t, stub{body: `{"authentication_methods":[{"id":"totp|1","type":"totp","confirmed":"no"}]}`})
	if _, err := c.Methods(t.Context(), testToken, ""); !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("err = %v, want ErrMalformedResponse", err)
	}
	c, _ = serveStub(t, stub{body: `{"authentication_methods":[{"id":"new|1","type":"new","confirmed":"no"},{"id":"totp|1","type":"totp","confirmed":true}]}`})
	list, err := c.Methods(t.Context(), testToken, "")
	if err != nil || len(list) != 2 || list[0].Type != "new" || list[0].Type.Known() || !list[1].Confirmed {
		t.Fatalf("list %v, err %v", list, err)
	}
	for _, body := range []string{`{}`, `{"authentication_methods":null}`, `[]`, `{"authentication_methods":{}}`} {
		c, _ = serveStub(t, stub{body: body})
		if _, err := c.Methods(t.Context(), testToken, ""); !errors.Is(err, ErrMalformedResponse) {
			t.Errorf("%s: err = %v, want ErrMalformedResponse", body, err)
		}
	}
	c, _ = serveStub(t, stub{body: `{"factors":null}`})
	if _, err := c.Factors(t.Context(), testToken); !errors.Is(err, ErrMalformedResponse) {
		t.Errorf("factors null: err = %v", err)
	}
	c, _ = serveStub(t, stub{contentType: "text/html", body: oasList})
	if _, err := c.Methods(t.Context(), testToken, ""); !errors.Is(err, ErrMalformedResponse) {
		t.Errorf("HTML Content-Type: err = %v", err)
	}
}
