// "Copy for AI": a compact Markdown report of one capture (the capture
// line, the report's ranked findings with their filters, each analysis's
// key figures and its most relevant rows) followed by an investigation
// guide, capped in size so a chat accepts it. Sections with nothing to say
// are left out; text is shortened at a word, never mid-word.
import { framesText } from "../views/text";
import {
  ok,
  toolNames,
  type DHCPReport,
  type DNSReport,
  type HttpReport,
  type Finding,
  type ICMPReport,
  type OverviewReport,
  type Report,
  type SIPReport,
  type TCPConnectionsReport,
  type TCPRetransReport,
  type TlsReport,
} from "../views/types";
import { guideById, guideMarkdown, type Guide } from "../guides";
import * as fmt from "../ui/format";
import { captureLine, cleanLine, findingsOf } from "./figures";

/** MAX_CHARS caps the report (the guide is always kept whole). */
export const MAX_CHARS = 12_000;

/** CELL is the longest table cell, in characters (longer text is shortened at a word). */
const CELL = 120;

/** clip shortens text to at most max characters at a word boundary, marking the cut with "…". */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const at = cut.search(/\s\S*$/);
  return (at > max / 2 ? cut.slice(0, at) : cut.replace(/[^\s,;:/.]*$/, "") || cut).trimEnd() + "…";
}

/** Value is what a figure or a table cell holds: a report's scalar field, or text made from fields. */
type Value = string | number | boolean | null | undefined;

/** one makes a value a single Markdown-safe line (no cut). */
function one(v: Value): string {
  const s = typeof v === "string" ? v : typeof v === "number" ? String(v) : typeof v === "boolean" ? (v ? "yes" : "no") : "";
  return s.replace(/[\r\n\t]+/g, " ").replace(/\|/g, "\\|");
}

/** ms reads seconds as milliseconds ("" when there is no figure). */
const ms = (v: number | null | undefined): string => (fmt.isNum(v) ? `${fmt.num(v * 1000, 3)} ms` : "");
/** msAlready reads a figure that is already in milliseconds. */
const msAlready = (v: number | null | undefined): string => (fmt.isNum(v) ? `${fmt.num(v, 1)} ms` : "");

