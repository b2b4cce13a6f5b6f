package tls

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// findingsCapture is made by TestGenerateFindingsCapture when it is
// missing (delete it and run go test to make it again): two TLS
// connections to port 443 with what the findings flag. The first: TLS 1.0
// chosen, RC4 chosen, a self-signed certificate that expired in 2020 and
// names other.example while the client asked for www.example.com, then
// the client's fatal handshake_failure alert. The second: TLS 1.2, no SNI,
// a certificate valid only from 2030, then a warning close_notify.
const findingsCapture = "pcaplens-tls-findings.pcap"

func u16(v int) []byte { return []byte{byte(v >> 8), byte(v)} }
func u24(v int) []byte { return []byte{byte(v >> 16), byte(v >> 8), byte(v)} }

func ext(typ int, data []byte) []byte { return append(append(u16(typ), u16(len(data))...), data...) }

func clientHello(version int, sni string, ciphers ...int) []byte {
	b := append(u16(version), make([]byte, 32)...)
	b = append(b, 0) // session ID
	b = append(b, u16(2*len(ciphers))...)
	for _, c := range ciphers {
		b = append(b, u16(c)...)
	}
	b = append(b, 1, 0) // null compression
	var exts []byte
	if sni != "" {
		name := append(append([]byte{0}, u16(len(sni))...), sni...)
		exts = append(exts, ext(extServerName, append(u16(len(name)), name...))...)
	}
	exts = append(exts, ext(extSupportedGroups, []byte{0, 4, 0, 0x17, 0, 0x18})...)
	exts = append(exts, ext(extECPointFormats, []byte{1, 0})...)
	b = append(b, u16(len(exts))...)
	return hs(hsClientHello, append(b, exts...))
}

func serverHello(version, cipher int) []byte {
	b := append(u16(version), make([]byte, 32)...)
	b = append(b, 0)
	b = append(b, u16(cipher)...)
	b = append(b, 0)
	b = append(b, u16(0)...) // empty extensions
	return hs(hsServerHello, b)
}

func certificateMsg(t *testing.T, cn string, notBefore, notAfter time.Time) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn},
		NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	list := append(u24(len(der)), der...)
	return hs(hsCertificate, append(u24(len(list)), list...))
}

type tlsGen struct {
	w   *pcapgo.Writer
	now time.Time
	t   *testing.T
}

func (g *tlsGen) packet(src, dst string, sport, dport uint16, seq, ack uint32, syn, isAck bool, payload []byte) {
	g.now = g.now.Add(10 * time.Millisecond)
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{0, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{0, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4(), Protocol: layers.IPProtocolTCP}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack, SYN: syn, ACK: isAck, PSH: len(payload) > 0, Window: 65000}
	tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, tcp, gopacket.Payload(payload)); err != nil {
		g.t.Fatal(err)
	}
	b := buf.Bytes()
	if err := g.w.WritePacket(gopacket.CaptureInfo{Timestamp: g.now, CaptureLength: len(b), Length: len(b)}, b); err != nil {
		g.t.Fatal(err)
	}
}

// session writes a handshake: SYN, SYN-ACK, ACK, then the client's and the
// server's flights in order, one segment each.
func (g *tlsGen) session(client, server string, cport uint16, flights ...[]byte) {
	cs, ss := uint32(1000), uint32(5000)
	g.packet(client, server, cport, 443, cs, 0, true, false, nil)
	g.packet(server, client, 443, cport, ss, cs+1, true, true, nil)
	cs, ss = cs+1, ss+1
	g.packet(client, server, cport, 443, cs, ss, false, true, nil)
	for i, f := range flights {
		if i%2 == 0 {
			g.packet(client, server, cport, 443, cs, ss, false, true, f)
			cs += uint32(len(f))
		} else {
			g.packet(server, client, 443, cport, ss, cs, false, true, f)
			ss += uint32(len(f))
		}
	}
}

func TestGenerateFindingsCapture(t *testing.T) {
	path := filepath.Join("testdata", "captures", findingsCapture)
	if _, err := os.Stat(path); err == nil {
		return
	}
	var out bytes.Buffer
	w := pcapgo.NewWriter(&out)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	g := &tlsGen{w: w, now: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), t: t}
	recTLS10 := func(ctype byte, body []byte) []byte {
		r := rec(ctype, body)
		r[2] = 1
		return r
	}
	server1 := append(serverHello(0x0301, 0x0005), certificateMsg(t, "other.example",
		time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))...)
	server1 = append(server1, hs(hsServerHelloDone, nil)...)
	g.session("10.0.0.1", "10.0.0.2", 40001,
		recTLS10(typeHandshake, clientHello(0x0301, "www.example.com", 0x0005, 0x002f)),
		recTLS10(typeHandshake, server1),
		recTLS10(typeAlert, []byte{2, 40}),
	)
	server2 := append(serverHello(0x0303, 0xc02f), certificateMsg(t, "future.example",
		time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))...)
	server2 = append(server2, hs(hsServerHelloDone, nil)...)
	g.session("10.0.0.1", "10.0.0.3", 40002,
		rec(typeHandshake, clientHello(0x0303, "", 0xc02f, 0xc030)),
		rec(typeHandshake, server2),
		rec(typeAlert, []byte{1, 0}),
	)
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: record its tshark figures with sh testdata/tshark/tls.sh", path)
}
