package dns

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
)

// capturePayloads returns the UDP port 53/5353 payloads of the DNS test
// captures, as fuzz seeds.
func capturePayloads(t testing.TB) [][]byte {
	files, _ := filepath.Glob(filepath.Join(testdata, "captures", "*dns*"))
	var out [][]byte
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := capture.Open(fh)
		if err != nil {
			fh.Close()
			continue
		}
		dec := frame.NewDecoder()
		var rec capture.Record
		var fr frame.Frame
		for n := 1; r.Next(&rec) == nil; n++ {
			dec.Decode(&rec, n, &fr)
			if fr.Transport == frame.TransportUDP && wellKnown(fr.SrcPort, fr.DstPort, false) != "" {
				out = append(out, append([]byte(nil), fr.Payload...))
			}
		}
		fh.Close()
	}
	return out
}

// Test message builder.

func wireName(n string) []byte {
	var b []byte
	if n != "" && n != "." {
		for _, l := range strings.Split(n, ".") {
			b = append(b, byte(len(l)))
			b = append(b, l...)
		}
	}
	return append(b, 0)
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func header(id, flags, qd, an, ns, ar uint16) []byte {
	return cat(u16(id), u16(flags), u16(qd), u16(an), u16(ns), u16(ar))
}

func question(name string, typ uint16) []byte { return cat(wireName(name), u16(typ), u16(1)) }

func rr(name []byte, typ, class uint16, ttl uint32, rdata []byte) []byte {
	return cat(name, u16(typ), u16(class), u32(ttl), u16(uint16(len(rdata))), rdata)
}

func str(s string) []byte { return cat([]byte{byte(len(s))}, []byte(s)) }

// answer builds a response to example.com/type with one answer whose
// owner name is a pointer to the question name (offset 12).
func answer(typ uint16, rdata []byte) []byte {
	return cat(header(0x1234, 0x8180, 1, 1, 0, 0), question("example.com", typ), rr([]byte{0xc0, 12}, typ, 1, 300, rdata))
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestRecordTypes(t *testing.T) {
	tests := []struct {
		name   string
		typ    uint16
		rdata  []byte
		data   string
		fields Fields
	}{
		{"A", 1, []byte{192, 0, 2, 1}, "192.0.2.1", Fields{"address": "192.0.2.1"}},
		{"AAAA", 28, mustHex("20010db8000000000000000000000001"), "2001:db8::1", Fields{"address": "2001:db8::1"}},
		{"CNAME compressed", 5, cat(str("www"), []byte{0xc0, 12}), "www.example.com", Fields{"cname": "www.example.com"}},
		{"NS", 2, wireName("ns1.example.net"), "ns1.example.net", Fields{"ns": "ns1.example.net"}},
		{"PTR", 12, wireName("host.example"), "host.example", Fields{"ptr": "host.example"}},
		{"MX", 15, cat(u16(10), wireName("mail.example.com")), "10 mail.example.com", Fields{"preference": uint16(10), "mx": "mail.example.com"}},
		{"TXT", 16, cat(str("v=spf1 -all"), str(`a"b`)), `"v=spf1 -all" "a\"b"`, Fields{"strings": []string{"v=spf1 -all", `a"b`}}},
		{"SOA", 6, cat(wireName("ns.example.com"), wireName("hostmaster.example.com"), u32(2024010101), u32(7200), u32(3600), u32(1209600), u32(300)),
			"ns.example.com hostmaster.example.com 2024010101 7200 3600 1209600 300",
			Fields{"mname": "ns.example.com", "rname": "hostmaster.example.com", "serial": uint32(2024010101), "refresh": uint32(7200), "retry": uint32(3600), "expire": uint32(1209600), "minimum": uint32(300)}},
		{"SRV", 33, cat(u16(0), u16(5), u16(5060), wireName("sip.example.com")), "0 5 5060 sip.example.com",
			Fields{"priority": uint16(0), "weight": uint16(5), "port": uint16(5060), "target": "sip.example.com"}},
		{"CAA", 257, cat([]byte{0}, str("issue"), []byte("letsencrypt.org")), `0 issue "letsencrypt.org"`,
			Fields{"flags": uint8(0), "tag": "issue", "value": "letsencrypt.org"}},
		{"NAPTR", 35, cat(u16(100), u16(10), str("S"), str("SIP+D2U"), str(""), wireName("_sip._udp.example.com")),
			`100 10 "S" "SIP+D2U" "" _sip._udp.example.com`,
			Fields{"order": uint16(100), "preference": uint16(10), "flags": "S", "services": "SIP+D2U", "regexp": "", "replacement": "_sip._udp.example.com"}},
		{"HTTPS", 65, cat(u16(1), wireName(""), u16(1), u16(6), str("h2"), str("h3"), u16(3), u16(2), u16(8443), u16(4), u16(4), []byte{192, 0, 2, 7}),
			"1 <Root> alpn=h2,h3 port=8443 ipv4hint=192.0.2.7",
			Fields{"priority": uint16(1), "target": "<Root>", "params": Fields{"alpn": []string{"h2", "h3"}, "port": uint16(8443), "ipv4hint": []string{"192.0.2.7"}}}},
		{"DS", 43, cat(u16(60485), []byte{5, 1}, mustHex("2bb183af5f22588179a53b0a98631fad1a292118")),
			"60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
			Fields{"key_tag": uint16(60485), "algorithm": uint8(5), "digest_type": uint8(1), "digest": "2bb183af5f22588179a53b0a98631fad1a292118"}},
		{"DNSKEY", 48, cat(u16(257), []byte{3, 8}, []byte{1, 2, 3, 4}), "257 3 8 AQIDBA==",
			Fields{"flags": uint16(257), "protocol": uint8(3), "algorithm": uint8(8), "key_tag": keyTag(cat(u16(257), []byte{3, 8, 1, 2, 3, 4})), "key_bytes": 4, "sep": true}},
		{"RRSIG", 46, cat(u16(1), []byte{8, 2}, u32(3600), u32(1700000000), u32(1690000000), u16(12345), wireName("example.com"), []byte{9, 9, 9}),
			"A 8 2 3600 2023-11-14T22:13:20Z 2023-07-22T04:26:40Z 12345 example.com",
			Fields{"type_covered": "A", "algorithm": uint8(8), "labels": uint8(2), "original_ttl": uint32(3600), "expiration": "2023-11-14T22:13:20Z",
				"inception": "2023-07-22T04:26:40Z", "key_tag": uint16(12345), "signer": "example.com", "signature_bytes": 3}},
		{"NSEC", 47, cat(wireName("b.example.com"), []byte{0, 6, 0x40, 0x01, 0, 0, 0, 0x03}), "b.example.com A MX RRSIG NSEC",
			Fields{"next": "b.example.com", "types": []string{"A", "MX", "RRSIG", "NSEC"}}},
		{"NSEC3", 50, cat([]byte{1, 0}, u16(10), []byte{2, 0xab, 0xcd}, []byte{2, 0xff, 0xff}, []byte{0, 1, 0x40}), "1 0 10 abcd VVVG A",
			Fields{"hash_algorithm": uint8(1), "flags": uint8(0), "iterations": uint16(10), "salt": "abcd", "next_hashed": "VVVG", "types": []string{"A"}}},
		{"unknown", 65280, []byte{0xde, 0xad}, `\# 2 dead`, Fields{"rdata_hex": "dead"}},
		{"A wrong length", 16, []byte{5, 'a'}, `\# 2 0561`, Fields{"error": "record data shorter than its type needs"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			if err := m.Parse(answer(tc.typ, tc.rdata)); err != nil {
				t.Fatal(err)
			}
			f := m.Record(0, false)
			if f["data"] != tc.data {
				t.Errorf("data %q, want %q", f["data"], tc.data)
			}
			if f["name"] != "example.com" || f["type"] != TypeName(tc.typ) || f["ttl"] != uint32(300) || f["class"] != "IN" {
				t.Errorf("header fields %v", f)
			}
			for k, v := range tc.fields {
				if !reflect.DeepEqual(f[k], v) {
					t.Errorf("%s = %#v, want %#v", k, f[k], v)
				}
			}
		})
	}
}

func TestOPT(t *testing.T) {
	// OPT: UDP 1232, ext rcode 1 (BADVERS with header rcode 0), version 0, DO;
	// client subnet 192.0.2.0/24 scope 0 and a client cookie.
	opts := cat(u16(8), u16(7), u16(1), []byte{24, 0, 192, 0, 2}, u16(10), u16(8), mustHex("0102030405060708"))
	b := cat(header(1, 0x8000, 1, 0, 0, 1), question("example.com", 1), rr([]byte{0}, 41, 1232, 0x01008000, opts))
	var m Message
	if err := m.Parse(b); err != nil {
		t.Fatal(err)
	}
	if !m.HasOPT || m.UDPSize != 1232 || !m.DO || !m.HasECS || !m.HasCookie || m.Rcode() != 16 || RcodeName(m.Rcode()) != "BADVERS" {
		t.Fatalf("EDNS %+v rcode %d", m, m.Rcode())
	}
	f := m.Record(0, false)
	if f["client_subnet"] != "192.0.2.0/24/0" || f["cookie_client"] != "0102030405060708" || f["udp_payload_size"] != uint16(1232) || f["do"] != true {
		t.Errorf("OPT fields %v", f)
	}
	// An option running past the record is an error.
	bad := cat(header(1, 0x8000, 1, 0, 0, 1), question("example.com", 1), rr([]byte{0}, 41, 512, 0, cat(u16(8), u16(9), []byte{1})))
	if err := m.Parse(bad); !errors.Is(err, ErrOPT) {
		t.Errorf("bad OPT: %v", err)
	}
}

func TestNames(t *testing.T) {
	q := header(1, 0, 1, 0, 0, 0)
	tests := []struct {
		name string
		msg  []byte
		want string
		err  error
	}{
		{"plain", cat(q, question("a.example", 1)), "a.example", nil},
		{"root", cat(q, question("", 1)), "<Root>", nil},
		{"escaped", cat(q, []byte{3, 'a', '.', 0xff, 0}, u16(1), u16(1)), `a\.\255`, nil},
		{"pointer to itself", cat(q, []byte{0xc0, 12}, u16(1), u16(1)), "", ErrPointerLoop},
		{"two-pointer loop", cat(q, []byte{1, 'a', 0xc0, 16, 0xc0, 12}, u16(1), u16(1)), "", ErrPointerLoop},
		{"label loop", cat(q, []byte{1, 'a', 0xc0, 12}, u16(1), u16(1)), "", ErrNameTooLong},
		{"pointer past the end", cat(q, []byte{0xc0, 200}, u16(1), u16(1)), "", ErrPointerRange},
		{"label past the end", cat(q, []byte{10, 'a', 'b'}), "", ErrNameTrunc},
		{"reserved label type", cat(q, []byte{0x40, 0}, u16(1), u16(1)), "", ErrLabelType},
		{"name too long", cat(q, []byte(strings.Repeat("\x3f"+strings.Repeat("x", 63), 4)), []byte{0}, u16(1), u16(1)), "", ErrNameTooLong},
		{"question cut short", cat(q, wireName("a.example"), []byte{0}), "", ErrQuestion},
		{"header cut short", []byte{1, 2, 3}, "", ErrShort},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Message
			err := m.Parse(tc.msg)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err == nil && string(m.QName(0)) != tc.want {
				t.Errorf("name %q, want %q", m.QName(0), tc.want)
			}
		})
	}
}

