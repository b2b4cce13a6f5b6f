package tls

// The TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2) of one direction of
// a connection, fed the direction's bytes in order in slices of any size,
// and the handshake layer above it: handshake messages are joined across
// records and split when several share one record.

// Record content types (RFC 8446 §5.1).
const (
	typeChangeCipherSpec = 20
	typeAlert            = 21
	typeHandshake        = 22
	typeApplicationData  = 23
	typeHeartbeat        = 24
)

// Handshake message types (RFC 8446 §4, RFC 5246 §7.4).
const (
	hsClientHello       = 1
	hsServerHello       = 2
	hsNewSessionTicket  = 4
	hsEncryptedExts     = 8
	hsCertificate       = 11
	hsServerKeyExchange = 12
	hsCertificateReq    = 13
	hsServerHelloDone   = 14
	hsCertificateVerify = 15
	hsClientKeyExchange = 16
	hsFinished          = 20
)

// Bounds on what one direction holds.
const (
	// RecordHeaderLen is the length of a TLS record header.
	RecordHeaderLen = 5
	// MaxRecordLen is the longest record body accepted: 2^14 plus the
	// expansion TLS 1.2 allows (RFC 5246 §6.2.3). A header claiming more
	// means the bytes are not TLS.
	MaxRecordLen = 1<<14 + 2048
	// MaxHandshakeLen is the longest handshake message joined across
	// records (certificate chains are the long ones); a longer one is
	// skipped.
	MaxHandshakeLen = 1 << 18
)

// recordSink receives what a direction's record layer reads.
type recordSink interface {
	// record is called for every record when its last byte is read
	// (before its body is handed on), with its header's fields.
	record(ctype byte, version uint16, length int)
	// handshake is called for every whole plaintext handshake message
	// (type, body); body is valid only during the call.
	handshake(typ byte, body []byte)
	// alert is called for every plaintext alert (level, description).
	alert(level, desc byte)
	// changeCipherSpec is called for a ChangeCipherSpec record; it says
	// whether the direction's later records are encrypted (false in TLS
	// 1.3, whose ChangeCipherSpec is only for middlebox compatibility,
	// RFC 8446 §D.4).
	changeCipherSpec() bool
}

// direction is the record and handshake state of one direction.
type direction struct {
	hdr   [RecordHeaderLen]byte
	nhdr  int    // header bytes held
	body  []byte // the current record's body so far (for types read)
	need  int    // body bytes still to come of the current record
	skip  bool   // the current record's body is not read (application data, encrypted)
	ctype byte
	// version and length are the current record's header fields.
	version uint16
	length  int

	hs     []byte // a partial handshake message
	hsSkip int    // bytes still to skip of a handshake message too long to hold
	hsDead bool   // handshake bytes are no longer parsed (encrypted, or damaged)
	// Encrypted is set once the direction sent ChangeCipherSpec (or a TLS
	// 1.3 ServerHello was seen): later handshake and alert records are
	// ciphertext.
	encrypted bool
	// bad is set when the bytes stopped looking like TLS records.
	bad bool
	// records counts the records read, starts the records begun.
	records, starts int
}

// plausibleRecord says whether a record header begins a TLS record: a
// known content type, a major version of 3 and a length within bounds.
func plausibleRecord(h []byte) bool {
	if len(h) < RecordHeaderLen {
		return false
	}
	if h[0] < typeChangeCipherSpec || h[0] > typeHeartbeat || h[1] != 3 || h[2] > 4 {
		return false
	}
	n := int(h[3])<<8 | int(h[4])
	return n <= MaxRecordLen
}

// LooksLikeTLS says whether b (the first bytes of a TCP direction)
// begins with a TLS handshake record: content type 22, version 3.x, a
// plausible length and, when present, a handshake type of ClientHello or
// ServerHello.
func LooksLikeTLS(b []byte) bool {
	if len(b) < 3 || b[0] != typeHandshake || b[1] != 3 || b[2] > 4 {
		return false
	}
	if len(b) >= RecordHeaderLen && !plausibleRecord(b) {
		return false
	}
	if len(b) > RecordHeaderLen && b[5] != hsClientHello && b[5] != hsServerHello {
		return false
	}
	return true
}

