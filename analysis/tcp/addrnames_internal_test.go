package tcp

import (
	"net/netip"
	"testing"
)

// TestAddrNames: the cached texts are netip's, for every kind of address.
func TestAddrNames(t *testing.T) {
	names := addrNames{}
	for _, s := range []string{"192.0.2.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::ffff:192.0.2.1", "fe80::1%eth0", "2001:db8:1:2:3:4:5:6"} {
		a := netip.MustParseAddr(s)
		for round := 0; round < 2; round++ { // formatted, then cached
			if got, want := names.text(a), a.String(); got != want {
				t.Errorf("text(%s) = %q, want %q", s, got, want)
			}
		}
	}
}
