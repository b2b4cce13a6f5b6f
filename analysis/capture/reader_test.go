package capture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// dnsQuery is a real DNS query (mcpcap--dns.pcap, packet 1), Ethernet:
//
//	0000  00 e0 18 b1 0c ad 00 c0 9f 32 41 8c 08 00 45 00  .........2A...E.
//	0010  00 38 00 00 40 00 40 11 65 47 c0 a8 aa 08 c0 a8  .8..@.@.eG......
//	0020  aa 14 80 1b 00 35 00 24 85 ed 10 32 01 00 00 01  .....5.$...2....
//	0030  00 00 00 00 00 00 06 67 6f 6f 67 6c 65 03 63 6f  .......google.co
//	0040  6d 00 00 10 00 01                                m.....
var dnsQuery = []byte{
	0x00, 0xe0, 0x18, 0xb1, 0x0c, 0xad, 0x00, 0xc0, 0x9f, 0x32, 0x41, 0x8c, 0x08, 0x00, 0x45, 0x00,
	0x00, 0x38, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x65, 0x47, 0xc0, 0xa8, 0xaa, 0x08, 0xc0, 0xa8,
	0xaa, 0x14, 0x80, 0x1b, 0x00, 0x35, 0x00, 0x24, 0x85, 0xed, 0x10, 0x32, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f,
	0x6d, 0x00, 0x00, 0x10, 0x00, 0x01,
}

// pcapLE is a little-endian microsecond pcap holding dnsQuery at
// 2005-03-30 08:47:46.496046 UTC (1112172466.496046).
var pcapLE = cat(
	[]byte{
		0xd4, 0xc3, 0xb2, 0xa1, // magic a1b2c3d4, little-endian
		0x02, 0x00, 0x04, 0x00, // version 2.4
		0x00, 0x00, 0x00, 0x00, // thiszone
		0x00, 0x00, 0x00, 0x00, // sigfigs
		0xff, 0xff, 0x00, 0x00, // snaplen 65535
		0x01, 0x00, 0x00, 0x00, // LINKTYPE_ETHERNET
		0xb2, 0x67, 0x4a, 0x42, // ts_sec 1112172466
		0xae, 0x91, 0x07, 0x00, // ts_usec 496046
		0x46, 0x00, 0x00, 0x00, // incl_len 70
		0x46, 0x00, 0x00, 0x00, // orig_len 70
	}, dnsQuery)

// pcapBE is the same file, big-endian.
var pcapBE = cat(
	[]byte{
		0xa1, 0xb2, 0xc3, 0xd4, // magic, big-endian
		0x00, 0x02, 0x00, 0x04, // version 2.4
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0xff, 0xff, // snaplen 65535
		0x00, 0x00, 0x00, 0x01, // LINKTYPE_ETHERNET
		0x42, 0x4a, 0x67, 0xb2, // ts_sec
		0x00, 0x07, 0x91, 0xae, // ts_usec
		0x00, 0x00, 0x00, 0x46, // incl_len
		0x00, 0x00, 0x00, 0x46, // orig_len
	}, dnsQuery)

const dnsQueryNs = 1112172466496046000

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// result is everything a test looks at after reading a whole stream.
type result struct {
	info    *FileInfo
	recs    []Record // Data and Comments copied
	err     error    // from Open or the last Next (nil at a clean end)
	openErr bool
}

func read(t *testing.T, b []byte) result {
	t.Helper()
	rd, err := Open(bytes.NewReader(b))
	if err != nil {
		return result{err: err, openErr: true}
	}
	var res result
	var rec Record
	for {
		err := rd.Next(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			res.err = err
			break
		}
		c := rec
		c.Data = append([]byte(nil), rec.Data...)
		c.Comments = append([]string(nil), rec.Comments...)
		res.recs = append(res.recs, c)
	}
	res.info = rd.Info()
	return res
}

