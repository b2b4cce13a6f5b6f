package frame_test

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/frame"
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
// for a documented reason.
var knownUDPDifferences = map[string]string{
	"sip-call-rtp.pcap":      "RTP conversations set up by SDP (one per direction in Wireshark)",
	"sip-call-rtp-loss.pcap": "RTP conversations set up by SDP (one per direction in Wireshark)",
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
			tcp, udp, bad := 0, 0, 0
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
					if f.TCPStream != wt || f.Tunnels > 0 && f.UDPStream != wu {
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
					if f.UDPStream != wu {
						bad++
						if bad <= 10 {
							t.Errorf("frame %d: udp.stream %d, tshark %q", n, f.UDPStream, w[1])
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
			t.Logf("%d TCP and %d UDP frames compared", tcp, udp)
		})
	}
}
