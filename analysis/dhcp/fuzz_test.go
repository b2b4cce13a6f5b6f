package dhcp

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

// records reads every record of a capture (copied, for replay).
func records(tb testing.TB, path string) []capture.Record {
	tb.Helper()
	return testrun.Records(tb, path)
}

// seedPayloads returns the DHCP UDP payloads of the testdata captures.
func seedPayloads(tb testing.TB) [][]byte {
	files, _ := filepath.Glob("../../testdata/captures/*dhcp*")
	var out [][]byte
	dec := frame.NewDecoder()
	var fr frame.Frame
	for _, path := range files {
		for i, rec := range records(tb, path) {
			dec.Decode(&rec, i+1, &fr)
			if fr.Transport == frame.TransportUDP && (fr.SrcPort == 67 || fr.DstPort == 67 || fr.SrcPort == 547 || fr.DstPort == 547) {
				out = append(out, append([]byte(nil), fr.Payload...))
			}
		}
	}
	return out
}

// FuzzMessage: the DHCPv4 parser, option walker and every option decoder
// never panic on any input.
func FuzzMessage(f *testing.F) {
	for _, p := range seedPayloads(f) {
		f.Add(p)
	}
	f.Add(msg(1, 1, [6]byte{}, 52, 1, 3, 81, 3, 4, 0, 0, 82, 2, 1, 9, 121, 1, 33, 119, 2, 0xc0, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMessage(b)
		if err != nil {
			return
		}
		m.ClientMAC()
		m.WalkOptions(func(o Option) {
			DecodeOption(o)
			// Every option code through every decoder.
			for c := 0; c < 256; c += 37 {
				DecodeOption(Option{Code: byte(c), Data: o.Data})
			}
			DecodeOption(Option{Code: 81, Data: o.Data})
			DecodeOption(Option{Code: 82, Data: o.Data})
			DecodeOption(Option{Code: 119, Data: o.Data})
			DecodeOption(Option{Code: 121, Data: o.Data})
		})
	})
}

// FuzzV6: the DHCPv6 parser never panics.
func FuzzV6(f *testing.F) {
	for _, p := range seedPayloads(f) {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseV6(b)
	})
}

// BenchmarkTap replays dhcp-rfc4388.pcap (36 DHCP messages among 45 frames)
// through decoder and tap; ns/op is per frame.
func BenchmarkTap(b *testing.B) {
	benchCapture(b, "../../testdata/captures/dhcp-rfc4388.pcap")
}

// BenchmarkTapOther measures the cost on frames that are not DHCP (ICMP).
func BenchmarkTapOther(b *testing.B) {
	benchCapture(b, "../../testdata/captures/chrissanders--icmp_traceroute.pcapng")
}

func benchCapture(b *testing.B, path string) {
	frames := testrun.Frames(b, path)
	b.ReportAllocs()
	b.ResetTimer()
	tap := New(&engine.Options{MaxPackets: 1})
	for i := 0; i < b.N; i++ {
		f := &frames[i%len(frames)]
		tap.Packet(f)
	}
}

// FuzzTap wraps the input as the UDP payload of a DHCPv4 (v6 false) or DHCPv6
// packet, twice, and runs the whole dhcp tap through the engine.
func FuzzTap(f *testing.F) {
	for _, p := range seedPayloads(f) {
		f.Add(p, false)
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, v6 bool) {
		if len(b) > 1500 {
			return
		}
		udp := make([]byte, 8)
		binary.BigEndian.PutUint16(udp[0:], 68)
		binary.BigEndian.PutUint16(udp[2:], 67)
		if v6 {
			binary.BigEndian.PutUint16(udp[0:], 546)
			binary.BigEndian.PutUint16(udp[2:], 547)
		}
		binary.BigEndian.PutUint16(udp[4:], uint16(8+len(b)))
		eth := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x00}
		var ip []byte
		if v6 {
			eth[12], eth[13] = 0x86, 0xdd
			ip = make([]byte, 40)
			ip[0] = 0x60
			binary.BigEndian.PutUint16(ip[4:], uint16(8+len(b)))
			ip[6], ip[7] = 17, 1
			ip[8], ip[23] = 0xfe, 1
			ip[24], ip[39] = 0xff, 2
		} else {
			ip = []byte{0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255}
			binary.BigEndian.PutUint16(ip[2:], uint16(28+len(b)))
		}
		pkt := append(append(append(eth, ip...), udp...), b...)
		var file bytes.Buffer
		file.Write([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0})
		for i := 0; i < 2; i++ {
			rh := make([]byte, 16)
			binary.LittleEndian.PutUint32(rh[0:], uint32(1700000000+i))
			binary.LittleEndian.PutUint32(rh[8:], uint32(len(pkt)))
			binary.LittleEndian.PutUint32(rh[12:], uint32(len(pkt)))
			file.Write(rh)
			file.Write(pkt)
		}
		out, err := engine.Run(t.Context(), &file, &engine.Options{Tools: []string{"dhcp"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := out["dhcp"].(*Report); !ok {
			t.Fatalf("dhcp tap failed: %+v", out["dhcp"])
		}
	})
}
