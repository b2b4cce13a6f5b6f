// Wireshark display filters for the rows of the report's tables: the one
// place that writes a TCP connection, conversation, endpoint, DNS or DHCP
// transaction, ICMP error or SIP call as a filter (Wireshark 4.0 syntax,
// accepted by the Packets tab's filter too). Each filter selects exactly the
// row's frames; where the report lacks what an exact filter needs, the
// function returns null rather than a filter that selects something else.
import type { DHCPTransaction, DHCPV6Transaction, DNSTransaction, HttpTransaction, ICMPErrorMessage, OverviewConversation, OverviewEndpoint, SIPCall, TCPConnRow } from "./types";

/**
 * quote writes s as a display-filter string literal, as analysis/finding.Quote
 * does: in double quotes, `"` and `\` escaped, and every byte of its UTF-8
 * form outside printable ASCII as \xNN.
 */
export function quote(s: string): string {
  let out = '"';
  for (const c of new TextEncoder().encode(s)) {
    if (c === 0x22 || c === 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20 || c >= 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

/** isIPv6 tells an IPv6 address (IPv4-mapped ones too, as finding.IPField) from an IPv4 one. */
function isIPv6(a: string): boolean {
  return a.includes(":");
}

/** plainAddress is a as a filter literal: an IPv4 or IPv6 address with nothing else in it, or null. */
function plainAddress(a: unknown): string | null {
  if (typeof a !== "string") return null;
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(a) || (/^[0-9a-fA-F:.]+$/.test(a) && a.includes(":")) ? a : null;
}

/** ipTest is "ip.addr == A" or "ipv6.addr == A" by the address's family (dir: addr, src or dst). */
function ipTest(dir: "addr" | "src" | "dst", a: string): string {
  return `${isIPv6(a) ? "ipv6" : "ip"}.${dir} == ${a}`;
}

function port(v: unknown): number | null {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65535 ? v : null;
}

/** hex writes an ID as Wireshark shows it: 0x followed by digits lower case, padded to width. */
function hex(v: number, width: number): string {
  return "0x" + v.toString(16).padStart(width, "0");
}

/** tcpStreamFilter selects a TCP connection by tshark's stream index: "tcp.stream == 3". */
export function tcpStreamFilter(stream: unknown): string | null {
  return typeof stream === "number" && Number.isInteger(stream) && stream >= 0 ? `tcp.stream == ${stream}` : null;
}

/** tcpConnFilter selects a connection of the TCP table. */
export function tcpConnFilter(r: TCPConnRow): string | null {
  return tcpStreamFilter(r.stream);
}

/**
 * conversationFilter selects a conversation of the overview ("ip", "ipv6",
 * "tcp" or "udp"): both addresses, and for TCP and UDP both ports, as
 * Wireshark's Conversations dialog writes it ("ip.addr == A && tcp.port == P
 * && ip.addr == B && tcp.port == Q"). The report's rows carry no stream index.
 */
export function conversationFilter(kind: string, r: OverviewConversation): string | null {
  const a = plainAddress(r.a), b = plainAddress(r.b);
  if (!a || !b || isIPv6(a) !== isIPv6(b)) return null;
  if (kind === "ip" || kind === "ipv6") return `${ipTest("addr", a)} && ${ipTest("addr", b)}`;
  if (kind !== "tcp" && kind !== "udp") return null;
  const pa = port(r.port_a), pb = port(r.port_b);
  if (pa === null || pb === null) return null;
  return `${ipTest("addr", a)} && ${kind}.port == ${pa} && ${ipTest("addr", b)} && ${kind}.port == ${pb}`;
}

/**
 * endpointFilter selects an endpoint of the overview: "ip.addr == A"; for TCP
 * and UDP the frames to or from that address and port,
 * "(ip.src == A && tcp.srcport == P) || (ip.dst == A && tcp.dstport == P)".
 */
export function endpointFilter(kind: string, r: OverviewEndpoint): string | null {
  const a = plainAddress(r.address);
  if (!a) return null;
  if (kind === "ip" || kind === "ipv6") return ipTest("addr", a);
  if (kind !== "tcp" && kind !== "udp") return null;
  const p = port(r.port);
  if (p === null) return null;
  return `(${ipTest("src", a)} && ${kind}.srcport == ${p}) || (${ipTest("dst", a)} && ${kind}.dstport == ${p})`;
}

/** dnsPorts are the ports Wireshark decodes as DNS without "Decode As" (DNS, mDNS, LLMNR). */
const dnsPorts = new Set([53, 5353, 5355]);

/**
 * dnsFilter selects a DNS transaction as the dns analysis matches it: the
 * message ID in the conversation of client and server addresses and ports
 * (query, retransmissions and response):
 * "dns.id == 0x1a2b && ip.addr == C && ip.addr == S && udp.port == P && udp.port == 53".
 * On a port Wireshark does not decode as DNS (dns.id would select nothing
 * there) it lists the transaction's frames instead, when the report has them all.
 */
export function dnsFilter(r: DNSTransaction): string | null {
  const c = plainAddress(r.client), s = plainAddress(r.server);
  const cp = port(r.client_port), sp = port(r.server_port);
  const transport = typeof r.transport === "string" ? r.transport.toLowerCase() : "";
  const t = transport === "tcp" || transport === "udp" ? transport : null;
  if (!c || !s || cp === null || sp === null || !t || typeof r.id !== "number") return null;
  if (dnsPorts.has(sp) || dnsPorts.has(cp)) {
    return `dns.id == ${hex(r.id, 4)} && ${ipTest("addr", c)} && ${ipTest("addr", s)} && ${t}.port == ${cp} && ${t}.port == ${sp}`;
  }
  const retries = r.retry_frames ?? [];
  if (r.retries !== retries.length) return null;
  const frames = [r.query_frame ?? 0, r.response_frame ?? 0, ...retries].filter((f) => Number.isInteger(f) && f > 0);
  return frames.length > 0 ? frameNumbers(frames) : null;
}

/** maxTxMessages is how many messages the dhcp analysis keeps per transaction (analysis/dhcp); a longer one is cut. */
const maxTxMessages = 64;

/**
 * dhcpFilter selects a DHCP or DHCPv6 transaction's messages. The dhcp
 * analysis keys a DHCP transaction by transaction ID and client MAC, so
 * "dhcp.id == 0x… && dhcp.hw.mac_addr == …", and a DHCPv6 one by
 * transaction ID and client DUID, so "dhcpv6.xid == 0x…" when no other
 * transaction of all (the report's list) has that ID. Otherwise the
 * messages by frame number ("frame.number in {1, 2, 4}"), or null when the
 * report's list of messages may be cut.
 */
export function dhcpFilter(t: DHCPTransaction | DHCPV6Transaction, all: readonly (DHCPTransaction | DHCPV6Transaction)[] = []): string | null {
  const id = typeof t.transaction_id === "string" ? t.transaction_id.toLowerCase() : "";
  if ("client_mac" in t) {
    const mac = typeof t.client_mac === "string" ? t.client_mac.toLowerCase() : "";
    if (/^0x[0-9a-f]{8}$/.test(id) && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) return `dhcp.id == ${id} && dhcp.hw.mac_addr == ${mac}`;
  } else if (/^0x[0-9a-f]{6}$/.test(id) && !all.some((o) => o !== t && typeof o.transaction_id === "string" && o.transaction_id.toLowerCase() === id)) {
    return `dhcpv6.xid == ${id}`;
  }
  const frames = t.messages.map((m) => m.frame).filter((f) => Number.isInteger(f) && f > 0);
  if (frames.length === 0 || frames.length !== t.messages.length || frames.length >= maxTxMessages) return null;
  return frameNumbers(frames);
}

/** frameNumbers selects frames by number: "frame.number == 3" or "frame.number in {3, 9}". */
export function frameNumbers(frames: readonly number[]): string {
  const list = Array.from(new Set(frames)).sort((a, b) => a - b);
  return list.length === 1 ? `frame.number == ${list[0]}` : `frame.number in {${list.join(", ")}}`;
}

/** icmpErrorFilter selects one ICMP error message: its frame. */
export function icmpErrorFilter(r: ICMPErrorMessage): string | null {
  return Number.isInteger(r.frame) && r.frame > 0 ? frameNumbers([r.frame]) : null;
}

/** sipCallFilter selects a call's SIP messages by Call-ID (its RTP is not SIP: the call's streams are elsewhere). */
export function sipCallFilter(c: SIPCall): string | null {
  return typeof c.call_id === "string" && c.call_id !== "" ? `sip.Call-ID == ${quote(c.call_id)}` : null;
}

/**
 * httpTransactionFilter selects an HTTP request and its response: the frames
 * that complete them ("frame.number in {12, 15}"), where tshark shows their
 * http.* fields; the whole connection is "tcp.stream == N".
 */
export function httpTransactionFilter(r: HttpTransaction): string | null {
  const frames = [r.request_frame, r.response_frame].filter((f) => Number.isInteger(f) && f > 0);
  return frames.length > 0 ? frameNumbers(frames) : null;
}
