package mockserver

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Files of a CA directory (-ca-dir, WithCADir).
const (
	caCertFile = "ca.pem"
	caKeyFile  = "ca-key.pem"
)

// skyflowDomains are the DNS suffixes of Skyflow's PROD and SANDBOX hosts,
// the only ones the emulator's CA may certify besides loopback names.
var skyflowDomains = []string{"skyflowapis.com", "skyflowapis-preview.com"}

// certAuthority is the emulator's own CA: it signs the leaf certificate of
// the HTTPS listener and of the proxy. It is name-constrained to Skyflow's
// domains and loopback, so trusting it cannot vouch for any other site.
type certAuthority struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
	file    string // path of ca.pem
}

// loadOrCreateCA reuses the CA stored in dir or creates one there. Two
// processes starting on the same new directory agree on one CA: the key
// file is created with a hard link, which fails for the loser, which then
// loads the winner's CA.
func loadOrCreateCA(dir string, now time.Time) (*certAuthority, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("CA directory: %w", err)
	}
	certPath, keyPath := filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile)
	if _, err := os.Stat(keyPath); err == nil {
		return waitAndLoadCA(certPath, keyPath, now)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "skyflow-mock local CA", Organization: []string{"skyflow-mock"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		// Only Skyflow's host names and loopback: a CA a developer trusts
		// must not be able to impersonate anything else.
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         append([]string{"localhost"}, skyflowDomains...),
		PermittedIPRanges: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode CA key: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := writeFileAtomic(certPath+".new", certPEM); err != nil {
		return nil, fmt.Errorf("write CA certificate: %w", err)
	}
	defer os.Remove(certPath + ".new")
	if err := linkNew(keyPath, keyPEM); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return waitAndLoadCA(certPath, keyPath, now)
		}
		return nil, fmt.Errorf("write CA key: %w", err)
	}
	if err := os.Rename(certPath+".new", certPath); err != nil {
		return nil, fmt.Errorf("write CA certificate: %w", err)
	}
	if err := os.Chmod(certPath, 0o644); err != nil {
		return nil, fmt.Errorf("write CA certificate: %w", err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &certAuthority{cert: cert, key: key, certPEM: certPEM, file: certPath}, nil
}

// linkNew creates path with data, failing with fs.ErrExist when it exists.
func linkNew(path string, data []byte) error {
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	defer os.Remove(tmp)
	return os.Link(tmp, path)
}

// waitAndLoadCA loads a CA that another process is creating right now.
func waitAndLoadCA(certPath, keyPath string, now time.Time) (*certAuthority, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		ca, err := loadCA(certPath, keyPath, now)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || time.Now().After(deadline) {
			return ca, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// loadCA reads and checks a stored CA.
func loadCA(certPath, keyPath string, now time.Time) (*certAuthority, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("read CA key: %w", err)
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, fmt.Errorf("CA files in %s are not PEM", filepath.Dir(certPath))
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, errors.New("parse CA key: not a PKCS#8 private key")
	}
	key, ok := k.(crypto.Signer)
	if !ok || !cert.IsCA {
		return nil, fmt.Errorf("%s does not hold a CA certificate and its key", filepath.Dir(certPath))
	}
	if pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("the CA key in %s does not match its certificate", filepath.Dir(certPath))
	}
	if now.Add(24 * time.Hour).After(cert.NotAfter) {
		return nil, fmt.Errorf("the CA in %s has expired or is about to; delete the directory to create a new one", filepath.Dir(certPath))
	}
	return &certAuthority{cert: cert, key: key, certPEM: certPEM, file: certPath}, nil
}

// leafHosts are the names the leaf certificate covers.
func leafHosts() []string {
	hosts := []string{"localhost"}
	for _, d := range skyflowDomains {
		hosts = append(hosts, "*.vault."+d, "*.skyvault."+d, "*.gateway."+d, "manage."+d)
	}
	return hosts
}

// leaf mints the serving certificate for localhost, loopback addresses and
// Skyflow's host names, valid for 90 days.
func (ca *certAuthority) leaf(now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("generate leaf key: %w", err)
	}
	notAfter := now.AddDate(0, 0, 90)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "skyflow-mock", Organization: []string{"skyflow-mock"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     leafHosts(),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("create leaf certificate: %w", err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

// serverTLSConfig is the TLS configuration of the HTTPS listener and of
// the proxy's tunnels: HTTP/1.1 only (the emulator reads every connection
// itself; see serverConn).
func (ca *certAuthority) serverTLSConfig(now time.Time) (*tls.Config, error) {
	leaf, err := ca.leaf(now)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{leaf},
		NextProtos:   []string{"http/1.1"},
		MinVersion:   tls.VersionTLS12,
	}, nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
