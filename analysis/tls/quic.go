package tls

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// QUIC Initial packets (RFC 9000 §17.2.2) are protected with keys any
// observer can derive from the client's Destination Connection ID (RFC
// 9001 §5.2), as Wireshark does without a key file: pcaplens decrypts
// them to read the TLS ClientHello and ServerHello their CRYPTO frames
// carry.

// QUIC versions whose Initial packets are decrypted.
const (
	QUICv1 = 0x00000001 // RFC 9000
	QUICv2 = 0x6b3343cf // RFC 9369
)

var (
	saltV1 = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}
	saltV2 = []byte{0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9}
)

// MaxConnIDLen is the longest connection ID of QUIC v1 and v2 (RFC 9000 §17.2).
const MaxConnIDLen = 20

// quicKeys are the packet protection keys of one direction's Initial packets.
type quicKeys struct {
	aead cipher.AEAD
	hp   cipher.Block
	iv   [12]byte
}

func hkdfExtract(salt, ikm []byte) []byte {
	m := hmac.New(sha256.New, salt)
	m.Write(ikm)
	return m.Sum(nil)
}

// hkdfExpandLabel is TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1) with an
// empty context, for outputs of at most one SHA-256 block.
func hkdfExpandLabel(secret []byte, label string, n int) []byte {
	info := make([]byte, 0, 4+6+len(label))
	info = append(info, byte(n>>8), byte(n), byte(6+len(label)))
	info = append(info, "tls13 "...)
	info = append(info, label...)
	info = append(info, 0)
	m := hmac.New(sha256.New, secret)
	m.Write(info)
	m.Write([]byte{1})
	return m.Sum(nil)[:n]
}

// initialSecrets returns the client's and server's Initial secrets for a
// Destination Connection ID (RFC 9001 §5.2).
func initialSecrets(version uint32, dcid []byte) (client, server []byte) {
	salt := saltV1
	if version == QUICv2 {
		salt = saltV2
	}
	initial := hkdfExtract(salt, dcid)
	return hkdfExpandLabel(initial, "client in", 32), hkdfExpandLabel(initial, "server in", 32)
}

// newQUICKeys derives the AEAD, IV and header protection key of a secret
// (RFC 9001 §5.1; RFC 9369 §3.3.2 for v2's labels).
func newQUICKeys(version uint32, secret []byte) *quicKeys {
	lk, li, lh := "quic key", "quic iv", "quic hp"
	if version == QUICv2 {
		lk, li, lh = "quicv2 key", "quicv2 iv", "quicv2 hp"
	}
	block, err := aes.NewCipher(hkdfExpandLabel(secret, lk, 16))
	if err != nil {
		return nil
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil
	}
	hp, err := aes.NewCipher(hkdfExpandLabel(secret, lh, 16))
	if err != nil {
		return nil
	}
	k := &quicKeys{aead: aead, hp: hp}
	copy(k.iv[:], hkdfExpandLabel(secret, li, 12))
	return k
}

// readVarint reads a QUIC variable-length integer (RFC 9000 §16).
func readVarint(b []byte) (v uint64, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	n = 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, 0, false
	}
	v = uint64(b[0] & 0x3f)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n, true
}

// initialHeader is a long-header Initial packet's header as read before
// header protection is removed.
type initialHeader struct {
	version    uint32
	dcid, scid []byte
	pnOffset   int  // offset of the packet number in the packet
	end        int  // offset just past the packet (Length counts from pnOffset)
	cut        bool // the packet was captured short: end is the end of the bytes
}

// isInitial says whether a long-header first byte and version make an
// Initial packet: type 0 in v1, type 1 in v2 (RFC 9369 §3.2).
func isInitial(first byte, version uint32) bool {
	t := first >> 4 & 3
	return version == QUICv1 && t == 0 || version == QUICv2 && t == 1
}

// parseLongHeader reads the long header of the packet at the start of b
// (RFC 9000 §17.2). ok is false when b does not begin a long-header
// packet of a known version; then the rest of the datagram is not QUIC
// pcaplens reads. Packets of other types than Initial are returned too,
// with initial false, so that coalesced packets can be walked.
func parseLongHeader(b []byte) (h initialHeader, initial, ok bool) {
	if len(b) < 7 || b[0]&0xc0 != 0xc0 {
		return h, false, false
	}
	h.version = binary.BigEndian.Uint32(b[1:5])
	if h.version != QUICv1 && h.version != QUICv2 {
		return h, false, false
	}
	i := 5
	dl := int(b[i])
	i++
	if dl > MaxConnIDLen || len(b) < i+dl+1 {
		return h, false, false
	}
	h.dcid = b[i : i+dl]
	i += dl
	sl := int(b[i])
	i++
	if sl > MaxConnIDLen || len(b) < i+sl {
		return h, false, false
	}
	h.scid = b[i : i+sl]
	i += sl
	initial = isInitial(b[0], h.version)
	retry := b[0]>>4&3 == 3 && h.version == QUICv1 || b[0]>>4&3 == 0 && h.version == QUICv2
	if retry {
		return h, false, false // a Retry has no Length: nothing follows it
	}
	if initial {
		tl, n, ok := readVarint(b[i:])
		if !ok || tl > uint64(len(b)) {
			return h, false, false
		}
		i += n + int(tl)
	}
	if i > len(b) {
		return h, false, false
	}
	length, n, ok := readVarint(b[i:])
	if !ok {
		return h, false, false
	}
	i += n
	h.pnOffset = i
	if length > uint64(len(b)-i) {
		// Cut short by the capture: the header is still read (its
		// connection IDs give the keys of the packets that follow).
		h.end, h.cut = len(b), true
		return h, initial, true
	}
	h.end = i + int(length)
	return h, initial, true
}

