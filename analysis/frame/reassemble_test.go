package frame_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"runtime"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/golden"
	"pcaplens/analysis/internal/fraggen"
)

// TestFragmentsCapture keeps the committed capture equal to what
// fraggen.Capture builds (go test -update rewrites it; then rerun the
// testdata/tshark scripts).
func TestFragmentsCapture(t *testing.T) {
	checkGenerated(t, fraggen.CapturePath, fraggen.Capture())
}

// checkGenerated compares a committed capture with the bytes its generator
// builds now, or rewrites it under go test -update.
func checkGenerated(t *testing.T, path string, b []byte) {
	t.Helper()
	if golden.Updating() {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, b) {
		t.Fatalf("%s differs from what its generator in analysis/internal/fraggen builds: run go test -update and the testdata/tshark scripts", path)
	}
}

// seen is what one frame looked like after reassembly (copied: the
// reassembler's buffers are reused).
type seen struct {
	fragment, reassembled bool
	transport             int
	sport, dport          uint16
	payload               []byte
	fragments, first      int
	anomaly               string
}

// run decodes and reassembles Ethernet frames (each captured up to caps[i]
// bytes when caps has an entry for it) and returns what each looked like.
func run(t *testing.T, r *frame.Reassembler, frames [][]byte, caps map[int]int) []seen {
	t.Helper()
	d := frame.NewDecoder()
	var f frame.Frame
	out := make([]seen, len(frames))
	for i, b := range frames {
		rec := capture.Record{Data: b, OrigLen: len(b), LinkType: frame.LinkEthernet}
		if c, ok := caps[i]; ok {
			rec.Data = b[:c]
		}
		d.Decode(&rec, i+1, &f)
		r.Add(&f)
		out[i] = seen{f.Fragment, f.Reassembled, f.Transport, f.SrcPort, f.DstPort,
			append([]byte(nil), f.Payload...), f.Fragments, f.FirstFragment, string(f.Anomaly)}
	}
	return out
}

func eth(ips ...[]byte) [][]byte {
	out := make([][]byte, len(ips))
	for i, ip := range ips {
		out[i] = fraggen.Ethernet(ip)
	}
	return out
}

var (
	a4, b4 = netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	a6, b6 = netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
)

// udpDatagram is a UDP datagram of n payload bytes from a to b.
func udpDatagram(a, b netip.Addr, id uint32, n int) (*fraggen.Datagram, []byte) {
	p := fraggen.Pattern(n)
	for i := range p {
		p[i] += byte(i / 26) // not periodic: a misplaced fragment shows
	}
	return &fraggen.Datagram{Src: a, Dst: b, Proto: 17, ID: id, Payload: fraggen.UDP(a, b, 4000, 53, p)}, p
}

// complete checks that frame i (0-based) of s, and only it, carries the
// reassembled datagram with the given payload.
func complete(t *testing.T, s []seen, i int, payload []byte, fragments, first int) {
	t.Helper()
	for j, x := range s {
		if j == i {
			if !x.reassembled || x.transport != frame.TransportUDP || !bytes.Equal(x.payload, payload) || x.fragments != fragments || x.first != first {
				t.Errorf("frame %d: reassembled %v transport %d payload %d bytes (equal %v) fragments %d first %d; want %d bytes, %d fragments, first %d",
					j+1, x.reassembled, x.transport, len(x.payload), bytes.Equal(x.payload, payload), x.fragments, x.first, len(payload), fragments, first)
			}
			continue
		}
		if x.reassembled || (x.fragment && x.transport != frame.TransportNone) {
			t.Errorf("frame %d: reassembled %v transport %d, want a bare fragment", j+1, x.reassembled, x.transport)
		}
	}
}

