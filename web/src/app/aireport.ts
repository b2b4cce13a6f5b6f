// "Copy for AI": a compact Markdown report of one capture (the capture
// line, the ranked findings, each analysis's key figures and its most
// relevant rows) followed by an investigation guide, capped in size so a
// chat accepts it.
import { captureLine, framesText, gatherFindings, levelName, type Finding } from "../views/findings";
import { arr, isToolError, obj, type Report } from "../views/types";
import { guideById, guideMarkdown, type Guide } from "../guides";

/** MAX_CHARS caps the report (the guide is always kept whole). */
export const MAX_CHARS = 12_000;

const clean = (v: unknown): string =>
  (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : v == null ? "" : JSON.stringify(v))
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\|/g, "\\|")
    .slice(0, 120);

/** defaultGuide picks a guide from the top finding (security guides for high-level attack patterns). */
export function defaultGuide(findings: readonly Finding[], report: Report): Guide {
  const top = findings[0];
  const security = new Set(["port_scan", "syn_flood", "high_entropy_label", "many_subdomains", "txt_heavy", "answer_from_unasked_server", "zone_transfer", "ping_sweep", "flood", "high_entropy_payload"]);
  if (top) {
    const sec = security.has(top.kind);
    switch (top.view) {
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
  const found = (k: string, count: string) => k in report && Number(obj(report[k])[count]) > 0;
  if (found("sip", "sip_packets_found")) return guideById("sip-voip");
  if (found("dhcp", "dhcp_packets_found")) return guideById("dhcp");
  return guideById("general");
}

function table(cols: readonly [string, string][], rows: readonly Record<string, unknown>[], max: number): string {
  if (rows.length === 0) return "";
  const head = `| ${cols.map((c) => c[1]).join(" | ")} |\n|${cols.map(() => "---").join("|")}|\n`;
  const body = rows
    .slice(0, max)
    .map((r) => `| ${cols.map((c) => clean(r[c[0]])).join(" | ")} |`)
    .join("\n");
  const more = rows.length > max ? `\n(${rows.length - max} more rows not shown)` : "";
  return head + body + more + "\n";
}

function figures(pairs: readonly [string, unknown][]): string {
  return pairs
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `- ${k}: ${clean(v)}`)
    .join("\n");
}

const byNum = (key: string) => (a: unknown, b: unknown) => Number(obj(b)[key] ?? 0) - Number(obj(a)[key] ?? 0);

/** analysisSections renders each analysis's key figures and most relevant rows. */
function analysisSections(report: Report): string[] {
  const out: string[] = [];
  const tool = (k: string) => (k in report && !isToolError(report[k]) ? obj(report[k]) : null);

  const ov = tool("overview");
  if (ov) {
    const phs = arr(ov["protocol_hierarchy"]).map(obj);
    const convs = obj(ov["conversations"]);
    const tcpc = arr(convs["tcp"] ?? convs["ipv4"]).map(obj).sort(byNum("bytes"));
    out.push(
      `### Overview\n${figures([["packets", ov["packets"]], ["bytes", ov["bytes"]], ["duration (s)", ov["duration"]]])}\n` +
        (phs.length ? `\nProtocol hierarchy (top):\n${table([["protocol", "protocol"], ["frames", "frames"], ["bytes", "bytes"]], phs, 12)}` : "") +
        (tcpc.length ? `\nTop conversations:\n${table([["a", "A"], ["port_a", "port A"], ["b", "B"], ["port_b", "port B"], ["frames", "packets"], ["bytes", "bytes"], ["duration", "duration"]], tcpc, 8)}` : ""),
    );
  }
  const tr = tool("tcp_retransmissions");
  const tc = tool("tcp_connections");
  if (tr || tc) {
    const conns = arr(tc?.["connections"]).map(obj).sort(byNum("retransmissions"));
    const cs = obj(tc?.["summary"]);
    out.push(
      `### TCP\n${figures([
        ["connections", cs["total_connections"] ?? conns.length],
        ["retransmissions", tr?.["total_retransmissions"]],
        ["retransmission rate", tr?.["retransmission_rate"]],
        ["data retransmission rate", tr?.["data_retransmission_rate"]],
        ["worst connection", obj(tr?.["summary"])["worst_connection"]],
        ["by kind", tr?.["by_kind"]],
      ])}\n` +
        (conns.length
          ? `\nConnections (most retransmissions first):\n${table([["stream", "stream"], ["client", "client"], ["server", "server"], ["state", "state"], ["conn_state", "zeek"], ["packet_count", "packets"], ["retransmissions", "retrans"], ["initial_rtt_seconds", "initial RTT s"]], conns, 10)}`
          : ""),
    );
  }
  const dns = tool("dns");
  if (dns && Number(dns["dns_packets_found"] ?? 1) > 0) {
    const st = obj(dns["statistics"]);
    const tx = arr(dns["transactions"]).map(obj);
    const bad = tx.filter((t) => String(t["rcode"] ?? "NOERROR") !== "NOERROR" || String(t["status"] ?? "") !== "answered");
    out.push(
      `### DNS\n${figures(Object.entries(st).filter(([, v]) => typeof v !== "object" || v === null).slice(0, 14))}\n` +
        `\nTop names:\n${table([["name", "name"], ["queries", "queries"]], arr(dns["top_names"]).map(obj), 8)}` +
        (bad.length ? `\nFailed or unanswered transactions:\n${table([["query_frame", "frame"], ["time", "time"], ["client", "client"], ["server", "server"], ["name", "name"], ["type", "type"], ["rcode", "rcode"], ["status", "status"]], bad, 10)}` : ""),
    );
  }
  const dhcp = tool("dhcp");
  if (dhcp && Number(dhcp["dhcp_packets_found"] ?? 1) > 0) {
    out.push(
      `### DHCP\n${figures(Object.entries(obj(dhcp["statistics"])).filter(([, v]) => typeof v !== "object" || v === null).slice(0, 12))}\n` +
        `\nServers:\n${table([["server_id", "server"], ["offers", "offers"], ["acks", "acks"], ["naks", "naks"]], arr(dhcp["servers"]).map(obj), 6)}`,
    );
  }
  const icmp = tool("icmp");
  if (icmp && Number(icmp["icmp_packets_found"] ?? 1) > 0) {
    const echo = arr(obj(icmp["echo"])["pairs"] ?? icmp["echo"]).map(obj);
    out.push(
      `### ICMP\n${figures(Object.entries(obj(icmp["statistics"])).filter(([, v]) => typeof v !== "object" || v === null).slice(0, 12))}\n` +
        (echo.length ? `\nEcho:\n${table([["source", "source"], ["destination", "destination"], ["transmitted", "sent"], ["received", "received"], ["loss_percent", "loss %"], ["rtt_avg", "rtt avg"]], echo, 8)}` : "") +
        `\nUnreachables:\n${table([["unreachable", "unreachable"], ["reason", "reason"], ["reporter", "reported by"], ["count", "count"]], arr(icmp["unreachables"]).map(obj), 8)}`,
    );
  }
  const sip = tool("sip");
  if (sip && Number(sip["sip_packets_found"] ?? 1) > 0) {
    out.push(
      `### SIP\n${figures(Object.entries(obj(sip["statistics"])).filter(([, v]) => typeof v !== "object" || v === null).slice(0, 12))}\n` +
        `\nCalls:\n${table([["caller", "from"], ["callee", "to"], ["state", "state"], ["final_status", "final"], ["duration_ms", "duration ms"], ["worst_lost_percent", "loss %"]], arr(sip["calls"]).map(obj), 8)}`,
    );
  }
  return out;
}

/** aiReport builds the Markdown for one capture and a guide, within MAX_CHARS (plus the guide). */
export function aiReport(name: string, report: Report, guide: Guide): string {
  const findings = gatherFindings(report);
  const warnings = [...new Set(Object.values(report).flatMap((v) => arr(obj(v)["warnings"]).map(clean)))];
  let md = `# pcaplens report: ${clean(name)}\n\n`;
  md += `Capture: ${captureLine(report)}\n`;
  const cap = obj(report["capinfos"]);
  md += figures([["first packet (UTC)", cap["first_packet_time_utc"]], ["last packet (UTC)", cap["last_packet_time_utc"]], ["link type", cap["file_encapsulation_name"]], ["snap length", cap["snap_length"]]]) + "\n";
  if (warnings.length) md += `\nWarnings:\n${warnings.slice(0, 10).map((w) => `- ${w}`).join("\n")}\n`;
  md += `\n## Findings\n\n`;
  md += findings.length
    ? findings
        .slice(0, 40)
        .map((f) => `- **${levelName[f.level]}** [${f.source}] ${clean(f.text)}${f.count ? ` (×${f.count})` : ""}${f.frames.length ? `; ${framesText(f)}` : ""}`)
        .join("\n") + (findings.length > 40 ? `\n- (${findings.length - 40} more)` : "") + "\n"
    : "No analysis reported anything unusual.\n";
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
