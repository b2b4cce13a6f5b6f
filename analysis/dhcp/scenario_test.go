package dhcp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"pcaplens/analysis/dhcp"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/internal/testrun"
)

type capWriter struct {
	buf bytes.Buffer
	w   *pcapgo.Writer
}

func newCap() *capWriter {
	c := &capWriter{}
	c.w = pcapgo.NewWriter(&c.buf)
	c.w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	return c
}

var base = time.Unix(1700000000, 0).UTC()

// dhcp4 writes one DHCPv4 message built with gopacket's DHCPv4 layer.
func (c *capWriter) dhcp4(ms int, srcMAC net.HardwareAddr, src, dst string, sp, dp int, d *layers.DHCPv4) {
	eth := &layers.Ethernet{SrcMAC: srcMAC, DstMAC: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
	u := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
	u.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, u, d); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	c.w.WritePacket(gopacket.CaptureInfo{Timestamp: base.Add(time.Duration(ms) * time.Millisecond), CaptureLength: len(b), Length: len(b)}, b)
}

func msgOf(op layers.DHCPOp, t layers.DHCPMsgType, xid uint32, mac net.HardwareAddr, yi string, opts ...layers.DHCPOption) *layers.DHCPv4 {
	d := &layers.DHCPv4{Operation: op, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6, Xid: xid, ClientHWAddr: mac,
		YourClientIP: net.ParseIP(yi).To4()}
	d.Options = append([]layers.DHCPOption{layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(t)})}, opts...)
	return d
}

func sid(ip string) layers.DHCPOption {
	return layers.NewDHCPOption(layers.DHCPOptServerID, net.ParseIP(ip).To4())
}

func runBytes(t *testing.T, b []byte) *dhcp.Report {
	t.Helper()
	out, err := engine.Run(context.Background(), bytes.NewReader(b), &engine.Options{Tools: []string{"dhcp"}})
	if err != nil {
		t.Fatal(err)
	}
	r := out["dhcp"].(*dhcp.Report)
	// The engine gathers the report's findings (finding.Lister) into its
	// top-level list.
	if all := out[engine.FindingsKey].([]finding.Finding); len(all) != len(r.Findings) {
		t.Errorf("top-level findings %v, report's %v", all, r.Findings)
	}
	return r
}