func wantErr(t *testing.T, err error, truncated bool, substr string) *Error {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want *Error", err, err)
	}
	if ce.Truncated != truncated {
		t.Errorf("Truncated = %v, want %v (%v)", ce.Truncated, truncated, err)
	}
	if truncated && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated error %v does not wrap io.ErrUnexpectedEOF", err)
	}
	if !strings.Contains(err.Error(), substr) {
		t.Errorf("error %q does not contain %q", err, substr)
	}
	return ce
}

func TestPcap(t *testing.T) {
	nano := bytes.Clone(pcapLE)
	copy(nano, []byte{0x4d, 0x3c, 0xb2, 0xa1})          // nanosecond magic
	copy(nano[28:], []byte{0xf6, 0xd7, 0x95, 0x1d})     // 496359414 ns
	modified := newPcap(false, magicModified, 65535, 1) // 8 more bytes per record
	modified.rec(1112172466, 496046, dnsQuery, 70)
	modified.rec(1112172467, 1, dnsQuery[:20], 70)
	v23 := bytes.Clone(pcapLE) // version 2.3 with the lengths the old way round
	v23[6] = 3
	copy(v23[32:], []byte{0x80, 0, 0, 0, 0x46, 0, 0, 0}) // orig 128, incl 70
	fcs := bytes.Clone(pcapBE)
	copy(fcs[20:], []byte{0x24, 0x00, 0x00, 0x01}) // FCS present, 2×16 bits, Ethernet
	bigSnap := newPcap(false, magicMicro, 64, 101) // caplen > snaplen is accepted, as in wiretap
	bigSnap.rec(1, 0, dnsQuery[14:], 56)
	for _, tc := range []struct {
		name     string
		b        []byte
		variant  string
		order    string
		version  string
		link     uint16
		fcs      int
		res      uint64
		ns       []int64
		caplen   []int
		origlen  []int
		compress string
	}{
		{name: "little-endian", b: pcapLE, order: "little-endian", version: "2.4", link: 1, res: 1e6, ns: []int64{dnsQueryNs}, caplen: []int{70}, origlen: []int{70}},
		{name: "big-endian", b: pcapBE, order: "big-endian", version: "2.4", link: 1, res: 1e6, ns: []int64{dnsQueryNs}, caplen: []int{70}, origlen: []int{70}},
		{name: "nanosecond", b: nano, variant: "nanosecond", order: "little-endian", version: "2.4", link: 1, res: 1e9, ns: []int64{1112172466496359414}, caplen: []int{70}, origlen: []int{70}},
		{name: "modified", b: modified.buf.Bytes(), variant: "modified", order: "little-endian", version: "2.4", link: 1, res: 1e6,
			ns: []int64{dnsQueryNs, 1112172467000001000}, caplen: []int{70, 20}, origlen: []int{70, 70}},
		{name: "version 2.3 swapped lengths", b: v23, order: "little-endian", version: "2.3", link: 1, res: 1e6, ns: []int64{dnsQueryNs}, caplen: []int{70}, origlen: []int{128}},
		{name: "fcs bits masked", b: fcs, order: "big-endian", version: "2.4", link: 1, fcs: 4, res: 1e6, ns: []int64{dnsQueryNs}, caplen: []int{70}, origlen: []int{70}},
		{name: "caplen above snaplen", b: bigSnap.buf.Bytes(), order: "little-endian", version: "2.4", link: 101, res: 1e6, ns: []int64{1e9}, caplen: []int{56}, origlen: []int{56}},
		{name: "gzip", b: gzipBytes(pcapBE), compress: "gzip", order: "big-endian", version: "2.4", link: 1, res: 1e6, ns: []int64{dnsQueryNs}, caplen: []int{70}, origlen: []int{70}},
		{name: "gzip multistream", b: cat(gzipBytes(pcapLE[:40]), gzipBytes(pcapLE[40:])), compress: "gzip", order: "little-endian", version: "2.4", link: 1, res: 1e6, ns: []int64{dnsQueryNs}, caplen: []int{70}, origlen: []int{70}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := read(t, tc.b)
			if res.err != nil {
				t.Fatal(res.err)
			}
			in := res.info
			if in.Format != FormatPcap || in.Variant != tc.variant || in.Compression != tc.compress {
				t.Errorf("format %q variant %q compression %q", in.Format, in.Variant, in.Compression)
			}
			if len(in.Sections) != 1 || in.Sections[0].ByteOrder != tc.order || in.Sections[0].Version != tc.version {
				t.Errorf("sections %+v", in.Sections)
			}
			if len(in.Interfaces) != 1 || in.Interfaces[0].LinkType != tc.link || in.Interfaces[0].TsResolution != tc.res ||
				in.Interfaces[0].FCSLen != tc.fcs || in.Interfaces[0].Packets != len(tc.ns) {
				t.Errorf("interfaces %+v", in.Interfaces)
			}
			if len(res.recs) != len(tc.ns) {
				t.Fatalf("%d records, want %d", len(res.recs), len(tc.ns))
			}
			for i, r := range res.recs {
				if r.TimeNs != tc.ns[i] || len(r.Data) != tc.caplen[i] || r.OrigLen != tc.origlen[i] || r.LinkType != tc.link || r.NoTime {
					t.Errorf("record %d: time %d len %d/%d link %d", i, r.TimeNs, len(r.Data), r.OrigLen, r.LinkType)
				}
				if !bytes.Equal(r.Data, dnsQuery[len(dnsQuery)-len(r.Data):]) && !bytes.Equal(r.Data, dnsQuery[:len(r.Data)]) {
					t.Errorf("record %d: data differs", i)
				}
			}
		})
	}
}

