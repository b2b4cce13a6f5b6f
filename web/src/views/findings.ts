// The Findings tab (first): the capture in one line, then the report's
// ranked findings (the top-level "findings" key the engine gathers from
// every analysis; the page keeps no table of kinds or severities). Each
// finding shows its severity, tool, summary, count and first frames, and
// offers its Wireshark display filter. A click on a finding opens the tab
// that holds its evidence, scrolled to the rows it is about (the view
// dispatches "pcaplens:select-tab" with the frames and subjects; main.ts
// listens). A capture without findings says what was seen.
import { h, note, section } from "../ui/dom";
import * as fmt from "../ui/format";
import { cleanLine } from "../app/figures";
import { views } from "./index";
import { arr, isToolError, obj, type Report, type View } from "./types";

/** Severity is a finding's severity, decided by the analyzer that raised it. */
export type Severity = "high" | "medium" | "low" | "info";

/** Finding is one entry of the report's "findings" list (analysis/finding.Finding). */
export interface Finding {
  kind: string;
  severity: Severity;
  tool: string;
  summary: string;
  count: number;
  frames: number[];
  filter?: string;
  subjects?: string[];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const severities: readonly Severity[] = ["high", "medium", "low", "info"];

/** findingsOf reads the report's findings, in the engine's order (ranked), defensively. */
export function findingsOf(report: Report): Finding[] {
  return arr(report["findings"]).map((v) => {
    const o = obj(v);
    const sev = str(o["severity"]) as Severity;
    const f: Finding = {
      kind: str(o["kind"]),
      severity: severities.includes(sev) ? sev : "info",
      tool: str(o["tool"]),
      summary: str(o["summary"]) || str(o["kind"]),
      count: typeof o["count"] === "number" ? o["count"] : 0,
      frames: arr(o["frames"]).filter((x): x is number => typeof x === "number"),
    };
    if (str(o["filter"])) f.filter = str(o["filter"]);
    const subjects = arr(o["subjects"]).filter((x): x is string => typeof x === "string");
    if (subjects.length > 0) f.subjects = subjects;
    return f;
  });
}

/** viewOf is the tab that holds a tool's evidence: the view that reads that tool ("tcp_anomalies" → "tcp"). */
export function viewOf(tool: string): View | undefined {
  // views imports this module: when this module is loaded first, its own entry is not set yet.
  return views.find((v) => v !== undefined && v.id !== "findings" && v.tools.includes(tool));
}

/** toolLabel names a finding's tool as its tab does ("TCP", "Capture"). */
export function toolLabel(tool: string): string {
  return viewOf(tool)?.title ?? tool;
}

/** framesText names a finding's first frames: "frame 12", "frames 3, 9, 40" and "(first 10)" when there are more. */
export function framesText(f: Finding): string {
  const list = f.frames.map(fmt.id).join(", ");
  const first = f.count > f.frames.length && f.frames.length > 1 ? ` (first ${f.frames.length})` : "";
  return (f.frames.length === 1 ? `frame ${list}` : `frames ${list}`) + first;
}

/** captureLine is the capture in one line: packets, duration, file type. */
export function captureLine(report: Report): string {
  const { packets, rest } = captureParts(report);
  return [`${packets} ${packets === "1" ? "packet" : "packets"}`, ...rest].join(" · ");
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

/** SelectTab is the detail of "pcaplens:select-tab": the tab to open and the evidence to show there. */
export interface SelectTab {
  view: string;
  frames?: number[];
  subjects?: string[];
}

function selectTab(from: Element, detail: SelectTab): void {
  from.dispatchEvent(new CustomEvent<SelectTab>("pcaplens:select-tab", { bubbles: true, detail }));
}

type Row = Record<string, unknown>;

/**
 * evidence gives the predicates that pick a finding's rows in any table:
 * `exact` matches a row naming one of the frames (a frame, *_frame or frames
 * field) or a subject (any field whose text equals it, or is that host with a
 * port; "stream 3" is the row with stream 3); `span` matches a row whose first_frame…last_frame holds a
 * frame, for when nothing matched exactly.
 */
export function evidence(frames: readonly number[], subjects: readonly string[] = []): { exact: (row: unknown) => boolean; span: (row: unknown) => boolean } {
  const fs = new Set(frames);
  const subj = new Set(subjects);
  const streams = new Set<number>();
  for (const s of subjects) {
    const m = /^(?:tcp\.stream\s*==\s*|stream\s+)(\d+)$/i.exec(s.trim());
    if (m) streams.add(Number(m[1]));
  }
  const exact = (row: unknown): boolean => {
    const r = row as Row;
    if (typeof r !== "object" || r === null) return false;
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === "number") {
        if (fs.has(v) && (k === "frame" || k.endsWith("_frame"))) return true;
        if (k === "stream" && streams.has(v)) return true;
        if (subj.has(String(v))) return true;
      } else if (typeof v === "string") {
        if (subj.has(v)) return true;
        // "10.0.0.1" names the endpoints "10.0.0.1:80" and "[2001:db8::1]:80" too.
        const host = /^\[?([^\]]*?)\]?:\d+$/.exec(v)?.[1];
        if (host !== undefined && subj.has(host)) return true;
      } else if (Array.isArray(v) && k === "frames") {
        if (v.some((x) => typeof x === "number" && fs.has(x))) return true;
      }
    }
    return false;
  };
  const span = (row: unknown): boolean => {
    const r = row as Row;
    if (typeof r !== "object" || r === null) return false;
    const a = r["first_frame"], b = r["last_frame"];
    return typeof a === "number" && typeof b === "number" && frames.some((f) => f >= a && f <= b);
  };
  return { exact, span };
}

