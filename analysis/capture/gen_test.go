package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// go test ./analysis/capture -run TestGenerate -gen rewrites the crafted
// captures under testdata/captures from packets of the shared real captures.
var gen = flag.Bool("gen", false, "regenerate the crafted captures in testdata/captures")

const capturesDir = "../../testdata/captures"

// ---- writers (both byte orders), used by the generator and the tests ----

type enc struct {
	be  bool
	buf bytes.Buffer
}

func (e *enc) order() binary.ByteOrder {
	if e.be {
		return binary.BigEndian
	}
	return binary.LittleEndian
}
func (e *enc) u8(v uint8) { e.buf.WriteByte(v) }
func (e *enc) u16(v uint16) {
	var b [2]byte
	e.order().PutUint16(b[:], v)
	e.buf.Write(b[:])
}
func (e *enc) u32(v uint32) {
	var b [4]byte
	e.order().PutUint32(b[:], v)
	e.buf.Write(b[:])
}
func (e *enc) u64(v uint64) {
	var b [8]byte
	e.order().PutUint64(b[:], v)
	e.buf.Write(b[:])
}
func (e *enc) bytes(b []byte) { e.buf.Write(b) }
func (e *enc) pad() {
	for e.buf.Len()%4 != 0 {
		e.buf.WriteByte(0)
	}
}

// pcapFile builds a classic pcap file.
type pcapFile struct {
	enc
	magic uint32
}

func newPcap(be bool, magic uint32, snap, link uint32) *pcapFile {
	p := &pcapFile{enc: enc{be: be}, magic: magic}
	p.u32(magic)
	p.u16(2)
	p.u16(4)
	p.u32(0)
	p.u32(0)
	p.u32(snap)
	p.u32(link)
	return p
}

func (p *pcapFile) rec(sec, frac uint32, data []byte, orig int) {
	p.u32(sec)
	p.u32(frac)
	p.u32(uint32(len(data)))
	p.u32(uint32(orig))
	if p.magic == magicModified {
		p.u32(2)      // ifindex
		p.u16(0x0800) // protocol
		p.u8(0)       // packet type: to us
		p.u8(0)       // padding
	}
	p.bytes(data)
}

// ngFile builds a pcapng stream; sections may change byte order.
type ngFile struct{ out bytes.Buffer }

type opt struct {
	code uint16
	val  []byte
}

func optStr(code uint16, s string) opt { return opt{code, []byte(s)} }
func optU8(code uint16, v uint8) opt   { return opt{code, []byte{v}} }
func optU64(be bool, code uint16, v uint64) opt {
	b := make([]byte, 8)
	if be {
		binary.BigEndian.PutUint64(b, v)
	} else {
		binary.LittleEndian.PutUint64(b, v)
	}
	return opt{code, b}
}

// block writes one block: body is the fixed part and data (padded here).
func (f *ngFile) block(be bool, typ uint32, body func(e *enc), opts []opt) {
	e := &enc{be: be}
	body(e)
	e.pad()
	if len(opts) > 0 {
		for _, o := range opts {
			e.u16(o.code)
			e.u16(uint16(len(o.val)))
			e.bytes(o.val)
			e.pad()
		}
		e.u32(0) // opt_endofopt
	}
	b := &enc{be: be}
	n := uint32(12 + e.buf.Len())
	b.u32(typ)
	b.u32(n)
	b.bytes(e.buf.Bytes())
	b.u32(n)
	f.out.Write(b.buf.Bytes())
}

func (f *ngFile) shb(be bool, opts ...opt) {
	f.block(be, blockSHB, func(e *enc) {
		e.u32(byteOrderMagic)
		e.u16(1)
		e.u16(0)
		e.u64(^uint64(0))
	}, opts)
}

func (f *ngFile) idb(be bool, link uint16, snap uint32, opts ...opt) {
	f.block(be, blockIDB, func(e *enc) {
		e.u16(link)
		e.u16(0)
		e.u32(snap)
	}, opts)
}

