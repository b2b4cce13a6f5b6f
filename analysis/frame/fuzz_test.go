package frame_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/fraggen"
)

// FuzzReassemble feeds the reassembler fragments chosen by the fuzzer from
// a few datagrams (IPv4 and IPv6, two identifications each): any offset,
// length, order, flag and capture length. Every fragment of a datagram is a
// slice of the same bytes, so whatever completes must be those bytes; the
// caps (small here) must hold; nothing may panic.
//
// Each fragment takes 6 input bytes: datagram (bits 0-1), IPv6 (bit 2),
// more fragments (bit 3), captured short (bit 4); offset in 8-byte units
// (2 bytes, any value up to 65,528 bytes); length (2 bytes, at most 4,096:
// a datagram may still run past 65,535 bytes). At most 256 fragments.
func FuzzReassemble(f *testing.F) {
	f.Add([]byte{0x08, 0, 0, 0x05, 0xc8, 0, 0x00, 0, 185, 0x02, 0x00, 0})
	f.Add([]byte{0x0c, 0, 0, 0x04, 0xd0, 0, 0x04, 0, 154, 0x03, 0x00, 0, 0x0c, 0, 0, 0x04, 0xd0, 0})
	f.Add([]byte{0x09, 0, 10, 0, 100, 0, 0x01, 0, 0, 0, 200, 0, 0x19, 0, 0, 1, 0, 0, 0x08, 0x1f, 0xff, 0, 100, 0})
	ref := make([][]byte, 8)
	for i := range ref {
		ref[i] = make([]byte, 70000)
		for j := range ref[i] {
			ref[i][j] = byte(i*31 + j*7 + j>>8)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := frame.NewDecoder()
		r := frame.NewReassembler(frame.ReassemblyLimits{MaxPending: 3, MaxBytes: 1 << 16})
		var fr frame.Frame
		for n := 1; len(in) >= 6 && n <= 256; n++ {
			op := in[0]
			off := int(binary.BigEndian.Uint16(in[1:3])&0x1fff) * 8
			length := int(binary.BigEndian.Uint16(in[3:5]))
			in = in[6:]
			which := int(op & 3)
			v6 := op&4 != 0
			src, dst := a4, b4
			if v6 {
				src, dst, which = a6, b6, which+4
			}
			length = min(length, 4096, len(ref[which])-off)
			if length < 0 {
				continue
			}
			dg := &fraggen.Datagram{Src: src, Dst: dst, Proto: 17, ID: uint32(which), Payload: ref[which][:off+length]}
			ip := dg.Fragment(off, length, op&8 != 0)
			b := fraggen.Ethernet(ip)
			rec := capture.Record{Data: b, OrigLen: len(b), LinkType: frame.LinkEthernet}
			if op&16 != 0 {
				rec.Data = b[:len(b)/2]
			}
			d.Decode(&rec, n, &fr)
			r.Add(&fr)
			if fr.Reassembled {
				if len(fr.Datagram) > frame.MaxDatagram || !bytes.Equal(fr.Datagram, ref[which][:len(fr.Datagram)]) {
					t.Fatalf("frame %d: reassembled %d bytes that are not the datagram's", n, len(fr.Datagram))
				}
				if fr.Fragments < 1 || fr.FirstFragment < 1 || fr.FirstFragment > n {
					t.Fatalf("frame %d: %d fragments, first %d", n, fr.Fragments, fr.FirstFragment)
				}
			}
			if p, held := r.Pending(); p > 3 || held > 1<<16 {
				t.Fatalf("frame %d: %d datagrams, %d bytes held", n, p, held)
			}
		}
		st := r.Finish()
		if p, held := r.Pending(); p != 0 || held != 0 {
			t.Fatalf("after Finish: %d datagrams, %d bytes held (%+v)", p, held, st)
		}
	})
}

