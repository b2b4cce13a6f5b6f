package filter

import (
	"net/netip"
	"strings"
	"testing"
)

func mac(s string) Value {
	b, _ := parseHexBytes(s)
	return Ether([6]byte(b))
}

func addr(s string) Value { return Addr(netip.MustParseAddr(s)) }

// tunnelFrame is a TCP segment in an IPv4-in-IPv4 tunnel: ip.addr occurs
// four times.
var tunnelFrame = fakeSource{
	Frame:                     {Present()},
	Eth:                       {Present()},
	IP:                        {Present(), Present()},
	TCP:                       {Present()},
	FrameNumber:               {Uint(7)},
	FrameTimeRelative:         {Time(1_500_000_000)},
	FrameLen:                  {Uint(120)},
	EthSrc:                    {mac("00:0c:29:d9:3b:e0")},
	IPSrc:                     {addr("192.0.2.1"), addr("10.1.0.1")},
	IPDst:                     {addr("192.0.2.2"), addr("10.1.0.2")},
	IPAddr:                    {addr("192.0.2.1"), addr("192.0.2.2"), addr("10.1.0.1"), addr("10.1.0.2")},
	IPTTL:                     {Uint(64), Uint(63)},
	TCPPort:                   {Uint(40000), Uint(443)},
	TCPSrcPort:                {Uint(40000)},
	TCPDstPort:                {Uint(443)},
	TCPFlagsSyn:               {Bool(true)},
	TCPFlagsAck:               {Bool(false)},
	TCPAnalysis:               {Present()},
	TCPAnalysisFlags:          {Present()},
	TCPAnalysisRetransmission: {Present()},
	DNSQryName:                {String([]byte("www.Example.com"))},
	IPv6Addr:                  nil,
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		filter string
		want   bool
	}{
		{"", true},
		{"   ", true},
		{"tcp", true},
		{"udp", false},
		{"!udp", true},
		{"not tcp", false},
		{"ip.addr == 10.1.0.2", true},
		{"ip.addr == 10.1.0.3", false},
		{"ip.addr != 10.1.0.2", false}, // 4.0: not any equal
		{"ip.addr ~= 10.1.0.2", true},  // any differs
		{"ip.addr === 10.1.0.2", false},
		{"ip.addr == 10.0.0.0/8", true},
		{"ip.addr == 10.1.0.99/16", true},
		{"ip.src == 192.0.2.0/24 and ip.dst == 10.1.0.2", true},
		{"ip.src > 192.0.2.0", true},
		{"ip.src < 10.0.0.0", false},
		{"ip.addr in {1.1.1.1, 10.1.0.0/24}", true},
		{"ip.addr in {10.1.0.3 .. 10.1.0.9}", false},
		{"ip.addr not in {10.1.0.1}", false},
		{"ip.src == ip.dst", false},
		{"ip.src != ip.dst", true},
		{"ipv6.addr == ::1", false},
		{"ipv6.addr != ::1", false}, // absent field: false
		{"tcp.port == 443", true},
		{"tcp.port eq 0x1bb", true},
		{"tcp.port in {80, 400..500}", true},
		{"tcp.port in {80, 500..400}", false},
		{"tcp.port > 40000", false},
		{"tcp.port >= 40000", true},
		{"tcp.srcport > tcp.dstport", true},
		{"tcp.port == -1", false},
		{"tcp.port != -1", true},
		{"tcp.flags.syn == 1 && tcp.flags.ack == 0", true},
		{"tcp.flags.syn == True and tcp.flags.ack == Set", false},
		{"tcp.flags.syn == 2", true},
		{"tcp.analysis.retransmission", true},
		{"tcp.analysis.flags && !tcp.analysis.window_update", true},
		{"tcp.analysis.duplicate_ack", false},
		{"ip.ttl < 64", true},
		{"ip.ttl == 64 or udp", true},
		{"udp or ip.ttl == 65 or tcp.port == 1", false},
		{"frame.time_relative > 1.4999", true},
		{"frame.time_relative >= 1.5 and frame.time_relative <= 1.5", true},
		{"frame.time_relative in {0..1.4}", false},
		{"frame.number == 7", true},
		{"eth.src == 00-0c-29-d9-3b-e0", true},
		{"eth.src == 000c.29d9.3be0", true},
		{"eth.src contains 29:d9", true},
		{"eth.src > ff:00:00:00:00:00", false},
		{"dns.qry.name contains \"Example\"", true},
		{"dns.qry.name contains \"example\"", false},
		{"dns.qry.name matches \"example\\\\.com$\"", true}, // case-insensitive by default
		{"dns.qry.name matches \"(?-i)example\"", false},
		{"dns.qry.name == \"www.Example.com\"", true},
		{"dns.qry.name > \"www\"", true},
		{"dns.qry.name in {\"a\"..\"z\"}", true},
		{"(tcp or udp) and not (ip.ttl > 100)", true},
	} {
		f, err := Compile(tc.filter)
		if err != nil {
			t.Errorf("%q: %v", tc.filter, err)
			continue
		}
		if got := f.Match(tunnelFrame); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		filter, msg string
		pos         int
	}{
		{"tcp.foo", "tcp.foo is neither a field nor a protocol name.", 0},
		{"ip and foo.bar == 1", "Left side of \"==\" expression must be a field or function, not foo.bar.", 7},
		{"ip.addr == ", "Unexpected end of filter expression.", 11},
		{"tcp.port in {80 443}", "\"443\" was unexpected in this context.", 16},
		{"ip.len == \"a\"", "Unsigned integer (2 bytes) cannot be converted from a string (\"a\").", 10},
		{"ip.ttl == 256", "\"256\" too big for this field, maximum 255.", 10},
		{"ip.src contains 4", "ip.src (type=IPv4 address) cannot participate in contains comparison.", 0},
		{"tcp.analysis.retransmission == 1", "tcp.analysis.retransmission (type=Label) cannot participate in == comparison.", 0},
		{"ip.src == eth.src", "ip.src and eth.src are not of compatible types.", 10},
		{"dns.qry.name matches abc", "Matches requires a double quoted string on the right side.", 21},
		{"string(ip.src) == \"a\"", "Functions such as \"string()\" are not supported yet.", 0},
		{"tcp[0:2] == 00:50", "Slices of a protocol other than frame are not supported yet.", 0},
		{"len(ip.src)", "You cannot test whether a function is present.", 0},
		{"len(dns.qry.name[1:]) == 9", "Only fields can be used as parameter for len()", 4},
		{"count(tcp.port) in {2, 4}", "Only a field may be tested for membership in a set.", 0},
		{"upper(ip.src) == \"A\"", "Only string type fields can be used as parameter for upper()", 6},
		{"ip.src == ${ip.dst}", "Field references (\"${…}\") are not supported yet.", 10},
		{"tcp.port + 1 == 2", "Arithmetic (\"+\") is not supported yet.", 9},
		{"tcp.port - 1 == 2", "Arithmetic (\"-\") is not supported yet.", 9},
		{"tcp.flags & 0x02", "Bitwise operators (\"&\") are not supported yet.", 10},
		{"dns.qry.name matches \"(\"", "Regex compilation error: missing closing ): `(`.", 0},
		{"dns.qry.name matches \"(a)\\\\1\"", "Regex compilation error: invalid escape sequence: `\\1`.", 0},
	} {
		_, err := Compile(tc.filter)
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: %v, want an *Error", tc.filter, err)
			continue
		}
		if e.Msg != tc.msg || e.Pos != tc.pos {
			t.Errorf("%q: %q at %d, want %q at %d", tc.filter, e.Msg, e.Pos, tc.msg, tc.pos)
		}
		if !strings.HasPrefix(e.Error(), "filter: ") {
			t.Errorf("%q: Error() = %q", tc.filter, e.Error())
		}
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("(", MaxDepth+1) + "ip" + strings.Repeat(")", MaxDepth+1)
	nots := strings.Repeat("!", MaxDepth+1) + "ip"
	okDeep := strings.Repeat("(", MaxDepth) + "ip" + strings.Repeat(")", MaxDepth)
	var set strings.Builder
	set.WriteString("tcp.port in {")
	for i := 0; i <= MaxSetMembers; i++ {
		if i > 0 {
			set.WriteString(",")
		}
		set.WriteString("1")
	}
	set.WriteString("}")
	long := "ip" + strings.Repeat(" ", MaxLength)
	bigRE := `dns.qry.name matches "(((a{100}){100}){100})"`
	for _, tc := range []struct {
		name, filter string
		ok           bool
	}{
		{"depth", deep, false},
		{"nots", nots, false},
		{"depth at the limit", okDeep, true},
		{"set", set.String(), false},
		{"length", long, false},
		{"regexp size", bigRE, false},
		{"long or chain", "ip" + strings.Repeat(" or ip", 10000), true},
	} {
		f, err := Compile(tc.filter)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok %v", tc.name, err, tc.ok)
		}
		if err == nil && !f.Match(tunnelFrame) {
			t.Errorf("%s: no match", tc.name)
		}
	}
}