/** counts reads a map of counts as "NOERROR 12, NXDOMAIN 1" (biggest first). */
function counts(v: Readonly<Record<string, number>> | undefined): string {
  return Object.entries(v ?? {})
    .filter(([, n]) => fmt.isNum(n) && n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${fmt.count(n)}`)
    .join(", ");
}

/** securityWords mark a finding kind worth a security guide rather than a troubleshooting one. */
const securityWords = /scan|flood|sweep|entropy|tunnel|exfil|zone_transfer|unasked|brute|starvation|spoof|poison/;

/** defaultGuide picks a guide from the top finding's tool (a security guide when its kind reads like an attack). */
export function defaultGuide(findings: readonly Finding[], report: Report): Guide {
  const top = findings[0];
  if (top) {
    const sec = securityWords.test(top.kind);
    const area = top.tool.split("_")[0];
    switch (area) {
      case "tcp":
        return guideById(sec ? "tcp-security" : "tcp-troubleshooting");
      case "dns":
        return guideById(sec ? "dns-security" : "dns-troubleshooting");
      case "dhcp":
        return guideById("dhcp");
      case "icmp":
        return guideById(sec ? "icmp-security" : "icmp-diagnostics");
      case "sip":
        return guideById("sip-voip");
    }
  }
  if ((ok(report.sip)?.sip_packets_found ?? 0) > 0) return guideById("sip-voip");
  if ((ok(report.dhcp)?.dhcp_packets_found ?? 0) > 0) return guideById("dhcp");
  return guideById("general");
}

/** Field names the fields of a row type T that hold a single value (a cell). */
type Field<T> = { [K in keyof T]-?: T[K] extends Value ? K : never }[keyof T] & string;

/** Col is one Markdown table column over rows of T: a header and the field it shows, or how to make the cell. */
type Col<T> = [header: string, cell: Field<T> | ((r: T) => Value)];

/** cellOf reads one cell of a row. */
function cellOf<T>(r: T, cell: Field<T> | ((r: T) => Value)): Value {
  return typeof cell === "function" ? cell(r) : (r[cell] as Value);
}

/** table renders the first max rows, the columns checked against the row type. */
function table<T>(cols: readonly NoInfer<Col<T>>[], rows: readonly T[], max: number): string {
  if (rows.length === 0) return "";
  const head = `| ${cols.map((c) => c[0]).join(" | ")} |\n|${cols.map(() => "---").join("|")}|\n`;
  const body = rows
    .slice(0, max)
    .map((r) => `| ${cols.map((c) => clip(one(cellOf(r, c[1])), CELL)).join(" | ")} |`)
    .join("\n");
  const more = rows.length > max ? `\n(${fmt.plural(rows.length - max, "more row")} not shown)` : "";
  return head + body + more + "\n";
}

/** figures lists label: value lines, leaving out empty values. */
function figures(pairs: readonly [string, Value][]): string {
  return pairs
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `- ${k}: ${one(typeof v === "number" ? fmt.count(v) : v)}`)
    .join("\n");
}

/** block joins a heading, figures and tables, leaving out empty parts. */
function block(title: string, ...parts: string[]): string {
  return `### ${title}\n` + parts.filter((p) => p.trim() !== "").join("\n") + "\n";
}

function sub(title: string, body: string): string {
  return body ? `\n${title}:\n${body}` : "";
}

/** most sorts rows by one figure, biggest first (a copy; the report is left as it is). */
function most<T>(rows: readonly T[], by: (r: T) => number): T[] {
  return [...rows].sort((a, b) => by(b) - by(a));
}

function overviewSection(ov: OverviewReport): string {
  const tcpc = most(ov.conversations["tcp"] ?? [], (r) => r.bytes);
  return block(
    "Overview",
    figures([
      ["packets", ov.packets],
      ["bytes", ov.bytes],
      ["duration", fmt.isNum(ov.duration) ? fmt.duration(ov.duration) : undefined],
    ]),
    sub("Protocol hierarchy (top)", table([["protocol", "path"], ["frames", (r) => fmt.count(r.frames)], ["bytes", (r) => fmt.count(r.bytes)]], ov.protocol_hierarchy, 12)),
    sub(
      "Top TCP conversations",
      table(
        [["A", "a"], ["port A", "port_a"], ["B", "b"], ["port B", "port_b"], ["packets", (r) => fmt.count(r.frames)], ["bytes", (r) => fmt.count(r.bytes)], ["duration", (r) => fmt.duration(r.duration)]],
        tcpc,
        8,
      ),
    ),
  );
}

function tcpSection(tr: TCPRetransReport | null, tc: TCPConnectionsReport | null): string {
  const cs = tc?.summary;
  const total = cs?.total_connections ?? 0;
  const packets = tr?.total_packets || cs?.total_packets || 0;
  if (total === 0 && packets === 0) return ""; // no TCP in this capture
  const conns = most(tc?.connections ?? [], (r) => r.retransmissions);
  return block(
    "TCP",
    figures([
      ["connections", total],
      ["TCP packets", packets || undefined],
      ["handshakes completed", cs?.successful_handshakes],
      ["connections reset", cs?.reset_connections],
      ["retransmissions", tr?.total_retransmissions],
      ["retransmission rate", fmt.isNum(tr?.retransmission_rate) ? fmt.percent(tr.retransmission_rate, 2) : undefined],
      ["data retransmission rate", fmt.isNum(tr?.data_retransmission_rate) ? fmt.percent(tr.data_retransmission_rate, 2) : undefined],
      ["retransmissions by kind", counts(tr?.by_kind)],
      ["worst connection", tr?.summary.worst_connection || undefined],
      ["analysis flags", counts(cs?.analysis_flags)],
    ]),
    sub(
      "Connections (most retransmissions first)",
      table(
        [["stream", "stream"], ["client", "client"], ["server", "server"], ["state", "state"], ["zeek", "conn_state"], ["packets", (r) => fmt.count(r.packet_count)], ["retrans", (r) => fmt.count(r.retransmissions)], ["initial RTT", (r) => ms(r.initial_rtt_seconds)]],
        conns,
        10,
      ),
    ),
  );
}

function dnsSection(dns: DNSReport): string {
  if (dns.dns_packets_found === 0) return "";
  const st = dns.statistics;
  const rt = st.response_time;
  const bad = dns.transactions.filter((t) => (t.rcode ?? "NOERROR") !== "NOERROR" || t.status !== "answered");
  return block(
    "DNS",
    figures([
      ["queries", st.queries],
      ["responses", st.responses],
      ["answered queries", st.answered_queries],
      ["unanswered queries", st.unanswered_queries],
      ["response codes", counts(st.rcodes)],
      ["query types", counts(st.qtypes)],
      ["response time", rt && rt.count > 0 ? `median ${ms(rt.median)}, 95th percentile ${ms(rt.p95)}, max ${ms(rt.max)} (${fmt.plural(rt.count, "response")})` : undefined],
      ["retransmitted queries", st.retransmitted_queries || undefined],
      ["truncated responses", st.truncated_responses || undefined],
      ["malformed", st.malformed || undefined],
    ]),
    sub("Top names", table([["name", "name"], ["queries", (r) => fmt.count(r.queries)]], dns.top_names, 8)),
    sub(
      "Failed or unanswered transactions",
      table(
        [["frame", "query_frame"], ["time (UTC)", "time"], ["client", "client"], ["server", "server"], ["name", "name"], ["type", "type"], ["rcode", "rcode"], ["status", "status"], ["response time", (r) => ms(r.response_time)]],
        bad,
        10,
      ),
    ),
  );
}

function httpSection(http: HttpReport): string {
  if (http.requests + http.responses === 0) return "";
  const st = http.statistics;
  const rt = st.response_time;
  const notable = http.transactions.filter((t) => t.status >= 400 || t.file || (t.request_frame > 0 && t.response_frame === 0 && !t.interim));
  return block(
    "HTTP",
    figures([
      ["requests", http.requests],
      ["responses", http.responses],
      ["connections", http.connections],
      ["methods", counts(st.methods)],
      ["status codes", counts(st.status_codes)],
      ["response time", rt && rt.count > 0 ? `median ${ms(rt.median)}, 95th percentile ${ms(rt.p95)}, max ${ms(rt.max)} (${fmt.plural(rt.count, "response")})` : undefined],
      ["requests without response", st.requests_without_response || undefined],
    ]),
    sub(
      "Top hosts",
      table(
        [["host", "key"], ["requests", (r) => fmt.count(r.count)]],
        Object.entries(st.hosts)
          .map(([key, count]) => ({ key, count }))
          .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
        8,
      ),
    ),
    sub("Top user agents", table([["user agent", "key"], ["requests", (r) => fmt.count(r.count)]], st.top_user_agents, 5)),
    sub(
      "Errors, executables and unanswered requests",
      table(
        [["request frame", "request_frame"], ["response frame", "response_frame"], ["method", "method"], ["host", "host"], ["URI", "uri"], ["status", "status"], ["executable", "file"], ["stream", "tcp_stream"]],
        notable,
        10,
      ),
    ),
  );
}

/** leased are the DHCP transaction outcomes that ended in a lease (or needed none). */
const leased = new Set(["leased", "renewed", "informed", "released"]);

function dhcpSection(dhcp: DHCPReport): string {
  if (dhcp.dhcp_packets_found === 0) return "";
  const st = dhcp.statistics;
  return block(
    "DHCP",
    figures([
      ["transactions", st.transactions],
      ["clients", st.unique_clients],
      ["servers", st.unique_servers],
      ["message types", counts(st.message_types)],
      ["relayed", st.relayed || undefined],
      ["malformed", st.malformed || undefined],
    ]),
    sub("Servers", table([["server", "server_id"], ["offers", "offers"], ["acks", "acks"], ["naks", "naks"], ["clients", "clients"]], dhcp.servers, 6)),
    sub(
      "Transactions that did not end in a lease",
      table(
        [["transaction", "transaction_id"], ["client", "client_mac"], ["outcome", "outcome"], ["server", "server"]],
        dhcp.transactions.filter((t) => !leased.has(t.outcome)),
        8,
      ),
    ),
  );
}

function icmpSection(icmp: ICMPReport): string {
  if (icmp.icmp_packets_found === 0) return "";
  const st = icmp.statistics;
  const rtt = st.rtt;
  return block(
    "ICMP",
    figures([
      ["ICMP packets", st.packets],
      ["echo requests", st.echo_requests],
      ["echo replies", st.echo_replies],
      ["unanswered requests", st.unanswered_requests],
      ["duplicate replies", st.duplicate_replies || undefined],
      ["replies without a request", st.unmatched_replies || undefined],
      ["round-trip time", rtt && rtt.count > 0 ? `min ${ms(rtt.min)}, median ${ms(rtt.median)}, max ${ms(rtt.max)} (${fmt.plural(rtt.count, "reply", "replies")})` : undefined],
      ["types", counts(st.type_code_counts)],
      ["ICMP errors", icmp.errors.length || undefined],
    ]),
    sub(
      "Echo (ping) per destination",
      table(
        [["source", "source"], ["destination", "destination"], ["sent", "transmitted"], ["received", "received"], ["answered by an error", "answered_by_error"], ["loss", (r) => fmt.percent(r.loss_percent, 1, true)], ["RTT min", (r) => ms(r.rtt_min)], ["RTT avg", (r) => ms(r.rtt_avg)], ["RTT max", (r) => ms(r.rtt_max)]],
        icmp.echo.destinations,
        8,
      ),
    ),
    sub("Unreachables", table([["unreachable", "unreachable"], ["reason", "reason"], ["reported by", "reporter"], ["count", "count"], ["first frame", "first_frame"]], icmp.unreachables, 8)),
    sub("Traceroutes", table([["source", "source"], ["destination", "destination"], ["protocol", "protocol"], ["hops", (r) => r.hops.length]], icmp.traceroutes, 4)),
  );
}

function sipSection(sip: SIPReport): string {
  if (sip.sip_packets_found === 0) return "";
  const st = sip.statistics;
  return block(
    "SIP",
    figures([
      ["SIP messages", sip.sip_messages],
      ["requests", st.requests],
      ["responses", st.responses],
      ["methods", counts(st.methods)],
      ["status codes", counts(st.status_codes)],
      ["calls", st.calls],
      ["call states", counts(st.call_states)],
      ["registrations", st.registrations || undefined],
      ["RTP streams", st.rtp_streams || undefined],
      ["RTP packets", st.rtp_packets || undefined],
    ]),
    sub(
      "Calls",
      table(
        [
          ["from", "caller"],
          ["to", "callee"],
          ["state", "state"],
          ["final", (r) => (r.status_code > 0 ? `${r.status_code}${r.reason ? " " + r.reason : ""}` : "")],
          ["answer time", (r) => msAlready(r.answer_time_ms)],
          ["duration", (r) => (fmt.isNum(r.duration_ms) ? fmt.duration(r.duration_ms / 1000) : "")],
          ["hung up by", "hung_up_by"],
          ["RTP loss", (r) => (r.rtp_packets > 0 ? fmt.percent(r.worst_lost_percent, 1, true) : "")],
          ["jitter", (r) => (r.rtp_packets > 0 ? msAlready(r.worst_mean_jitter_ms) : "")],
        ],
        sip.calls,
        8,
      ),
    ),
    sub("Registrations", table([["AOR", "aor"], ["source", "source"], ["registrar", "registrar"], ["attempts", "attempts"], ["outcome", "outcome"], ["status", "status_code"]], sip.registrations, 6)),
  );
}

function tlsSection(t: TlsReport): string {
  const st = t.statistics;
  if (st.client_hellos + st.server_hellos === 0 && t.connections_total === 0) return "";
  return block(
    "TLS and QUIC handshakes",
    figures([
      ["connections", t.connections_total],
      ["ClientHellos", st.client_hellos],
      ["over QUIC", st.quic_client_hellos || undefined],
      ["ServerHellos", st.server_hellos],
      ["versions", counts(st.versions)],
      ["cipher suites", counts(st.cipher_suites)],
      ["ALPN offered", counts(st.alpn)],
      ["JA4", counts(st.ja4)],
      ["alerts", counts(st.alerts)],
    ]),
    sub(
      "Connections",
      table(
        [
          ["SNI", "sni"],
          ["server", (r) => `${r.server}:${r.server_port}`],
          ["over", "transport"],
          ["version", "version"],
          ["cipher", "cipher"],
          ["ALPN", (r) => r.alpn || r.alpn_offered.join(", ")],
          ["JA4", "ja4"],
          ["JA3", "ja3"],
          ["first frame", "first_frame"],
        ],
        t.connections,
        10,
      ),
    ),
  );
}

/** analysisSections renders each analysis's key figures and most relevant rows (analyses that saw nothing are left out). */
export function analysisSections(report: Report): string[] {
  const out: string[] = [];
  const ov = ok(report.overview);
  if (ov) out.push(overviewSection(ov));
  out.push(tcpSection(ok(report.tcp_retransmissions), ok(report.tcp_connections)));
  const dns = ok(report.dns);
  if (dns) out.push(dnsSection(dns));
  const http = ok(report.http);
  if (http) out.push(httpSection(http));
  const dhcp = ok(report.dhcp);
  if (dhcp) out.push(dhcpSection(dhcp));
  const icmp = ok(report.icmp);
  if (icmp) out.push(icmpSection(icmp));
  const sip = ok(report.sip);
  if (sip) out.push(sipSection(sip));
  const tls = ok(report.tls);
  if (tls) out.push(tlsSection(tls));
  return out.filter((s) => s !== "");
}

/**
 * Label names a finding's tool as its tab does ("TCP"): the page passes views/findinglist's
 * toolLabel (the Markdown is written in the worker, which does not load the views).
 */
export type Label = (tool: string) => string;

/** findingLine is one finding as a Markdown list item, with its count, first frames and filter. */
export function findingLine(x: Finding, toolLabel: Label = (t) => t): string {
  const extra = [x.count > 0 ? `count ${fmt.count(x.count)}` : "", x.frames.length ? framesText(x) : "", x.filter ? `Wireshark filter \`${x.filter.replace(/`/g, "'")}\`` : ""].filter(Boolean);
  return `- **${x.severity}** [${toolLabel(x.tool)}] ${one(x.summary)}${extra.length ? ` (${extra.join("; ")})` : ""}`;
}

