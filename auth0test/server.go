package auth0test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// Server is an emulated Auth0 tenant listening on loopback. Create it with
// NewServer or RunT. All methods are safe for concurrent use.
type Server struct {
	clock  *clock
	random *lockedReader
	log    *slog.Logger
	keys   *signer
	scheme string  // "http", or "https" WithTLS
	ca     *testCA // WithTLS: the CA of the listener's certificate
	tenant *tenant.Tenant

	ln           net.Listener
	httpServer   *http.Server
	handler      http.Handler
	transport    *http.Transport
	domain       string
	customDomain string
	devPages     bool
	tenantName   string
	invalidCli   bool
	requestLog   bool

	closing   chan struct{}
	closeOnce sync.Once
	inflight  tracker
	serveErr  chan error

	mu         sync.Mutex
	clients    map[string]*client
	firstID    string
	apis       map[string][]string
	userIDs    []string
	txs        map[string]*authTx
	codes      map[string]*authCode
	sessions   map[string]*ssoSession
	loginQueue []string
	// challengePasses counts, per user, the Universal Login challenges PassNextChallenge
	// answers.
	challengePasses map[string]int
	faults          []*faultEntry
	mfaMeta         map[string]mfaTokenMeta
	bucket          *bucket
	refresh         refreshStore
	mePlan          MyAccountPlan
	meOff           bool               // WithoutMyAccountAPI
	meBuckets       map[string]*bucket // per user and kind of My Account request
	passkeyRPID     string             // WithPasskeyRPID
}

type client struct {
	id, secret   string
	redirectURIs []string
	logoutURLs   []string
	logoutSet    bool
	grants       map[string]bool
	rotation     rotation
	meGrant      []string // the client grant for the My Account API (nil: none)
	webOrigins   []string // WithWebOrigins
	webOriginsOn bool     // webOrigins set (else: the redirect URIs' origins)
}

func (c *client) public() bool { return c.secret == "" }

// mfaTokenMeta remembers what the login that produced an opaque mfa_token
// asked for, so the MFA grant can issue the tokens of that login.
type mfaTokenMeta struct {
	audience, scope string
	authTime        time.Time
	expires         time.Time
}

// NewServer starts an emulated tenant on a loopback listener. Close it
// when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{addr: "127.0.0.1:0", tenantName: "auth0emu", rateLimit: RateLimit, rateWindow: RateLimitWindow}
	for _, o := range opts {
		o(&cfg)
	}
	random := cfg.random
	if random == nil {
		random = rand.Reader
	}
	s := &Server{
		clock:       &clock{base: cfg.clock},
		random:      &lockedReader{r: random},
		log:         cfg.logger,
		devPages:    cfg.devPages,
		tenantName:  cfg.tenantName,
		invalidCli:  cfg.invalidClient,
		requestLog:  cfg.requestLog,
		closing:     make(chan struct{}),
		serveErr:    make(chan error, 1),
		clients:     map[string]*client{},
		mePlan:      cfg.mePlan,
		passkeyRPID: cfg.passkeyRPID,
		meOff:       cfg.meOff,
		apis:        map[string][]string{},
		txs:         map[string]*authTx{},
		codes:       map[string]*authCode{},
		sessions:    map[string]*ssoSession{},
		mfaMeta:     map[string]mfaTokenMeta{},
	}
	if s.clock.base == nil {
		s.clock.base = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.rateLimit > 0 {
		if cfg.rateWindow <= 0 {
			return nil, errors.New("auth0test: WithRateLimit needs a positive window")
		}
		s.bucket = newBucket(cfg.rateLimit, cfg.rateWindow, s.clock.Now())
	}
	keys, err := newSigner(cfg.key, cfg.freshKey)
	if err != nil {
		return nil, err
	}
	s.keys = keys

	if err := s.setupClients(&cfg); err != nil {
		return nil, err
	}
	for _, a := range cfg.apis {
		if a.identifier == "" {
			return nil, errors.New("auth0test: WithAPI needs an identifier")
		}
		s.apis[a.identifier] = a.scopes
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("auth0test: listening on %s: %w", cfg.addr, err)
	}
	s.scheme = "http"
	if cfg.tls {
		ca, err := processCA()
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		s.ca, s.scheme = ca, "https"
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{ca.server}, MinVersion: tls.VersionTLS12})
	}
	s.ln = ln
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		_ = ln.Close()
		return nil, fmt.Errorf("auth0test: listener address %v is not TCP", ln.Addr())
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	port := strconv.Itoa(tcp.Port)
	s.domain = net.JoinHostPort(host, port)
	s.customDomain = net.JoinHostPort("localhost", port)

	settings := DefaultSettings()
	if cfg.settings != nil {
		settings = cfg.settings.clone()
	}
	if settings.FriendlyName == "" || cfg.settings == nil {
		settings.FriendlyName = cfg.tenantName
	}
	s.tenant = tenant.New(s.clock.Now, s.random, settings.toTenant(s.guardianURL()))
	for _, u := range cfg.users {
		if _, err := s.AddUser(u); err != nil {
			_ = ln.Close()
			return nil, err
		}
	}

	s.handler = s.routes()
	s.httpServer = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.Background() },
	}
	tr, _ := http.DefaultTransport.(*http.Transport)
	if tr != nil {
		s.transport = tr.Clone()
	} else {
		s.transport = &http.Transport{}
	}
	if s.ca != nil {
		s.transport.TLSClientConfig = &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12}
	}
	go func() { s.serveErr <- s.httpServer.Serve(ln) }()
	return s, nil
}

