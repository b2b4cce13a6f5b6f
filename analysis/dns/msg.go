// Package dns decodes DNS messages (RFC 1035 and its successors) carried
// over UDP and TCP, matches queries with responses the way Wireshark does,
// and reports statistics and observations.
//
// The message parser is pcaplens's own: checked byte slices, names
// decoded into one reusable buffer, no allocation per message once warm.
// Record data is decoded into typed fields only when a report needs it
// (RData), so the per-packet path stays cheap.
package dns

import (
	"encoding/binary"
	"errors"
)

// HeaderLen is the size of the fixed DNS header (RFC 1035 §4.1.1).
const HeaderLen = 12

// Header flag bits (RFC 1035 §4.1.1, RFC 2535 §6.1 for AD and CD).
const (
	FlagQR = 1 << 15
	FlagAA = 1 << 10
	FlagTC = 1 << 9
	FlagRD = 1 << 8
	FlagRA = 1 << 7
	FlagZ  = 1 << 6
	FlagAD = 1 << 5
	FlagCD = 1 << 4
)

// Limits that protect the parser.
const (
	// MaxNameLen is the longest name on the wire (RFC 1035 §3.1).
	MaxNameLen = 255
	// maxPointers bounds the compression pointers followed in one name: a
	// name has at most 127 labels, so more pointers than that is a loop.
	maxPointers = 127
)

// Sections of a message.
const (
	SectionAnswer = iota + 1
	SectionAuthority
	SectionAdditional
)

// Parse errors. They are values, not wrapped, so a failed probe of a
// non-DNS payload does not allocate.
var (
	ErrShort        = errors.New("message shorter than the 12-byte header")
	ErrNameTrunc    = errors.New("name runs past the end of the message")
	ErrNameTooLong  = errors.New("name longer than 255 bytes")
	ErrPointerLoop  = errors.New("compression pointer loop")
	ErrPointerRange = errors.New("compression pointer beyond the message")
	ErrLabelType    = errors.New("reserved label type")
	ErrQuestion     = errors.New("question runs past the end of the message")
	ErrRR           = errors.New("resource record runs past the end of the message")
	ErrRDLen        = errors.New("record data length does not fit its type")
	ErrOPT          = errors.New("malformed OPT record")
)

// Question is one entry of the question section.
type Question struct {
	name  span
	Type  uint16
	Class uint16
}

// RR is one resource record. RDOff and RDLen locate its data in the message.
type RR struct {
	name    span
	Section uint8
	Type    uint16
	Class   uint16
	TTL     uint32
	RDOff   int
	RDLen   int
}

type span struct{ off, n int32 }

// Message is a parsed DNS message. It is reused: Parse resets it, and its
// slices point into the parsed bytes and into its own name buffer.
type Message struct {
	// Data is the message parsed last (not a copy).
	Data []byte
	// ID and Flags are the header's first two fields.
	ID, Flags uint16
	// Counts are QDCOUNT, ANCOUNT, NSCOUNT and ARCOUNT as sent.
	Counts    [4]uint16
	Questions []Question
	RRs       []RR
	// Trailing is the number of bytes after the last record.
	Trailing int

	// EDNS(0) (RFC 6891): HasOPT when an OPT record is present.
	HasOPT      bool
	UDPSize     uint16
	ExtRcode    uint8 // upper 8 bits of the extended RCODE
	EDNSVersion uint8
	DO          bool // DNSSEC OK (RFC 3225)
	HasECS      bool // client subnet option (RFC 7871)
	HasCookie   bool // cookie option (RFC 7873)

	// ErrOff is the offset where parsing stopped with an error.
	ErrOff int

	names []byte
	// values, when set, holds names already made into Fields values
	// (nameValue), for a caller that reads many messages in a row.
	values map[string]any
}

// Response reports whether the QR bit is set.
func (m *Message) Response() bool { return m.Flags&FlagQR != 0 }

// Opcode returns the 4-bit opcode.
func (m *Message) Opcode() uint8 { return uint8(m.Flags>>11) & 0xf }

// Rcode returns the RCODE, extended with the OPT record's upper bits (RFC 6891 §6.1.3).
func (m *Message) Rcode() uint16 { return uint16(m.ExtRcode)<<4 | m.Flags&0xf }

// QName returns question i's name in presentation form; the slice is valid
// until the next Parse.
func (m *Message) QName(i int) []byte { return m.span(m.Questions[i].name) }

