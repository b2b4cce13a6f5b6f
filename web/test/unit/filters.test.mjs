// The display filters the page writes for rows (web/src/views/filters.ts):
// string literals quoted as analysis/finding.Quote quotes them (expected
// values printed by the Go function), each table's filter shape, and no
// filter where the report cannot give an exact one. The browser test
// (e2e/links.test.mjs) checks the shapes select the rows' frames.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const out = await build({ entryPoints: [join(root, "web", "src", "views", "filters.ts")], bundle: true, format: "esm", write: false, logLevel: "silent" });
const F = await import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));

test("quote mirrors finding.Quote", () => {
  const cases = [
    ["abc@host", '"abc@host"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ["tab\there\x7f", '"tab\\x09here\\x7f"'],
    ["é€", '"\\xc3\\xa9\\xe2\\x82\\xac"'],
    ["", '""'],
  ];
  for (const [s, want] of cases) assert.equal(F.quote(s), want, JSON.stringify(s));
});

test("TCP connections and SIP calls", () => {
  assert.equal(F.tcpConnFilter({ stream: 0 }), "tcp.stream == 0");
  assert.equal(F.tcpStreamFilter(-1), null);
  assert.equal(F.sipCallFilter({ call_id: 'x"y@h' }), 'sip.Call-ID == "x\\"y@h"');
  assert.equal(F.sipCallFilter({ call_id: "" }), null);
});

test("conversations and endpoints by family", () => {
  assert.equal(F.conversationFilter("ip", { a: "10.0.0.1", b: "10.0.0.2" }), "ip.addr == 10.0.0.1 && ip.addr == 10.0.0.2");
  assert.equal(F.conversationFilter("ipv6", { a: "2001:db8::1", b: "fe80::2" }), "ipv6.addr == 2001:db8::1 && ipv6.addr == fe80::2");
  assert.equal(
    F.conversationFilter("tcp", { a: "10.0.0.1", port_a: 40000, b: "10.0.0.2", port_b: 443 }),
    "ip.addr == 10.0.0.1 && tcp.port == 40000 && ip.addr == 10.0.0.2 && tcp.port == 443",
  );
  assert.equal(
    F.conversationFilter("udp", { a: "::ffff:10.0.0.1", port_a: 5353, b: "ff02::fb", port_b: 5353 }),
    "ipv6.addr == ::ffff:10.0.0.1 && udp.port == 5353 && ipv6.addr == ff02::fb && udp.port == 5353",
  );
  assert.equal(F.conversationFilter("tcp", { a: "10.0.0.1", b: "10.0.0.2" }), null, "no ports, no filter");
  assert.equal(F.conversationFilter("ip", { a: "10.0.0.1 || 1", b: "10.0.0.2" }), null, "not an address");
  assert.equal(F.endpointFilter("ip", { address: "10.0.0.1" }), "ip.addr == 10.0.0.1");
  assert.equal(
    F.endpointFilter("udp", { address: "2001:db8::1", port: 53 }),
    "(ipv6.src == 2001:db8::1 && udp.srcport == 53) || (ipv6.dst == 2001:db8::1 && udp.dstport == 53)",
  );
});

test("DNS transactions: the ID in the conversation, or the frames off the DNS ports", () => {
  const tx = { client: "10.0.0.5", client_port: 40000, server: "10.0.0.53", server_port: 53, transport: "UDP", id: 0x1a, query_frame: 3, response_frame: 4, retries: 0 };
  assert.equal(F.dnsFilter(tx), "dns.id == 0x001a && ip.addr == 10.0.0.5 && ip.addr == 10.0.0.53 && udp.port == 40000 && udp.port == 53");
  assert.equal(F.dnsFilter({ ...tx, transport: "TCP" }), "dns.id == 0x001a && ip.addr == 10.0.0.5 && ip.addr == 10.0.0.53 && tcp.port == 40000 && tcp.port == 53");
  assert.equal(F.dnsFilter({ ...tx, server_port: 8053, retries: 1, retry_frames: [7] }), "frame.number in {3, 4, 7}");
  assert.equal(F.dnsFilter({ ...tx, server_port: 8053, retries: 2, retry_frames: [7] }), null, "retry frames cut: no filter");
});

test("DHCP transactions by ID and client, ICMP errors by frame number", () => {
  const m = (frame) => ({ frame });
  const v4 = { transaction_id: "0x3cd0af7e", client_mac: "5a:4f:34:b1:af:66", messages: [m(1), m(3)] };
  assert.equal(F.dhcpFilter(v4), "dhcp.id == 0x3cd0af7e && dhcp.hw.mac_addr == 5a:4f:34:b1:af:66");
  assert.equal(F.dhcpFilter({ ...v4, client_mac: "" }), "frame.number in {1, 3}", "no Ethernet client MAC: by frame number");
  assert.equal(F.dhcpFilter({ ...v4, client_mac: "", messages: Array.from({ length: 64 }, (_, i) => m(i + 1)) }), null, "the report keeps 64 messages: maybe cut");
  const v6 = { transaction_id: "0x28b040", client_duid: "000100011", messages: [m(4), m(1), m(2)] };
  assert.equal(F.dhcpFilter(v6), "dhcpv6.xid == 0x28b040");
  assert.equal(F.dhcpFilter(v6, [v6, { ...v6, transaction_id: "0x2b0e45" }]), "dhcpv6.xid == 0x28b040");
  assert.equal(F.dhcpFilter(v6, [v6, { ...v6, client_duid: "0003", messages: [m(7)] }]), "frame.number in {1, 2, 4}", "another client's transaction has the ID");
  assert.equal(F.icmpErrorFilter({ frame: 9 }), "frame.number == 9");
});
