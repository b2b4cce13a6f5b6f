// "Copy for AI": a compact Markdown report of one capture (the capture
// line, the report's ranked findings with their filters, each analysis's
// key figures and its most relevant rows) followed by an investigation
// guide, capped in size so a chat accepts it. Sections with nothing to say
// are left out; text is shortened at a word, never mid-word.
import { captureLine, findingsOf } from "../views/findings";
import { framesText, toolLabel } from "../views/findinglist";
import type { Finding } from "../views/types";
import { arr, isToolError, obj, type Report } from "../views/types";
import { guideById, guideMarkdown, type Guide } from "../guides";
import * as fmt from "../ui/format";
import { cleanLine } from "./figures";

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

/** one makes any value a single Markdown-safe line (no cut). */
function one(v: unknown): string {
  const s = typeof v === "string" ? v : typeof v === "number" ? String(v) : typeof v === "boolean" ? (v ? "yes" : "no") : v == null ? "" : JSON.stringify(v);
  return s.replace(/[\r\n\t]+/g, " ").replace(/\|/g, "\\|");
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const ms = (v: unknown): string => (isNum(v) ? `${fmt.num(v * 1000, 3)} ms` : "");
const msAlready = (v: unknown): string => (isNum(v) ? `${fmt.num(v, 1)} ms` : "");

/** counts reads a map of counts as "NOERROR 12, NXDOMAIN 1" (biggest first). */
function counts(v: unknown): string {
  return Object.entries(obj(v))
    .filter(([, n]) => isNum(n) && n > 0)
    .sort((a, b) => num(b[1]) - num(a[1]) || a[0].localeCompare(b[0]))
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
  const found = (k: string, count: string) => k in report && num(obj(report[k])[count]) > 0;
  if (found("sip", "sip_packets_found")) return guideById("sip-voip");
  if (found("dhcp", "dhcp_packets_found")) return guideById("dhcp");
  return guideById("general");
}

/** Col is one Markdown table column: a header and how to read the cell. */
type Col = [header: string, cell: (r: Record<string, unknown>) => unknown];

function table(cols: readonly Col[], rows: readonly Record<string, unknown>[], max: number): string {
  if (rows.length === 0) return "";
  const head = `| ${cols.map((c) => c[0]).join(" | ")} |\n|${cols.map(() => "---").join("|")}|\n`;
  const body = rows
    .slice(0, max)
    .map((r) => `| ${cols.map((c) => clip(one(c[1](r)), CELL)).join(" | ")} |`)
    .join("\n");
  const more = rows.length > max ? `\n(${fmt.plural(rows.length - max, "more row")} not shown)` : "";
  return head + body + more + "\n";
}

const f = (key: string) => (r: Record<string, unknown>) => r[key];

/** figures lists label: value lines, leaving out empty values. */
function figures(pairs: readonly [string, unknown][]): string {
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

const byNum = (key: string) => (a: Record<string, unknown>, b: Record<string, unknown>) => num(b[key]) - num(a[key]);

function tool(report: Report, k: string): Record<string, unknown> | null {
  return k in report && !isToolError(report[k]) ? obj(report[k]) : null;
}

function overviewSection(ov: Record<string, unknown>): string {
  const phs = arr(ov["protocol_hierarchy"]).map(obj);
  const convs = obj(ov["conversations"]);
  const tcpc = arr(convs["tcp"]).map(obj).sort(byNum("bytes"));
  return block(
    "Overview",
    figures([
      ["packets", ov["packets"]],
      ["bytes", ov["bytes"]],
      ["duration", isNum(ov["duration"]) ? fmt.duration(ov["duration"]) : undefined],
    ]),
    sub("Protocol hierarchy (top)", table([["protocol", (r) => r["path"] ?? r["protocol"]], ["frames", (r) => fmt.count(r["frames"])], ["bytes", (r) => fmt.count(r["bytes"])]], phs, 12)),
    sub(
      "Top TCP conversations",
      table(
        [["A", f("a")], ["port A", f("port_a")], ["B", f("b")], ["port B", f("port_b")], ["packets", (r) => fmt.count(r["frames"])], ["bytes", (r) => fmt.count(r["bytes"])], ["duration", (r) => fmt.duration(r["duration"])]],
        tcpc,
        8,
      ),
    ),
  );
}

function tcpSection(tr: Record<string, unknown> | null, tc: Record<string, unknown> | null): string {
  const cs = obj(tc?.["summary"]);
  const total = num(cs["total_connections"]);
  const packets = num(tr?.["total_packets"]) || num(cs["total_packets"]);
  if (total === 0 && packets === 0) return ""; // no TCP in this capture
  const conns = arr(tc?.["connections"]).map(obj).sort(byNum("retransmissions"));
  const worst = obj(tr?.["summary"])["worst_connection"];
  return block(
    "TCP",
    figures([
      ["connections", total],
      ["TCP packets", packets || undefined],
      ["handshakes completed", cs["successful_handshakes"]],
      ["connections reset", cs["reset_connections"]],
      ["retransmissions", tr?.["total_retransmissions"]],
      ["retransmission rate", isNum(tr?.["retransmission_rate"]) ? fmt.percent(tr["retransmission_rate"], 2) : undefined],
      ["data retransmission rate", isNum(tr?.["data_retransmission_rate"]) ? fmt.percent(tr["data_retransmission_rate"], 2) : undefined],
      ["retransmissions by kind", counts(tr?.["by_kind"])],
      ["worst connection", worst || undefined],
      ["analysis flags", counts(cs["analysis_flags"])],
    ]),
    sub(
      "Connections (most retransmissions first)",
      table(
        [["stream", f("stream")], ["client", f("client")], ["server", f("server")], ["state", f("state")], ["zeek", f("conn_state")], ["packets", (r) => fmt.count(r["packet_count"])], ["retrans", (r) => fmt.count(r["retransmissions"])], ["initial RTT", (r) => ms(r["initial_rtt_seconds"])]],
        conns,
        10,
      ),
    ),
  );
}

function dnsSection(dns: Record<string, unknown>): string {
  if (num(dns["dns_packets_found"]) === 0) return "";
  const st = obj(dns["statistics"]);
  const rt = obj(st["response_time"]);
  const tx = arr(dns["transactions"]).map(obj);
  const bad = tx.filter((t) => String(t["rcode"] ?? "NOERROR") !== "NOERROR" || String(t["status"] ?? "") !== "answered");
  return block(
    "DNS",
    figures([
      ["queries", st["queries"]],
      ["responses", st["responses"]],
      ["answered queries", st["answered_queries"]],
      ["unanswered queries", st["unanswered_queries"]],
      ["response codes", counts(st["rcodes"])],
      ["query types", counts(st["qtypes"])],
      ["response time", num(rt["count"]) > 0 ? `median ${ms(rt["median"])}, 95th percentile ${ms(rt["p95"])}, max ${ms(rt["max"])} (${fmt.plural(num(rt["count"]), "response")})` : undefined],
      ["retransmitted queries", num(st["retransmitted_queries"]) || undefined],
      ["truncated responses", num(st["truncated_responses"]) || undefined],
      ["malformed", num(st["malformed"]) || undefined],
    ]),
    sub("Top names", table([["name", f("name")], ["queries", (r) => fmt.count(r["queries"] ?? r["count"])]], arr(dns["top_names"]).map(obj), 8)),
    sub(
      "Failed or unanswered transactions",
      table(
        [["frame", f("query_frame")], ["time (UTC)", f("time")], ["client", f("client")], ["server", f("server")], ["name", f("name")], ["type", f("type")], ["rcode", f("rcode")], ["status", f("status")], ["response time", (r) => ms(r["response_time"])]],
        bad,
        10,
      ),
    ),
  );
}

function dhcpSection(dhcp: Record<string, unknown>): string {
  if (num(dhcp["dhcp_packets_found"]) === 0) return "";
  const st = obj(dhcp["statistics"]);
  return block(
    "DHCP",
    figures([
      ["transactions", st["transactions"]],
      ["clients", st["unique_clients"]],
      ["servers", st["unique_servers"]],
      ["message types", counts(st["message_types"])],
      ["relayed", num(st["relayed"]) || undefined],
      ["malformed", num(st["malformed"]) || undefined],
    ]),
    sub("Servers", table([["server", f("server_id")], ["offers", f("offers")], ["acks", f("acks")], ["naks", f("naks")], ["clients", f("clients")]], arr(dhcp["servers"]).map(obj), 6)),
    sub(
      "Transactions that did not end in a lease",
      table(
        [["transaction", f("transaction_id")], ["client", f("client_mac")], ["outcome", f("outcome")], ["server", f("server")]],
        arr(dhcp["transactions"]).map(obj).filter((t) => !["leased", "renewed", "informed", "released"].includes(String(t["outcome"]))),
        8,
      ),
    ),
  );
}

function icmpSection(icmp: Record<string, unknown>): string {
  if (num(icmp["icmp_packets_found"]) === 0) return "";
  const st = obj(icmp["statistics"]);
  const rtt = obj(st["rtt"]);
  const echo = obj(icmp["echo"]);
  const dests = arr(echo["destinations"]).map(obj);
  const unreach = arr(icmp["unreachables"]).map(obj);
  const traces = arr(icmp["traceroutes"]).map(obj);
  return block(
    "ICMP",
    figures([
      ["ICMP packets", st["packets"]],
      ["echo requests", st["echo_requests"]],
      ["echo replies", st["echo_replies"]],
      ["unanswered requests", st["unanswered_requests"]],
      ["duplicate replies", num(st["duplicate_replies"]) || undefined],
      ["replies without a request", num(st["unmatched_replies"]) || undefined],
      ["round-trip time", num(rtt["count"]) > 0 ? `min ${ms(rtt["min"])}, median ${ms(rtt["median"])}, max ${ms(rtt["max"])} (${fmt.plural(num(rtt["count"]), "reply", "replies")})` : undefined],
      ["types", counts(st["type_code_counts"])],
      ["ICMP errors", arr(icmp["errors"]).length || undefined],
    ]),
    sub(
      "Echo (ping) per destination",
      table(
        [["source", f("source")], ["destination", f("destination")], ["sent", f("transmitted")], ["received", f("received")], ["answered by an error", f("errors")], ["loss", (r) => fmt.percent(r["loss_percent"], 1, true)], ["RTT min", (r) => ms(r["rtt_min"])], ["RTT avg", (r) => ms(r["rtt_avg"])], ["RTT max", (r) => ms(r["rtt_max"])]],
        dests,
        8,
      ),
    ),
    sub("Unreachables", table([["unreachable", f("unreachable")], ["reason", f("reason")], ["reported by", f("reporter")], ["count", f("count")], ["first frame", f("first_frame")]], unreach, 8)),
    sub("Traceroutes", table([["source", f("source")], ["destination", f("destination")], ["protocol", f("protocol")], ["hops", (r) => arr(r["hops"]).length]], traces, 4)),
  );
}

function sipSection(sip: Record<string, unknown>): string {
  if (num(sip["sip_packets_found"]) === 0) return "";
  const st = obj(sip["statistics"]);
  return block(
    "SIP",
    figures([
      ["SIP messages", sip["sip_messages"]],
      ["requests", st["requests"]],
      ["responses", st["responses"]],
      ["methods", counts(st["methods"])],
      ["status codes", counts(st["status_codes"])],
      ["calls", st["calls"]],
      ["call states", counts(st["call_states"])],
      ["registrations", num(st["registrations"]) || undefined],
      ["RTP streams", num(st["rtp_streams"]) || undefined],
      ["RTP packets", num(st["rtp_packets"]) || undefined],
    ]),
    sub(
      "Calls",
      table(
        [
          ["from", f("caller")],
          ["to", f("callee")],
          ["state", f("state")],
          ["final", (r) => (num(r["status_code"]) > 0 ? `${r["status_code"]}${r["reason"] ? " " + String(r["reason"]) : ""}` : "")],
          ["answer time", (r) => msAlready(r["answer_time_ms"])],
          ["duration", (r) => (isNum(r["duration_ms"]) ? fmt.duration(r["duration_ms"] / 1000) : "")],
          ["hung up by", f("hung_up_by")],
          ["RTP loss", (r) => (num(r["rtp_packets"]) > 0 ? fmt.percent(r["worst_lost_percent"], 1, true) : "")],
          ["jitter", (r) => (num(r["rtp_packets"]) > 0 ? msAlready(r["worst_mean_jitter_ms"]) : "")],
        ],
        arr(sip["calls"]).map(obj),
        8,
      ),
    ),
    sub("Registrations", table([["AOR", f("aor")], ["source", f("source")], ["registrar", f("registrar")], ["attempts", f("attempts")], ["outcome", f("outcome")], ["status", f("status_code")]], arr(sip["registrations"]).map(obj), 6)),
  );
}

/** analysisSections renders each analysis's key figures and most relevant rows (analyses that saw nothing are left out). */
export function analysisSections(report: Report): string[] {
  const out: string[] = [];
  const ov = tool(report, "overview");
  if (ov) out.push(overviewSection(ov));
  out.push(tcpSection(tool(report, "tcp_retransmissions"), tool(report, "tcp_connections")));
  const dns = tool(report, "dns");
  if (dns) out.push(dnsSection(dns));
  const dhcp = tool(report, "dhcp");
  if (dhcp) out.push(dhcpSection(dhcp));
  const icmp = tool(report, "icmp");
  if (icmp) out.push(icmpSection(icmp));
  const sip = tool(report, "sip");
  if (sip) out.push(sipSection(sip));
  return out.filter((s) => s !== "");
}

/** findingLine is one finding as a Markdown list item, with its count, first frames and filter. */
export function findingLine(x: Finding): string {
  const extra = [x.count > 0 ? `count ${fmt.count(x.count)}` : "", x.frames.length ? framesText(x) : "", x.filter ? `Wireshark filter \`${x.filter.replace(/`/g, "'")}\`` : ""].filter(Boolean);
  return `- **${x.severity}** [${toolLabel(x.tool)}] ${one(x.summary)}${extra.length ? ` (${extra.join("; ")})` : ""}`;
}

/** aiReport builds the Markdown for one capture and a guide, within MAX_CHARS (plus the guide). */
export function aiReport(name: string, report: Report, guide: Guide): string {
  const findings = findingsOf(report);
  const warnings = [...new Set(Object.values(report).flatMap((v) => arr(obj(v)["warnings"]).map(one)))].filter(Boolean);
  let md = `# pcaplens report: ${one(name)}\n\n`;
  md += `Capture: ${captureLine(report)}\n`;
  const cap = obj(report["capinfos"]);
  md += figures([["first packet (UTC)", cap["first_packet_time_utc"]], ["last packet (UTC)", cap["last_packet_time_utc"]], ["link type", cap["file_encapsulation_name"]], ["snap length", cap["snap_length"]]]) + "\n";
  if (warnings.length) md += `\nWarnings:\n${warnings.slice(0, 10).map((w) => `- ${clip(w, 300)}`).join("\n")}\n`;
  md += `\n## Findings\n\n`;
  md += findings.length
    ? findings.slice(0, 40).map(findingLine).join("\n") + (findings.length > 40 ? `\n- (${fmt.plural(findings.length - 40, "more finding")})` : "") + "\n"
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