// FuzzDecodeTunnels decodes any bytes on a few link types, seeded with
// tunnelled packets (IP-in-IP, GRE, VXLAN, Geneve, nested, ERSPAN, PPTP,
// Aruba, GRE and MPLS in UDP, GTP-U, Teredo, AYIYA, fragments inside a
// tunnel, Cisco HDLC with PBB, PKTAP), then hands the
// frame to a reassembler: nothing may panic, the tunnel depth stays within
// MaxTunnels and the outer fields are set exactly when a tunnel was followed.
func FuzzDecodeTunnels(f *testing.F) {
	seeds := [][]byte{
		fraggen.IPIP(outer4a, outer4b, innerTCP(in4a, in4b)),
		fraggen.IPIP(outer6a, outer6b, innerDNS(in4a, in4b)),
		fraggen.GRE(outer4a, outer4b, fraggen.GREChecksum|fraggen.GREKey|fraggen.GRESeq, 0x86dd, innerDNS(in6a, in6b)),
		fraggen.GRE(outer6a, outer6b, 0, 0x6558, ether(0x8100, append([]byte{0, 5, 0x08, 0x00}, innerTCP(in4a, in4b)...))),
		fraggen.VXLAN(outer4a, outer4b, 50000, 42, ether(0x0800, innerTCP(in4a, in4b))),
		fraggen.Geneve(outer4a, outer4b, 60000, 0x6558, 3, ether(0x86dd, innerTCP(in6a, in6b))),
		fraggen.IPIP(outer4a, outer4b, fraggen.GRE(outer6a, outer6b, 0, 0x86dd, fraggen.VXLAN(in6b, in6a, 50000, 1, ether(0x0800, innerDNS(in4a, in4b))))),
		greIn(fraggen.GREHeader(fraggen.GRESeq, 0x22eb, 1), append(fraggen.ERSPAN3(1, 2, 0, true), ether(0x0800, innerDNS(in4a, in4b))...))[14:],
		greIn(fraggen.PPTP(7, 1, 1, fraggen.PPPFrame(innerTCP(in6a, in6b), true)), nil)[14:],
		greIn(fraggen.GREHeader(0, 0x8200, 0), append([]byte{0x08, 0x01, 0, 0, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 3, 0, 0, 0xaa, 0xaa, 3, 0, 0, 0, 8, 0}, innerDNS(in4a, in4b)...))[14:],
		udpIn(2152, 2152, fraggen.GTPU(1, true, innerTCP(in6a, in6b)))[14:],
		udpIn(40000, 3544, append(append(fraggen.TeredoAuth(3, 5), fraggen.TeredoOrigin(1, outer4a)...), innerTCP(in6a, in6b)...))[14:],
		udpIn(40000, 5072, append(fraggen.AYIYA(4), innerTCP(in4a, in4b)...))[14:],
		udpIn(50000, 6635, append(fraggen.MPLSLabel(5, true), innerTCP(in4a, in4b)...))[14:],
		udpIn(50000, 4754, append(fraggen.GREHeader(0, 0x0800, 0), innerTCP(in4a, in4b)...))[14:],
	}
	outer := fraggen.Datagram{Src: outer4a, Dst: outer4b, Proto: 47, ID: 9, Payload: seeds[2][20:]}
	seeds = append(seeds, outer.Split(24)...)
	inner := fraggen.Datagram{Src: in4a, Dst: in4b, Proto: 17, ID: 3, Payload: fraggen.UDP(in4a, in4b, 5353, 53, fraggen.DNSQuery(7, "example.org", 1))}
	for _, fr := range inner.Split(16) {
		seeds = append(seeds, fraggen.IPIP(outer4a, outer4b, fr))
	}
	for _, s := range seeds {
		f.Add(uint8(0), s)
		f.Add(uint8(1), fraggen.Ethernet(s))
	}
	for _, s := range [][]byte{
		append([]byte{0x0f, 0, 0x08, 0}, innerDNS(in4a, in4b)...),
		append([]byte{0x0f, 0, 0x88, 0xe7, 0, 0, 0, 5}, ether(0x0800, innerDNS(in4a, in4b))...),
	} {
		f.Add(uint8(4), s) // Cisco HDLC
	}
	pktap := make([]byte, 108)
	pktap[0], pktap[4], pktap[8] = 108, 1, 1
	f.Add(uint8(5), append(pktap, fraggen.Ethernet(innerDNS(in4a, in4b))...))
	links := []uint16{frame.LinkRaw, frame.LinkEthernet, frame.LinkLinuxSLL, frame.LinkNull, frame.LinkCHDLC, frame.LinkUserPKTAP}
	d := frame.NewDecoder()
	r := frame.NewReassembler(frame.ReassemblyLimits{MaxPending: 4, MaxBytes: 1 << 16})
	n := 0
	f.Fuzz(func(t *testing.T, link uint8, data []byte) {
		n++
		var fr frame.Frame
		rec := capture.Record{Data: data, OrigLen: len(data), LinkType: links[int(link)%len(links)]}
		d.Decode(&rec, n, &fr)
		r.Add(&fr)
		if fr.Tunnels < 0 || fr.Tunnels > frame.MaxTunnels {
			t.Fatalf("%d tunnels", fr.Tunnels)
		}
		if (fr.Tunnels > 0) != (fr.Tunnel != frame.TunnelNone) || (fr.Tunnels > 0) != fr.OuterSrcIP.IsValid() {
			t.Fatalf("tunnel %d depth %d outer %v", fr.Tunnel, fr.Tunnels, fr.OuterSrcIP)
		}
		if fr.Fragment && !fr.Reassembled && fr.FragOffset != 0 && fr.Transport != frame.TransportNone {
			t.Fatalf("a non-first fragment has a transport layer")
		}
	})
}