func TestFields(t *testing.T) {
	f, err := Compile("ip.addr == 10.0.0.1 and (tcp.analysis.retransmission or ip.src == ip.dst) or dns")
	if err != nil {
		t.Fatal(err)
	}
	want := []FieldID{IPSrc, IPDst, IPAddr, DNS, TCPAnalysisRetransmission}
	got := f.Fields()
	if len(got) != len(want) {
		t.Fatalf("Fields() = %v, want %v", got, want)
	}
	for _, id := range want {
		if !f.Uses(id) {
			t.Errorf("Uses(%s) = false", id)
		}
	}
	if f.Uses(TCPPort) {
		t.Error("Uses(tcp.port) = true")
	}
}

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for id := FieldID(1); id < numFields; id++ {
		f := id.Field()
		if f.Name == "" || seen[f.Name] {
			t.Errorf("field %d: name %q missing or repeated", id, f.Name)
		}
		seen[f.Name] = true
		if g, ok := Lookup(f.Name); !ok || g != f {
			t.Errorf("Lookup(%q) = %v, %v", f.Name, g, ok)
		}
	}
	if len(Registry()) != int(numFields)-1 {
		t.Errorf("Registry() has %d fields", len(Registry()))
	}
	if _, ok := Lookup("tcp.foo"); ok {
		t.Error("Lookup(tcp.foo) found something")
	}
}

// TestMatchAllocs checks that Match allocates nothing in steady state.
func TestMatchAllocs(t *testing.T) {
	f, err := Compile(benchFilter)
	if err != nil {
		t.Fatal(err)
	}
	src := &benchSource{}
	f.Match(src)
	if n := testing.AllocsPerRun(100, func() { f.Match(src) }); n != 0 {
		t.Errorf("Match allocates %.0f times", n)
	}
}
