package tls

// ClientHello and ServerHello (RFC 8446 §4.1.2, §4.1.3; RFC 5246 §7.4.1)
// and the extensions pcaplens reads from them.

// Extension types (IANA TLS ExtensionType Values).
const (
	extServerName          = 0
	extSupportedGroups     = 10
	extECPointFormats      = 11
	extSignatureAlgorithms = 13
	extALPN                = 16
	extSessionTicket       = 35
	extPreSharedKey        = 41
	extEarlyData           = 42
	extSupportedVersions   = 43
	extKeyShare            = 51
)

// Caps on the lists kept from one hello.
const (
	maxListed = 256 // cipher suites, extensions, groups, … kept per hello
	maxALPN   = 16  // ALPN protocol names kept per hello
	maxName   = 255 // bytes of a server name or ALPN protocol kept
)

// Hello is a ClientHello or ServerHello as far as pcaplens reads it. The
// lists hold values in the order they appear, GREASE values included
// (fingerprints drop them). A Hello is reused: Reset empties it.
type Hello struct {
	// Client is true for a ClientHello.
	Client bool
	// Version is the legacy_version field (tshark's tls.handshake.version).
	Version uint16
	// Random is the hello's random (used to tell a HelloRetryRequest).
	Random [32]byte
	// SessionIDLen is the length of the legacy session ID.
	SessionIDLen int
	// Ciphers are the offered cipher suites (ClientHello) or the one chosen.
	Ciphers []uint16
	// Compression lists the compression methods (ClientHello) or the one chosen.
	Compression []byte
	// Extensions are the extension types in order.
	Extensions []uint16
	// HasExtensions is true when the extensions block is present.
	HasExtensions bool
	// ServerNames are the host_name entries of server_name.
	ServerNames []string
	// ALPN lists the protocols of application_layer_protocol_negotiation.
	ALPN []string
	// Versions are supported_versions: offered (ClientHello) or the one
	// selected (ServerHello, one value).
	Versions []uint16
	// Groups are supported_groups.
	Groups []uint16
	// PointFormats are ec_point_formats.
	PointFormats []byte
	// SigAlgs are signature_algorithms.
	SigAlgs []uint16
	// KeyShares are the groups of key_share entries (ClientHello) or the
	// group the server chose (ServerHello; a HelloRetryRequest names the
	// group it wants).
	KeyShares []uint16
	// SessionTicket is true when session_ticket carries a ticket
	// (ClientHello) or is present (ServerHello).
	SessionTicket bool
	// PSK is true when pre_shared_key is present.
	PSK bool
	// EarlyData is true when early_data is present.
	EarlyData bool
	// SessionID holds up to 32 bytes of the legacy session ID, to tell a
	// TLS 1.2 resumption (the server echoes the client's ID).
	SessionID [32]byte
}

// Reset empties h for reuse, keeping its slices' storage.
func (h *Hello) Reset() {
	*h = Hello{
		Ciphers: h.Ciphers[:0], Compression: h.Compression[:0], Extensions: h.Extensions[:0],
		ServerNames: h.ServerNames[:0], ALPN: h.ALPN[:0], Versions: h.Versions[:0],
		Groups: h.Groups[:0], PointFormats: h.PointFormats[:0], SigAlgs: h.SigAlgs[:0],
		KeyShares: h.KeyShares[:0],
	}
}

// helloRetryRandom is the Random of a HelloRetryRequest (RFC 8446 §4.1.3).
var helloRetryRandom = [32]byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// IsRetry says whether a ServerHello is a HelloRetryRequest.
func (h *Hello) IsRetry() bool { return !h.Client && h.Random == helloRetryRandom }

// Selected returns the negotiated version of a ServerHello: supported_versions
// when present (TLS 1.3), else the legacy version.
func (h *Hello) Selected() uint16 {
	if !h.Client && len(h.Versions) > 0 {
		return h.Versions[0]
	}
	return h.Version
}

// reader is a checked reader over a byte slice: a read past the end sets
// bad and returns zeros.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) u8() int {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return int(v)
}

func (r *reader) u16() int {
	if len(r.b) < 2 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := int(r.b[0])<<8 | int(r.b[1])
	r.b = r.b[2:]
	return v
}

