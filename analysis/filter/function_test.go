package filter

import (
	"net/netip"
	"testing"
)

// TestSlicesAndFunctions checks slices and functions on one frame's
// values, with the answers tshark 4.0.17 gives on frame 9 of
// pcaplens-tunnels.pcap (DNS in VXLAN: ip.src 192.0.2.1 and 10.1.0.1,
// dns.qry.name vx.example).
func TestSlicesAndFunctions(t *testing.T) {
	src := layerSource{
		vals: map[FieldID][]Value{
			IPSrc:      {Addr(netip.MustParseAddr("192.0.2.1")), Addr(netip.MustParseAddr("10.1.0.1"))},
			IPv6Src:    {Addr(netip.MustParseAddr("2001:db8::1"))},
			EthSrc:     {Ether([6]byte{0, 1, 2, 3, 4, 6})},
			DNSQryName: {String([]byte("vx.example"))},
			TCPPort:    {Uint(80), Uint(40001)},
			Frame:      {Bytes([]byte{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 8, 0})},
		},
		layers: map[FieldID][]int32{IPSrc: {1, 2}},
	}
	for expr, want := range map[string]bool{
		"ip.src[0:2] == c0:00":                  true,
		"ip.src[0] == 0a":                       true,
		"ip.src[-1] == 01":                      true,
		"ip.src[1-2] == 00:02":                  true,
		"ip.src[10:2] == 00":                    false,
		"ip.src[3:] == 01":                      true,
		"ip.src[4:]":                            false,
		"ip.src#2[0] == c0":                     false,
		"ip.src#2[0] == 0a":                     true,
		"ipv6.src[0:2] == 20:01":                true,
		"ipv6.src[-1] == 01":                    true,
		"eth.src[0:3] == 00:01:02":              true,
		"dns.qry.name[0:2] == \"vx\"":           true,
		"dns.qry.name[0:2] == 76:78":            true,
		"dns.qry.name[-7:] == \"example\"":      true,
		"dns.qry.name[1:] contains \"x\"":       true,
		"dns.qry.name[0:2] matches \"^V\"":      true,
		"frame[12:2] == 08:00":                  true,
		"frame[-2:] == 08:00":                   true,
		"frame[-15:]":                           false,
		"len(ip.src) == 4":                      true,
		"len(ipv6.src) == 16":                   true,
		"len(eth.src) == 6":                     true,
		"len(tcp.port) == 2":                    true,
		"len(dns.qry.name) == 10":               true,
		"len(frame) == 14":                      true,
		"len(dns.qry.name) > len(ip.src)":       true,
		"count(ip.src) == 2":                    true,
		"count(ip.src#2) == 1":                  true,
		"count(ip.dst) == 0":                    false,
		"upper(dns.qry.name) == \"VX.EXAMPLE\"": true,
		"lower(dns.qry.name) == \"vx.example\"": true,
		"upper(dns.qry.name) contains \"EX\"":   true,
		"upper(dns.qry.name) matches \"^vx\"":   true, // matches ignores case
	} {
		f, err := Compile(expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if got := f.Match(src); got != want {
			t.Errorf("%s: %v, want %v", expr, got, want)
		}
	}
}

// TestSlicesDoNotAllocate checks that slicing addresses and changing case
// reuse the filter's scratch memory once it has grown.
func TestSlicesDoNotAllocate(t *testing.T) {
	src := layerSource{vals: map[FieldID][]Value{
		IPSrc:      {Addr(netip.MustParseAddr("192.0.2.1")), Addr(netip.MustParseAddr("10.1.0.1"))},
		DNSQryName: {String([]byte("vx.example"))},
	}}
	f := mustCompile(t, `ip.src[0:2] == 0a:01 and upper(dns.qry.name) == "VX.EXAMPLE" and len(ip.src) == 4 and ip.src[0,3] == 0a:01`)
	var s Source = &src // one interface value: the conversion would allocate
	f.Match(s)
	if n := testing.AllocsPerRun(100, func() { f.Match(s) }); n != 0 {
		t.Errorf("%v allocations per Match", n)
	}
}
