package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/fraggen"
	"pcaplens/analysis/tcpstream"
)

// streamTap reads TCP connections through the run's Reassembler: it logs
// its Handler's calls and its Packet calls, in order; it panics in Data
// when its name is "tcp_panicky".
type streamTap struct {
	name     string
	consumer *tcpstream.Consumer
	log      []string
}

func (s *streamTap) ShareTCP(add func(h tcpstream.Handler) *tcpstream.Consumer) {
	s.consumer = add(s)
}
func (s *streamTap) Packet(f *frame.Frame) { s.log = append(s.log, fmt.Sprint("packet ", f.Number)) }
func (s *streamTap) Accept(f *frame.Frame) bool {
	s.log = append(s.log, fmt.Sprint("accept ", f.Number))
	return true
}
func (s *streamTap) Data(g *tcpstream.Segment) {
	if s.name == "tcp_panicky" {
		panic("boom")
	}
	s.log = append(s.log, fmt.Sprintf("data %d %q (frame %d)", g.Frame, g.Data, s.consumer.Frame().Number))
}
func (s *streamTap) Gap(*tcpstream.Segment) {}
func (s *streamTap) End(n int)              { s.log = append(s.log, fmt.Sprint("end ", n)) }
func (s *streamTap) Finish(*Capture) map[string]any {
	return map[string]any{s.name: strings.Join(s.log, ", ")}
}

func init() {
	for _, name := range []string{"tcp_one", "tcp_two", "tcp_panicky"} {
		Register(Factory{Name: name, Tools: []string{name}, New: func(*Options) Tap { return &streamTap{name: name} }})
	}
}

// tcpCapture is one connection: handshake, two segments of data, FINs.
func tcpCapture() []byte {
	a, b := fraggen.Client4, fraggen.Server4
	seg := func(c2s bool, seq, ack uint32, flags uint8, data string) []byte {
		if c2s {
			return fraggen.Ethernet(fraggen.IPProto(a, b, 6, fraggen.TCP(a, b, 40000, 80, seq, ack, flags, []byte(data))))
		}
		return fraggen.Ethernet(fraggen.IPProto(b, a, 6, fraggen.TCP(b, a, 80, 40000, seq, ack, flags, []byte(data))))
	}
	return pcapFile(
		seg(true, 0, 0, fraggen.SYN, ""),
		seg(false, 0, 1, fraggen.SYN|fraggen.ACK, ""),
		seg(true, 1, 1, fraggen.ACK, "hello"),
		seg(false, 1, 6, fraggen.ACK, "world"),
		seg(true, 6, 6, fraggen.FIN|fraggen.ACK, ""),
		seg(false, 6, 7, fraggen.FIN|fraggen.ACK, ""),
	)
}

// TestTCPReadersShareOneReassembler: the taps that read TCP connections
// are given each frame's bytes by one Reassembler, before their Packet
// call for the frame; a panic in one's Handler stops that tap only.
func TestTCPReadersShareOneReassembler(t *testing.T) {
	out, err := Run(context.Background(), bytes.NewReader(tcpCapture()), &Options{Tools: []string{"tcp_one", "tcp_two", "tcp_panicky"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `packet 1, packet 2, accept 3, data 3 "hello" (frame 3), packet 3, data 4 "world" (frame 4), packet 4, packet 5, end 0, packet 6`
	for _, name := range []string{"tcp_one", "tcp_two"} {
		if out[name] != want {
			t.Errorf("%s:\n%v\nwant\n%v", name, out[name], want)
		}
	}
	if er, ok := out["tcp_panicky"].(ErrorReport); !ok || !strings.Contains(er.Error, "analyzer tcp_panicky at frame 3: boom") {
		t.Errorf("tcp_panicky = %#v", out["tcp_panicky"])
	}
}

// TestTCPReaderAlone: a TCP reader runs alike when it is the run's only one.
func TestTCPReaderAlone(t *testing.T) {
	out, err := Run(context.Background(), bytes.NewReader(tcpCapture()), &Options{Tools: []string{"tcp_two"}})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := out["tcp_two"].(string); !strings.Contains(s, `accept 3, data 3 "hello" (frame 3), packet 3`) {
		t.Errorf("tcp_two: %v", out["tcp_two"])
	}
}