func (f *ngFile) epb(be bool, id uint32, ts uint64, data []byte, orig int, opts ...opt) {
	f.block(be, blockEPB, func(e *enc) {
		e.u32(id)
		e.u32(uint32(ts >> 32))
		e.u32(uint32(ts))
		e.u32(uint32(len(data)))
		e.u32(uint32(orig))
		e.bytes(data)
	}, opts)
}

func (f *ngFile) pb(be bool, id uint16, ts uint64, data []byte, orig int, opts ...opt) {
	f.block(be, blockPB, func(e *enc) {
		e.u16(id)
		e.u16(0) // drops
		e.u32(uint32(ts >> 32))
		e.u32(uint32(ts))
		e.u32(uint32(len(data)))
		e.u32(uint32(orig))
		e.bytes(data)
	}, opts)
}

func (f *ngFile) spb(be bool, data []byte, orig int) {
	f.block(be, blockSPB, func(e *enc) {
		e.u32(uint32(orig))
		e.bytes(data)
	}, nil)
}

func (f *ngFile) isb(be bool, id uint32, ts uint64, opts ...opt) {
	f.block(be, blockISB, func(e *enc) {
		e.u32(id)
		e.u32(uint32(ts >> 32))
		e.u32(uint32(ts))
	}, opts)
}