// RRName returns record i's owner name in presentation form.
func (m *Message) RRName(i int) []byte { return m.span(m.RRs[i].name) }

// RData returns record i's data bytes.
func (m *Message) RData(i int) []byte {
	r := &m.RRs[i]
	return m.Data[r.RDOff : r.RDOff+r.RDLen]
}

func (m *Message) span(s span) []byte { return m.names[s.off : s.off+s.n] }

// Parse decodes b into m. On error m holds what was decoded before the
// problem, and ErrOff says where it was.
func (m *Message) Parse(b []byte) error {
	m.Data = b
	m.Questions = m.Questions[:0]
	m.RRs = m.RRs[:0]
	m.names = m.names[:0]
	m.Trailing = 0
	m.HasOPT, m.DO, m.HasECS, m.HasCookie = false, false, false, false
	m.UDPSize, m.ExtRcode, m.EDNSVersion = 0, 0, 0
	m.ErrOff = 0
	if len(b) < HeaderLen {
		// A header cut short still has its ID and flags from 4 bytes on:
		// tshark shows them (dns.flags.response), so the message counts.
		m.ID, m.Flags, m.Counts = 0, 0, [4]uint16{}
		if len(b) >= 4 {
			m.ID = binary.BigEndian.Uint16(b)
			m.Flags = binary.BigEndian.Uint16(b[2:])
		}
		m.ErrOff = len(b)
		return ErrShort
	}
	m.ID = binary.BigEndian.Uint16(b)
	m.Flags = binary.BigEndian.Uint16(b[2:])
	for i := range m.Counts {
		m.Counts[i] = binary.BigEndian.Uint16(b[4+2*i:])
	}
	off := HeaderLen
	// Entries are appended as their bytes are read, never allocated from
	// the counts: each question takes at least 5 bytes and each RR 11.
	for i := 0; i < int(m.Counts[0]); i++ {
		var q Question
		var err error
		off, q.name, err = m.readName(off)
		if err != nil {
			return err
		}
		if off+4 > len(b) {
			m.ErrOff = off
			return ErrQuestion
		}
		q.Type = binary.BigEndian.Uint16(b[off:])
		q.Class = binary.BigEndian.Uint16(b[off+2:])
		off += 4
		m.Questions = append(m.Questions, q)
	}
	for s := 1; s <= 3; s++ {
		for i := 0; i < int(m.Counts[s]); i++ {
			r := RR{Section: uint8(s)}
			var err error
			off, r.name, err = m.readName(off)
			if err != nil {
				return err
			}
			if off+10 > len(b) {
				m.ErrOff = off
				return ErrRR
			}
			r.Type = binary.BigEndian.Uint16(b[off:])
			r.Class = binary.BigEndian.Uint16(b[off+2:])
			r.TTL = binary.BigEndian.Uint32(b[off+4:])
			r.RDLen = int(binary.BigEndian.Uint16(b[off+8:]))
			r.RDOff = off + 10
			if r.RDOff+r.RDLen > len(b) {
				m.ErrOff = off + 8
				return ErrRR
			}
			// An address shorter than its type's is malformed, as in tshark,
			// which reads the address whole; longer data, whose address
			// tshark reads from the first bytes, and empty data (RFC 2136
			// §2.5.2: UPDATE deletes with class ANY or NONE) are not.
			switch r.Type {
			case TypeA: // RFC 1035 §3.4.1
				if r.RDLen != 0 && r.RDLen < 4 {
					m.ErrOff = off + 8
					return ErrRDLen
				}
			case TypeAAAA: // RFC 3596 §2.2
				if r.RDLen != 0 && r.RDLen < 16 {
					m.ErrOff = off + 8
					return ErrRDLen
				}
			case TypeOPT: // RFC 6891 §6.1.2
				if err := m.parseOPT(&r); err != nil {
					m.ErrOff = r.RDOff
					return err
				}
			}
			off = r.RDOff + r.RDLen
			m.RRs = append(m.RRs, r)
		}
	}
	m.Trailing = len(b) - off
	return nil
}

