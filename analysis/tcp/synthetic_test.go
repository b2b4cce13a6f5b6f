package tcp_test

import (
	"bytes"
	"os"
	"testing"

	"pcaplens/analysis/golden"
	"pcaplens/analysis/tcp/internal/pktgen"
)

const syntheticPath = "../../testdata/captures/tcp_synthetic.pcap"

// TestSyntheticCapture keeps testdata/captures/tcp_synthetic.pcap equal to
// what pktgen.Synthetic builds (-update rewrites it; then rerun
// testdata/tshark/tcp.sh for tshark's figures).
func TestSyntheticCapture(t *testing.T) {
	b := pktgen.Synthetic().Buf
	if golden.Updating() {
		if err := os.WriteFile(syntheticPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(syntheticPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, b) {
		t.Fatal("tcp_synthetic.pcap differs from pktgen.Synthetic(): run go test -update and testdata/tshark/tcp.sh")
	}
}