func TestReassemble(t *testing.T) {
	t.Run("ipv4 in order", func(t *testing.T) {
		d, p := udpDatagram(a4, b4, 7, 4000)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(d.Split(1480)...), nil)
		complete(t, s, 2, p, 3, 1)
		if s[2].sport != 4000 || s[2].dport != 53 {
			t.Errorf("ports %d → %d", s[2].sport, s[2].dport)
		}
	})
	t.Run("ipv4 last first", func(t *testing.T) {
		d, p := udpDatagram(a4, b4, 7, 2000)
		fr := d.Split(1480)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(fr[1], fr[0]), nil)
		complete(t, s, 1, p, 2, 1)
	})
	t.Run("ipv6 middle completes", func(t *testing.T) {
		d, p := udpDatagram(a6, b6, 0x12345678, 3000)
		fr := d.Split(1232)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(fr[0], fr[2], fr[1]), nil)
		complete(t, s, 2, p, 3, 1)
	})
	t.Run("duplicate before completion", func(t *testing.T) {
		d, p := udpDatagram(a4, b4, 7, 3000)
		fr := d.Split(1480)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(fr[0], fr[0], fr[1], fr[2]), nil)
		complete(t, s, 3, p, 4, 1)
	})
	t.Run("overlap: the lower offset wins", func(t *testing.T) {
		d, p := udpDatagram(a4, b4, 7, 3000)
		bad := *d
		bad.Payload = bytes.Clone(d.Payload)
		for i := 1400; i < 1480; i++ {
			bad.Payload[i] = 0xff
		}
		// The garbage-prefixed tail first, then the head that covers it.
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(bad.Fragment(1400, -1, false), d.Fragment(0, 1480, true)), nil)
		complete(t, s, 1, p, 2, 1)
		// The head first: the tail's garbage overlaps bytes already held.
		s = run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(d.Fragment(0, 1480, true), bad.Fragment(1400, -1, false)), nil)
		complete(t, s, 1, p, 2, 1)
	})
	t.Run("same offset: the first captured wins", func(t *testing.T) {
		d, p := udpDatagram(a4, b4, 7, 3000)
		bad := *d
		bad.Payload = bytes.Clone(d.Payload)
		for i := 1480; i < 2960; i++ {
			bad.Payload[i] = 0xff
		}
		fr := d.Split(1480)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(fr[0], fr[1], bad.Fragment(1480, 1480, true), fr[2]), nil)
		complete(t, s, 3, p, 4, 1)
	})
	t.Run("short fragment: never complete", func(t *testing.T) {
		d, _ := udpDatagram(a4, b4, 7, 3000)
		r := frame.NewReassembler(frame.ReassemblyLimits{})
		s := run(t, r, eth(d.Split(1480)...), map[int]int{1: 200})
		complete(t, s, -1, nil, 0, 0)
		st := r.Finish()
		if st.Short != 1 || st.Incomplete != 1 || st.IncompleteFragments != 2 || st.Reassembled != 0 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("ipv4 short first fragment is decoded as far as it goes", func(t *testing.T) {
		d, _ := udpDatagram(a4, b4, 7, 3000)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(d.Split(1480)...), map[int]int{0: 100})
		if !s[0].fragment || s[0].transport != frame.TransportUDP || s[0].reassembled || s[0].dport != 53 {
			t.Errorf("short first fragment: %+v", s[0])
		}
		if s[1].transport != frame.TransportNone || s[2].transport != frame.TransportNone {
			t.Error("later fragments decoded")
		}
	})
	t.Run("ipv6 short first fragment is not", func(t *testing.T) {
		d, _ := udpDatagram(a6, b6, 7, 3000)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(d.Split(1232)...), map[int]int{0: 100})
		complete(t, s, -1, nil, 0, 0)
	})
	t.Run("ipv6 atomic fragment", func(t *testing.T) {
		d, p := udpDatagram(a6, b6, 7, 100)
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(d.Fragment(0, -1, false)), nil)
		if s[0].fragment || s[0].reassembled || s[0].transport != frame.TransportUDP || !bytes.Equal(s[0].payload, p) {
			t.Errorf("atomic fragment: %+v", s[0])
		}
	})
	t.Run("fragment after completion starts anew", func(t *testing.T) {
		d, p := udpDatagram(a4, b4, 7, 2000)
		fr := d.Split(1480)
		r := frame.NewReassembler(frame.ReassemblyLimits{})
		s := run(t, r, eth(fr[0], fr[1], fr[1], fr[0]), nil)
		if !s[1].reassembled || s[2].reassembled || !s[3].reassembled || !bytes.Equal(s[3].payload, p) || s[3].first != 3 {
			t.Errorf("%+v", s)
		}
	})
	t.Run("keys", func(t *testing.T) {
		// Same identification, other protocol; other VLAN; other source.
		d, p := udpDatagram(a4, b4, 7, 2000)
		icmp := &fraggen.Datagram{Src: a4, Dst: b4, Proto: 1, ID: 7, Payload: fraggen.Echo(a4, b4, true, 1, 1, fraggen.Pattern(2000))}
		other, _ := udpDatagram(b4, a4, 7, 2000)
		u, e, o := d.Split(1480), icmp.Split(1480), other.Split(1480)
		frames := eth(u[0], e[0], o[1], u[1], e[1])
		frames = append(frames, fraggen.VLAN(10, u[0]), fraggen.VLAN(20, u[1]))
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), frames, nil)
		if !s[3].reassembled || !bytes.Equal(s[3].payload, p) || !s[4].reassembled || s[4].transport != frame.TransportICMPv4 {
			t.Errorf("udp %+v icmp %+v", s[3], s[4])
		}
		if s[2].reassembled || s[5].reassembled || s[6].reassembled {
			t.Error("fragments of other datagrams joined")
		}
	})
	t.Run("tcp", func(t *testing.T) {
		data := fraggen.Pattern(2000)
		d := &fraggen.Datagram{Src: a4, Dst: b4, Proto: 6, ID: 9, Payload: fraggen.TCP(a4, b4, 1, 2, 100, 0, fraggen.ACK, data)}
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(d.Split(1480)...), nil)
		if !s[1].reassembled || s[1].transport != frame.TransportTCP || !bytes.Equal(s[1].payload, data) {
			t.Errorf("%+v", s[1])
		}
	})
	t.Run("ipv6 headers after the fragment header", func(t *testing.T) {
		// Destination options (8 bytes, PadN) then ICMPv6 echo, in two fragments.
		echo := fraggen.Echo(a6, b6, true, 1, 1, fraggen.Pattern(2000))
		payload := append([]byte{58, 0, 1, 4, 0, 0, 0, 0}, echo...)
		d := &fraggen.Datagram{Src: a6, Dst: b6, Proto: 60, ID: 3, Payload: payload}
		s := run(t, frame.NewReassembler(frame.ReassemblyLimits{}), eth(d.Split(1232)...), nil)
		if !s[1].reassembled || s[1].transport != frame.TransportICMPv6 || len(s[1].payload) != len(echo)-4 {
			t.Errorf("%+v", s[1])
		}
	})
	t.Run("oversize", func(t *testing.T) {
		// A fragment ending past 65,535 bytes (a "ping of death").
		d := &fraggen.Datagram{Src: a4, Dst: b4, Proto: 1, ID: 1, Payload: make([]byte, 65600)}
		r := frame.NewReassembler(frame.ReassemblyLimits{})
		run(t, r, eth(d.Fragment(0, 1480, true), d.Fragment(65520, -1, false)), nil)
		if st := r.Finish(); st.Oversize != 1 || st.Incomplete != 0 || st.Reassembled != 0 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("too many fragments", func(t *testing.T) {
		d := &fraggen.Datagram{Src: a4, Dst: b4, Proto: 17, ID: 1, Payload: make([]byte, 16*(frame.MaxDatagramFragments+1))}
		r := frame.NewReassembler(frame.ReassemblyLimits{})
		s := run(t, r, eth(d.Split(16)...), nil)
		if st := r.Finish(); st.Oversize != 1 || st.Reassembled != 0 || s[len(s)-1].reassembled {
			t.Errorf("stats %+v", st)
		}
	})
}

// TestReassemblyCaps checks that the oldest datagram in progress is dropped
// when either cap is hit, and that the drops are counted.
func TestReassemblyCaps(t *testing.T) {
	var frames [][]byte
	var want [][]byte
	for id := uint32(0); id < 10; id++ {
		d, p := udpDatagram(a4, b4, id, 2000)
		frames = append(frames, fraggen.Ethernet(d.Fragment(0, 1480, true)))
		want = append(want, p)
	}
	// The last fragments, newest datagram first.
	for id := uint32(9); id < 10; id-- {
		d, _ := udpDatagram(a4, b4, id, 2000)
		frames = append(frames, fraggen.Ethernet(d.Fragment(1480, -1, false)))
	}
	r := frame.NewReassembler(frame.ReassemblyLimits{MaxPending: 4})
	s := run(t, r, frames, nil)
	// With 4 datagrams in progress at most, the first 6 are dropped; their
	// last fragments then start 6 datagrams of which the last 4 stay.
	for id := 0; id < 10; id++ {
		x := s[10+9-id]
		if (id >= 6) != x.reassembled || (x.reassembled && !bytes.Equal(x.payload, want[id])) {
			t.Errorf("datagram %d reassembled %v", id, x.reassembled)
		}
	}
	if st := r.Finish(); st.Evicted != 8 || st.Reassembled != 4 || st.Incomplete != 4 || st.PeakPending != 4 {
		t.Errorf("stats %+v", st)
	}
	// A byte cap of 1 is raised to 64 KiB, the smallest (one datagram of the
	// largest size): 32 buffers of 2 KiB. Fill it with 40 datagrams in progress.
	r = frame.NewReassembler(frame.ReassemblyLimits{MaxBytes: 1})
	var fr [][]byte
	for id := uint32(0); id < 40; id++ {
		d, _ := udpDatagram(a4, b4, id, 2000)
		fr = append(fr, fraggen.Ethernet(d.Fragment(0, 1480, true)))
	}
	run(t, r, fr, nil)
	if n, b := r.Pending(); n != 32 || b != 1<<16 {
		t.Errorf("pending %d datagrams, %d bytes", n, b)
	}
	if st := r.Finish(); st.Evicted != 8 || st.PeakBytes != 1<<16 || st.MaxBytes != 1<<16 {
		t.Errorf("stats %+v", st)
	}
}

// TestReassembleDoesNotAllocate: Add on frames that are not fragments, the
// engine's ordinary case, allocates nothing (nor does decoding them).
func TestReassembleDoesNotAllocate(t *testing.T) {
	d := frame.NewDecoder()
	r := frame.NewReassembler(frame.ReassemblyLimits{})
	var f frame.Frame
	whole, _ := udpDatagram(a4, b4, 1, 100)
	w6, _ := udpDatagram(a6, b6, 1, 100)
	recs := []capture.Record{
		{Data: fraggen.Ethernet(whole.Whole()), LinkType: frame.LinkEthernet},
		{Data: fraggen.Ethernet(w6.Whole()), LinkType: frame.LinkEthernet},
	}
	allocs := testing.AllocsPerRun(100, func() {
		for i := range recs {
			d.Decode(&recs[i], i+1, &f)
			r.Add(&f)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per decode and reassembly", allocs)
	}
	// Once warm, fragmented datagrams reuse the pooled buffers and datagrams.
	big, _ := udpDatagram(a4, b4, 2, 3000)
	for _, fr := range big.Split(1480) {
		recs = append(recs, capture.Record{Data: fraggen.Ethernet(fr), LinkType: frame.LinkEthernet})
	}
	allocs = testing.AllocsPerRun(100, func() {
		for i := range recs {
			d.Decode(&recs[i], i+1, &f)
			r.Add(&f)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per warm reassembly", allocs)
	}
}

// TestMillionFragments feeds a million fragments of datagrams that never
// complete (each with a new identification): memory stays within the caps,
// which are hit and counted. In "pending" every datagram holds a 2 KiB
// buffer and the cap of 4,096 datagrams is hit; in "bytes" the IPv4
// fragments sit at offset 60,000 (64 KiB buffers) and the 64 MiB cap is hit.
func TestMillionFragments(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	for _, tc := range []struct {
		name  string
		off4  int
		bytes bool
	}{{"pending", 0, false}, {"bytes", 60000, true}} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := udpDatagram(a4, b4, 0, 61000)
			tmpl := fraggen.Ethernet(d.Fragment(tc.off4, 1000, true))
			d6, _ := udpDatagram(a6, b6, 0, 1400)
			tmpl6 := fraggen.Ethernet(d6.Fragment(0, 1000, true))
			dec := frame.NewDecoder()
			r := frame.NewReassembler(frame.ReassemblyLimits{})
			var f frame.Frame
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base := ms.HeapInuse
			maxHeap := uint64(0)
			for i := 0; i < n; i++ {
				b := tmpl
				if i%2 == 1 {
					b = tmpl6
					// Fragment identification (IPv6 fragment header, bytes 4-7).
					binary.BigEndian.PutUint32(b[14+40+4:], uint32(i))
				} else {
					binary.BigEndian.PutUint16(b[14+4:], uint16(i/2))
					b[14+9] = byte(i / 131072) // the protocol: more keys than 16-bit IDs
				}
				rec := capture.Record{Data: b, OrigLen: len(b), LinkType: frame.LinkEthernet}
				dec.Decode(&rec, i+1, &f)
				r.Add(&f)
				if p, held := r.Pending(); p > frame.DefaultMaxPending || held > frame.DefaultMaxBytes {
					t.Fatalf("fragment %d: %d datagrams, %d bytes held", i, p, held)
				}
				if i%50_000 == 0 {
					runtime.ReadMemStats(&ms)
					maxHeap = max(maxHeap, ms.HeapInuse)
				}
			}
			st := r.Finish()
			if st.Fragments != n || st.Evicted+st.Incomplete != n || st.Reassembled != 0 {
				t.Errorf("stats %+v", st)
			}
			if tc.bytes {
				// 64 KiB and 2 KiB buffers in turn: the byte cap is hit first.
				if st.PeakBytes <= frame.DefaultMaxBytes-1<<16 || st.PeakPending >= frame.DefaultMaxPending {
					t.Errorf("byte cap not hit: %+v", st)
				}
			} else if st.PeakPending != frame.DefaultMaxPending || st.Incomplete != frame.DefaultMaxPending {
				t.Errorf("pending cap not hit: %+v", st)
			}
			// The buffers held (at most 64 MiB), the pools (4 MiB) and the tables.
			if grown := int64(maxHeap) - int64(base); grown > 96<<20 {
				t.Errorf("heap grew by %d MiB", grown>>20)
			}
			t.Logf("%d fragments: %+v; heap in use grew by at most %.1f MiB", n, st, float64(int64(maxHeap)-int64(base))/(1<<20))
		})
	}
}

// BenchmarkReassemble measures decoding and reassembly per frame: frames
// that are not fragments (the cost Add adds to every packet), and datagrams
// of 3,000 bytes in fragments (IPv4 in order, IPv6 last fragment first).
func BenchmarkReassemble(b *testing.B) {
	whole, _ := udpDatagram(a4, b4, 1, 100)
	d4, _ := udpDatagram(a4, b4, 1, 3000)
	d6, _ := udpDatagram(a6, b6, 1, 3000)
	f6 := d6.Split(1232)
	for _, bc := range []struct {
		name   string
		frames [][]byte
	}{
		{"whole", eth(whole.Whole())},
		{"ipv4_in_order", eth(d4.Split(1480)...)},
		{"ipv6_reordered", eth(f6[2], f6[0], f6[1])},
	} {
		b.Run(bc.name, func(b *testing.B) {
			recs := make([]capture.Record, len(bc.frames))
			size := 0
			for i, fr := range bc.frames {
				recs[i] = capture.Record{Data: fr, OrigLen: len(fr), LinkType: frame.LinkEthernet}
				size += len(fr)
			}
			d := frame.NewDecoder()
			r := frame.NewReassembler(frame.ReassemblyLimits{})
			var f frame.Frame
			b.SetBytes(int64(size))
			b.ReportAllocs()
			done := 0
			for i := 0; i < b.N; i++ {
				for j := range recs {
					d.Decode(&recs[j], j+1, &f)
					r.Add(&f)
					if f.Reassembled {
						done++
					}
				}
			}
			if len(recs) > 1 && done != b.N {
				b.Fatalf("%d datagrams reassembled of %d", done, b.N)
			}
			b.ReportMetric(float64(b.N)*float64(len(recs))/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