func (f *ngFile) raw(be bool, typ uint32, body []byte) {
	f.block(be, typ, func(e *enc) { e.bytes(body) }, nil)
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// ---- the generator ----

// srcPkt is a packet taken from a shared capture.
type srcPkt struct {
	data []byte
	orig int
	ns   int64
}

func load(t *testing.T, name string) []srcPkt {
	b, err := os.ReadFile(filepath.Join("/work/shared/captures/real", name))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := Open(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []srcPkt
	var rec Record
	for rd.Next(&rec) == nil {
		out = append(out, srcPkt{append([]byte(nil), rec.Data...), rec.OrigLen, rec.TimeNs})
	}
	return out
}

// ip strips the Ethernet header; ok is false for anything but untagged IPv4/IPv6.
func ip(p srcPkt) ([]byte, uint16, bool) {
	if len(p.data) < 14 {
		return nil, 0, false
	}
	et := binary.BigEndian.Uint16(p.data[12:])
	if et != 0x0800 && et != 0x86dd {
		return nil, 0, false
	}
	return p.data[14:], et, true
}

// sll2 wraps an IP packet in a Linux cooked v2 header (LINKTYPE_LINUX_SLL2).
func sll2(p srcPkt, outgoing bool) ([]byte, bool) {
	body, et, ok := ip(p)
	if !ok {
		return nil, false
	}
	h := make([]byte, 20, 20+len(body))
	binary.BigEndian.PutUint16(h[0:], et) // protocol type
	binary.BigEndian.PutUint32(h[4:], 2)  // interface index
	binary.BigEndian.PutUint16(h[8:], 1)  // ARPHRD_ETHER
	if outgoing {
		h[10] = 4 // PACKET_OUTGOING
	}
	h[11] = 6                  // address length
	copy(h[12:18], p.data[6:]) // source MAC
	return append(h, body...), true
}

func usec(ns int64) (uint32, uint32) { return uint32(ns / 1e9), uint32(ns % 1e9 / 1e3) }

func TestGenerate(t *testing.T) {
	if !*gen {
		t.Skip("run with -gen to rewrite testdata/captures")
	}
	dns := load(t, "mcpcap--dns.pcap")                   // Ethernet, DNS over UDP
	tcp := load(t, "chrissanders--tcp_handshake.pcapng") // Ethernet, TCP handshake
	web := load(t, "chrissanders--http_ip4and6.pcapng")  // Ethernet, HTTP over IPv4 and IPv6
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(capturesDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// bigendian.pcap: DNS, big-endian microsecond pcap.
	be := newPcap(true, magicMicro, 65535, 1)
	for _, p := range dns[:12] {
		s, u := usec(p.ns)
		be.rec(s, u, p.data, p.orig)
	}
	write("bigendian.pcap", be.buf.Bytes())

	// nanosecond.pcap: TCP handshake and DNS with nanosecond timestamps.
	nano := newPcap(false, magicNano, 262144, 1)
	for i, p := range append(append([]srcPkt{}, tcp...), dns[:6]...) {
		ns := p.ns + int64(i*111+7) // sub-microsecond digits
		nano.rec(uint32(ns/1e9), uint32(ns%1e9), p.data, p.orig)
	}
	write("nanosecond.pcap", nano.buf.Bytes())

	// modified.pcap: Kuznetzov's modified pcap (ss991029), little-endian.
	mod := newPcap(false, magicModified, 65535, 1)
	for _, p := range dns[:6] {
		s, u := usec(p.ns)
		mod.rec(s, u, p.data, p.orig)
	}
	write("modified.pcap", mod.buf.Bytes())

	// rawip.pcap: LINKTYPE_RAW (101), IPv4 and IPv6.
	raw := newPcap(false, magicMicro, 65535, 101)
	for _, p := range append(append([]srcPkt{}, dns[:4]...), web...) {
		if b, _, ok := ip(p); ok {
			s, u := usec(p.ns)
			raw.rec(s, u, b, p.orig-14)
		}
	}
	write("rawip.pcap", raw.buf.Bytes())

	// sll2.pcap: Linux cooked v2 (276), DNS and TCP.
	cooked := newPcap(false, magicMicro, 262144, 276)
	for i, p := range append(append([]srcPkt{}, dns[:6]...), tcp...) {
		if b, ok := sll2(p, i%2 == 0); ok {
			s, u := usec(p.ns)
			cooked.rec(s, u, b, p.orig-14+20)
		}
	}
	write("sll2.pcap", cooked.buf.Bytes())

	// multi-interface.pcapng: one section, three interfaces with three link
	// types and three time resolutions, packet comments, interface
	// statistics and a name resolution block. multi-section.pcapng: the same
	// plus a big-endian second section with two more interfaces.
	var ng ngFile
	ng.shb(false,
		optStr(optComment, "section 0: Ethernet, raw IP and Linux cooked v2"),
		optStr(shbHardware, "x86_64 test rig"),
		optStr(shbOS, "Linux 6.1"),
		optStr(shbUserAppl, "pcaplens capture generator"))
	ng.idb(false, 1, 262144,
		optStr(ifName, "eth0"), optStr(ifDescription, "uplink"),
		opt{ifFilter, append([]byte{0}, "udp port 53 or tcp"...)},
		optStr(ifOS, "Linux 6.1"), optStr(ifHardware, "Intel I210"))
	ng.idb(false, 101, 65535, optStr(ifName, "tun0"), optU8(ifTsresol, 9))
	ng.idb(false, 276, 262144, optStr(ifName, "any"), optU8(ifTsresol, 8),
		optStr(optComment, "Linux cooked v2 on the any device"))
	ng.raw(false, blockNRB, []byte{0, 0, 0, 0}) // an empty name resolution block
	for i := 0; i < 6; i++ {
		p := dns[i]
		var opts []opt
		if i == 0 {
			opts = append(opts, optStr(optComment, "first DNS query"))
		}
		ng.epb(false, 0, uint64(p.ns/1e3), p.data, p.orig, opts...)
		if i < len(tcp) {
			q := tcp[i]
			b, _, _ := ip(q)
			var o []opt
			if i == 0 {
				o = append(o, optStr(optComment, "handshake SYN"), optStr(optComment, "second comment"))
			}
			ng.epb(false, 1, uint64(q.ns), b, q.orig-14, o...)
		}
		if i < 4 {
			q := web[i]
			b, _ := sll2(q, true)
			ng.epb(false, 2, uint64(q.ns/10), b, q.orig-14+20)
		}
	}
	ng.isb(false, 0, uint64(dns[5].ns/1e3),
		optU64(false, isbIfRecv, 1000), optU64(false, isbIfDrop, 3))
	single := append([]byte(nil), ng.out.Bytes()...)
	ng.shb(true,
		optStr(optComment, "section 1: big-endian"),
		optStr(shbUserAppl, "pcaplens capture generator (big-endian section)"))
	ng.idb(true, 1, 65535, optStr(ifName, "eth1"))
	ng.idb(true, 101, 65535, optStr(ifName, "tun1"), optU8(ifTsresol, 9))
	for i := 6; i < 10; i++ {
		p := dns[i]
		ng.epb(true, 0, uint64(p.ns/1e3), p.data, p.orig)
	}
	for _, q := range web[4:8] {
		if b, _, ok := ip(q); ok {
			ng.epb(true, 1, uint64(q.ns), b, q.orig-14)
		}
	}
	ng.isb(true, 1, uint64(web[7].ns), optU64(true, isbIfRecv, 4), optU64(true, isbIfDrop, 0))
	write("multi-interface.pcapng", single)
	write("multi-section.pcapng", ng.out.Bytes())

	// pcapng-oddities.pcapng: a power-of-2 time resolution with if_tsoffset,
	// a simple packet block (cut to the snap length), an obsolete packet
	// block, a custom block and a block of unknown type.
	var odd ngFile
	odd.shb(false, optStr(shbUserAppl, "pcaplens capture generator"))
	odd.idb(false, 1, 96, optStr(ifName, "eth0"), optU8(ifTsresol, 0x80|20), optU64(false, ifTsoffset, 1_000_000_000))
	for i, p := range dns[:5] {
		rel := p.ns - 1_000_000_000*1e9 // relative to the offset, in 2^-20 s
		ts := uint64(rel/1e9)<<20 | uint64(rel%1e9)<<20/1e9
		data := p.data
		if len(data) > 96 {
			data = data[:96]
		}
		switch i {
		case 1:
			odd.spb(false, data, p.orig)
		case 2:
			odd.pb(false, 0, ts, data, p.orig, optStr(optComment, "obsolete packet block"))
		default:
			odd.epb(false, 0, ts, data, p.orig)
		}
		if i == 2 {
			odd.raw(false, blockCB, []byte{0x00, 0x00, 0x7f, 0xff, 'h', 'i', 0, 0}) // PEN 32767
			odd.raw(false, 0x00001234, []byte("unknown block type"))
		}
	}
	write("pcapng-oddities.pcapng", odd.out.Bytes())

	// Compressed captures.
	http, err := os.ReadFile("/work/shared/captures/real/good-tools--http.cap")
	if err != nil {
		t.Fatal(err)
	}
	write("http.pcap.gz", gzipBytes(http))
	write("multi-interface.pcapng.gz", gzipBytes(single))

	// Damaged captures, one kind of damage each.
	full := newPcap(false, magicMicro, 65535, 1)
	var ends []int
	for _, p := range dns[:8] {
		s, u := usec(p.ns)
		full.rec(s, u, p.data, p.orig)
		ends = append(ends, full.buf.Len())
	}
	fb := full.buf.Bytes()
	write("truncated.pcap", fb[:ends[5]+16+20])     // 6 packets, then 20 bytes of the 7th's data
	write("truncated-header.pcap", fb[:ends[5]+10]) // 6 packets, then 10 bytes of a record header
	nb := single
	write("truncated.pcapng", nb[:len(nb)*2/3])
	gz := gzipBytes(fb)
	write("truncated.pcap.gz", gz[:len(gz)*3/4])
	write("not-a-capture.pcap", []byte("<!DOCTYPE html>\n<html><head><title>Download</title></head><body>Not found</body></html>\n"))
}
