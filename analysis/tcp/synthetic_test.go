package tcp_test

import (
	"bytes"
	"os"
	"testing"

	"pcaplens/analysis/golden"
	"pcaplens/analysis/tcp/internal/pktgen"
)

const syntheticPath = "../../testdata/captures/tcp_synthetic.pcap"

// TestSyntheticCapture keeps the generated captures in testdata/captures
// (tcp_synthetic.pcap, tcp_acked_unseen.pcap) equal to what pktgen builds
// (-update rewrites them; then rerun testdata/tshark/tcp.sh for tshark's
// figures).
func TestSyntheticCapture(t *testing.T) {
	for path, p := range map[string]*pktgen.Pcap{
		syntheticPath: pktgen.Synthetic(),
		"../../testdata/captures/tcp_acked_unseen.pcap": pktgen.ACKedUnseen(),
	} {
		if golden.Updating() {
			if err := os.WriteFile(path, p.Buf, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, p.Buf) {
			t.Fatalf("%s differs from what pktgen builds: run go test -update and testdata/tshark/tcp.sh", path)
		}
	}
}