// openInitial removes header protection and decrypts one Initial packet
// in place (RFC 9001 §5.4, §5.3) in pkt, a copy of the packet the caller
// owns, returning the plaintext payload.
func openInitial(k *quicKeys, pkt []byte, h initialHeader) ([]byte, bool) {
	pn := h.pnOffset
	if h.end-pn < 4+16 || h.end > len(pkt) {
		return nil, false
	}
	var mask [16]byte
	k.hp.Encrypt(mask[:], pkt[pn+4:pn+4+16])
	pkt[0] ^= mask[0] & 0x0f
	pnLen := int(pkt[0]&3) + 1
	var num uint64
	for i := 0; i < pnLen; i++ {
		pkt[pn+i] ^= mask[1+i]
		num = num<<8 | uint64(pkt[pn+i])
	}
	nonce := k.iv
	for i := 0; i < 8; i++ {
		nonce[11-i] ^= byte(num >> (8 * i))
	}
	hdr := pkt[:pn+pnLen]
	ct := pkt[pn+pnLen : h.end]
	if len(ct) < k.aead.Overhead() {
		return nil, false
	}
	out, err := k.aead.Open(ct[:0], nonce[:], ct, hdr)
	if err != nil {
		return nil, false
	}
	return out, true
}

// cryptoStream joins the CRYPTO frames of one direction's Initial
// packets by offset (RFC 9000 §19.6), holding at most maxCrypto bytes,
// and hands the bytes in order to the handshake layer.
type cryptoStream struct {
	buf  []byte // the bytes after those handed over, as far as received
	have []span // ranges of buf received, sorted and disjoint
	done int    // bytes handed over
	full bool   // a frame went beyond maxCrypto: the rest is ignored
}

type span struct{ lo, hi int }

// maxCrypto bounds the Initial CRYPTO bytes held per direction: a
// ClientHello, even a post-quantum one split over several packets, is
// well within it.
const maxCrypto = 1 << 16

// add records a CRYPTO frame's data at offset off and hands the bytes
// that became contiguous to deliver (valid only during the call).
func (c *cryptoStream) add(off uint64, data []byte, deliver func([]byte)) {
	if c.full || off+uint64(len(data)) > maxCrypto {
		c.full = true
		return
	}
	lo, hi := int(off)-c.done, int(off)+len(data)-c.done
	if hi <= 0 || len(data) == 0 {
		return // already delivered
	}
	if lo < 0 {
		data = data[-lo:]
		lo = 0
	}
	if hi > len(c.buf) {
		c.buf = append(c.buf, make([]byte, hi-len(c.buf))...)
	}
	copy(c.buf[lo:hi], data)
	c.have = addSpan(c.have, span{lo, hi})
	if c.have[0].lo != 0 {
		return
	}
	n := c.have[0].hi
	deliver(c.buf[:n])
	m := copy(c.buf, c.buf[n:])
	c.buf = c.buf[:m]
	c.have = c.have[1:]
	for i := range c.have {
		c.have[i].lo -= n
		c.have[i].hi -= n
	}
	c.done += n
}

// addSpan merges s into the sorted, disjoint spans.
func addSpan(ss []span, s span) []span {
	out := ss[:0:0]
	placed := false
	for _, x := range ss {
		switch {
		case x.hi < s.lo:
			out = append(out, x)
		case s.hi < x.lo:
			if !placed {
				out = append(out, s)
				placed = true
			}
			out = append(out, x)
		default:
			s.lo, s.hi = min(s.lo, x.lo), max(s.hi, x.hi)
		}
	}
	if !placed {
		out = append(out, s)
	}
	return out
}

// cryptoFrames walks the frames of a decrypted Initial payload (RFC 9000
// §19) and calls fn with each CRYPTO frame's offset and data. Initial
// packets carry only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE;
// any other frame type ends the walk. It returns false when the payload
// does not parse.
func cryptoFrames(p []byte, fn func(off uint64, data []byte)) bool {
	for len(p) > 0 {
		t := p[0]
		switch {
		case t == 0x00 || t == 0x01: // PADDING, PING
			p = p[1:]
		case t == 0x02 || t == 0x03: // ACK (§19.3)
			q := p[1:]
			var vals [4]uint64
			for i := range vals {
				v, n, ok := readVarint(q)
				if !ok {
					return false
				}
				vals[i] = v
				q = q[n:]
			}
			ranges := vals[2]
			if ranges > uint64(len(q)) {
				return false
			}
			for i := uint64(0); i < 2*ranges; i++ {
				_, n, ok := readVarint(q)
				if !ok {
					return false
				}
				q = q[n:]
			}
			if t == 0x03 {
				for i := 0; i < 3; i++ {
					_, n, ok := readVarint(q)
					if !ok {
						return false
					}
					q = q[n:]
				}
			}
			p = q
		case t == 0x06: // CRYPTO (§19.6)
			q := p[1:]
			off, n, ok := readVarint(q)
			if !ok {
				return false
			}
			q = q[n:]
			l, n, ok := readVarint(q)
			if !ok || l > uint64(len(q)-n) {
				return false
			}
			q = q[n:]
			fn(off, q[:l])
			p = q[l:]
		case t == 0x1c || t == 0x1d: // CONNECTION_CLOSE (§19.19)
			return true
		default:
			return false
		}
	}
	return true
}
