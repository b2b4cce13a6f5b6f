package frame_test

import (
	"bufio"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/fraggen"
)

// The captures and tshark's tcp.stream and udp.stream for them
// (testdata/tshark/streams.sh). STREAMS_CAPTURES and STREAMS_EXPECTED point
// the test at another corpus.
var (
	streamCaptures = envOr("STREAMS_CAPTURES", "../../testdata/captures")
	streamExpected = envOr("STREAMS_EXPECTED", "../../testdata/expected/streams")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// lastField is the last value of a field tshark printed comma-separated
// (the innermost header's), or -1 when empty.
func lastField(s string) int {
	if s == "" {
		return -1
	}
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		s = s[i+1:]
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -2
	}
	return n
}

// knownUDPDifferences lists captures whose udp.stream differs from tshark's
// here for a documented reason.
var knownUDPDifferences = map[string]string{
	"sip-call-rtp.pcap":      "RTP conversations set up by SDP: this test announces none (analysis/query reads the SIP and agrees with tshark)",
	"sip-call-rtp-loss.pcap": "RTP conversations set up by SDP: this test announces none (analysis/query reads the SIP and agrees with tshark)",
}

// udpStreams is every udp.stream of f as tshark prints them, outermost
// first.
func udpStreams(f *frame.Frame) string {
	var l []string
	for _, s := range f.OuterUDPStreams[:f.NOuterUDP] {
		l = append(l, strconv.Itoa(int(s)))
	}
	if f.UDPStream >= 0 {
		l = append(l, strconv.Itoa(f.UDPStream))
	}
	return strings.Join(l, ",")
}

// skipStreams lists captures tshark numbers the frames of differently.
var skipStreams = map[string]string{
	"pcapng-oddities.pcapng": "tshark lists a custom block as a frame: its frame numbers are one ahead of ours from frame 4",
}