func TestTruncatedRR(t *testing.T) {
	full := answer(1, []byte{192, 0, 2, 1})
	for n := HeaderLen; n < len(full); n++ {
		var m Message
		if err := m.Parse(full[:n]); err == nil {
			t.Errorf("cut at %d parsed", n)
		}
	}
	var m Message
	if err := m.Parse(full); err != nil {
		t.Fatal(err)
	}
	// A with 3 bytes of data: malformed (tshark reads 4). With 5 bytes or
	// none (an UPDATE's delete), tshark shows the record without complaint.
	b := cat(header(1, 0x8000, 1, 1, 0, 0), question("x", 1), rr([]byte{0xc0, 12}, 1, 1, 1, []byte{1, 2, 3}))
	if err := m.Parse(b); !errors.Is(err, ErrRDLen) {
		t.Errorf("A with 3 bytes: %v", err)
	}
	for _, rd := range [][]byte{{1, 2, 3, 4, 5}, nil} {
		b := cat(header(1, 0x8000, 1, 1, 0, 0), question("x", 1), rr([]byte{0xc0, 12}, 1, 255, 0, rd))
		if err := m.Parse(b); err != nil {
			t.Errorf("A with %d bytes: %v", len(rd), err)
		}
	}
	b = cat(header(1, 0x8000, 1, 1, 0, 0), question("x", 28), rr([]byte{0xc0, 12}, 28, 1, 1, []byte{1, 2, 3, 4}))
	if err := m.Parse(b); !errors.Is(err, ErrRDLen) {
		t.Errorf("AAAA with 4 bytes: %v", err)
	}
}

