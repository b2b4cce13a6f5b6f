package tls

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInitialKeys checks the key derivation with RFC 9001 Appendix A.1
// (QUIC v1) and RFC 9369 Appendix A.1 (QUIC v2, client keys).
func TestInitialKeys(t *testing.T) {
	dcid := unhex(t, "8394c8f03e515708")
	for _, c := range []struct {
		version             uint32
		side                string
		secret, key, iv, hp string
	}{
		{QUICv1, "client", "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
			"1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2"},
		{QUICv1, "server", "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b",
			"cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314"},
		{QUICv2, "client", "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b",
			"8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9"},
	} {
		cs, ss := initialSecrets(c.version, dcid)
		secret := cs
		if c.side == "server" {
			secret = ss
		}
		if hex.EncodeToString(secret) != c.secret {
			t.Errorf("%s secret %x, want %s", c.side, secret, c.secret)
		}
		lk, li, lh := "quic key", "quic iv", "quic hp"
		if c.version == QUICv2 {
			lk, li, lh = "quicv2 key", "quicv2 iv", "quicv2 hp"
		}
		if got := hex.EncodeToString(hkdfExpandLabel(secret, lk, 16)); got != c.key {
			t.Errorf("%s key %s, want %s", c.side, got, c.key)
		}
		if got := hex.EncodeToString(hkdfExpandLabel(secret, li, 12)); got != c.iv {
			t.Errorf("%s iv %s, want %s", c.side, got, c.iv)
		}
		if got := hex.EncodeToString(hkdfExpandLabel(secret, lh, 16)); got != c.hp {
			t.Errorf("%s hp %s, want %s", c.side, got, c.hp)
		}
	}
}

// rfc9001ServerInitial is RFC 9001 Appendix A.3's protected server
// Initial packet, and its payload after decryption.
const (
	rfc9001ServerInitial = `cf000000010008f067a5502a4262b500 4075c0d95a482cd0991cd25b0aac406a
5816b6394100f37a1c69797554780bb3 8cc5a99f5ede4cf73c3ec2493a1839b3
dbcba3f6ea46c5b7684df3548e7ddeb9 c3bf9c73cc3f3bded74b562bfb19fb84
022f8ef4cdd93795d77d06edbb7aaf2f 58891850abbdca3d20398c276456cbc4
2158407dd074ee`
	rfc9001ServerPayload = `02000000000600405a020000560303ee fce7f7b37ba1d1632e96677825ddf739
88cfc79825df566dc5430b9a045a1200 130100002e00330024001d00209d3c94
0d89690b84d08a60993c144eca684d10 81287c834d5311bcf32bb9da1a002b00
020304`
)

// TestOpenServerInitial decrypts RFC 9001 Appendix A.3's server Initial
// and reads the ServerHello in its CRYPTO frame.
func TestOpenServerInitial(t *testing.T) {
	pkt := unhex(t, rfc9001ServerInitial)
	h, initial, ok := parseLongHeader(pkt)
	if !ok || !initial || h.version != QUICv1 || hex.EncodeToString(h.scid) != "f067a5502a4262b5" || h.end != len(pkt) {
		t.Fatalf("header %+v initial %v ok %v", h, initial, ok)
	}
	_, ss := initialSecrets(QUICv1, unhex(t, "8394c8f03e515708"))
	k := newQUICKeys(QUICv1, ss)
	payload, ok := openInitial(k, pkt, h)
	if !ok {
		t.Fatal("decryption failed")
	}
	if want := unhex(t, rfc9001ServerPayload); !bytes.Equal(payload, want) {
		t.Fatalf("payload\n%x\nwant\n%x", payload, want)
	}
	var got []byte
	if !cryptoFrames(payload, func(off uint64, data []byte) {
		if off != 0 {
			t.Errorf("offset %d", off)
		}
		got = append(got, data...)
	}) {
		t.Fatal("frames do not parse")
	}
	if len(got) < 4 || got[0] != hsServerHello {
		t.Fatalf("crypto data %x", got)
	}
	var hello Hello
	if err := ParseHello(got[4:], false, &hello); err != nil {
		t.Fatal(err)
	}
	if hello.Selected() != 0x0304 || hello.Ciphers[0] != 0x1301 || len(hello.KeyShares) != 1 || hello.KeyShares[0] != 0x001d {
		t.Errorf("server hello %+v", hello)
	}
	// A flipped bit anywhere fails authentication.
	pkt = unhex(t, rfc9001ServerInitial)
	pkt[len(pkt)-3] ^= 1
	if _, ok := openInitial(k, pkt, h); ok {
		t.Error("a damaged packet decrypted")
	}
}