// TestStreamsTshark compares Frame.TCPStream and Frame.UDPStream, as the
// engine assigns them (decoder, reassembler, assigner), with tshark's
// tcp.stream and udp.stream on every capture that has an expectation.
func TestStreamsTshark(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(streamExpected, "*.tsv"))
	if len(files) == 0 {
		t.Fatal("no expectations (run testdata/tshark/streams.sh)")
	}
	for _, exp := range files {
		name := strings.TrimSuffix(filepath.Base(exp), ".tsv")
		t.Run(name, func(t *testing.T) {
			if why := skipStreams[name]; why != "" {
				t.Skip(why)
			}
			want := map[int][2]string{}
			b, err := os.ReadFile(exp)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if line == "" {
					continue
				}
				p := strings.Split(line, "\t")
				for len(p) < 3 {
					p = append(p, "")
				}
				n, _ := strconv.Atoi(p[0])
				want[n] = [2]string{p[1], p[2]}
			}
			in, err := os.Open(filepath.Join(streamCaptures, name))
			if err != nil {
				t.Skip(err)
			}
			defer in.Close()
			rd, err := capture.Open(bufio.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			d := frame.NewDecoder()
			r := frame.NewReassembler(frame.ReassemblyLimits{})
			a := frame.NewStreamAssigner(0)
			var rec capture.Record
			var f frame.Frame
			tcp, udp, icmp, bad := 0, 0, 0, 0
			for n := 1; ; n++ {
				if err := rd.Next(&rec); err != nil {
					if !errors.Is(err, io.EOF) {
						t.Logf("read: %v", err)
					}
					break
				}
				d.Decode(&rec, n, &f)
				r.Add(&f)
				a.Assign(&f)
				w := want[n]
				wt, wu := lastField(w[0]), lastField(w[1])
				switch f.Transport {
				case frame.TransportTCP:
					tcp++
					if f.TCPStream != wt || f.Tunnels > 0 && udpStreams(&f) != w[1] {
						bad++
						if bad <= 10 {
							t.Errorf("frame %d: tcp.stream %d udp.stream %d, tshark %q %q", n, f.TCPStream, f.UDPStream, w[0], w[1])
						}
					}
				case frame.TransportUDP:
					if knownUDPDifferences[name] != "" {
						break
					}
					udp++
					if udpStreams(&f) != w[1] {
						bad++
						if bad <= 10 {
							t.Errorf("frame %d: udp.stream %d, tshark %q", n, f.UDPStream, w[1])
						}
					}
				case frame.TransportICMPv4, frame.TransportICMPv6:
					// The UDP header an ICMP error quotes has a udp.stream.
					if f.Tunnels > 0 {
						break
					}
					icmp++
					if f.TCPStream != -1 || f.UDPStream != wu {
						bad++
						if bad <= 10 {
							t.Errorf("frame %d (ICMP): streams %d %d, tshark %q %q", n, f.TCPStream, f.UDPStream, w[0], w[1])
						}
					}
				default:
					if f.Tunnels == 0 && (f.TCPStream != -1 || f.UDPStream != -1) {
						t.Errorf("frame %d: no transport, streams %d %d", n, f.TCPStream, f.UDPStream)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d frames differ", bad)
			}
			t.Logf("%d TCP, %d UDP and %d ICMP frames compared", tcp, udp, icmp)
		})
	}
}

// TestStreamsQuotedUDP checks the numbering of headers quoted in ICMP
// errors against tshark 4.0.17 on the same frames (written by
// PCAPLENS_QUOTED_PCAP=file go test -run TestStreamsQuotedUDP): the quoted
// UDP header of a pair not seen yet takes the next udp.stream, which moves
// the numbers of later pairs; a quoted TCP header, a UDP header quoted
// shorter than 8 bytes, one in a later fragment and an echo reply's data
// are not numbered.
func TestStreamsQuotedUDP(t *testing.T) {
	a, b, c := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")
	a6, b6 := netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::2")
	ip := func(src, dst netip.Addr, proto uint8, payload []byte) []byte {
		d := fraggen.Datagram{Src: src, Dst: dst, Proto: proto, TTL: 64, Payload: payload}
		return d.Whole()
	}
	udp := func(sp uint16) []byte { return ip(a, b, 17, fraggen.UDP(a, b, sp, 53, []byte("x"))) }
	tcp := func(sp uint16) []byte { return ip(a, b, 6, fraggen.TCP(a, b, sp, 80, 1, 0, fraggen.SYN, nil)) }
	icmpErr := func(typ byte, quoted []byte) []byte {
		return ip(c, a, 1, append([]byte{typ, 3, 0, 0, 0, 0, 0, 0}, quoted...))
	}
	laterFrag := func(sp uint16) []byte {
		q := udp(sp)
		q[6], q[7] = 0, 5 // fragment offset 40
		return q
	}
	firstFrag := func(sp uint16) []byte {
		q := udp(sp)
		q[6] |= 0x20 // more fragments
		return q
	}
	v6 := ip(b6, a6, 58, append([]byte{1, 4, 0, 0, 0, 0, 0, 0}, ip(a6, b6, 17, fraggen.UDP(a6, b6, 2006, 53, []byte("x")))...))
	frames := []struct {
		ip       []byte
		tcp, udp int
	}{
		{tcp(1000), 0, -1},
		{icmpErr(3, tcp(2000)[:28]), -1, -1}, // quoted TCP: no tcp.stream, no number taken
		{tcp(3000), 1, -1},
		{udp(1000), -1, 0},
		{icmpErr(3, udp(2000)[:28]), -1, 1}, // a pair first seen quoted
		{udp(3000), -1, 2},
		{icmpErr(11, udp(1000)[:28]), -1, 0}, // a pair seen before
		{icmpErr(3, udp(2001)[:24]), -1, -1}, // 4 bytes of UDP header
		{icmpErr(3, udp(2002)[:26]), -1, -1}, // 6 bytes
		{icmpErr(12, udp(2003)[:28]), -1, 3},
		{icmpErr(3, laterFrag(2004)[:28]), -1, -1},
		{icmpErr(3, firstFrag(2005)[:28]), -1, 4},
		{v6, -1, 5},
		{icmpErr(0, udp(2007)[:28]), -1, -1}, // echo reply, not an error
		{udp(3001), -1, 6},
	}
	p := fraggen.NewPcap(1e18)
	d, s := frame.NewDecoder(), frame.NewStreamAssigner(0)
	var f frame.Frame
	for i, fr := range frames {
		data := fraggen.Ethernet(fr.ip)
		p.Frame(i, data)
		d.Decode(&capture.Record{Data: data, OrigLen: len(data), LinkType: frame.LinkEthernet}, i+1, &f)
		s.Assign(&f)
		if f.TCPStream != fr.tcp || f.UDPStream != fr.udp {
			t.Errorf("frame %d: tcp.stream %d udp.stream %d, tshark %d %d", i+1, f.TCPStream, f.UDPStream, fr.tcp, fr.udp)
		}
	}
	if out := os.Getenv("PCAPLENS_QUOTED_PCAP"); out != "" {
		if err := os.WriteFile(out, p.Buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStreamsOpenAndReuse: Frame.TCPOpen names the SYN without ACK that
// opened a frame's stream (from the frame's source or its destination, with
// its sequence number) until a RST, a SYN with the same sequence number
// naming it again; Frame.TCPReused is set on the SYN that starts a new
// stream on the pair (port reuse), which opens that stream.
func TestStreamsOpenAndReuse(t *testing.T) {
	a := frame.NewStreamAssigner(0)
	cli, srv := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	type want struct {
		stream int
		open   frame.Opener
		seq    uint32
		reused bool
	}
	for i, c := range []struct {
		c2s           bool
		syn, ack, rst bool
		seq, ackNum   uint32
		want          want
	}{
		{c2s: false, ack: true, seq: 7, ackNum: 100, want: want{0, frame.OpenNone, 0, false}}, // before any SYN
		{c2s: true, syn: true, seq: 99, want: want{0, frame.OpenBySrc, 99, false}},            // its base from the ACK before
		{c2s: true, syn: true, seq: 500, want: want{1, frame.OpenBySrc, 500, true}},           // another sequence number: reuse
		{c2s: false, syn: true, ack: true, seq: 900, ackNum: 501, want: want{1, frame.OpenByDst, 500, false}},
		{c2s: true, ack: true, seq: 501, ackNum: 901, want: want{1, frame.OpenBySrc, 500, false}},
		{c2s: false, rst: true, seq: 901, want: want{1, frame.OpenNone, 0, false}},
		{c2s: true, ack: true, seq: 501, ackNum: 901, want: want{1, frame.OpenNone, 0, false}},
		{c2s: true, syn: true, seq: 500, want: want{1, frame.OpenBySrc, 500, false}}, // the same SYN again
	} {
		f := &frame.Frame{Number: i + 1, Transport: frame.TransportTCP, SrcIP: cli, DstIP: srv, SrcPort: 40000, DstPort: 80}
		if !c.c2s {
			f.SrcIP, f.DstIP, f.SrcPort, f.DstPort = srv, cli, 80, 40000
		}
		f.TCP.SYN, f.TCP.ACK, f.TCP.RST, f.TCP.Seq, f.TCP.Ack = c.syn, c.ack, c.rst, c.seq, c.ackNum
		a.Assign(f)
		got := want{f.TCPStream, f.TCPOpen, f.TCPOpenSeq, f.TCPReused}
		if got.open == frame.OpenNone {
			got.seq = 0
		}
		if got != c.want {
			t.Errorf("frame %d: got %+v, want %+v", i+1, got, c.want)
		}
	}
}