// TestScenario: two servers answer one client (rogue), a NAK, a DECLINE, a
// relayed exchange, an unanswered client and a DISCOVER burst from many MACs.
func TestScenario(t *testing.T) {
	c := newCap()
	cl := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	good, rogue := net.HardwareAddr{2, 0, 0, 0, 0, 0xaa}, net.HardwareAddr{2, 0, 0, 0, 0, 0xbb}
	lease := layers.NewDHCPOption(layers.DHCPOptLeaseTime, []byte{0, 0, 0x0e, 0x10})
	router := func(r string) layers.DHCPOption {
		return layers.NewDHCPOption(layers.DHCPOptRouter, net.ParseIP(r).To4())
	}
	// 1-5: DORA with a second (rogue) OFFER.
	c.dhcp4(0, cl, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeDiscover, 1, cl, "0.0.0.0"))
	c.dhcp4(100, good, "10.0.0.1", "255.255.255.255", 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeOffer, 1, cl, "10.0.0.50", sid("10.0.0.1"), lease, router("10.0.0.1")))
	c.dhcp4(120, rogue, "10.0.0.66", "255.255.255.255", 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeOffer, 1, cl, "10.0.0.99", sid("10.0.0.66"), lease, router("10.0.0.66")))
	c.dhcp4(200, cl, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeRequest, 1, cl, "0.0.0.0", sid("10.0.0.1")))
	c.dhcp4(250, good, "10.0.0.1", "255.255.255.255", 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeAck, 1, cl, "10.0.0.50", sid("10.0.0.1"), lease, router("10.0.0.1")))
	// 6-7: a REQUEST refused.
	c.dhcp4(1000, cl, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeRequest, 2, cl, "0.0.0.0"))
	c.dhcp4(1010, good, "10.0.0.1", "255.255.255.255", 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeNak, 2, cl, "0.0.0.0", sid("10.0.0.1")))
	// 8: a DECLINE.
	c.dhcp4(1100, cl, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeDecline, 3, cl, "0.0.0.0", sid("10.0.0.1"),
		layers.NewDHCPOption(layers.DHCPOptRequestIP, net.ParseIP("10.0.0.50").To4())))
	// 9: a relayed DISCOVER (giaddr set), never answered.
	rel := msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeDiscover, 4, net.HardwareAddr{2, 0, 0, 0, 0, 2}, "0.0.0.0")
	rel.RelayAgentIP = net.ParseIP("10.9.0.1").To4()
	c.dhcp4(1200, good, "10.9.0.1", "10.0.0.1", 67, 67, rel)
	// 10-34: 25 DISCOVERs from 25 MACs within 2.5 s.
	for i := 0; i < 25; i++ {
		m := net.HardwareAddr{0xde, 0xad, 0, 0, 0, byte(i)}
		c.dhcp4(2000+i*100, m, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeDiscover, uint32(100+i), m, "0.0.0.0"))
	}
	r := runBytes(t, c.buf.Bytes())

	if r.DHCPPacketsFound != 34 || r.Statistics.Transactions != 29 || r.Statistics.UniqueServers != 2 || r.Statistics.UniqueClients != 27 {
		t.Errorf("statistics: found %d %+v", r.DHCPPacketsFound, r.Statistics)
	}
	tx := map[string]dhcp.Transaction{}
	for _, x := range r.Transactions {
		tx[x.TransactionID] = x
	}
	if x := tx["0x00000001"]; x.Outcome != "leased" || x.AddressGranted != "10.0.0.50" || x.Server != "10.0.0.1" ||
		len(x.OfferedBy) != 2 || x.DiscoverToAck == nil || *x.DiscoverToAck != 0.25 || x.LeaseTime == nil || *x.LeaseTime != 3600 {
		t.Errorf("DORA transaction: %+v", x)
	}
	for id, want := range map[string]string{"0x00000002": "refused", "0x00000003": "declined", "0x00000004": "no answer"} {
		if got := tx[id].Outcome; got != want {
			t.Errorf("transaction %s outcome %q, want %q", id, got, want)
		}
	}
	if !tx["0x00000004"].Relayed {
		t.Error("relayed transaction not marked")
	}
	keep(t, "scenario4.pcap", c.buf.Bytes(), r)
	// Filters checked with tshark 4.0.17 on the capture keep writes: each
	// selects the frames of its finding (all of them, not only the first 10).
	want := []finding.Finding{
		{Kind: "dhcp.multiple_servers", Severity: finding.High, Count: 2,
			Summary:  "2 DHCP servers answered (10.0.0.1, 10.0.0.66) and hand out different routers: one may be a rogue server",
			Frames:   []int{2, 3, 5, 7}, // tshark: 2 3 5 7
			Filter:   "dhcp.option.dhcp in {2, 5, 6}",
			Subjects: []string{"10.0.0.1: 1 Offer, 1 ACK, 1 NAK; router 10.0.0.1", "10.0.0.66: 1 Offer; router 10.0.0.66"}},
		{Kind: "dhcp.starvation_like", Severity: finding.High, Count: 27,
			Summary: "27 different client MAC addresses sent 27 DHCP Discovers within 4.4 s: a DHCP starvation attack (exhausting the address pool) or many hosts starting at once",
			Frames:  []int{1, 9, 10, 11, 12, 13, 14, 15, 16, 17}, // tshark: 1 9-34
			Filter:  "dhcp.option.dhcp == 1 && frame.number >= 1 && frame.number <= 34"},
		{Kind: "dhcp.nak", Severity: finding.Medium, Count: 1,
			Summary:  "1 DHCP NAK: a server refused the address a client asked for (a wrong subnet, or an expired or foreign lease); from 10.0.0.1 (1); to 02:00:00:00:00:01",
			Frames:   []int{7}, // tshark: 7
			Filter:   "dhcp.option.dhcp == 6",
			Subjects: []string{"server 10.0.0.1 (1)", "client 02:00:00:00:00:01 (1)"}},
		{Kind: "dhcp.decline", Severity: finding.Medium, Count: 1,
			Summary:  "1 DHCP Decline from 1 client: a client found the address it was given already in use (an address conflict): 02:00:00:00:00:01 declined 10.0.0.50",
			Frames:   []int{8}, // tshark: 8
			Filter:   "dhcp.option.dhcp == 4",
			Subjects: []string{"02:00:00:00:00:01 declined 10.0.0.50"}},
		// 26 transaction IDs: more than a filter lists.
		{Kind: "dhcp.unanswered_client", Severity: finding.Medium, Count: 26,
			Summary: "26 clients sent DHCP requests that got no answer in the capture (26 exchanges): 02:00:00:00:00:02, de:ad:00:00:00:00, de:ad:00:00:00:01 and 23 more",
			Frames:  []int{9, 10, 11, 12, 13, 14, 15, 16, 17, 18},
			Subjects: []string{"02:00:00:00:00:02 (1)", "de:ad:00:00:00:00 (1)", "de:ad:00:00:00:01 (1)", "de:ad:00:00:00:02 (1)",
				"de:ad:00:00:00:03 (1)", "de:ad:00:00:00:04 (1)", "de:ad:00:00:00:05 (1)", "de:ad:00:00:00:06 (1)",
				"de:ad:00:00:00:07 (1)", "de:ad:00:00:00:08 (1)"}},
		{Kind: "dhcp.relayed_traffic", Severity: finding.Info, Count: 1,
			Summary:  "1 DHCP message went through a relay agent (relay address or option 82): 10.9.0.1",
			Frames:   []int{9}, // tshark: 9
			Filter:   "dhcp.ip.relay != 0.0.0.0 || dhcp.option.type == 82",
			Subjects: []string{"relay 10.9.0.1"}},
	}
	checkFindings(t, r.Findings, want)
	// Told so far during the pass: the NAK, its summary without its server
	// and client (gathered at Finish).
	path := filepath.Join(t.TempDir(), "scenario4.pcap")
	if err := os.WriteFile(path, c.buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	lead := func(soFar, final string) bool { return strings.HasPrefix(final, soFar+"; from ") }
	if n := testrun.SoFar(t, path, engine.Options{Tools: []string{"dhcp"}}, 256, lead); n != 1 {
		t.Errorf("%d findings so far at the end, want the NAK", n)
	}
	if len(r.Servers) != 2 || r.Servers[1].ServerID != "10.0.0.66" || r.Servers[1].Routers[0] != "10.0.0.66" || r.Servers[1].MACs[0] != "02:00:00:00:00:bb" {
		t.Errorf("servers %+v", r.Servers)
	}
	if len(r.Clients) != 27 || r.Clients[0].MAC != "02:00:00:00:00:01" || r.Clients[0].AddressesObtained[0] != "10.0.0.50" {
		t.Errorf("clients %+v", r.Clients[0])
	}
}

