package tls

import (
	"bytes"
	"testing"
)

// sink records what the record layer reads.
type sink struct {
	records    int
	handshakes []byte
	bodies     [][]byte
	alerts     [][2]byte
	ccs        int
	encrypts   bool
}

func (s *sink) record(ctype byte, version uint16, length int) { s.records++ }
func (s *sink) handshake(typ byte, body []byte) {
	s.handshakes = append(s.handshakes, typ)
	s.bodies = append(s.bodies, append([]byte(nil), body...))
}
func (s *sink) alert(level, desc byte) { s.alerts = append(s.alerts, [2]byte{level, desc}) }
func (s *sink) changeCipherSpec() bool { s.ccs++; return s.encrypts }

func rec(ctype byte, body []byte) []byte {
	return append([]byte{ctype, 3, 3, byte(len(body) >> 8), byte(len(body))}, body...)
}

func hs(typ byte, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// TestRecordsAnySplit feeds one stream of records in every split of
// one, two and three slices: the messages read never depend on it.
func TestRecordsAnySplit(t *testing.T) {
	big := bytes.Repeat([]byte{0xab}, 3000)
	two := append(hs(hsServerHello, []byte("sh")), hs(hsCertificate, big)...)
	var stream []byte
	stream = append(stream, rec(typeHandshake, hs(hsClientHello, []byte("hello")))...)
	// Two messages, the second split across two records.
	stream = append(stream, rec(typeHandshake, two[:1000])...)
	stream = append(stream, rec(typeHandshake, two[1000:])...)
	stream = append(stream, rec(typeAlert, []byte{1, 0})...)
	stream = append(stream, rec(typeApplicationData, big)...)
	stream = append(stream, rec(typeChangeCipherSpec, []byte{1})...)
	stream = append(stream, rec(typeHandshake, bytes.Repeat([]byte{0x14}, 40))...) // encrypted Finished
	stream = append(stream, rec(typeAlert, []byte{7, 7, 7, 7})...)                 // encrypted alert
	check := func(t *testing.T, s *sink) {
		t.Helper()
		if string(s.handshakes) != string([]byte{hsClientHello, hsServerHello, hsCertificate}) {
			t.Fatalf("handshakes %v", s.handshakes)
		}
		if string(s.bodies[0]) != "hello" || string(s.bodies[1]) != "sh" || !bytes.Equal(s.bodies[2], big) {
			t.Fatalf("bodies differ")
		}
		if len(s.alerts) != 1 || s.alerts[0] != [2]byte{1, 0} || s.ccs != 1 || s.records != 8 {
			t.Fatalf("alerts %v ccs %d records %d", s.alerts, s.ccs, s.records)
		}
	}
	for i := 0; i <= len(stream); i += 7 {
		for j := i; j <= len(stream); j += 251 {
			var d direction
			s := &sink{encrypts: true}
			d.feed(stream[:i], s)
			d.feed(stream[i:j], s)
			d.feed(stream[j:], s)
			check(t, s)
		}
	}
	// One byte at a time.
	var d direction
	s := &sink{encrypts: true}
	for i := range stream {
		d.feed(stream[i:i+1], s)
	}
	check(t, s)
}

// TestRecordNotTLS: a header claiming more than a record may hold, or
// an unknown content type, stops the direction.
func TestRecordNotTLS(t *testing.T) {
	for _, b := range [][]byte{
		{22, 3, 3, 0x48, 0x01},
		{0x47, 0x45, 0x54, 0x20, 0x2f}, // "GET /"
	} {
		var d direction
		s := &sink{}
		d.feed(append(b, make([]byte, 100)...), s)
		if !d.bad || s.records != 0 {
			t.Errorf("%x: bad %v records %d", b, d.bad, s.records)
		}
	}
}

// TestHandshakeTooLong: a message longer than MaxHandshakeLen is
// skipped whole, and the next one read.
func TestHandshakeTooLong(t *testing.T) {
	n := MaxHandshakeLen + 10
	var stream []byte
	msg := append([]byte{hsCertificate, byte(n >> 16), byte(n >> 8), byte(n)}, make([]byte, n)...)
	msg = append(msg, hs(hsServerHelloDone, nil)...)
	for len(msg) > 0 {
		k := min(len(msg), 1<<14)
		stream = append(stream, rec(typeHandshake, msg[:k])...)
		msg = msg[k:]
	}
	var d direction
	s := &sink{}
	d.feed(stream, s)
	if string(s.handshakes) != string([]byte{hsServerHelloDone}) {
		t.Errorf("handshakes %v", s.handshakes)
	}
	if cap(d.hs) > 1<<16 {
		t.Errorf("held %d bytes", cap(d.hs))
	}
}

// FuzzRecords feeds arbitrary bytes, split anywhere, to the record and
// handshake layers and parses every handshake message as the tap does.
func FuzzRecords(f *testing.F) {
	f.Add(rec(typeHandshake, hs(hsClientHello, nil)), uint16(3))
	f.Fuzz(func(t *testing.T, b []byte, split uint16) {
		var d direction
		s := &fuzzSink{}
		k := int(split) % (len(b) + 1)
		d.feed(b[:k], s)
		d.feed(b[k:], s)
		if cap(d.body) > RecordHeaderLen+MaxRecordLen || cap(d.hs) > 4+MaxHandshakeLen+MaxRecordLen {
			t.Fatalf("held %d / %d bytes", cap(d.body), cap(d.hs))
		}
	})
}

type fuzzSink struct{ h Hello }

func (s *fuzzSink) record(byte, uint16, int) {}
func (s *fuzzSink) alert(byte, byte)         {}
func (s *fuzzSink) changeCipherSpec() bool   { return true }
func (s *fuzzSink) handshake(typ byte, body []byte) {
	switch typ {
	case hsClientHello, hsServerHello:
		if ParseHello(body, typ == hsClientHello, &s.h) == nil {
			JA3(&s.h)
			JA3S(&s.h)
			JA4(&s.h, false)
		}
	case hsCertificate:
		ders, _ := ParseCertificateList(body, maxChain)
		for _, der := range ders {
			parseCertificate(der)
		}
	}
}
