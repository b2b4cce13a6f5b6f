package tls

import "testing"

// TestJA4Spec checks the hashes of FoxIO's JA4 specification example
// (technical_details/JA4.md) and its ALPN rules.
func TestJA4Spec(t *testing.T) {
	h := &Hello{
		Version: 0x0303,
		Ciphers: []uint16{0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Extensions: []uint16{0x2a2a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005,
			0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0x3a3a},
		Versions: []uint16{0x7a7a, 0x0304, 0x0303},
		ALPN:     []string{"h2", "http/1.1"},
		SigAlgs:  []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
	}
	if got, want := JA4(h, false), "t13d1516h2_8daaf6152771_e5627efa2ab1"; got != want {
		t.Errorf("JA4 %s, want %s", got, want)
	}
	h.SigAlgs = nil
	if got, want := JA4(h, true), "q13d1516h2_8daaf6152771_6d807ffa2a79"; got != want {
		t.Errorf("JA4 without signature algorithms %s, want %s", got, want)
	}
	for _, c := range []struct {
		alpn []string
		want string
	}{
		{nil, "00"}, {[]string{""}, "00"}, {[]string{"http/1.1"}, "h1"}, {[]string{"x"}, "xx"},
		{[]string{"\xab"}, "ab"}, {[]string{"\xab\xcd"}, "ad"}, {[]string{"0\xab"}, "3b"},
		{[]string{"01\xab\xcd"}, "3d"}, {[]string{"0\xab\xcd1"}, "01"},
	} {
		if got := ja4ALPN(c.alpn); got != c.want {
			t.Errorf("ALPN %q: %s, want %s", c.alpn, got, c.want)
		}
	}
	if got := JA4(&Hello{Version: 0x0301}, false); got != "t10i000000_000000000000_000000000000" {
		t.Errorf("empty hello: %s", got)
	}
}

// TestJA3 checks JA3 and JA3S strings: decimal, in order, GREASE left out,
// empty fields kept (a QUIC ClientHello has no point formats).
func TestJA3(t *testing.T) {
	h := &Hello{Client: true, Version: 771, Ciphers: []uint16{0x1a1a, 4865, 4866},
		Extensions: []uint16{0xfafa, 0, 10, 11}, Groups: []uint16{0x0a0a, 29, 23}, PointFormats: []byte{0}}
	full, hash := JA3(h)
	if full != "771,4865-4866,0-10-11,29-23,0" || len(hash) != 32 {
		t.Errorf("JA3 %q %s", full, hash)
	}
	h.PointFormats = nil
	if full, _ := JA3(h); full != "771,4865-4866,0-10-11,29-23," {
		t.Errorf("JA3 without point formats %q", full)
	}
	// tshark: ja3s_full=771,4865,51-43, ja3s=eb1d94daa7e0344597e756a1fb6e7054.
	s := &Hello{Version: 771, Ciphers: []uint16{4865}, Extensions: []uint16{51, 43}}
	if full, hash := JA3S(s); full != "771,4865,51-43" || hash != "eb1d94daa7e0344597e756a1fb6e7054" {
		t.Errorf("JA3S %q %s", full, hash)
	}
}

func TestGREASE(t *testing.T) {
	n := 0
	for v := 0; v < 1<<16; v++ {
		if IsGREASE(uint16(v)) {
			n++
		}
	}
	if n != 16 || !IsGREASE(0xfafa) || IsGREASE(0x0a1a) {
		t.Errorf("%d GREASE values", n)
	}
}