func TestPcapDamage(t *testing.T) {
	huge := bytes.Clone(pcapLE)
	copy(huge[32:], []byte{0x01, 0x00, 0x04, 0x00}) // incl_len 262145
	two := cat(pcapLE, pcapLE[24:])
	for _, tc := range []struct {
		name      string
		b         []byte
		packets   int
		truncated bool
		msg       string
		offset    int64
		packet    int
	}{
		{"file header cut", pcapLE[:20], 0, true, "pcap file header cut short (20 of 24 bytes)", 0, 0},
		{"record header cut", two[:len(pcapLE)+10], 1, true, "packet record header cut short (10 of 16 bytes)", int64(len(pcapLE)), 2},
		{"record data cut", two[:len(two)-1], 1, true, "packet data cut short (69 of 70 bytes)", int64(len(pcapLE)), 2},
		{"caplen over the cap", huge, 0, false, "262145-byte packet, bigger than maximum of 262144", 24, 1},
		{"major version 1", cat(pcapLE[:4], []byte{1, 0}, pcapLE[6:]), 0, false, "major version 1 unsupported", 4, 0},
		{"gzip cut", gzipBytes(two)[:60], 0, true, "gzip stream cut short", -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := read(t, tc.b)
			if len(res.recs) != tc.packets {
				t.Errorf("%d records before the error, want %d", len(res.recs), tc.packets)
			}
			e := wantErr(t, res.err, tc.truncated, tc.msg)
			if tc.offset >= 0 && (e.Offset != tc.offset || e.Packet != tc.packet) {
				t.Errorf("offset %d packet %d, want %d %d", e.Offset, e.Packet, tc.offset, tc.packet)
			}
		})
	}
}

