package dhcp

import (
	"encoding/json"
	"reflect"
	"testing"
)

// msg builds a BOOTP header with the magic cookie followed by opts.
func msg(op byte, xid uint32, mac [6]byte, opts ...byte) []byte {
	b := make([]byte, MinSize, MinSize+len(opts))
	b[0], b[1], b[2] = op, 1, 6
	b[4], b[5], b[6], b[7] = byte(xid>>24), byte(xid>>16), byte(xid>>8), byte(xid)
	copy(b[offChaddr:], mac[:])
	copy(b[offCookie:], magicCookie[:])
	return append(b, opts...)
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestDecodeOption covers every option the issue names, and the fallbacks.
func TestDecodeOption(t *testing.T) {
	tests := []struct {
		name string
		code byte
		data []byte
		key  string
		want string // JSON of the decoded value
	}{
		{"message type", 53, []byte{1}, "message_type", `"DISCOVER"`},
		{"message type unknown", 53, []byte{99}, "message_type", `"UNKNOWN(99)"`},
		{"server identifier", 54, []byte{192, 168, 1, 1}, "server_id", `"192.168.1.1"`},
		{"lease time", 51, []byte{0, 0, 0x0e, 0x10}, "lease_time", `3600`},
		{"renewal T1", 58, []byte{0, 0, 0x07, 0x08}, "renewal_time", `1800`},
		{"rebinding T2", 59, []byte{0, 0, 0x0c, 0x4e}, "rebinding_time", `3150`},
		{"subnet mask", 1, []byte{255, 255, 255, 0}, "subnet_mask", `"255.255.255.0"`},
		{"router", 3, []byte{10, 0, 0, 1, 10, 0, 0, 2}, "router", `["10.0.0.1","10.0.0.2"]`},
		{"dns servers", 6, []byte{8, 8, 8, 8}, "dns_servers", `["8.8.8.8"]`},
		{"domain name", 15, []byte("example.org\x00"), "domain_name", `"example.org"`},
		{"host name", 12, []byte("laptop"), "host_name", `"laptop"`},
		{"requested address", 50, []byte{10, 0, 0, 9}, "requested_ip", `"10.0.0.9"`},
		{"parameter request list", 55, []byte{1, 3, 6, 15, 200}, "parameter_request_list",
			`["Subnet Mask","Router","Domain Name Server","Domain Name","Unknown (200)"]`},
		{"vendor class", 60, []byte("MSFT 5.0"), "vendor_class_id", `"MSFT 5.0"`},
		{"client identifier ethernet", 61, []byte{1, 0, 0xc, 0x29, 1, 2, 3}, "client_id", `"00:0c:29:01:02:03"`},
		{"client identifier other", 61, []byte{0xff, 1, 2}, "client_id", `"ff0102"`},
		{"client fqdn", 81, []byte{0x01, 0, 0, 'h', 'o', 's', 't'}, "client_fqdn",
			`{"flags":1,"name":"host","no_updates":false,"override":false,"server_updates":true}`},
		{"client fqdn wire format", 81, []byte{0x05, 0, 0, 4, 'h', 'o', 's', 't', 3, 'o', 'r', 'g', 0}, "client_fqdn",
			`{"flags":5,"name":"host.org","no_updates":false,"override":false,"server_updates":true}`},
		{"relay agent information", 82, []byte{1, 3, 'e', 't', '0', 2, 2, 0xab, 0xcd}, "relay_agent_information",
			`{"circuit_id":"et0","remote_id":"abcd"}`},
		{"classless static routes", 121, []byte{24, 192, 168, 5, 10, 0, 0, 1, 0, 10, 0, 0, 254}, "classless_static_routes",
			`[{"destination":"192.168.5.0/24","router":"10.0.0.1"},{"destination":"0.0.0.0/0","router":"10.0.0.254"}]`},
		{"classless static routes bad width", 121, []byte{33, 1, 2, 3, 4, 5}, "classless_static_routes", `"210102030405"`},
		{"ntp servers", 42, []byte{192, 0, 2, 1, 192, 0, 2, 2}, "ntp_servers", `["192.0.2.1","192.0.2.2"]`},
		{"domain search", 119, []byte{3, 'c', 'o', 'm', 0, 1, 'a', 0xc0, 0}, "domain_search", `["com","a.com"]`},
		{"interface mtu", 26, []byte{5, 0xdc}, "interface_mtu", `1500`},
		{"time offset", 2, []byte{0xff, 0xff, 0xff, 0xff}, "time_offset", `-1`},
		{"ip forwarding", 19, []byte{1}, "ip_forwarding", `true`},
		{"address of wrong length is hex", 54, []byte{1, 2, 3}, "server_id", `"010203"`},
		{"unknown option", 224, []byte{0xde, 0xad}, "option_224", `"dead"`},
		{"vendor specific is hex", 43, []byte{1, 2}, "vendor_specific_information", `"0102"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if k := OptionKey(tc.code); k != tc.key {
				t.Errorf("OptionKey(%d) = %q, want %q", tc.code, k, tc.key)
			}
			if got := jsonOf(DecodeOption(Option{Code: tc.code, Data: tc.data})); got != tc.want {
				t.Errorf("DecodeOption(%d, % x) = %s, want %s", tc.code, tc.data, got, tc.want)
			}
		})
	}
}

func TestWalkOptions(t *testing.T) {
	mac := [6]byte{0, 0xc, 0x29, 1, 2, 3}
	t.Run("pad, end and order", func(t *testing.T) {
		b := msg(1, 1, mac, 0, 53, 1, 1, 0, 0, 12, 2, 'p', 'c', 255, 99, 99)
		m, err := ParseMessage(b)
		if err != nil {
			t.Fatal(err)
		}
		var codes []byte
		if err := m.WalkOptions(func(o Option) { codes = append(codes, o.Code) }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(codes, []byte{53, 12}) {
			t.Errorf("codes %v", codes)
		}
		if m.ClientMAC() != "00:0c:29:01:02:03" || m.Xid != 1 || m.Op != 1 {
			t.Errorf("header: %+v", m)
		}
	})
	t.Run("length past the end", func(t *testing.T) {
		b := msg(1, 1, mac, 53, 1, 1, 12, 40, 'x')
		m, _ := ParseMessage(b)
		var codes []byte
		err := m.WalkOptions(func(o Option) { codes = append(codes, o.Code) })
		if err == nil || !reflect.DeepEqual(codes, []byte{53}) {
			t.Errorf("err %v codes %v", err, codes)
		}
	})
	t.Run("no length byte", func(t *testing.T) {
		m, _ := ParseMessage(msg(1, 1, mac, 53))
		if err := m.WalkOptions(func(Option) {}); err == nil {
			t.Error("want an error")
		}
	})
	t.Run("overload into file and sname", func(t *testing.T) {
		b := msg(1, 1, mac, 52, 1, 3, 255)
		copy(b[offFile:], []byte{12, 1, 'f', 255})
		copy(b[offSname:], []byte{15, 1, 's', 255})
		m, _ := ParseMessage(b)
		var codes []byte
		if err := m.WalkOptions(func(o Option) { codes = append(codes, o.Code) }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(codes, []byte{52, 12, 15}) {
			t.Errorf("codes %v", codes)
		}
	})
	t.Run("plain bootp", func(t *testing.T) {
		b := msg(1, 1, mac)
		b[offCookie] = 0
		m, _ := ParseMessage(b)
		if m.HasCookie {
			t.Error("cookie")
		}
	})
	t.Run("too short", func(t *testing.T) {
		if _, err := ParseMessage(make([]byte, 235)); err == nil {
			t.Error("want an error")
		}
	})
}

func TestParseV6(t *testing.T) {
	duid := []byte{0, 1, 0, 1, 0x1d, 0xef, 0x69, 0xbd, 0, 0xc, 0x29, 0x5e, 0x77, 0x44}
	opt := func(code uint16, d []byte) []byte {
		return append([]byte{byte(code >> 8), byte(code), byte(len(d) >> 8), byte(len(d))}, d...)
	}
	iaaddr := append(make([]byte, 16), 0, 0, 0x0e, 0x10, 0, 0, 0x1c, 0x20)
	iaaddr[0], iaaddr[1], iaaddr[15] = 0x20, 0x01, 1
	ia := append(make([]byte, 12), opt(5, iaaddr)...)
	prefix := append([]byte{0, 0, 0, 1, 0, 0, 0, 2, 56, 0x20, 0x01, 0x0d, 0xb8}, make([]byte, 13)...)
	pd := append(make([]byte, 12), opt(26, prefix)...)
	inner := append([]byte{7, 0xab, 0xcd, 0xef}, opt(1, duid)...)
	inner = append(inner, opt(3, ia)...)
	inner = append(inner, opt(25, pd)...)
	inner = append(inner, opt(13, append([]byte{0, 2}, "none"...))...)
	relay := append([]byte{13, 0}, make([]byte, 32)...)
	relay = append(relay, opt(9, inner)...)
	m, err := ParseV6(relay)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Relayed || m.Type != V6Reply || m.Xid != 0xabcdef || !reflect.DeepEqual(m.Types, []V6Type{V6RelayRepl, V6Reply}) {
		t.Errorf("header %+v", m)
	}
	if m.ClientMAC != "00:0c:29:5e:77:44" || m.Status != "NoAddrsAvail: none" || m.StatusCode != V6StatusNoAddrsAvail {
		t.Errorf("client %q status %q", m.ClientMAC, m.Status)
	}
	if len(m.Addresses) != 1 || m.Addresses[0] != (V6Lease{"2001::1", 3600, 7200}) {
		t.Errorf("addresses %+v", m.Addresses)
	}
	if len(m.Prefixes) != 1 || m.Prefixes[0] != (V6Lease{"2001:db8::/56", 1, 2}) {
		t.Errorf("prefixes %+v", m.Prefixes)
	}
	// Truncated option and short messages are errors, never panics.
	for n := 0; n < len(relay); n++ {
		ParseV6(relay[:n])
	}
}

// TestEveryOption decodes every option of the table with a value of the
// right shape (not hex) and with one byte too many (hex, never a panic).
func TestEveryOption(t *testing.T) {
	for code, oi := range optionTable {
		var data []byte
		switch oi.kind {
		case kAddr, kU32, kI32:
			data = []byte{10, 0, 0, 1}
		case kAddrs:
			data = []byte{10, 0, 0, 1, 10, 0, 0, 2}
		case kU16:
			data = []byte{1, 2}
		case kU8, kBool:
			data = []byte{1}
		case kString:
			data = []byte("text")
		case kHex:
			data = []byte{0xab}
		case kSpecial:
			switch code {
			case 53:
				data = []byte{5}
			case 55:
				data = []byte{1, 3}
			case 61:
				data = []byte{1, 1, 2, 3, 4, 5, 6}
			case 81:
				data = []byte{0, 0, 0, 'x'}
			case 82:
				data = []byte{1, 1, 'c'}
			case 119:
				data = []byte{1, 'a', 0}
			case 121, 249:
				data = []byte{8, 10, 10, 0, 0, 1}
			}
		}
		got := DecodeOption(Option{Code: code, Data: data})
		if s, ok := got.(string); ok && oi.kind != kHex && oi.kind != kString && s == "" {
			t.Errorf("option %d (%s): empty", code, oi.key)
		}
		if _, isStr := got.(string); isStr && oi.kind != kHex && oi.kind != kString && code != 53 && code != 61 && oi.kind != kAddr {
			t.Errorf("option %d (%s) of kind %d decoded as text %q", code, oi.key, oi.kind, got)
		}
		if oi.key == "" || oi.title == "" || OptionTitle(code) != oi.title {
			t.Errorf("option %d: names %q %q", code, oi.key, oi.title)
		}
		// One byte more: a fixed-size value falls back to hex.
		DecodeOption(Option{Code: code, Data: append(data, 0xff)})
	}
}