// keep writes a generated capture to $DHCP_KEEP_DIR/name, when set, with
// the findings in the log, to check the filters with tshark.
func keep(t *testing.T, name string, capture []byte, r *dhcp.Report) {
	t.Helper()
	dir := os.Getenv("DHCP_KEEP_DIR")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), capture, 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(r.Findings, "", "  ")
	t.Logf("%s: %s", name, b)
}

// checkFindings compares findings with the wanted ones, tool "dhcp".
func checkFindings(t *testing.T, got, want []finding.Finding) {
	t.Helper()
	for i := range want {
		want[i].Tool = "dhcp"
		if want[i].Frames == nil {
			want[i].Frames = []int{}
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d findings, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("finding %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// TestMaxPackets: the per-packet list is capped, statistics stay whole.
func TestMaxPackets(t *testing.T) {
	c := newCap()
	m := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	for i := 0; i < 5; i++ {
		c.dhcp4(i, m, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeDiscover, uint32(i), m, "0.0.0.0"))
	}
	out, err := engine.Run(context.Background(), bytes.NewReader(c.buf.Bytes()), &engine.Options{Tools: []string{"dhcp"}, MaxPackets: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := out["dhcp"].(*dhcp.Report)
	if len(r.Packets) != 2 || r.DHCPPacketsAnalyzed != 2 || r.DHCPPacketsFound != 5 || r.Statistics.MessageTypes["DISCOVER"] != 5 {
		t.Errorf("packets %d analyzed %d found %d", len(r.Packets), r.DHCPPacketsAnalyzed, r.DHCPPacketsFound)
	}
	if fmt.Sprint(r.Caps) != "[{per-packet list (max_packets) 2 3 }]" || len(r.Warnings) != 1 {
		t.Errorf("caps %v warnings %q", r.Caps, r.Warnings)
	}
}

// TestMaxPacketsZero: --max-packets 0 lists every message (there was a
// default cap of 10,000).
func TestMaxPacketsZero(t *testing.T) {
	c := newCap()
	m := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	const n = 10005
	for i := 0; i < n; i++ {
		c.dhcp4(i, m, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeInform, uint32(i), m, "0.0.0.0"))
	}
	r := runBytes(t, c.buf.Bytes())
	if len(r.Packets) != n || r.DHCPPacketsAnalyzed != n || r.DHCPPacketsFound != n || len(r.Caps) != 0 {
		t.Errorf("max_packets 0: %d of %d messages listed, caps %v", len(r.Packets), r.DHCPPacketsFound, r.Caps)
	}
}

// TestTxMessagesCap: a transaction lists its first 64 messages; the others
// are counted in caps (and warnings).
func TestTxMessagesCap(t *testing.T) {
	c := newCap()
	m := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	for i := 0; i < 70; i++ {
		c.dhcp4(i, m, "10.0.0.9", "10.0.0.1", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeInform, 7, m, "0.0.0.0"))
	}
	r := runBytes(t, c.buf.Bytes())
	if len(r.Transactions) != 1 || len(r.Transactions[0].Messages) != 64 {
		t.Fatalf("transactions %+v", r.Transactions)
	}
	if fmt.Sprint(r.Caps) != "[{messages listed per transaction 64 6 }]" || len(r.Warnings) != 1 ||
		r.Warnings[0] != "messages listed per transaction capped at 64: 6 more not kept" {
		t.Errorf("caps %v warnings %q", r.Caps, r.Warnings)
	}
}

// TestServersThatAgree: two servers handing out the same settings are
// likely a redundant pair: a finding of medium severity, not high.
func TestServersThatAgree(t *testing.T) {
	c := newCap()
	cl := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	a, b := net.HardwareAddr{2, 0, 0, 0, 0, 0xaa}, net.HardwareAddr{2, 0, 0, 0, 0, 0xbb}
	router := layers.NewDHCPOption(layers.DHCPOptRouter, net.ParseIP("10.0.0.254").To4())
	c.dhcp4(0, cl, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeDiscover, 1, cl, "0.0.0.0"))
	c.dhcp4(10, a, "10.0.0.1", "255.255.255.255", 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeOffer, 1, cl, "10.0.0.50", sid("10.0.0.1"), router))
	c.dhcp4(20, b, "10.0.0.2", "255.255.255.255", 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeOffer, 1, cl, "10.0.0.150", sid("10.0.0.2"), router))
	r := runBytes(t, c.buf.Bytes())
	checkFindings(t, r.Findings, []finding.Finding{
		{Kind: "dhcp.multiple_servers", Severity: finding.Medium, Count: 2,
			Summary: "2 DHCP servers answered (10.0.0.1, 10.0.0.2) and hand out the same settings: likely a redundant pair, but check that each is meant to serve this network",
			Frames:  []int{2, 3}, Filter: "dhcp.option.dhcp in {2, 5, 6}",
			Subjects: []string{"10.0.0.1: 1 Offer; router 10.0.0.254", "10.0.0.2: 1 Offer; router 10.0.0.254"}},
	})
}

