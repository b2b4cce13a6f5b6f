package overview

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/golden"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHierarchy decodes frames with the shared decoder and checks the
// hierarchy path the overview names from their layer path.
func TestHierarchy(t *testing.T) {
	tests := []struct {
		name     string
		linkType uint16
		hex      string
		path     string
		nip      int
		tp       int // frame.Transport* kind
		dnsError bool
		frag     bool
	}{
		{
			// Ethernet / IPv4 / UDP 53 → 40000, DNS response, RCODE 3 (NXDOMAIN).
			name: "dns nxdomain", linkType: 1,
			hex: `ffffffffffff 000000000001 0800
			      4500 0028 0000 0000 4011 0000 0a000001 0a000002
			      0035 9c40 0014 0000
			      1234 8183 0000 0000 0000 0000`,
			path: "eth:ip:udp:dns", nip: 1, tp: frame.TransportUDP, dnsError: true,
		},
		{
			// Ethernet / 802.1Q VLAN 5 / ARP.
			name: "vlan arp", linkType: 1,
			hex:  `ffffffffffff 000000000001 8100 0005 0806 0001 0800 0604 0001`,
			path: "eth:vlan:arp",
		},
		{
			// Ethernet 802.3 length 38 / LLC 42 42 03 / STP.
			name: "stp", linkType: 1,
			hex:  `0180c2000000 000000000001 0026 424203 0000 0000`,
			path: "eth:llc:stp",
		},
		{
			// IPv4 first fragment (MF set), captured whole: "data".
			name: "ipv4 first fragment", linkType: 228,
			hex:  `4500 001c 0001 2000 4001 0000 0a000001 0a000002 0800 0000 0000 0000`,
			path: "ip:data", nip: 1, frag: true,
		},
		{
			// IPv4 last fragment (offset 1, MF clear) that does not complete
			// its datagram (the first fragment is missing): "data".
			name: "ipv4 last fragment incomplete", linkType: 228,
			hex:  `4500 001c 0001 0001 4001 0000 0a000001 0a000002 0000 0000 0000 0000`,
			path: "ip:data", nip: 1, frag: true,
		},
		{
			// IPv4 first fragment (MF) captured short (total length 1500):
			// dissected as far as it goes, as Wireshark does.
			name: "ipv4 first fragment short", linkType: 228,
			hex:  `4500 05dc 0001 2000 4011 0000 0a000001 0a000002 0035 9c40 05c8 0000 1234`,
			path: "ip:udp:dns", nip: 1, tp: frame.TransportUDP, frag: true,
		},
		{
			// IPv6 fragment (offset 0, M) captured short: data, and not an
			// IPv6 conversation frame (Wireshark's ipv6 tap skips it).
			name: "ipv6 first fragment short", linkType: 229,
			hex: `6000 0000 0100 2c40 20010db8000000000000000000000001 20010db8000000000000000000000002
			      1100 0001 0000 0007 0035 9c40`,
			path: "ipv6:data", frag: true,
		},
		{
			// IPv6 atomic fragment (offset 0, M clear): a whole packet.
			name: "ipv6 atomic fragment", linkType: 229,
			hex: `6000 0000 0014 2c40 20010db8000000000000000000000001 20010db8000000000000000000000002
			      1100 0000 0000 0007 0035 9c40 000c 0000 1234 8180`,
			path: "ipv6:udp:dns", nip: 1, tp: frame.TransportUDP,
		},
		{
			// Raw IPv6 / TCP SYN 80, no payload.
			name: "ipv6 tcp syn", linkType: 101,
			hex: `6000 0000 0014 0640 20010db8000000000000000000000001 20010db8000000000000000000000002
			      c000 0050 00000001 00000000 5002 ffff 0000 0000`,
			path: "raw:ipv6:tcp", nip: 1, tp: frame.TransportTCP,
		},
		{
			// IPv6 with a hop-by-hop header then ICMPv6 (extension headers are not layers).
			name: "ipv6 hop-by-hop", linkType: 229,
			hex: `6000 0000 0010 0001 fe800000000000000000000000000001 ff020000000000000000000000000016
			      3a00 0502 0000 0100 8f00 0000 0000 0000`,
			path: "ipv6:icmpv6", nip: 1,
		},
		{
			// IPv4 in IPv4: both headers feed the IP tables.
			name: "ip in ip", linkType: 228,
			hex: `4500 0028 0000 0000 4004 0000 0a000001 0a000002
			      4500 0014 0000 0000 40ff 0000 0b000001 0b000002`,
			path: "ip:ip", nip: 2,
		},
		{name: "empty ethernet", linkType: 1, hex: ``, path: "eth"},
		{name: "short ipv4", linkType: 228, hex: `4500`, path: "ip"},
		{name: "bad ihl", linkType: 228, hex: `4f00 0014 0000 0000 4006 0000 0a000001 0a000002`, path: "ip"},
		{name: "unknown link", linkType: 200, hex: `00`, path: "linktype-200"},
		// A user link type: Wireshark 4.0 shows its bytes as data.
		{name: "user link type", linkType: 147, hex: `00`, path: "user_dlt:data"},
		// GRE carrying NHRP, not followed: named as Wireshark names it.
		{name: "gre nhrp", linkType: 101, hex: `4500 001c 0000 0000 402f 0000 c0000201 c0000202 0000 2001 00000000`, path: "raw:ip:gre:nhrp", nip: 1, tp: frame.TransportOther},
		// GRE (with a key) carrying IS-IS, not followed: named.
		{name: "gre isis", linkType: 101, hex: `4500 0024 0000 0000 402f 0000 c0000201 c0000202 2000 00fe 00000001 831b 0100 1201 0000`, path: "raw:ip:gre:isis", nip: 1, tp: frame.TransportOther},
		// ERSPAN type III cut short: what there is of it, no data.
		{name: "erspan cut", linkType: 101, hex: `4500 0020 0000 0000 402f 0000 c0000201 c0000202 1000 22eb 00000001 20000000`, path: "raw:ip:gre:erspan", nip: 1},
		// Cisco HDLC / OSI / IS-IS (after a padding byte).
		{name: "chdlc isis", linkType: 104, hex: `8f00 fefe 74 83 1401 0011 0100`, path: "chdlc:isis"},
		// Cisco HDLC / SLARP.
		{name: "chdlc slarp", linkType: 104, hex: `8f00 8035 0000 0000`, path: "chdlc:slarp"},
		// 802.3 / LLC / SNAP with Cisco's code and CDP's ID: not followed, named.
		{name: "snap cdp", linkType: 1, hex: `01000ccccccc 000000000001 000c aaaa03 00000c 2000 0000`, path: "eth:llc:cdp"},
		// 802.3 / LLC / SNAP with Cisco's code and IPv4's ID: data, as in Wireshark.
		{name: "snap cisco ip", linkType: 1, hex: `01000ccccccc 000000000001 000c aaaa03 00000c 0800 4500`, path: "eth:llc:data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFeeder().frame(1, 0, tc.linkType, mustHex(t, tc.hex))
			var v view
			v.read(f)
			if got := strings.Join(v.names[:v.n], ":"); got != tc.path {
				t.Errorf("path %q, want %q", got, tc.path)
			}
			if v.nip != tc.nip || f.Transport != tc.tp && tc.tp != 0 || v.dnsError != tc.dnsError || f.Fragment != tc.frag {
				t.Errorf("nip %d transport %d dnsError %v fragment %v, want %d %d %v %v", v.nip, f.Transport, v.dnsError, f.Fragment, tc.nip, tc.tp, tc.dnsError, tc.frag)
			}
		})
	}
}

