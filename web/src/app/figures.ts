// The figures that say how much each analysis saw: the count on each tab
// ("TCP 25", "DHCP 0") and the line a clean capture's Findings shows ("956
// packets: 25 TCP connections, 14 DNS queries; nothing unusual"). Both read
// the same report fields, here and nowhere else.
import * as fmt from "../ui/format";
import { ok, type Finding, type Report } from "../views/types";

/** Tally is how many things an analysis saw, with the noun that names them. */
export interface Tally {
  n: number;
  one: string;
  many: string;
}

/**
 * tally gives the count shown on a view's tab, or null for views that always
 * have content (Capture, Overview). Findings counts the report's findings.
 */
export function tally(viewId: string, report: Report): Tally | null {
  switch (viewId) {
    case "findings":
      return { n: Array.isArray(report.findings) ? report.findings.length : 0, one: "finding", many: "findings" };
    case "tcp": {
      const t = ok(report.tcp_connections);
      return t ? { n: t.summary.total_connections, one: "TCP connection", many: "TCP connections" } : null;
    }
    case "dns": {
      const t = ok(report.dns);
      return t ? { n: t.statistics.queries, one: "DNS query", many: "DNS queries" } : null;
    }
    case "http": {
      const t = ok(report.http);
      return t ? { n: t.requests, one: "HTTP request", many: "HTTP requests" } : null;
    }
    case "dhcp": {
      const t = ok(report.dhcp);
      return t ? { n: t.dhcp_packets_found, one: "DHCP packet", many: "DHCP packets" } : null;
    }
    case "icmp": {
      const t = ok(report.icmp);
      return t ? { n: t.icmp_packets_found, one: "ICMP packet", many: "ICMP packets" } : null;
    }
    case "sip": {
      const t = ok(report.sip);
      return t ? { n: t.sip_messages, one: "SIP message", many: "SIP messages" } : null;
    }
  }
  return null;
}

/** tallyText reads a tally in words: "25 TCP connections", "1 DNS query". */
export function tallyText(t: Tally): string {
  return fmt.plural(t.n, t.one, t.many);
}

/** seen lists what the analyses saw, biggest first in tab order: ["25 TCP connections", "14 DNS queries"]. */
export function seen(report: Report): string[] {
  return ["tcp", "dns", "dhcp", "icmp", "sip"]
    .map((v) => tally(v, report))
    .filter((t): t is Tally => t !== null && t.n > 0)
    .map(tallyText);
}

/** packetCount is the capture's packet count (capinfos, else the overview). */
export function packetCount(report: Report): number | null {
  return ok(report.capinfos)?.packet_count ?? ok(report.overview)?.packets ?? null;
}

/** cleanLine is what a capture without findings shows: what was seen, then "nothing unusual". */
export function cleanLine(report: Report): string {
  const parts = seen(report);
  const p = packetCount(report);
  const head = p === null ? "" : fmt.plural(p, "packet");
  if (parts.length === 0) return `${head ? head + ": " : ""}no TCP, DNS, DHCP, ICMP or SIP traffic; nothing unusual.`;
  return `${head ? head + ": " : ""}${parts.join(", ")}; nothing unusual.`;
}

/** findingsOf reads the report's findings, in the engine's order (ranked). */
export function findingsOf(report: Report): Finding[] {
  return Array.isArray(report.findings) ? report.findings : [];
}

/** captureLine is the capture in one line: packets, duration, file type. */
export function captureLine(report: Report): string {
  const { packets, rest } = captureParts(report);
  return [`${packets} ${packets === "1" ? "packet" : "packets"}`, ...rest].join(" · ");
}

/** captureParts gives the packet count (formatted) and the rest of the capture line. */
export function captureParts(report: Report): { packets: string; rest: string[] } {
  const cap = ok(report.capinfos) ?? undefined;
  const ov = ok(report.overview) ?? undefined;
  const packets = cap?.packet_count ?? ov?.packets;
  const dur = cap?.capture_duration_seconds ?? ov?.duration;
  const parts = [`over ${fmt.duration(dur)}`];
  const type = cap?.file_type || cap?.file_format;
  const encap = cap?.file_encapsulation_name || cap?.file_encapsulation;
  if (type) parts.push(type);
  if (encap) parts.push(encap);
  if (cap) parts.push(fmt.bytes(cap.file_size_bytes));
  return { packets: fmt.count(packets), rest: parts };
}
