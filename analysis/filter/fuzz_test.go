package filter

import (
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzCompile: no filter makes Compile or Match panic or hang.
func FuzzCompile(f *testing.F) {
	if data, err := os.ReadFile("testdata/filters.txt"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			f.Add(l)
		}
	}
	f.Add(`dns.qry.name matches "(?i)^a+b*$" or eth.src contains "x"`)
	f.Add(`ip.addr in {10.0.0.0/8, 1.1.1.1 .. 1.1.1.9} && !(tcp.port != 80)`)
	f.Add(`ip.src#[-2:1,3-4] == 10.1.0.1 and len(dns.qry.name) > count(ip.addr#2)`)
	f.Add(`upper(dns.qry.name) contains "X" or eth.src[-3:] == 03:04:06 or frame[0-1] == 00:01`)
	layered := &layerSource{
		vals:   map[FieldID][]Value{IPSrc: tunnelFrame[IPSrc], DNSQryName: {String([]byte("vx.example"))}, Frame: {Bytes([]byte{1, 2, 3})}},
		layers: map[FieldID][]int32{IPSrc: {1, 2}},
	}
	f.Fuzz(func(t *testing.T, expr string) {
		start := time.Now()
		flt, err := Compile(expr)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error of type %T", expr, err)
			}
			return
		}
		flt.Match(tunnelFrame)
		flt.Match(fakeSource{})
		flt.Match(layered)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("%q: %v", expr, d)
		}
	})
}