func TestPlausible(t *testing.T) {
	var m Message
	good := cat(header(7, 0x0100, 1, 0, 0, 0), question("example.com", 1))
	if m.Parse(good) != nil || !m.Plausible() {
		t.Error("a plain query is not plausible")
	}
	for name, b := range map[string][]byte{
		"trailing bytes": cat(good, []byte{0}),
		"two questions":  cat(header(7, 0x0100, 2, 0, 0, 0), question("a", 1), question("b", 1)),
		"opcode 3":       cat(header(7, 0x1800, 1, 0, 0, 0), question("a", 1)),
		"class 9":        cat(header(7, 0, 1, 0, 0, 0), wireName("a"), u16(1), u16(9)),
		"Z bit":          cat(header(7, 0x0040, 1, 0, 0, 0), question("a", 1)),
	} {
		if m.Parse(b) == nil && m.Plausible() {
			t.Errorf("%s: plausible", name)
		}
	}
}

// TestParseNoAlloc checks that parsing a warm message does not allocate.
func TestParseNoAlloc(t *testing.T) {
	b := answer(5, cat(str("www"), []byte{0xc0, 12}))
	var m Message
	m.Parse(b)
	if n := testing.AllocsPerRun(100, func() { m.Parse(b) }); n != 0 {
		t.Errorf("%v allocations per Parse", n)
	}
}

func FuzzDNS(f *testing.F) {
	f.Add(answer(1, []byte{192, 0, 2, 1}))
	f.Add(answer(65, cat(u16(1), wireName(""), u16(1), u16(3), str("h2"))))
	f.Add(answer(46, cat(u16(1), []byte{8, 2}, u32(3600), u32(1), u32(2), u16(3), wireName("example.com"))))
	f.Add(answer(50, cat([]byte{1, 0}, u16(10), []byte{2, 0xab, 0xcd}, []byte{2, 0xff, 0xff}, []byte{0, 1, 0x40})))
	f.Add(cat(header(1, 0, 1, 0, 0, 0), []byte{1, 'a', 0xc0, 12, 0}))
	for _, p := range capturePayloads(f) {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		err := m.Parse(b)
		m.Plausible()
		for i := range m.Questions {
			m.QuestionFields(i, true)
		}
		for i := range m.RRs {
			m.Record(i, true)
		}
		if err == nil && len(m.Questions) != int(m.Counts[0]) {
			t.Fatalf("%d questions, count %d", len(m.Questions), m.Counts[0])
		}
	})
}