// feed reads the direction's next bytes.
func (d *direction) feed(p []byte, s recordSink) {
	for len(p) > 0 && !d.bad {
		if d.need == 0 && d.nhdr < RecordHeaderLen {
			if d.nhdr == 0 {
				d.starts++
			}
			n := copy(d.hdr[d.nhdr:], p)
			d.nhdr += n
			p = p[n:]
			if d.nhdr < RecordHeaderLen {
				return
			}
			if !plausibleRecord(d.hdr[:]) {
				d.bad = true
				return
			}
			d.records++
			d.ctype = d.hdr[0]
			length := int(d.hdr[3])<<8 | int(d.hdr[4])
			d.version = uint16(d.hdr[1])<<8 | uint16(d.hdr[2])
			d.length = length
			d.need = length
			d.body = d.body[:0]
			switch d.ctype {
			case typeHandshake:
				d.skip = d.hsDead
			case typeAlert, typeChangeCipherSpec:
				d.skip = false
			default:
				d.skip = true
			}
			if d.need == 0 {
				d.endRecord(s)
			}
			continue
		}
		n := min(d.need, len(p))
		if !d.skip {
			if len(d.body) == 0 && n == d.need {
				// The whole body is here: read it in place.
				d.need = 0
				s.record(d.ctype, d.version, d.length)
				d.readBody(p[:n], s)
				p = p[n:]
				d.nhdr = 0
				continue
			}
			d.body = append(d.body, p[:n]...)
		}
		d.need -= n
		p = p[n:]
		if d.need == 0 {
			d.endRecord(s)
		}
	}
}

// endRecord finishes the current record.
func (d *direction) endRecord(s recordSink) {
	d.nhdr = 0
	s.record(d.ctype, d.version, d.length)
	if !d.skip {
		d.readBody(d.body, s)
	}
	d.body = d.body[:0]
	if cap(d.body) > 1<<16 {
		d.body = nil
	}
}

// readBody reads a whole record body of a type that is read.
func (d *direction) readBody(b []byte, s recordSink) {
	switch d.ctype {
	case typeChangeCipherSpec:
		if s.changeCipherSpec() {
			d.encrypted = true
		}
	case typeAlert:
		// A plaintext alert is exactly two bytes (RFC 8446 §6); an
		// encrypted one is longer, or follows ChangeCipherSpec.
		if !d.encrypted && len(b) == 2 {
			s.alert(b[0], b[1])
		}
	case typeHandshake:
		switch {
		case d.hsDead:
		case !d.encrypted:
			d.handshakeBytes(b, s)
		case len(b) >= 4 && b[0] == hsClientHello && 4+hsLen(b) == len(b):
			// A ClientHello whole in its record after ChangeCipherSpec:
			// the client's second hello after a HelloRetryRequest, sent
			// after a compatibility ChangeCipherSpec (RFC 8446 §D.4).
			// Ciphertext (a TLS 1.2 Finished) would not be this.
			s.handshake(b[0], b[4:])
		}
	}
}

// handshakeBytes joins handshake messages (RFC 8446 §4: type, 24-bit
// length, body) across records. Whole messages inside b are read in
// place; only a message split across records is copied.
func (d *direction) handshakeBytes(b []byte, s recordSink) {
	for len(b) > 0 && !d.encrypted && !d.hsDead {
		if d.hsSkip > 0 {
			n := min(d.hsSkip, len(b))
			d.hsSkip -= n
			b = b[n:]
			continue
		}
		if len(d.hs) == 0 {
			if len(b) >= 4 {
				n := hsLen(b)
				if n > MaxHandshakeLen {
					d.hsSkip = n
					b = b[4:]
					continue
				}
				if len(b) >= 4+n {
					s.handshake(b[0], b[4:4+n])
					b = b[4+n:]
					continue
				}
			}
			d.hs = append(d.hs, b...)
			return
		}
		if len(d.hs) < 4 {
			k := min(4-len(d.hs), len(b))
			d.hs = append(d.hs, b[:k]...)
			b = b[k:]
			if len(d.hs) < 4 {
				return
			}
			if n := hsLen(d.hs); n > MaxHandshakeLen {
				d.hsSkip = n
				d.hs = d.hs[:0]
				continue
			}
		}
		n := hsLen(d.hs)
		k := min(4+n-len(d.hs), len(b))
		d.hs = append(d.hs, b[:k]...)
		b = b[k:]
		if len(d.hs) == 4+n {
			s.handshake(d.hs[0], d.hs[4:])
			d.hs = d.hs[:0]
			if cap(d.hs) > 1<<16 {
				d.hs = nil
			}
		}
	}
}

func hsLen(h []byte) int { return int(h[1])<<16 | int(h[2])<<8 | int(h[3]) }