async function copyText(text: string, button: HTMLElement): Promise<void> {
  const label = button.textContent;
  try {
    if (!navigator.clipboard) throw new Error("no clipboard");
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select and copy it";
  }
  window.setTimeout(() => (button.textContent = label), 1500);
}

function findingItem(f: Finding): HTMLElement {
  const view = viewOf(f.tool);
  const label = toolLabel(f.tool);
  const summary = view
    ? h(
        "button",
        {
          type: "button",
          class: "link",
          title: `Show the evidence in the ${label} tab`,
          onClick: (e: Event) => selectTab(e.currentTarget as Element, { view: view.id, frames: f.frames, subjects: f.subjects ?? [] }),
        },
        f.summary,
      )
    : h("span", null, f.summary);
  const filter = f.filter
    ? h(
        "span",
        { class: "finding-filter" },
        h("code", { "data-key": "finding-filter" }, f.filter),
        h(
          "button",
          { type: "button", class: "btn btn-small", title: "Copy this display filter, to paste into Wireshark's filter bar", onClick: (e: Event) => void copyText(f.filter!, e.currentTarget as HTMLElement) },
          "Copy as Wireshark filter",
        ),
      )
    : null;
  return h(
    "li",
    { class: ["finding", `level-${f.severity}`], "data-finding": f.kind, "data-source": view?.id ?? f.tool, "data-severity": f.severity },
    h("span", { class: "badge" }, f.severity),
    h("span", { class: "finding-source" }, label),
    summary,
    f.count > 0 ? h("span", { class: "finding-count", title: "how many times the analysis saw it" }, `×${fmt.count(f.count)}`) : null,
    f.frames.length > 0 ? h("span", { class: "finding-frames" }, framesText(f)) : null,
    filter,
  );
}

export const findingsView: View = {
  id: "findings",
  title: "Findings",
  tools: ["capinfos"],
  render(root: HTMLElement, report: Report): void {
    const cap = obj(report["capinfos"]);
    const parts = captureParts(report);
    root.append(
      h(
        "p",
        { class: "capture-line", "data-key": "capture-line" },
        h("strong", null, str(cap["filename"]) || str(obj(report["overview"])["file"]) || "capture"),
        " — ",
        // The same data-key as the Capture tab's card: the figure tests and people read first.
        h("span", { "data-key": "packet_count" }, parts.packets),
        parts.packets === "1" ? " packet · " : " packets · ",
        parts.rest.join(" · "),
      ),
    );
    const all = findingsOf(report);
    const errors = Object.entries(report)
      .filter(([k, v]) => isToolError(v) && k !== "traffic_flow")
      .map(([k, v]) => `${k}: ${(v as { error: string }).error}`);
    root.append(
      section(
        `Findings (${fmt.count(all.length)})`,
        all.length === 0
          ? h("p", { class: "findings-clean", "data-key": "findings-clean" }, cleanLine(report))
          : h("ol", { class: "findings", "data-key": "findings" }, all.map(findingItem)),
        errors.length > 0 ? note("info", "Not run: ", errors.join("; ")) : null,
      ),
    );
  },
};
