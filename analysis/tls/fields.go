package tls

import "pcaplens/analysis/frame"

// FrameValues are the tls.* display-filter fields of one frame, as
// tshark 4.0 shows them: a record or handshake message belongs to the
// frame that completes it (TCP reassembly, QUIC CRYPTO frames joined).
// The slices are reused from frame to frame.
type FrameValues struct {
	// Present is true when the frame completes a TLS record or a
	// handshake message (the tls protocol).
	Present bool
	// RecordVersions is tls.record.version of every record (TLS over TCP).
	RecordVersions []uint16
	// HandshakeTypes is tls.handshake.type of every plaintext handshake message.
	HandshakeTypes []uint8
	// HandshakeVersions is tls.handshake.version of ClientHellos and ServerHellos.
	HandshakeVersions []uint16
	// CipherSuites is tls.handshake.ciphersuite: every suite a ClientHello
	// offers (GREASE included) and the one a ServerHello chose.
	CipherSuites []uint16
	// ServerNames is tls.handshake.extensions_server_name.
	ServerNames []string
	// JA3, JA3S and JA4 are tls.handshake.ja3, tls.handshake.ja3s and
	// tls.handshake.ja4 (the last is not in tshark 4.0; Wireshark 4.2+
	// has it).
	JA3, JA3S, JA4 []string
	// AlertDescs is tls.alert_message.desc of every plaintext alert.
	AlertDescs []uint8
}

func (v *FrameValues) reset() {
	*v = FrameValues{
		RecordVersions: v.RecordVersions[:0], HandshakeTypes: v.HandshakeTypes[:0],
		HandshakeVersions: v.HandshakeVersions[:0], CipherSuites: v.CipherSuites[:0],
		ServerNames: v.ServerNames[:0], JA3: v.JA3[:0], JA3S: v.JA3S[:0], JA4: v.JA4[:0],
		AlertDescs: v.AlertDescs[:0],
	}
}

// Dissector reads TLS for display filters: fed every frame in file order
// (after the engine's decoder, reassembler and stream assigner), it gives
// the tls.* fields of each. It is the analyzer itself, so the filter and
// the report read the same bytes the same way.
type Dissector struct {
	t  *Tap
	fv FrameValues
}

// NewDissector returns a Dissector.
func NewDissector() *Dissector {
	d := &Dissector{t: New(nil).(*Tap)}
	d.t.fv = &d.fv
	return d
}

// Frame reads frame f and returns its fields, valid until the next call.
func (d *Dissector) Frame(f *frame.Frame) *FrameValues {
	d.fv.reset()
	d.t.Packet(f)
	return &d.fv
}