// feeder decodes frames as the engine does: decoder, reassembler, stream
// assigner.
type feeder struct {
	d *frame.Decoder
	r *frame.Reassembler
	a *frame.StreamAssigner
}

func newFeeder() *feeder {
	return &feeder{frame.NewDecoder(), frame.NewReassembler(frame.ReassemblyLimits{}), frame.NewStreamAssigner(0)}
}

// frame decodes b as frame n at time ts into a new Frame.
func (fd *feeder) frame(n int, ts int64, lt uint16, b []byte) *frame.Frame {
	var f frame.Frame
	rec := capture.Record{TimeNs: ts, Data: b, OrigLen: len(b), LinkType: lt}
	fd.d.Decode(&rec, n, &f)
	fd.r.Add(&f)
	fd.a.Assign(&f)
	return &f
}

// TestGolden keeps the whole report for a few small captures.
func TestGolden(t *testing.T) {
	for _, name := range []string{"chrissanders--http_ip4and6.pcapng", "chrissanders--arp_resolution.pcapng", "MSTP_Intra-Region_BPDUs.pcap"} {
		path := filepath.Join("../../testdata/captures", name)
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Run(name, func(t *testing.T) {
			goldenCheck(t, filepath.Join("testdata", name+".golden.json"), runCapture(t, path))
		})
	}
}