/** aiReport builds the Markdown for one capture and a guide, within MAX_CHARS (plus the guide); label names the tools. */
export function aiReport(name: string, report: Report, guide: Guide, label: Label = (t) => t): string {
  const findings = findingsOf(report);
  const warnings = [...new Set(toolNames.flatMap((k) => (ok(report[k])?.warnings ?? []).map(one)))].filter(Boolean);
  let md = `# pcaplens report: ${one(name)}\n\n`;
  md += `Capture: ${captureLine(report)}\n`;
  const cap = ok(report.capinfos);
  md += figures([["first packet (UTC)", cap?.first_packet_time_utc], ["last packet (UTC)", cap?.last_packet_time_utc], ["link type", cap?.file_encapsulation_name], ["snap length", cap?.snap_length]]) + "\n";
  if (warnings.length) md += `\nWarnings:\n${warnings.slice(0, 10).map((w) => `- ${clip(w, 300)}`).join("\n")}\n`;
  md += `\n## Findings\n\n`;
  md += findings.length
    ? findings.slice(0, 40).map((f) => findingLine(f, label)).join("\n") + (findings.length > 40 ? `\n- (${fmt.plural(findings.length - 40, "more finding")})` : "") + "\n"
    : `No analysis flagged anything: ${cleanLine(report)}\n`;
  md += `\n## Key figures per analysis\n`;
  const guideText = guideMarkdown(guide);
  const budget = MAX_CHARS - guideText.length - 200;
  for (const s of analysisSections(report)) {
    if (md.length + s.length + 2 > budget) {
      const room = budget - md.length - 60;
      if (room > 400) md += "\n" + s.slice(0, room).replace(/\n[^\n]*$/, "") + "\n(cut to fit)\n";
      md += "\n(further sections cut to keep the report short; Download JSON has everything)\n";
      break;
    }
    md += "\n" + s;
  }
  md += `\n---\n\n${guideText}\nAnswer from the figures above; say which frames to open in Wireshark to confirm.\n`;
  return md;
}
