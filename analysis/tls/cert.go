package tls

import (
	"bytes"
	"crypto/dsa" //lint:ignore SA1019 DSA keys are still met in old certificates
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"net"
	"strings"
)

// Certificate is a certificate a server (or client) sent in a TLS ≤ 1.2
// Certificate message, parsed with crypto/x509.
type Certificate struct {
	// SHA256 is the fingerprint of the DER bytes (lower-case hex).
	SHA256 string `json:"sha256"`
	// Subject and Issuer are the distinguished names (RFC 2253 form).
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	// SANs are the subject alternative names: DNS names, IP addresses,
	// e-mail addresses and URIs.
	SANs []string `json:"sans"`
	// NotBefore and NotAfter bound its validity (RFC 3339, UTC).
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
	// KeyType is RSA, ECDSA, Ed25519 or DSA; KeyBits the key size (the
	// curve's for ECDSA).
	KeyType string `json:"key_type"`
	KeyBits int    `json:"key_bits"`
	// SignatureAlgorithm is how the issuer signed it.
	SignatureAlgorithm string `json:"signature_algorithm"`
	// SerialNumber in hex.
	SerialNumber string `json:"serial_number"`
	// IsCA is true for a CA certificate (basic constraints).
	IsCA bool `json:"is_ca"`
	// SelfSigned is true when the issuer is the subject and the signature
	// verifies with the certificate's own key.
	SelfSigned bool `json:"self_signed"`
	// Error says why the certificate could not be parsed (the other
	// fields are then empty).
	Error string `json:"error,omitempty"`

	notBefore, notAfter int64 // ns
	parsed              *x509.Certificate
}

// ParseCertificateList reads the certificate_list of a TLS ≤ 1.2
// Certificate message body (RFC 5246 §7.4.2): each DER certificate in
// order, sender's certificate first. At most max are returned.
func ParseCertificateList(body []byte, max int) ([][]byte, error) {
	r := reader{b: body}
	list := reader{b: r.bytes(r.u24())}
	if r.bad {
		return nil, errHello("certificate list cut short")
	}
	var out [][]byte
	for len(list.b) > 0 {
		der := list.bytes(list.u24())
		if list.bad {
			return out, errHello("certificate cut short")
		}
		if len(out) < max {
			out = append(out, der)
		}
	}
	return out, nil
}

// parseCertificate parses one DER certificate.
func parseCertificate(der []byte) *Certificate {
	sum := sha256.Sum256(der)
	c := &Certificate{SHA256: hex.EncodeToString(sum[:]), SANs: []string{}}
	// The parsed certificate aliases its input (Raw*, IP addresses) and is
	// kept: parse a copy, not the borrowed record bytes.
	x, err := x509.ParseCertificate(bytes.Clone(der))
	if err != nil {
		c.Error = strings.TrimPrefix(err.Error(), "x509: ")
		return c
	}
	c.parsed = x
	c.Subject = x.Subject.String()
	c.Issuer = x.Issuer.String()
	c.SANs = append(c.SANs, x.DNSNames...)
	for _, ip := range x.IPAddresses {
		c.SANs = append(c.SANs, ip.String())
	}
	c.SANs = append(c.SANs, x.EmailAddresses...)
	for _, u := range x.URIs {
		c.SANs = append(c.SANs, u.String())
	}
	c.notBefore, c.notAfter = x.NotBefore.UnixNano(), x.NotAfter.UnixNano()
	c.NotBefore = x.NotBefore.UTC().Format("2006-01-02T15:04:05Z")
	c.NotAfter = x.NotAfter.UTC().Format("2006-01-02T15:04:05Z")
	switch k := x.PublicKey.(type) {
	case *rsa.PublicKey:
		c.KeyType, c.KeyBits = "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		c.KeyType, c.KeyBits = "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		c.KeyType, c.KeyBits = "Ed25519", 256
	case *dsa.PublicKey:
		c.KeyType, c.KeyBits = "DSA", k.P.BitLen()
	default:
		c.KeyType = x.PublicKeyAlgorithm.String()
	}
	c.SignatureAlgorithm = x.SignatureAlgorithm.String()
	c.SerialNumber = x.SerialNumber.Text(16)
	c.IsCA = x.IsCA
	if string(x.RawSubject) == string(x.RawIssuer) {
		c.SelfSigned = x.CheckSignatureFrom(x) == nil || x.CheckSignature(x.SignatureAlgorithm, x.RawTBSCertificate, x.Signature) == nil
	}
	return c
}

// Covers says whether the certificate's names cover host (a server name
// from SNI): a DNS SAN, wildcards in the leftmost label only (RFC 6125
// §6.4.3), or an IP address SAN; without SANs, the subject's common name.
func (c *Certificate) Covers(host string) bool {
	if c.parsed == nil {
		return false
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if ip := net.ParseIP(host); ip != nil {
		for _, a := range c.parsed.IPAddresses {
			if a.Equal(ip) {
				return true
			}
		}
		return false
	}
	names := c.parsed.DNSNames
	if len(names) == 0 && len(c.parsed.IPAddresses) == 0 && c.parsed.Subject.CommonName != "" {
		names = []string{c.parsed.Subject.CommonName}
	}
	for _, n := range names {
		if matchName(strings.TrimSuffix(strings.ToLower(n), "."), host) {
			return true
		}
	}
	return false
}

func matchName(pattern, host string) bool {
	if pattern == host {
		return true
	}
	if rest, ok := strings.CutPrefix(pattern, "*."); ok {
		i := strings.IndexByte(host, '.')
		return i > 0 && host[i+1:] == rest
	}
	return false
}
