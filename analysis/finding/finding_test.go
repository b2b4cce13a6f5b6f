package finding

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestFramesKeepsFirstDistinctAscending(t *testing.T) {
	var fs Frames
	for _, n := range []int{30, 5, 5, 12, 1, 99, 7, 8, 9, 10, 11, 2, 3, 0} {
		fs.Add(n)
	}
	want := []int{1, 2, 3, 5, 7, 8, 9, 10, 11, 12}
	if got := fs.List(); !reflect.DeepEqual(got, want) {
		t.Fatalf("List = %v, want %v", got, want)
	}
	if fs.Count() != 14 {
		t.Fatalf("Count = %d, want 14", fs.Count())
	}
	var empty Frames
	if got := empty.List(); got == nil || len(got) != 0 {
		t.Fatalf("empty List = %#v, want non-nil empty", got)
	}
}

func TestRank(t *testing.T) {
	fs := []Finding{
		{Kind: "b", Severity: Low, Count: 9, Tool: "dns"},
		{Kind: "a", Severity: High, Count: 1, Tool: "tcp"},
		{Kind: "c", Severity: Medium, Count: 5, Tool: "sip"},
		{Kind: "d", Severity: Medium, Count: 50, Tool: "icmp"},
		{Kind: "e", Severity: Info, Count: 500, Tool: "dhcp"},
	}
	Rank(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Kind)
	}
	if want := []string{"a", "d", "c", "b", "e"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestOr(t *testing.T) {
	if got := Or("tcp.stream == 1", "tcp.stream == 2"); got != "tcp.stream == 1 || tcp.stream == 2" {
		t.Fatal(got)
	}
	if got := Or("a || b", "c"); got != "(a || b) || c" {
		t.Fatal(got)
	}
	if got := Or("a", ""); got != "" {
		t.Fatal(got)
	}
}

func TestFilterHelpers(t *testing.T) {
	if got := Quote(`a"b\c` + "\x01é"); got != `"a\"b\\c\x01\xc3\xa9"` {
		t.Fatal(got)
	}
	if got := IPField("src", netip.MustParseAddr("192.0.2.1")); got != "ip.src == 192.0.2.1" {
		t.Fatal(got)
	}
	if got := IPField("dst", netip.MustParseAddr("2001:db8::1")); got != "ipv6.dst == 2001:db8::1" {
		t.Fatal(got)
	}
	if got := In("udp.port", []string{"53", "5353"}); got != "udp.port in {53, 5353}" {
		t.Fatal(got)
	}
	if got := In("udp.port", []string{"53"}); got != "udp.port == 53" {
		t.Fatal(got)
	}
}
