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
		if d := time.Since(start); d > time.Second {
			t.Fatalf("%q: %v", expr, d)
		}
	})
}