func TestCryptoStreamOutOfOrder(t *testing.T) {
	var c cryptoStream
	var got []byte
	deliver := func(b []byte) { got = append(got, b...) }
	c.add(6, []byte("world"), deliver)
	if len(got) != 0 {
		t.Fatalf("delivered %q before offset 0", got)
	}
	c.add(3, []byte("lo "), deliver)
	c.add(0, []byte("hel"), deliver)
	c.add(2, []byte("llo"), deliver) // overlap, already delivered
	c.add(11, []byte("!"), deliver)
	if string(got) != "hello world!" {
		t.Fatalf("got %q", got)
	}
	c.add(maxCrypto-1, []byte("xx"), deliver)
	if !c.full {
		t.Error("cap not hit")
	}
}

// FuzzQUICInitial decodes arbitrary datagrams as the tap does: the long
// headers of coalesced packets, Initial decryption with keys from the
// packet's own connection ID, the frames and the CRYPTO stream.
func FuzzQUICInitial(f *testing.F) {
	f.Add(unhex(f, rfc9001ServerInitial), []byte{0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08})
	f.Add(unhex(f, "c00000000108000102030405060700004400"), []byte{})
	f.Fuzz(func(t *testing.T, p, dcid []byte) {
		var cs cryptoStream
		var d direction
		s := &fuzzSink{}
		for len(p) > 0 {
			h, initial, ok := parseLongHeader(p)
			if !ok {
				return
			}
			if h.end > len(p) || h.pnOffset > h.end {
				t.Fatalf("header %+v beyond %d bytes", h, len(p))
			}
			if initial && !h.cut {
				id := h.dcid
				if len(dcid) > 0 && len(dcid) <= MaxConnIDLen {
					id = dcid
				}
				c, srv := initialSecrets(h.version, id)
				for _, secret := range [][]byte{c, srv} {
					pkt := append([]byte(nil), p[:h.end]...)
					if payload, ok := openInitial(newQUICKeys(h.version, secret), pkt, h); ok {
						cryptoFrames(payload, func(off uint64, data []byte) {
							cs.add(off, data, func(b []byte) { d.handshakeBytes(b, s) })
						})
					}
				}
			}
			p = p[h.end:]
		}
		if cap(cs.buf) > maxCrypto {
			t.Fatalf("crypto stream holds %d bytes", cap(cs.buf))
		}
	})
}

// TestCryptoFrames reads ACK, PING, PADDING and CRYPTO frames and stops
// at a frame an Initial packet cannot carry.
func TestCryptoFrames(t *testing.T) {
	p := []byte{0x01, 0x00, 0x02, 0x05, 0x00, 0x01, 0x00, 0x02, 0x01, 0x06, 0x00, 0x03, 'a', 'b', 'c', 0x06, 0x40, 0x03, 0x01, 'd'}
	var got []byte
	if !cryptoFrames(p, func(off uint64, data []byte) { got = append(got, data...) }) || string(got) != "abcd" {
		t.Fatalf("got %q", got)
	}
	if cryptoFrames([]byte{0x08, 0x00}, func(uint64, []byte) {}) {
		t.Error("a STREAM frame was accepted in an Initial")
	}
	if cryptoFrames([]byte{0x06, 0x00, 0x10, 'a'}, func(uint64, []byte) { t.Error("a cut frame was delivered") }) {
		t.Error("a CRYPTO frame longer than the packet was accepted")
	}
}