// ngTwoSections is a pcapng stream with a little-endian section (Ethernet
// µs, raw IP ns, SLL2 2^-20 s with if_tsoffset) and a big-endian one
// (Ethernet, raw IP), with comments, statistics and skipped blocks.
func ngTwoSections() []byte {
	var f ngFile
	f.shb(false, optStr(optComment, "first"), optStr(shbHardware, "hw"), optStr(shbOS, "os"), optStr(shbUserAppl, "app"))
	f.idb(false, 1, 0, optStr(ifName, "eth0"), optStr(ifDescription, "desc"), opt{ifFilter, []byte("\x00port 53")},
		optStr(ifOS, "linux"), optStr(ifHardware, "nic"), optStr(optComment, "ifc comment"), optU8(ifFCSLen, 32))
	f.idb(false, 101, 65535, optU8(ifTsresol, 9))
	f.idb(false, 276, 96, optU8(ifTsresol, 0x80|20), optU64(false, ifTsoffset, 100))
	f.epb(false, 0, dnsQueryNs/1e3, dnsQuery, 70, optStr(optComment, "c1"), optStr(optComment, "c2\x00junk"))
	f.raw(false, blockNRB, []byte{0, 0, 0, 0})
	f.epb(false, 1, dnsQueryNs+7, dnsQuery[14:], 56)
	f.epb(false, 2, 3<<20|1<<19, dnsQuery[:40], 70) // 3.5 s + 100 s offset
	f.spb(false, dnsQuery, 70)                      // interface 0: snaplen 0, so all 70 bytes
	f.isb(false, 0, 0, optU64(false, isbIfRecv, 10), optU64(false, isbIfDrop, 2))
	f.raw(false, blockCB, []byte{0, 0, 0x7f, 0xff})
	f.raw(false, 0x00000bee, []byte{1, 2, 3, 4})
	f.shb(true, optStr(optComment, "second"))
	f.raw(true, 0x00000bee, nil)
	f.idb(true, 1, 30)
	f.idb(true, 101, 0)
	f.epb(true, 1, 5e6, dnsQuery[14:], 56)
	f.pb(true, 0, 6e6, dnsQuery[:30], 70, optStr(optComment, "obsolete"))
	f.spb(true, dnsQuery[:30], 70) // interface 0 of section 1: snaplen 30
	f.isb(true, 1, 0, optU64(true, isbIfDrop, 9))
	return f.out.Bytes()
}