// parseOPT reads the EDNS(0) pseudo-record: class is the UDP payload size,
// TTL holds the extended RCODE, version and the DO bit (RFC 6891 §6.1.3).
func (m *Message) parseOPT(r *RR) error {
	if m.HasOPT {
		// RFC 6891 §6.1.1 allows one OPT; we keep the first one's values.
		return nil
	}
	m.HasOPT = true
	m.UDPSize = r.Class
	m.ExtRcode = uint8(r.TTL >> 24)
	m.EDNSVersion = uint8(r.TTL >> 16)
	m.DO = r.TTL&0x8000 != 0
	d := m.Data[r.RDOff : r.RDOff+r.RDLen]
	for len(d) > 0 {
		if len(d) < 4 {
			return ErrOPT
		}
		code := binary.BigEndian.Uint16(d)
		n := int(binary.BigEndian.Uint16(d[2:]))
		if 4+n > len(d) {
			return ErrOPT
		}
		switch code {
		case 8:
			m.HasECS = true
		case 10:
			m.HasCookie = true
		}
		d = d[4+n:]
	}
	return nil
}

// readName decodes the name at off into m.names and returns the offset
// after it in the record (RFC 1035 §4.1.4). Pointers may point anywhere in
// the message; loops end at maxPointers, and the name may not exceed
// MaxNameLen bytes on the wire.
func (m *Message) readName(off int) (int, span, error) {
	end, n := -1, len(m.names)
	b := m.Data
	wire, ptrs := 1, 0
	for {
		if off >= len(b) {
			m.ErrOff = off
			return 0, span{}, ErrNameTrunc
		}
		c := int(b[off])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				off++
				if end < 0 {
					end = off
				}
				if len(m.names) == n {
					m.names = append(m.names, "<Root>"...)
				}
				return end, span{int32(n), int32(len(m.names) - n)}, nil
			}
			if off+1+c > len(b) {
				m.ErrOff = off
				return 0, span{}, ErrNameTrunc
			}
			wire += 1 + c
			if wire > MaxNameLen {
				m.ErrOff = off
				return 0, span{}, ErrNameTooLong
			}
			if len(m.names) > n {
				m.names = append(m.names, '.')
			}
			m.names = appendLabel(m.names, b[off+1:off+1+c])
			off += 1 + c
		case 0xc0:
			if off+2 > len(b) {
				m.ErrOff = off
				return 0, span{}, ErrNameTrunc
			}
			p := int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
			if end < 0 {
				end = off + 2
			}
			ptrs++
			if ptrs > maxPointers {
				m.ErrOff = off
				return 0, span{}, ErrPointerLoop
			}
			if p >= len(b) {
				m.ErrOff = off
				return 0, span{}, ErrPointerRange
			}
			off = p
		default:
			// 0x40 (extended, RFC 6891 §5) and 0x80 are not in use.
			m.ErrOff = off
			return 0, span{}, ErrLabelType
		}
	}
}

// appendLabel appends a label in presentation form (RFC 4343 §2.1):
// printable ASCII as is, '.' and '\' escaped, other bytes as \DDD.
func appendLabel(dst, l []byte) []byte {
	for _, c := range l {
		switch {
		case c == '.' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x21 || c > 0x7e:
			dst = append(dst, '\\', '0'+c/100, '0'+c/10%10, '0'+c%10)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// Plausible reports whether a message that parsed without error looks like
// DNS beyond doubt, for payloads on ports not assigned to DNS: a standard
// opcode, zero Z bit, one question of a known class, no answers in a
// query, an RCODE in use, and no bytes after the last record.
func (m *Message) Plausible() bool {
	if m.Trailing != 0 || len(m.Questions) != 1 || m.Flags&FlagZ != 0 {
		return false
	}
	switch m.Opcode() {
	case OpcodeQuery, OpcodeStatus, OpcodeNotify, OpcodeUpdate:
	default:
		return false
	}
	if m.Flags&0xf > RcodeNOTZONE {
		return false
	}
	if !m.Response() && m.Counts[1] != 0 && m.Opcode() == OpcodeQuery {
		return false
	}
	switch m.Questions[0].Class {
	case 1, 3, 4, 254, 255:
	default:
		return false
	}
	if m.Questions[0].Type == 0 {
		return false
	}
	for i := range m.RRs {
		r := &m.RRs[i]
		if r.Type == 0 {
			return false
		}
		if r.Type != TypeOPT {
			switch r.Class {
			case 1, 3, 4, 254, 255:
			default:
				return false
			}
		}
	}
	return true
}
