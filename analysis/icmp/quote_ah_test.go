package icmp

import "testing"

// TestParseQuotedAH walks an IPv6 authentication header, whose length is in
// 4-byte units (RFC 4302), to the UDP header after it; an AH claiming more
// than the quote holds is cut short, not read past.
func TestParseQuotedAH(t *testing.T) {
	b := make([]byte, 40+24+8)
	b[0] = 0x60
	b[6] = 51 // AH
	b[8], b[24] = 0x20, 0x20
	b[40], b[41] = 17, 4 // next UDP; (4+2)*4 = 24 bytes
	b[64], b[65], b[66], b[67] = 0x9c, 0x40, 0, 53
	q := ParseQuoted(b)
	if q.Protocol != 17 || !q.HasPorts || q.DstPort != 53 || q.Truncated {
		t.Fatalf("%+v", q)
	}
	b[41] = 200
	q = ParseQuoted(b)
	if q.Protocol != 51 || q.HasPorts || !q.Truncated {
		t.Fatalf("long AH: %+v", q)
	}
}
