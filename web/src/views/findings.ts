// The Findings tab (first): the capture in one line, then every analysis's
// observations and patterns gathered from the report, ranked by a score
// derived from what each report gives (its severity, else the kind of
// pattern, then the count). A click on a finding opens the tab that holds
// its evidence (the view dispatches "pcaplens:select-tab"; main.ts listens).
import { h, note, section } from "../ui/dom";
import * as fmt from "../ui/format";
import { arr, isToolError, obj, type Report, type View } from "./types";

/** Level orders findings: 3 high, 2 medium, 1 low, 0 info. */
export type Level = 0 | 1 | 2 | 3;

/** Finding is one observation of one analysis, normalised for ranking and display. */
export interface Finding {
  /** level is the derived severity (3 high … 0 info). */
  level: Level;
  /** count is how many times it was seen (packets, hosts, messages: as the report counts). */
  count: number;
  /** source names the analysis ("TCP", "DNS", …). */
  source: string;
  /** kind is the report's own key (pattern or kind). */
  kind: string;
  /** text is the report's one-line summary. */
  text: string;
  /** view is the id of the tab that holds the evidence. */
  view: string;
  /** frames are example frame numbers, when the report names some. */
  frames: number[];
  /** range is true when frames are the first and last frame (TCP patterns). */
  range?: boolean;
}

/** levelName is the label of a level. */
export const levelName = ["info", "low", "medium", "high"] as const;

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function frames(v: unknown): number[] {
  return arr(v)
    .filter((x): x is number => typeof x === "number")
    .slice(0, 10);
}

function fromSeverity(s: string): Level | null {
  switch (s.toLowerCase()) {
    case "critical":
    case "high":
      return 3;
    case "warning":
    case "medium":
      return 2;
    case "low":
      return 1;
    case "info":
      return 0;
  }
  return null;
}

// Levels by kind where the report carries no severity: what deserves a look
// first (attacks, outages) over what is worth knowing.
const tcpCategory: Record<string, Level> = {
  reconnaissance: 3,
  availability: 3,
  connection_establishment: 2,
  connection_termination: 2,
  connection_lifecycle: 2,
  reliability: 2,
};
const dnsKind: Record<string, Level> = {
  zone_transfer: 3,
  high_entropy_label: 3,
  answer_from_unasked_server: 3,
  many_subdomains: 2,
  txt_heavy: 2,
  long_label: 2,
  long_name: 1,
  nxdomain_burst: 2,
  periodic_queries: 2,
  non_standard_port: 2,
  many_resolvers: 1,
};
const dhcpKind: Record<string, Level> = {
  multiple_servers: 3,
  starvation_like: 3,
  v6_multiple_servers: 3,
  nak: 2,
  decline: 2,
  unanswered_client: 2,
  v6_unanswered_client: 2,
  v6_status: 1,
  relayed_traffic: 0,
};
const icmpKind: Record<string, Level> = {
  ping_sweep: 3,
  flood: 3,
  high_entropy_payload: 3,
  redirect: 2,
  echo_to_broadcast: 2,
  many_unreachables: 2,
  large_payload: 2,
  duplicate_replies: 1,
  path_mtu: 1,
};

/** gatherFindings collects and ranks every analysis's observations (highest level, then count, first). */
export function gatherFindings(report: Report): Finding[] {
  const out: Finding[] = [];
  const tool = (k: string): Record<string, unknown> | null => (k in report && !isToolError(report[k]) ? obj(report[k]) : null);

  const tcp = tool("tcp_anomalies");
  if (tcp) {
    for (const p of arr(tcp["patterns"]).map(obj)) {
      const ev = obj(p["evidence"]);
      const fs = [num(ev["first_frame"]), num(ev["last_frame"])].filter((x) => x > 0);
      out.push({
        level: tcpCategory[str(p["category"])] ?? 1,
        count: num(p["observations"]) || num(ev["count"]),
        source: "TCP",
        kind: str(p["pattern"]),
        text: str(p["description"]) || str(p["pattern"]),
        view: "tcp",
        frames: [...new Set(fs)],
        range: fs.length === 2,
      });
    }
  }
  const simple = (key: string, source: string, view: string, levels: Record<string, Level>) => {
    const r = tool(key);
    if (!r) return;
    for (const o of arr(r["observations"]).map(obj)) {
      const kind = str(o["kind"]);
      const ev = o["evidence"];
      const evFrames = Array.isArray(ev) ? ev.flatMap((e) => frames(obj(e)["frames"])) : [];
      out.push({
        level: fromSeverity(str(o["severity"])) ?? levels[kind] ?? 1,
        count: num(o["count"]) || (Array.isArray(ev) ? ev.length : 0) || frames(o["frames"]).length,
        source,
        kind,
        text: str(o["summary"]) || kind,
        view,
        frames: [...new Set([...frames(o["frames"]), ...evFrames])].slice(0, 10),
      });
    }
  };
  simple("dns", "DNS", "dns", dnsKind);
  simple("dhcp", "DHCP", "dhcp", dhcpKind);
  simple("icmp", "ICMP", "icmp", icmpKind);
  simple("sip", "SIP", "sip", {});

  const ov = tool("overview");
  if (ov) {
    for (const f of arr(ov["findings"]).map(obj)) {
      const title = str(f["title"]);
      const detail = str(f["detail"]);
      const ev = obj(f["evidence"]);
      out.push({
        level: fromSeverity(str(f["severity"])) ?? 1,
        count: num(ev["count"]) || num(ev["packets"]) || frames(f["frames"]).length,
        source: "Overview",
        kind: str(f["id"]),
        text: title && detail ? `${title}: ${detail}` : title || detail || str(f["id"]),
        view: "overview",
        frames: frames(f["frames"]),
      });
    }
  }

  const cap = tool("capinfos");
  if (cap) {
    const warns = arr(cap["warnings"]).map((w) => (typeof w === "string" ? w : str(obj(w)["message"]) || JSON.stringify(w)));
    for (const w of warns) {
      out.push({ level: 2, count: 1, source: "Capture", kind: "warning", text: w, view: "capture", frames: [] });
    }
    const an = obj(cap["anomalies"]);
    for (const k of Object.keys(an).sort()) {
      const n = num(an[k]);
      if (n > 0) out.push({ level: 1, count: n, source: "Capture", kind: k, text: `${fmt.count(n)} packets with ${k.replace(/_/g, " ")}`, view: "capture", frames: [] });
    }
  }

  out.sort((a, b) => b.level - a.level || b.count - a.count || a.source.localeCompare(b.source) || a.kind.localeCompare(b.kind));
  return out;
}

