package query

import (
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/tls"
)

// isTLSField says whether id is served by the TLS dissector.
func isTLSField(id filter.FieldID) bool {
	return id >= filter.TLS && id <= filter.TLSAlertMessageDesc
}

// tlsFrame runs the TLS dissector (analysis/tls: TCP reassembly and QUIC
// Initial decryption) over the frame.
func (m *Matcher) tlsFrame(f *frame.Frame) {
	if m.tlsDis == nil {
		m.tlsDis = tls.NewDissector()
	}
	m.tlsVals = m.tlsDis.Frame(f)
}

// tlsValues gives the tls.* fields of the current frame.
func (s *source) tlsValues(id filter.FieldID, buf []filter.Value) []filter.Value {
	v := s.m.tlsVals
	if v == nil || !v.Present {
		return buf
	}
	switch id {
	case filter.TLS:
		buf = append(buf, filter.Bytes(s.f.Payload))
	case filter.TLSRecordVersion:
		for _, x := range v.RecordVersions {
			buf = append(buf, filter.Uint(uint64(x)))
		}
	case filter.TLSHandshakeType:
		for _, x := range v.HandshakeTypes {
			buf = append(buf, filter.Uint(uint64(x)))
		}
	case filter.TLSHandshakeVersion:
		for _, x := range v.HandshakeVersions {
			buf = append(buf, filter.Uint(uint64(x)))
		}
	case filter.TLSHandshakeCiphersuite:
		for _, x := range v.CipherSuites {
			buf = append(buf, filter.Uint(uint64(x)))
		}
	case filter.TLSHandshakeExtensionsServerName:
		for _, x := range v.ServerNames {
			buf = append(buf, filter.String(s.str(x)))
		}
	case filter.TLSHandshakeJA3, filter.TLSHandshakeJA3S, filter.TLSHandshakeJA4:
		list := v.JA3
		if id == filter.TLSHandshakeJA3S {
			list = v.JA3S
		} else if id == filter.TLSHandshakeJA4 {
			list = v.JA4
		}
		for _, x := range list {
			buf = append(buf, filter.String(s.str(x)))
		}
	case filter.TLSAlertMessageDesc:
		for _, x := range v.AlertDescs {
			buf = append(buf, filter.Uint(uint64(x)))
		}
	}
	return buf
}
