package icmp

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"pcaplens/analysis/internal/testrun"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/frame"
)

func records(tb testing.TB, path string) []capture.Record {
	tb.Helper()
	return testrun.Records(tb, path)
}

// seedMessages returns the ICMP and ICMPv6 messages (header and body) of the
// testdata captures, with a flag for ICMPv6.
func seedMessages(tb testing.TB) (msgs [][]byte, v6 []bool) {
	files, _ := filepath.Glob("../../testdata/captures/*icmp*")
	more, _ := filepath.Glob("../../testdata/captures/chrissanders--ip*")
	dec := frame.NewDecoder()
	var fr frame.Frame
	for _, path := range append(files, more...) {
		for i, rec := range records(tb, path) {
			dec.Decode(&rec, i+1, &fr)
			switch fr.Transport {
			case frame.TransportICMPv4:
				msgs = append(msgs, append(append([]byte(nil), fr.ICMPv4.Contents...), fr.ICMPv4.Payload...))
				v6 = append(v6, false)
			case frame.TransportICMPv6:
				msgs = append(msgs, append(append([]byte(nil), fr.ICMPv6.Contents...), fr.ICMPv6.Payload...))
				v6 = append(v6, true)
			}
		}
	}
	return
}

// FuzzParseQuoted: the quoted-datagram decoder never panics.
func FuzzParseQuoted(f *testing.F) {
	msgs, _ := seedMessages(f)
	for _, m := range msgs {
		if len(m) > 8 {
			f.Add(m[8:])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q := ParseQuoted(b)
		q.Endpoint()
	})
}

// FuzzTap wraps the input as an ICMP (v6 false) or ICMPv6 message in an
// Ethernet/IP packet, twice (so pairing runs), and runs the whole tap.
func FuzzTap(f *testing.F) {
	msgs, v6 := seedMessages(f)
	for i, m := range msgs {
		f.Add(m, v6[i])
	}
	f.Fuzz(runOne)
}

// runOne is FuzzTap's body.
func runOne(t *testing.T, b []byte, v6 bool) {
	if len(b) > 1500 {
		return
	}
	var pkt []byte
	eth := []byte{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00}
	if v6 {
		eth[12], eth[13] = 0x86, 0xdd
		ip := make([]byte, 40)
		ip[0] = 0x60
		binary.BigEndian.PutUint16(ip[4:], uint16(len(b)))
		ip[6], ip[7] = 58, 1
		ip[8], ip[23] = 0xfe, 1
		ip[24], ip[39] = 0xfe, 2
		pkt = append(append(eth, ip...), b...)
	} else {
		ip := []byte{0x45, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(b)))
		pkt = append(append(eth, ip...), b...)
	}
	var file bytes.Buffer
	hdr := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}
	file.Write(hdr)
	for i := 0; i < 2; i++ {
		rh := make([]byte, 16)
		binary.LittleEndian.PutUint32(rh[0:], uint32(1700000000+i))
		binary.LittleEndian.PutUint32(rh[8:], uint32(len(pkt)))
		binary.LittleEndian.PutUint32(rh[12:], uint32(len(pkt)))
		file.Write(rh)
		file.Write(pkt)
	}
	out, err := engine.Run(t.Context(), &file, &engine.Options{Tools: []string{"icmp"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out["icmp"].(*Report); !ok {
		t.Fatalf("icmp tap failed: %+v", out["icmp"])
	}
}

// BenchmarkTap replays chrissanders--icmp_traceroute.pcapng (54 ICMP frames)
// through the tap; ns/op is per frame.
func BenchmarkTap(b *testing.B) {
	benchCapture(b, "../../testdata/captures/chrissanders--icmp_traceroute.pcapng")
}

// BenchmarkTapEcho replays the generated edge cases (echo pairing, errors, ND).
func BenchmarkTapEcho(b *testing.B) {
	benchCapture(b, "../../testdata/captures/pcaplens-icmp-edges.pcap")
}

// BenchmarkTapOther measures the cost on frames that are not ICMP (DHCP over UDP).
func BenchmarkTapOther(b *testing.B) {
	benchCapture(b, "../../testdata/captures/dhcp-rfc5859.pcap")
}

func benchCapture(b *testing.B, path string) {
	frames := testrun.Frames(b, path)
	b.ReportAllocs()
	b.ResetTimer()
	tap := New(&engine.Options{MaxPackets: 1})
	for i := 0; i < b.N; i++ {
		f := &frames[i%len(frames)]
		f.Number = i + 1
		f.TimeNs += 1000
		tap.Packet(f)
	}
}
