package auth0test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// testCA is a certificate authority of the test process and the one server certificate it
// signed, for 127.0.0.1, ::1 and localhost (the canonical and the custom domain), whatever the
// port. Like the signing key it is made once per process: a tenant started WithTLS pays for
// no key generation.
type testCA struct {
	cert   *x509.Certificate // the CA
	pem    []byte            // the CA certificate, PEM
	server tls.Certificate   // leaf for the tenant's listener
}

// tlsValidity is how long the test certificates are valid, from an hour before they were
// made. TLS checks them against the real time of the client, not the tenant's clock.
const tlsValidity = 10 * 365 * 24 * time.Hour

var processCA = sync.OnceValues(newTestCA)

func newTestCA() (*testCA, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("auth0test: generating the test CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "auth0test CA (tests only)"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(tlsValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("auth0test: creating the test CA: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("auth0test: reading the test CA: %w", err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("auth0test: generating the server key: %w", err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "auth0test tenant"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(tlsValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:     []string{"localhost"},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("auth0test: creating the server certificate: %w", err)
	}
	return &testCA{
		cert:   ca,
		pem:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		server: tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey},
	}, nil
}

// CACertPEM returns the PEM certificate of the CA that signed the tenant's certificate when it
// serves WithTLS (nil otherwise), for clients that are not Client(): another process, a browser
// profile, an SDK's own transport.
func (s *Server) CACertPEM() []byte {
	if s.ca == nil {
		return nil
	}
	return append([]byte(nil), s.ca.pem...)
}

// CertPool returns a pool holding the tenant's CA when it serves WithTLS (nil otherwise).
func (s *Server) CertPool() *x509.CertPool {
	if s.ca == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.ca.cert)
	return p
}