// dhcp6 writes one DHCPv6 message over IPv6 and UDP.
func (c *capWriter) dhcp6(ms int, src, dst string, sp, dp int, msg []byte) {
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 6}, DstMAC: net.HardwareAddr{0x33, 0x33, 0, 1, 0, 2}, EthernetType: layers.EthernetTypeIPv6}
	ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
	u := &layers.UDP{SrcPort: layers.UDPPort(sp), DstPort: layers.UDPPort(dp)}
	u.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, u, gopacket.Payload(msg)); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	c.w.WritePacket(gopacket.CaptureInfo{Timestamp: base.Add(time.Duration(ms) * time.Millisecond), CaptureLength: len(b), Length: len(b)}, b)
}

// v6opt is one DHCPv6 option (RFC 8415 section 21.1).
func v6opt(code uint16, data ...byte) []byte {
	return append([]byte{byte(code >> 8), byte(code), byte(len(data) >> 8), byte(len(data))}, data...)
}

// v6msg is a DHCPv6 client/server message (RFC 8415 section 8).
func v6msg(t dhcp.V6Type, xid uint32, opts ...[]byte) []byte {
	b := []byte{byte(t), byte(xid >> 16), byte(xid >> 8), byte(xid)}
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

// TestScenarioV6: two DHCPv6 servers advertise different DNS servers, a
// client is never answered (its retransmission is cut short), a REPLY
// refuses with NoAddrsAvail.
func TestScenarioV6(t *testing.T) {
	duid := func(last byte) []byte { return []byte{0, 3, 0, 1, 2, 0, 0, 0, 0, last} } // DUID-LL
	client := func(last byte) []byte { return v6opt(1, duid(last)...) }
	server := func(last byte) []byte { return v6opt(2, duid(last)...) }
	dns := func(last byte) []byte {
		return v6opt(23, append(net.ParseIP("2001:db8::").To16()[:15:15], last)...)
	}
	iaAddr := v6opt(3, append(make([]byte, 12), v6opt(5, append(net.ParseIP("2001:db8::100").To16(), 0, 0, 14, 16, 0, 0, 28, 32)...)...)...)
	c := newCap()
	const all = "ff02::1:2"
	c.dhcp6(0, "fe80::a", all, 546, 547, v6msg(dhcp.V6Solicit, 1, client(0xa)))
	c.dhcp6(10, "fe80::1", "fe80::a", 547, 546, v6msg(dhcp.V6Advertise, 1, client(0xa), server(1), dns(0x53)))
	c.dhcp6(20, "fe80::2", "fe80::a", 547, 546, v6msg(dhcp.V6Advertise, 1, client(0xa), server(2), dns(0x66)))
	c.dhcp6(30, "fe80::a", all, 546, 547, v6msg(dhcp.V6Request, 2, client(0xa), server(1)))
	c.dhcp6(40, "fe80::1", "fe80::a", 547, 546, v6msg(dhcp.V6Reply, 2, client(0xa), server(1), iaAddr, dns(0x53)))
	c.dhcp6(50, "fe80::b", all, 546, 547, v6msg(dhcp.V6Solicit, 3, client(0xb)))
	c.dhcp6(60, "fe80::c", all, 546, 547, v6msg(dhcp.V6Request, 4, client(0xc), server(1)))
	c.dhcp6(70, "fe80::1", "fe80::c", 547, 546, v6msg(dhcp.V6Reply, 4, client(0xc), server(1), v6opt(13, 0, dhcp.V6StatusNoAddrsAvail, 'n', 'o')))
	c.dhcp6(1050, "fe80::b", all, 546, 547, append(v6msg(dhcp.V6Solicit, 3, client(0xb)), 0, 8, 0, 2, 0)) // elapsed time cut short
	r := runBytes(t, c.buf.Bytes())
	keep(t, "scenario6.pcap", c.buf.Bytes(), r)
	v6 := r.DHCPv6
	if v6.PacketsFound != 9 || v6.Transactions != 4 || v6.UniqueServers != 2 || v6.Malformed != 1 {
		t.Errorf("dhcpv6 %+v", v6)
	}
	// Filters checked with tshark 4.0.17 on the capture keep writes.
	checkFindings(t, r.Findings, []finding.Finding{
		{Kind: "dhcpv6.multiple_servers", Severity: finding.High, Count: 2,
			Summary: "2 DHCPv6 servers answered and hand out different DNS servers: one may be a rogue server",
			Frames:  []int{2, 3, 5, 8}, // tshark: 2 3 5 8
			Filter:  "dhcpv6.msgtype in {2, 7}",
			Subjects: []string{"DUID 00030001020000000001: 1 Advertise, 2 Replies; DNS 2001:db8::53",
				"DUID 00030001020000000002: 1 Advertise; DNS 2001:db8::66"}},
		{Kind: "dhcpv6.unanswered_client", Severity: finding.Medium, Count: 1,
			Summary:  "1 DHCPv6 client sent requests that got no answer in the capture (1 exchange)",
			Frames:   []int{6, 9}, // tshark: 6 9
			Filter:   "dhcpv6.xid == 0x000003",
			Subjects: []string{"DUID 0003000102000000000b (1)"}},
		{Kind: "dhcpv6.failure_status", Severity: finding.Medium, Count: 1,
			Summary: "1 DHCPv6 server message carried a failure status: 1 NoAddrsAvail",
			Frames:  []int{8}, // tshark: 8
			Filter:  "dhcpv6.msgtype in {2, 7, 10} && dhcpv6.status_code > 0"},
		{Kind: "dhcpv6.malformed", Severity: finding.Low, Count: 1,
			Summary: "1 DHCPv6 message could not be read whole (an option or relay message cut short)",
			Frames:  []int{9}, Filter: "frame.number == 9"},
	})
}

// BenchmarkEngineDORA runs the whole engine with the dhcp tool over 40,000
// generated frames: 10,000 clients each doing DISCOVER, OFFER, REQUEST, ACK.
// It reports frames per second.
func BenchmarkEngineDORA(b *testing.B) {
	c := newCap()
	srv := net.HardwareAddr{2, 0, 0, 0, 0, 0xaa}
	lease := layers.NewDHCPOption(layers.DHCPOptLeaseTime, []byte{0, 0, 0x0e, 0x10})
	const clients = 10000
	for i := 0; i < clients; i++ {
		m := net.HardwareAddr{2, 1, 0, 0, byte(i >> 8), byte(i)}
		ip := net.IPv4(10, 1, byte(i>>8), byte(i)).String()
		x := uint32(i + 1)
		c.dhcp4(i*4, m, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeDiscover, x, m, "0.0.0.0"))
		c.dhcp4(i*4+1, srv, "10.0.0.1", ip, 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeOffer, x, m, ip, sid("10.0.0.1"), lease))
		c.dhcp4(i*4+2, m, "0.0.0.0", "255.255.255.255", 68, 67, msgOf(layers.DHCPOpRequest, layers.DHCPMsgTypeRequest, x, m, "0.0.0.0", sid("10.0.0.1")))
		c.dhcp4(i*4+3, srv, "10.0.0.1", ip, 67, 68, msgOf(layers.DHCPOpReply, layers.DHCPMsgTypeAck, x, m, ip, sid("10.0.0.1"), lease))
	}
	data := c.buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := engine.Run(context.Background(), bytes.NewReader(data), &engine.Options{Tools: []string{"dhcp"}, MaxPackets: 1000})
		if err != nil {
			b.Fatal(err)
		}
		if r := out["dhcp"].(*dhcp.Report); r.Statistics.Transactions != clients {
			b.Fatal(r.Statistics)
		}
	}
	b.ReportMetric(float64(4*clients)*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}
