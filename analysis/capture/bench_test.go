package capture

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchCapture builds an in-memory capture of n small packets (a 70-byte
// DNS query each), pcap or pcapng.
func benchCapture(ng bool, n int) []byte {
	if !ng {
		p := newPcap(false, magicMicro, 65535, 1)
		p.buf.Grow(24 + n*(16+len(dnsQuery)))
		for i := 0; i < n; i++ {
			p.rec(1112172466+uint32(i/1000), uint32(i%1000)*1000, dnsQuery, len(dnsQuery))
		}
		return p.buf.Bytes()
	}
	var f ngFile
	f.out.Grow(n * (32 + 72))
	f.shb(false)
	f.idb(false, 1, 0, optStr(ifName, "eth0"))
	for i := 0; i < n; i++ {
		f.epb(false, 0, dnsQueryNs/1e3+uint64(i), dnsQuery, len(dnsQuery))
	}
	return f.out.Bytes()
}

// BenchmarkRead reads ~1M small packets from memory and reports packets/s.
func BenchmarkRead(b *testing.B) {
	const n = 1 << 20
	for _, tc := range []struct {
		name string
		ng   bool
	}{{"pcap", false}, {"pcapng", true}} {
		data := benchCapture(tc.ng, n)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var total int
			start := time.Now()
			for i := 0; i < b.N; i++ {
				rd, err := Open(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				var rec Record
				for {
					err := rd.Next(&rec)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					total++
				}
			}
			b.ReportMetric(float64(total)/time.Since(start).Seconds(), "packets/s")
		})
	}
}

// FuzzReader: any input gives records and then io.EOF or an error; never a
// panic, and the work is bounded by the input (reads stop at its end).
func FuzzReader(f *testing.F) {
	f.Add(pcapLE)
	f.Add(pcapBE)
	f.Add(ngTwoSections())
	f.Add(gzipBytes(pcapLE))
	seeds, _ := filepath.Glob(filepath.Join(capturesDir, "*"))
	more, _ := filepath.Glob("/work/shared/captures/tcpdump-tests/*")
	for i := 0; i < len(more); i += 8 { // a sample
		seeds = append(seeds, more[i])
	}
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := Open(bytes.NewReader(b))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Open error %T %v", err, err)
			}
			return
		}
		var rec Record
		// Each record consumes at least 12 bytes of the (possibly
		// decompressed) stream, so this many iterations is plenty.
		for i := 0; i < 1<<22; i++ {
			err := rd.Next(&rec)
			if err == io.EOF {
				return
			}
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("Next error %T %v", err, err)
				}
				if err2 := rd.Next(&rec); err2 != err {
					t.Fatalf("error not sticky: %v then %v", err, err2)
				}
				return
			}
			if len(rec.Data) > MaxRecordLen || rec.Interface < 0 || rec.Interface >= len(rd.Info().Interfaces) {
				t.Fatalf("bad record: len %d interface %d", len(rec.Data), rec.Interface)
			}
		}
		t.Fatal("no end after 4M records")
	})
}