/** captureLine is the capture in one line: packets, duration, file type. */
export function captureLine(report: Report): string {
  const { packets, rest } = captureParts(report);
  return [`${packets} packets`, ...rest].join(" · ");
}

/** captureParts gives the packet count (formatted) and the rest of the capture line. */
function captureParts(report: Report): { packets: string; rest: string[] } {
  const cap = isToolError(report["capinfos"]) ? {} : obj(report["capinfos"]);
  const ov = isToolError(report["overview"]) ? {} : obj(report["overview"]);
  const packets = cap["packet_count"] ?? ov["packets"];
  const dur = cap["capture_duration_seconds"] ?? ov["duration"];
  const type = str(cap["file_type"]) || str(cap["file_format"]);
  const encap = str(cap["file_encapsulation_name"]) || str(cap["file_encapsulation"]);
  const parts = [`over ${fmt.duration(dur)}`];
  if (type) parts.push(type);
  if (encap) parts.push(encap);
  if (typeof cap["file_size_bytes"] === "number") parts.push(fmt.bytes(cap["file_size_bytes"]));
  return { packets: fmt.count(packets), rest: parts };
}

/** framesText names a finding's example frames ("frames 1–2011" for a first…last range). */
export function framesText(f: Finding): string {
  if (f.range && f.frames.length === 2) return `frames ${f.frames[0]}–${f.frames[1]}`;
  return f.frames.length === 1 ? `frame ${f.frames[0]}` : `frames ${f.frames.join(", ")}`;
}

function selectTab(from: Element, view: string): void {
  from.dispatchEvent(new CustomEvent("pcaplens:select-tab", { bubbles: true, detail: { view } }));
}

export const findingsView: View = {
  id: "findings",
  title: "Findings",
  tools: ["capinfos"],
  render(root: HTMLElement, report: Report): void {
    const cap = obj(report["capinfos"]);
    root.append(
      h(
        "p",
        { class: "capture-line", "data-key": "capture-line" },
        h("strong", null, str(cap["filename"]) || str(obj(report["overview"])["file"]) || "capture"),
        " — ",
        // The same data-key as the Capture tab's card: the figure tests and people read first.
        h("span", { "data-key": "packet_count" }, captureParts(report).packets),
        " packets · ",
        captureParts(report).rest.join(" · "),
      ),
    );
    const all = gatherFindings(report);
    const list = h("ol", { class: "findings", "data-key": "findings" });
    for (const f of all) {
      const go = h(
        "button",
        { type: "button", class: "link", title: `open the ${f.source} tab`, onClick: (e: Event) => selectTab(e.currentTarget as Element, f.view) },
        f.text,
      );
      list.append(
        h(
          "li",
          { class: ["finding", `level-${levelName[f.level]}`], "data-finding": f.kind, "data-source": f.view },
          h("span", { class: "badge" }, levelName[f.level]),
          h("span", { class: "finding-source" }, f.source),
          go,
          f.count > 0 ? h("span", { class: "finding-count", title: "count as the analysis reports it" }, `×${fmt.count(f.count)}`) : null,
          f.frames.length > 0 ? h("span", { class: "finding-frames" }, framesText(f)) : null,
        ),
      );
    }
    const errors = Object.entries(report)
      .filter(([k, v]) => isToolError(v) && k !== "traffic_flow")
      .map(([k, v]) => `${k}: ${(v as { error: string }).error}`);
    root.append(
      section(
        `Findings (${all.length})`,
        all.length === 0 ? note("info", "No analysis reported anything unusual in this capture.") : list,
        errors.length > 0 ? note("info", "Not run: ", errors.join("; ")) : null,
      ),
    );
  },
};
