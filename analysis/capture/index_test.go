package capture

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"
)

// indexed reads b front to back through an Indexer and returns the records
// (copied) and the index.
func indexed(t testing.TB, b []byte, every int) ([]ipkt, *Index) {
	t.Helper()
	rd, err := Open(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	x := NewIndexer(rd, every)
	var out []ipkt
	var rec Record
	for {
		err := x.Next(&rec)
		if err != nil {
			break
		}
		out = append(out, ipkt{data: string(rec.Data), orig: rec.OrigLen, ts: rec.TimeNs, ifc: rec.Interface})
	}
	return out, x.Index()
}

type ipkt struct {
	data string
	orig int
	ts   int64
	ifc  int
}

// checkCursor reads every frame back in the given order and compares.
func checkCursor(t *testing.T, b []byte, want []ipkt, idx *Index, order []int) {
	t.Helper()
	c := idx.Open(bytes.NewReader(b), int64(len(b)))
	var rec Record
	for _, n := range order {
		if err := c.Read(n, &rec); err != nil {
			t.Fatalf("frame %d: %v", n, err)
		}
		w := want[n-1]
		if string(rec.Data) != w.data || rec.OrigLen != w.orig || rec.TimeNs != w.ts || rec.Interface != w.ifc {
			t.Fatalf("frame %d: got len %d orig %d ts %d ifc %d, want len %d orig %d ts %d ifc %d",
				n, len(rec.Data), rec.OrigLen, rec.TimeNs, rec.Interface, len(w.data), w.orig, w.ts, w.ifc)
		}
	}
}

func orders(n int) map[string][]int {
	fwd := make([]int, n)
	for i := range fwd {
		fwd[i] = i + 1
	}
	back := make([]int, n)
	for i := range back {
		back[i] = n - i
	}
	rnd := rand.New(rand.NewSource(1)).Perm(n)
	for i := range rnd {
		rnd[i]++
	}
	return map[string][]int{"forward": fwd, "backward": back, "random": rnd}
}

// TestIndexReadBack reads every frame of crafted and real captures back
// through the index, in several orders and with several K, and compares
// with the front-to-back pass.
func TestIndexReadBack(t *testing.T) {
	files := map[string][]byte{
		"two sections":      ngTwoSections(),
		"two sections gzip": gzipBytes(ngTwoSections()),
		"pcap":              benchCapture(false, 5000),
		"pcapng":            benchCapture(true, 5000),
		"pcap gzip":         gzipBytes(benchCapture(false, 3000)),
	}
	paths, _ := filepath.Glob(filepath.Join(capturesDir, "*"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			files[filepath.Base(p)] = b
		}
	}
	for name, b := range files {
		if _, err := Open(bytes.NewReader(b)); err != nil {
			continue
		}
		for _, every := range []int{1, 3, 1024} {
			want, idx := indexed(t, b, every)
			if idx.Frames() != len(want) {
				t.Fatalf("%s: %d frames indexed, %d read", name, idx.Frames(), len(want))
			}
			if len(want) == 0 {
				continue
			}
			for oname, order := range orders(len(want)) {
				if idx.gzip && len(want) > 2000 && oname == "backward" {
					continue // a gzip capture read backwards is quadratic
				}
				t.Run(name+"/"+oname, func(t *testing.T) { checkCursor(t, b, want, idx, order) })
			}
		}
	}
}

// TestIndexMultiSection: a checkpoint inside the second section of a
// pcapng file resumes with that section's byte order and interfaces.
func TestIndexMultiSection(t *testing.T) {
	b := ngTwoSections()
	want, idx := indexed(t, b, 1)
	if len(want) != 7 || len(idx.cps) != 7 {
		t.Fatalf("%d frames, %d checkpoints", len(want), len(idx.cps))
	}
	if cp := idx.cps[5]; !cp.be || cp.sec != 1 || cp.first != 3 || cp.nifc != 2 {
		t.Fatalf("checkpoint 6: %+v", cp)
	}
	c := idx.Open(bytes.NewReader(b), int64(len(b)))
	var rec Record
	if err := c.Read(6, &rec); err != nil || rec.Interface != 3 || string(rec.Data) != want[5].data {
		t.Fatalf("frame 6: %v ifc %d", err, rec.Interface)
	}
}

// TestIndexErrors: frames outside the index and files that changed.
func TestIndexErrors(t *testing.T) {
	b := benchCapture(true, 3000)
	_, idx := indexed(t, b, 1024)
	c := idx.Open(bytes.NewReader(b), int64(len(b)))
	var rec Record
	for _, n := range []int{0, -1, 3001} {
		err := c.Read(n, &rec)
		if !errors.Is(err, ErrNoFrame) {
			t.Fatalf("frame %d: %v", n, err)
		}
	}
	short := b[:len(b)/2]
	c = idx.Open(bytes.NewReader(short), int64(len(short)))
	if err := c.Read(2900, &rec); err == nil {
		t.Fatal("frame 2900 of a cut file read")
	}
	if err := c.Read(10, &rec); err != nil {
		t.Fatalf("frame 10 after an error: %v", err)
	}
	// A damaged first pass: the index covers the frames read before the damage.
	cut := b[:len(b)-50]
	want, idx := indexed(t, cut, 1024)
	if idx.Frames() != len(want) || len(idx.cps) != 3 {
		t.Fatalf("cut file: %d frames, %d checkpoints", idx.Frames(), len(idx.cps))
	}
}

// TestIndexMemory: 10 million frames cost less than 1 MB of index. The
// capture is generated as it is read, so the test holds no file in memory.
func TestIndexMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 10M records")
	}
	const n = 10_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rd, err := Open(&genPcap{n: n})
	if err != nil {
		t.Fatal(err)
	}
	x := NewIndexer(rd, 0)
	var rec Record
	for x.Next(&rec) == nil {
	}
	idx := x.Index()
	rd, x = nil, nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	if idx.Frames() != n {
		t.Fatalf("%d frames", idx.Frames())
	}
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("index of %d frames: %d bytes by Bytes(), %d bytes of heap", n, idx.Bytes(), held)
	if idx.Bytes() > 1<<20 || held > 1<<20 {
		t.Fatalf("index of %d frames holds %d bytes (heap %d), over 1 MB", n, idx.Bytes(), held)
	}
	runtime.KeepAlive(idx)
}

