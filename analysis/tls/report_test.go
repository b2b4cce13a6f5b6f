package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcaplens/analysis/finding"
	"pcaplens/analysis/golden"
)

// TestFindings checks each finding of the findings capture: kind,
// severity, count, frames and filter (the filters were run through
// tshark 4.0 -Y on the capture and select exactly these frames).
func TestFindings(t *testing.T) {
	r := run(t, capturePath(findingsCapture), nil)
	want := []struct {
		kind   string
		sev    finding.Severity
		count  int
		frames []int
		filter string
	}{
		{"tls.alert_handshake_failure", finding.Medium, 1, []int{6}, "tls.alert_message.desc == 40"},
		{"tls.certificate_name_mismatch", finding.Medium, 1, []int{5}, "tls.handshake.type == 11 && tcp.stream == 0"},
		{"tls.certificate_not_yet_valid", finding.Medium, 1, []int{11}, "tls.handshake.type == 11 && tcp.stream == 1"},
		{"tls.deprecated_version", finding.Medium, 1, []int{5}, "tls.handshake.type == 2 && tls.handshake.version == 0x0301"},
		{"tls.expired_certificate", finding.Medium, 1, []int{5}, "tls.handshake.type == 11 && tcp.stream == 0"},
		{"tls.weak_cipher", finding.Medium, 1, []int{5}, "tls.handshake.type == 2 && tls.handshake.ciphersuite == 0x0005"},
		{"tls.self_signed_certificate", finding.Low, 2, []int{5, 11}, "tls.handshake.type == 11 && tcp.stream in {0, 1}"},
		{"tls.alert_close_notify", finding.Info, 1, []int{12}, "tls.alert_message.desc == 0"},
		{"tls.no_sni", finding.Info, 1, []int{10}, "tls.handshake.type == 1 && !tls.handshake.extensions_server_name"},
	}
	if len(r.Findings) != len(want) {
		t.Errorf("%d findings, want %d", len(r.Findings), len(want))
	}
	for i, w := range want {
		if i >= len(r.Findings) {
			break
		}
		f := r.Findings[i]
		if f.Kind != w.kind || f.Severity != w.sev || f.Count != w.count || f.Filter != w.filter || !equalInts(f.Frames, w.frames) || f.Tool != "tls" {
			t.Errorf("finding %d: %+v, want %+v", i, f, w)
		}
		if strings.Contains(f.Summary, "_") && f.Kind != "tls.weak_cipher" { // IANA names have underscores
			t.Errorf("summary with an internal name: %q", f.Summary)
		}
	}
	c := r.Connections[0]
	if c.SNI != "www.example.com" || c.Version != "TLS 1.0" || c.Cipher != "TLS_RSA_WITH_RC4_128_SHA" || len(c.Certificates) != 1 ||
		c.CertificateFrame != 5 || len(c.Alerts) != 1 || c.Alerts[0].Description != "handshake_failure" || c.Alerts[0].From != "client" {
		t.Errorf("connection %+v", c)
	}
	golden.Check(t, filepath.Join("testdata", findingsCapture+".golden.json"), r)
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCovers checks certificate name matching against the server name.
func TestCovers(t *testing.T) {
	for _, c := range []struct {
		pattern, host string
		ok            bool
	}{
		{"www.example.com", "www.example.com", true},
		{"*.example.com", "www.example.com", true},
		{"*.example.com", "a.b.example.com", false},
		{"*.example.com", "example.com", false},
		{"example.com", "www.example.com", false},
	} {
		if got := matchName(c.pattern, c.host); got != c.ok {
			t.Errorf("%s covers %s: %v", c.pattern, c.host, got)
		}
	}
}

// TestGolden compares whole reports with committed golden files
// (go test -update rewrites them for review).
func TestGolden(t *testing.T) {
	for _, c := range []string{
		"ja4--tls-alpn-h2.pcap", "ja4--quic-tls-handshake.pcapng", "chrissanders--mail_receiver_server_3.pcapng",
		"ja4--https-connect.pcap", "quic_handshake.pcap",
	} {
		t.Run(c, func(t *testing.T) {
			golden.Check(t, filepath.Join("testdata", c+".golden.json"), run(t, capturePath(c), nil))
		})
	}
}

// TestCertificateKeptWhole: a certificate is compared with later server
// names after the record bytes it came from are reused (crypto/x509's IP
// addresses alias its input).
func TestCertificateKeptWhole(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), IPAddresses: []net.IP{net.IPv4(10, 1, 2, 3)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	tap := New(nil).(*Tap)
	e := tap.cert(der)
	clear(der) // the buffer is reused for the next record
	if !e.cert.Covers("10.1.2.3") {
		t.Error("the certificate's names changed with the buffer")
	}
}

// TestValidityWithoutTime: a frame without a timestamp (time 0) raises
// no expired or not-yet-valid finding; a timed one does.
func TestValidityWithoutTime(t *testing.T) {
	msg := certificateMsg(t, "old.example", time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))
	ders, _ := ParseCertificateList(msg[4:], maxChain)
	cert := parseCertificate(ders[0])
	c := &conn{row: Connection{SNI: "old.example"}}
	var e evidence
	e.leaf(c, cert, 7, 0)
	if e.expired.frames.Count() != 0 || e.notYet.frames.Count() != 0 {
		t.Error("a frame without a time made a validity finding")
	}
	e.leaf(c, cert, 8, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	if e.expired.frames.Count() != 1 {
		t.Error("an expired certificate was not found")
	}
}