func TestPcapNG(t *testing.T) {
	b := ngTwoSections()
	for _, tc := range []struct {
		name     string
		b        []byte
		compress string
	}{
		{"plain", b, ""},
		{"gzip", gzipBytes(b), "gzip"},
		{"one byte at a time", b, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var res result
			if tc.name == "one byte at a time" {
				rd, err := Open(iotest.OneByteReader(bytes.NewReader(tc.b)))
				if err != nil {
					t.Fatal(err)
				}
				var rec Record
				for rd.Next(&rec) == nil {
					c := rec
					c.Comments = append([]string(nil), rec.Comments...)
					res.recs = append(res.recs, c)
				}
				res.info = rd.Info()
			} else {
				res = read(t, tc.b)
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			in := res.info
			if in.Format != FormatPcapNG || in.Compression != tc.compress {
				t.Errorf("format %q compression %q", in.Format, in.Compression)
			}
			wantSec := []Section{
				{ByteOrder: "little-endian", Version: "1.0", Hardware: "hw", OS: "os", Application: "app", Comments: []string{"first"}},
				{ByteOrder: "big-endian", Version: "1.0", Comments: []string{"second"}},
			}
			if fmt.Sprint(in.Sections) != fmt.Sprint(wantSec) {
				t.Errorf("sections\n got %+v\nwant %+v", in.Sections, wantSec)
			}
			u := func(v uint64) *uint64 { return &v }
			wantIfc := []Interface{
				{Section: 0, LinkType: 1, TsResolution: 1e6, Name: "eth0", Description: "desc", Filter: "port 53", OS: "linux", Hardware: "nic",
					Comments: []string{"ifc comment"}, FCSLen: 4, Packets: 2, Received: u(10), Dropped: u(2), Statistics: 1},
				{Section: 0, LinkType: 101, SnapLen: 65535, TsResolution: 1e9, Packets: 1},
				{Section: 0, LinkType: 276, SnapLen: 96, TsResolution: 1 << 20, TsOffset: 100, Packets: 1},
				{Section: 1, LinkType: 1, SnapLen: 30, TsResolution: 1e6, Packets: 2},
				{Section: 1, LinkType: 101, TsResolution: 1e6, Packets: 1, Dropped: u(9), Statistics: 1},
			}
			if js(in.Interfaces) != js(wantIfc) {
				t.Errorf("interfaces\n got %s\nwant %s", js(in.Interfaces), js(wantIfc))
			}
			if js(in.Skipped) != `{"CB":1,"NRB":1,"unknown 0x00000bee":2}` {
				t.Errorf("skipped %s", js(in.Skipped))
			}
			type row struct {
				ifc, link, caplen, orig int
				ns                      int64
				noTime                  bool
				comments                string
			}
			want := []row{
				{0, 1, 70, 70, dnsQueryNs, false, "c1|c2"},
				{1, 101, 56, 56, dnsQueryNs + 7, false, ""},
				{2, 276, 40, 70, 103_500_000_000, false, ""},
				{0, 1, 70, 70, 0, true, ""},
				{4, 101, 56, 56, 5e9, false, ""},
				{3, 1, 30, 70, 6e9, false, "obsolete"},
				{3, 1, 30, 70, 0, true, ""},
			}
			if len(res.recs) != len(want) {
				t.Fatalf("%d records, want %d", len(res.recs), len(want))
			}
			for i, r := range res.recs {
				g := row{r.Interface, int(r.LinkType), len(r.Data), r.OrigLen, r.TimeNs, r.NoTime, strings.Join(r.Comments, "|")}
				if g != want[i] {
					t.Errorf("record %d: got %+v want %+v", i, g, want[i])
				}
			}
		})
	}
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestPcapNGDamage(t *testing.T) {
	var good ngFile
	good.shb(false)
	good.idb(false, 1, 0)
	good.epb(false, 0, 1, dnsQuery, 70)
	g := good.out.Bytes()
	epbOff := len(g) - (12 + 20 + 72)
	le := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	set := func(off int, v uint32) []byte {
		b := bytes.Clone(g)
		copy(b[off:], le(v))
		return b
	}
	// A skipped block claiming 100 MiB, in a stream that ends: streamed, not allocated.
	var big ngFile
	big.shb(false)
	bigB := cat(big.out.Bytes(), le(0xbee), le(100<<20), make([]byte, 1000))
	// An EPB whose length is not a multiple of 4 (the padding left out): wiretap rounds it up.
	var odd ngFile
	odd.shb(false)
	odd.idb(false, 1, 0)
	odd.epb(false, 0, 1, dnsQuery[:69], 69)
	ob := odd.out.Bytes()
	oddOff := len(ob) - (12 + 20 + 72)
	copy(ob[oddOff+4:], le(12+20+69))
	copy(ob[len(ob)-4:], le(12+20+69))
	oddRes := read(t, ob)
	if oddRes.err != nil || len(oddRes.recs) != 1 || len(oddRes.recs[0].Data) != 69 {
		t.Errorf("length not a multiple of 4: %v, %d records", oddRes.err, len(oddRes.recs))
	}
	for _, tc := range []struct {
		name      string
		b         []byte
		packets   int
		truncated bool
		msg       string
		offset    int
	}{
		{"length below 12", set(epbOff+4, 8), 0, false, "block length 8 is less than the minimum 12", epbOff},
		{"trailer mismatch", set(len(g)-4, 200), 0, false, "block lengths (first 104 and second 200) don't match", epbOff},
		{"too large", set(epbOff+4, 0xfffffff0), 0, false, "is too large", epbOff},
		{"caplen lies", set(epbOff+20, 200), 0, false, "enhanced packet block length 104 is too small for 200 bytes of packet data", epbOff},
		{"caplen over the cap", set(epbOff+20, MaxRecordLen+1), 0, false, "captured length 262145 is larger than the maximum 262144", epbOff},
		{"unknown interface", set(epbOff+8, 3), 0, false, "interface index 3 is not less than section interface count 1", epbOff},
		{"cut in block header", g[:epbOff+5], 0, true, "block header cut short (5 of 8 bytes)", epbOff},
		{"cut in block", g[:len(g)-1], 0, true, "enhanced packet block cut short (103 of 104 bytes)", epbOff},
		{"cut in skipped block", bigB, 0, true, "block cut short", len(big.out.Bytes())},
		{"shb cut", g[:20], 0, true, "section header block cut short", 0},
		{"bad version", set(12, 0x00020001), 0, false, "unknown section header version 1.2", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "bad version" {
				tc.b = set(12, 0x00030001) // 1.3
				tc.msg = "unknown section header version 1.3"
			}
			res := read(t, tc.b)
			if len(res.recs) != tc.packets {
				t.Errorf("%d records before the error, want %d", len(res.recs), tc.packets)
			}
			e := wantErr(t, res.err, tc.truncated, tc.msg)
			if tc.offset >= 0 && e.Offset != int64(tc.offset) {
				t.Errorf("offset %d, want %d", e.Offset, tc.offset)
			}
		})
	}
}