func (r *reader) u24() int {
	if len(r.b) < 3 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := int(r.b[0])<<16 | int(r.b[1])<<8 | int(r.b[2])
	r.b = r.b[3:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || len(r.b) < n {
		r.bad = true
		r.b = nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// errHello is the error of a hello that does not parse.
type errHello string

func (e errHello) Error() string { return "tls: " + string(e) }

func appendU16s(dst []uint16, b []byte) []uint16 {
	for i := 0; i+1 < len(b) && len(dst) < maxListed; i += 2 {
		dst = append(dst, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return dst
}

func clip(b []byte) string {
	if len(b) > maxName {
		b = b[:maxName]
	}
	return string(b)
}

// ParseHello reads a ClientHello (client true) or ServerHello body into
// h (reset first). What was read before an error stays in h.
func ParseHello(body []byte, client bool, h *Hello) error {
	h.Reset()
	h.Client = client
	r := reader{b: body}
	h.Version = uint16(r.u16())
	copy(h.Random[:], r.bytes(32))
	sid := r.bytes(r.u8())
	h.SessionIDLen = len(sid)
	copy(h.SessionID[:], sid)
	if client {
		cs := r.bytes(r.u16())
		if len(cs)%2 != 0 {
			return errHello("client hello: odd cipher suites length")
		}
		h.Ciphers = appendU16s(h.Ciphers, cs)
		h.Compression = append(h.Compression, r.bytes(r.u8())...)
	} else {
		h.Ciphers = append(h.Ciphers, uint16(r.u16()))
		h.Compression = append(h.Compression, byte(r.u8()))
	}
	if r.bad {
		return errHello("hello cut short")
	}
	if len(r.b) == 0 {
		return nil // no extensions (RFC 5246 §7.4.1.2)
	}
	h.HasExtensions = true
	ext := reader{b: r.bytes(r.u16())}
	if r.bad {
		return errHello("extensions cut short")
	}
	for len(ext.b) > 0 {
		typ := ext.u16()
		data := ext.bytes(ext.u16())
		if ext.bad {
			return errHello("extension cut short")
		}
		if len(h.Extensions) < maxListed {
			h.Extensions = append(h.Extensions, uint16(typ))
		}
		h.extension(uint16(typ), data)
	}
	return nil
}

// extension reads one extension's data; a malformed one is skipped.
func (h *Hello) extension(typ uint16, data []byte) {
	r := reader{b: data}
	switch typ {
	case extServerName:
		if !h.Client {
			return
		}
		list := reader{b: r.bytes(r.u16())}
		for len(list.b) > 0 && !list.bad {
			kind := list.u8()
			name := list.bytes(list.u16())
			if list.bad {
				return
			}
			if kind == 0 && len(h.ServerNames) < maxALPN {
				h.ServerNames = append(h.ServerNames, clip(name))
			}
		}
	case extALPN:
		list := reader{b: r.bytes(r.u16())}
		for len(list.b) > 0 && !list.bad {
			p := list.bytes(list.u8())
			if list.bad {
				return
			}
			if len(h.ALPN) < maxALPN {
				h.ALPN = append(h.ALPN, clip(p))
			}
		}
	case extSupportedVersions:
		if h.Client {
			h.Versions = appendU16s(h.Versions, r.bytes(r.u8()))
		} else if v := r.u16(); !r.bad {
			h.Versions = append(h.Versions, uint16(v))
		}
	case extSupportedGroups:
		h.Groups = appendU16s(h.Groups, r.bytes(r.u16()))
	case extECPointFormats:
		pf := r.bytes(r.u8())
		h.PointFormats = append(h.PointFormats, pf[:min(len(pf), maxListed)]...)
	case extSignatureAlgorithms:
		h.SigAlgs = appendU16s(h.SigAlgs, r.bytes(r.u16()))
	case extKeyShare:
		if !h.Client {
			if g := r.u16(); !r.bad {
				h.KeyShares = append(h.KeyShares, uint16(g))
			}
			return
		}
		list := reader{b: r.bytes(r.u16())}
		for len(list.b) > 0 && !list.bad {
			g := list.u16()
			list.bytes(list.u16())
			if list.bad {
				return
			}
			if len(h.KeyShares) < maxListed {
				h.KeyShares = append(h.KeyShares, uint16(g))
			}
		}
	case extSessionTicket:
		h.SessionTicket = !h.Client || len(data) > 0
	case extPreSharedKey:
		h.PSK = true
	case extEarlyData:
		h.EarlyData = true
	}
}

// IsGREASE says whether v is a GREASE value (RFC 8701), tested as
// Wireshark tests it: both bytes equal, each of the form 0x?A.
func IsGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v&0xff == v>>8 }