func (s *Server) setupClients(cfg *config) error {
	if len(cfg.clients) == 0 {
		cfg.clients = []*clientConfig{{id: s.randomAlnum(32), secret: s.randomAlnum(64)}}
	}
	for _, cc := range cfg.clients {
		if cc.id == "" {
			return errors.New("auth0test: WithClient needs a client id")
		}
		if _, dup := s.clients[cc.id]; dup {
			return fmt.Errorf("auth0test: client %q registered twice", cc.id)
		}
		c := &client{id: cc.id, secret: cc.secret, grants: map[string]bool{}}
		for _, u := range cc.redirectURIs {
			if err := validRedirectURI(u); err != nil {
				return err
			}
			c.redirectURIs = append(c.redirectURIs, u)
		}
		for _, g := range defaultGrantTypes() {
			c.grants[g] = true
		}
		s.clients[c.id] = c
		if s.firstID == "" {
			s.firstID = c.id
		}
	}
	for _, g := range cfg.grantOverrides {
		c := s.clients[g.clientID]
		if c == nil {
			return fmt.Errorf("auth0test: WithGrantTypes: unknown client %q", g.clientID)
		}
		c.grants = map[string]bool{}
		for _, v := range g.values {
			c.grants[v] = true
		}
	}
	for _, g := range cfg.meGrants {
		if g.clientID == "" {
			g.clientID = s.firstID
		}
		c := s.clients[g.clientID]
		if c == nil {
			return fmt.Errorf("auth0test: WithMyAccountGrant: unknown client %q", g.clientID)
		}
		for _, sc := range g.values {
			if !slices.Contains(meScopes(), sc) {
				return fmt.Errorf("auth0test: WithMyAccountGrant: %q is not a My Account scope", sc)
			}
		}
		c.meGrant = g.values
		if len(c.meGrant) == 0 {
			c.meGrant = meScopes()
		}
	}
	for _, ro := range cfg.rotations {
		c := s.clients[ro.clientID]
		if c == nil {
			return fmt.Errorf("auth0test: WithRefreshTokenRotation: unknown client %q", ro.clientID)
		}
		if ro.overlap < 0 {
			return errors.New("auth0test: WithRefreshTokenRotation: the overlap period cannot be negative")
		}
		c.rotation = ro.rotation
	}
	if err := s.setupWebOrigins(cfg); err != nil {
		return err
	}
	for _, l := range cfg.logoutURLs {
		c := s.clients[l.clientID]
		if c == nil {
			return fmt.Errorf("auth0test: WithLogoutURLs: unknown client %q", l.clientID)
		}
		c.logoutURLs = append(c.logoutURLs, l.values...)
		c.logoutSet = true
	}
	return nil
}

// RunT starts a server and closes it in t.Cleanup; a failure to start is
// fatal. Without WithLogger the server logs its warnings and errors (and,
// with WithRequestLog, one line per request) to t.Logf.
func RunT(t Tester, opts ...Option) *Server {
	t.Helper()
	all := append([]Option{WithLogger(slog.New(slog.NewTextHandler(testLogWriter{t}, nil)))}, opts...)
	s, err := NewServer(all...)
	if err != nil {
		t.Fatalf("auth0test: starting server: %v", err)
		return nil
	}
	t.Cleanup(s.Close)
	return s
}

type testLogWriter struct{ t Tester }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Close stops the server: hanging fault-injected requests are released,
// connections are closed, and Close returns once every handler has
// returned. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		_ = s.httpServer.Close()
		s.transport.CloseIdleConnections()
		s.inflight.wait()
		<-s.serveErr
	})
}

// Shutdown stops accepting connections and waits for in-flight requests
// (hanging ones are released) until ctx is done, then closes.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closing)
		err = s.httpServer.Shutdown(ctx)
		if err != nil {
			_ = s.httpServer.Close()
		}
		s.transport.CloseIdleConnections()
		s.inflight.wait()
		<-s.serveErr
	})
	if err != nil {
		return fmt.Errorf("auth0test: shutdown: %w", err)
	}
	return nil
}

// ServeHTTP serves the tenant. Requests must come through Domain or
// CustomDomain (the Host header decides the issuer); others get 421.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.add()
	defer s.inflight.done()
	s.handler.ServeHTTP(w, r)
}

func (s *Server) guardianURL() string { return s.URL() }

// tracker counts running handlers so Close can wait for them.
type tracker struct {
	mu   sync.Mutex
	n    int
	cond *sync.Cond
}

func (t *tracker) init() {
	if t.cond == nil {
		t.cond = sync.NewCond(&t.mu)
	}
}

func (t *tracker) add() {
	t.mu.Lock()
	t.init()
	t.n++
	t.mu.Unlock()
}

func (t *tracker) done() {
	t.mu.Lock()
	t.init()
	t.n--
	if t.n == 0 {
		t.cond.Broadcast()
	}
	t.mu.Unlock()
}

func (t *tracker) wait() {
	t.mu.Lock()
	t.init()
	for t.n > 0 {
		t.cond.Wait()
	}
	t.mu.Unlock()
}

// --- clock -------------------------------------------------------------------