func TestNotACapture(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		msg  string
	}{
		{"empty", nil, "empty file: not a capture"},
		{"too short", []byte{0xd4, 0xc3}, "too short to be a capture (2 bytes)"},
		{"html", []byte("<!DOCTYPE html>\n<html>"), `not a capture file (starts with "<!DOCTYPE": looks like HTML)`},
		{"html with bom", []byte("\xef\xbb\xbf  <html lang=en>"), `(starts with "<html": looks like HTML)`},
		{"json", []byte(`{"packets": 3}`), `not a capture file (starts with "{\"packets\":": looks like JSON)`},
		{"text", []byte("hello world, this is not a capture\n"), `not a capture file (starts with "hello": looks like text)`},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), `looks like a ZIP archive`},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3"), `not a capture file (starts with "%PDF-1.7": looks like a PDF document)`},
		{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0}, "zstd-compressed"},
		{"binary", []byte{0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5}, "not a capture file (starts with 0xdeadbeef00010203: unknown format)"},
		{"gzip twice", gzipBytes(gzipBytes(pcapLE)), "gzip-compressed twice"},
		{"gzip of nothing", gzipBytes(nil), "the gzip stream decompresses to nothing"},
		{"gzip of html", gzipBytes([]byte("<!doctype html>")), "looks like HTML"},
		{"bad gzip", []byte{0x1f, 0x8b, 0x09, 0, 0, 0, 0, 0, 0, 0}, "gzip: invalid header"},
		{"pcapng bad byte order", cat(le32(blockSHB), le32(28), le32(0x11223344), make([]byte, 16)), "byte-order magic is 0x44332211"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := read(t, tc.b)
			if !res.openErr {
				t.Fatalf("Open accepted it (err %v)", res.err)
			}
			wantErr(t, res.err, false, tc.msg)
		})
	}
}

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func TestTimestamps(t *testing.T) {
	for _, tc := range []struct {
		ts, units uint64
		off       int64
		want      int64
	}{
		{1, 1e6, 0, 1000},
		{1<<20 + 1<<19, 1 << 20, 0, 1_500_000_000},
		{1, 1 << 63, 0, 0},                    // 2^-63 s rounds down to 0 ns
		{3, 3, 0, 1e9},                        // odd units
		{math.MaxUint64, 1, 0, math.MaxInt64}, // saturates, no wrap
		{math.MaxUint64, 1e19, 0, 1844674407}, // 1.8446744073709551615 s
		{10, 1, -20, -10e9},                   // negative through if_tsoffset
		{0, 1, math.MinInt64, math.MinInt64},
		{9223372036, 1, 0, 9223372036e9},
		{9223372037, 1, 0, math.MaxInt64},
	} {
		if got := tsNs(tc.ts, tc.units, tc.off); got != tc.want {
			t.Errorf("tsNs(%d, %d, %d) = %d, want %d", tc.ts, tc.units, tc.off, got, tc.want)
		}
	}
}