func seeds(f *testing.F) {
	caps, _ := filepath.Glob("../../testdata/captures/*.pcap*")
	for _, c := range caps {
		fh, err := os.Open(c)
		if err != nil {
			continue
		}
		rd, err := capture.Open(fh)
		if err != nil {
			fh.Close()
			continue
		}
		var rec capture.Record
		for i := 0; i < 20 && rd.Next(&rec) == nil; i++ {
			f.Add(rec.LinkType, append([]byte(nil), rec.Data...))
		}
		fh.Close()
	}
}

// FuzzHierarchy checks that naming a decoded frame never panics and keeps
// its path bounded.
func FuzzHierarchy(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, lt uint16, b []byte) {
		fr := newFeeder().frame(1, 0, lt, b)
		if len(b)%2 == 0 {
			fr.Comments = []string{"c"}
		}
		var v view
		v.read(fr)
		if v.n > maxNames || v.nip > maxIPLayers {
			t.Fatalf("n %d nip %d", v.n, v.nip)
		}
		tap := New(&engine.Options{})
		tap.Packet(fr)
		tap.Finish(&engine.Capture{})
	})
}

func BenchmarkOverview(b *testing.B) {
	path := "../../testdata/captures/chrissanders--http_espn.pcapng"
	fh, err := os.Open(path)
	if err != nil {
		b.Skip(err)
	}
	rd, err := capture.Open(fh)
	if err != nil {
		b.Fatal(err)
	}
	var frames []*frame.Frame
	var bytes int64
	fd := newFeeder()
	for {
		var rec capture.Record
		if rd.Next(&rec) != nil {
			break
		}
		f := fd.frame(len(frames)+1, rec.TimeNs, rec.LinkType, append([]byte(nil), rec.Data...))
		f.OrigLen = rec.OrigLen
		frames = append(frames, f)
		bytes += int64(len(rec.Data))
	}
	fh.Close()
	b.SetBytes(bytes)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tap := New(&engine.Options{})
		for _, f := range frames {
			tap.Packet(f)
		}
		tap.Finish(&engine.Capture{})
	}
	b.ReportMetric(float64(len(frames)*b.N)/b.Elapsed().Seconds(), "frames/s")
}

func goldenCheck(t *testing.T, path string, v any) {
	t.Helper()
	golden.Check(t, path, v)
}

// TestAppName: the port index names what the port tables name, the lower
// port first, and "data" for ports in neither.
func TestAppName(t *testing.T) {
	for i, apps := range []map[uint16]string{udpApps, tcpApps} {
		tcp := i == 1
		for p := range 65536 {
			want, ok := apps[uint16(p)]
			if !ok {
				want = "data"
			}
			if got := appName(uint16(p), 0, tcp); got != want {
				t.Fatalf("appName(%d, 0, %v) = %q, want %q", p, tcp, got, want)
			}
		}
	}
	if got := appName(5060, 53, false); got != "dns" {
		t.Errorf("appName(5060, 53, udp) = %q, want the lower port's dns", got)
	}
	if got := appName(40000, 443, true); got != "tls" {
		t.Errorf("appName(40000, 443, tcp) = %q, want tls", got)
	}
}