// genPcap generates a pcap of n one-byte records as it is read.
type genPcap struct {
	n, i int
	hdr  bool
	buf  []byte
}

func (g *genPcap) Read(p []byte) (int, error) {
	if !g.hdr {
		g.hdr = true
		g.buf = append(g.buf, 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0)
	}
	for len(g.buf) < len(p) && g.i < g.n {
		g.i++
		g.buf = append(g.buf, byte(g.i), byte(g.i>>8), byte(g.i>>16), 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x42)
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	k := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[k:])]
	return k, nil
}

// BenchmarkIndexRead reads random frames of a 1M-packet capture back from
// a file on disk; the figure to watch is the time per read (≤ 5 ms).
func BenchmarkIndexRead(b *testing.B) {
	for _, ng := range []bool{false, true} {
		name := "pcap"
		if ng {
			name = "pcapng"
		}
		data := benchCapture(ng, 1<<20)
		path := filepath.Join(b.TempDir(), "big")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		_, idx := indexed(b, data, 0)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		b.Run(name, func(b *testing.B) {
			c := idx.Open(f, int64(len(data)))
			rnd := rand.New(rand.NewSource(2))
			var rec Record
			ds := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				n := rnd.Intn(idx.Frames()) + 1
				t0 := time.Now()
				if err := c.Read(n, &rec); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(ds[len(ds)-1].Microseconds()), "max-µs")
		})
	}
}

// FuzzIndex builds an index over a capture, damages the file, and reads
// frames at random checkpoints back: errors, never a panic.
func FuzzIndex(f *testing.F) {
	f.Add(ngTwoSections(), uint16(0), byte(0), uint16(7))
	f.Add(benchCapture(false, 40), uint16(100), byte(0xff), uint16(33))
	f.Add(benchCapture(true, 40), uint16(400), byte(0x10), uint16(2))
	f.Add(gzipBytes(benchCapture(true, 40)), uint16(50), byte(1), uint16(20))
	f.Fuzz(func(t *testing.T, b []byte, at uint16, xor byte, seed uint16) {
		rd, err := Open(bytes.NewReader(b))
		if err != nil {
			return
		}
		x := NewIndexer(rd, 4)
		var rec Record
		for i := 0; i < 1<<16 && x.Next(&rec) == nil; i++ {
		}
		idx := x.Index()
		d := append([]byte(nil), b...)
		if len(d) > 0 {
			d[int(at)%len(d)] ^= xor
			if seed&1 != 0 {
				d = d[:int(at)%len(d)]
			}
		}
		c := idx.Open(bytes.NewReader(d), int64(len(d)))
		rnd := rand.New(rand.NewSource(int64(seed)))
		for i := 0; i < 16; i++ {
			n := rnd.Intn(idx.Frames()+2) - 1
			err := c.Read(n, &rec)
			if err != nil {
				var ce *Error
				if !errors.As(err, &ce) {
					t.Fatalf("frame %d: error %T %v", n, err, err)
				}
			} else if len(rec.Data) > MaxRecordLen || rec.Interface < 0 || rec.Interface >= len(idx.ifcs) {
				t.Fatalf("frame %d: bad record len %d interface %d", n, len(rec.Data), rec.Interface)
			}
		}
	})
}