// TestZeroAlloc: reading records allocates nothing in steady state.
func TestZeroAlloc(t *testing.T) {
	for _, ng := range []bool{false, true} {
		b := benchCapture(ng, 5000)
		rd, err := Open(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var rec Record
		rd.Next(&rec)
		allocs := testing.AllocsPerRun(1000, func() {
			if err := rd.Next(&rec); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("pcapng=%v: %.1f allocations per record", ng, allocs)
		}
	}
}

// TestAgainstTshark compares every capture in testdata/captures that has an
// expectation file (written by testdata/tshark/capture.sh) with what tshark
// read from it: packet count, times, lengths, comments, and the damage.
func TestAgainstTshark(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/expected/capture/*.json")
	if len(files) == 0 {
		t.Skip("no expectation files")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			var exp struct {
				SHA256  string  `json:"sha256"`
				Stderr  string  `json:"stderr"`
				Packets [][]any `json:"packets"`
			}
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(capturesDir, name))
			if err != nil {
				t.Skip("capture gone")
			}
			if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != exp.SHA256 {
				t.Skip("capture changed since testdata/tshark/capture.sh ran; rerun it")
			}
			res := read(t, b)
			switch {
			case strings.Contains(exp.Stderr, "isn't a capture file"):
				if !res.openErr {
					t.Errorf("tshark: %s; we read it (%v)", exp.Stderr, res.err)
				}
				return
			case strings.Contains(exp.Stderr, "cut short"):
				wantErr(t, res.err, true, "cut short")
			case strings.Contains(exp.Stderr, "unknown or unsupported"):
				// wiretap refuses link types it has no dissector for; we read them.
			case exp.Stderr != "":
				if res.err == nil {
					t.Errorf("tshark: %s; we read it cleanly", exp.Stderr)
				}
			default:
				if res.err != nil {
					t.Errorf("tshark reads it cleanly, we fail: %v", res.err)
				}
			}
			if strings.Contains(exp.Stderr, "unknown or unsupported") {
				return
			}
			if len(res.recs) != len(exp.Packets) {
				t.Fatalf("%d packets, tshark %d", len(res.recs), len(exp.Packets))
			}
			for i, p := range exp.Packets {
				r := res.recs[i]
				tm := ""
				if !r.NoTime {
					tm = fmt.Sprintf("%d.%09d", r.TimeNs/1e9, r.TimeNs%1e9)
				}
				got := fmt.Sprint(tm, " ", r.OrigLen, " ", len(r.Data), " ", strings.Join(r.Comments, ","))
				want := fmt.Sprint(p[0], " ", p[1], " ", p[2], " ", p[3])
				if got != want {
					t.Errorf("packet %d: got %q, tshark %q", i+1, got, want)
				}
			}
		})
	}
}

// TestPcapNGBigBlocks: blocks larger than the window are read in pieces, and
// a length that lies about a short stream never allocates what it claims.
func TestPcapNGBigBlocks(t *testing.T) {
	var f ngFile
	f.shb(false)
	f.idb(false, 1, 0)
	var opts []opt
	for i := 0; i < 40; i++ {
		opts = append(opts, optStr(optComment, strings.Repeat(string(rune('a'+i%26)), 60000)))
	}
	f.epb(false, 0, 1, dnsQuery, 70, opts...) // a 2.4 MB block
	f.epb(false, 0, 2, dnsQuery, 70)
	b := f.out.Bytes()
	res := read(t, b)
	if res.err != nil || len(res.recs) != 2 || len(res.recs[0].Comments) != 40 || len(res.recs[0].Comments[39]) != 60000 ||
		!bytes.Equal(res.recs[0].Data, dnsQuery) || len(res.recs[1].Comments) != 0 {
		t.Fatalf("big block: err %v, %d records", res.err, len(res.recs))
	}
	res = read(t, b[:len(b)-50])
	if len(res.recs) != 1 {
		t.Errorf("cut: %d records", len(res.recs))
	}
	wantErr(t, res.err, true, "cut short")
	res = read(t, b[:2<<20])
	if len(res.recs) != 0 {
		t.Errorf("cut in the big block: %d records", len(res.recs))
	}
	wantErr(t, res.err, true, "enhanced packet block cut short")

	// An EPB claiming 100 MiB in a 2 KB stream.
	var lie ngFile
	lie.shb(false)
	lie.idb(false, 1, 0)
	lb := cat(lie.out.Bytes(), le32(blockEPB), le32(100<<20), make([]byte, 2000))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res = read(t, lb)
	runtime.ReadMemStats(&after)
	wantErr(t, res.err, true, "cut short")
	if got := after.TotalAlloc - before.TotalAlloc; got > 2<<20 {
		t.Errorf("a lying block length made the reader allocate %d bytes", got)
	}
}
