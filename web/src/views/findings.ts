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
import { captureLine, captureParts, cleanLine, findingsOf } from "../app/figures";
import { findingItem } from "./findinglist";
import { isToolError, ok, toolNames, type Report, type View } from "./types";

/** findingsOf and captureLine live in app/figures.ts (which needs no views: the worker uses them too). */
export { captureLine, findingsOf };

/** fileName is the capture's name as the reports give it. */
function fileName(report: Report): string {
  return ok(report.capinfos)?.filename || ok(report.overview)?.file || "capture";
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

export const findingsView: View = {
  id: "findings",
  title: "Findings",
  tools: ["capinfos"],
  render(root: HTMLElement, report: Report): void {
    const parts = captureParts(report);
    root.append(
      h(
        "p",
        { class: "capture-line", "data-key": "capture-line" },
        h("strong", null, fileName(report)),
        " — ",
        // The same data-key as the Capture tab's card: the figure tests and people read first.
        h("span", { "data-key": "packet_count" }, parts.packets),
        parts.packets === "1" ? " packet · " : " packets · ",
        parts.rest.join(" · "),
      ),
    );
    const all = findingsOf(report);
    // traffic_flow is left out: it needs a server and says so in the TCP tab.
    const errors = toolNames.flatMap((k) => {
      const v = report[k];
      return k !== "traffic_flow" && v !== undefined && isToolError(v) ? [`${k}: ${v.error}`] : [];
    });
    root.append(
      section(
        `Findings (${fmt.count(all.length)})`,
        all.length === 0
          ? h("p", { class: "findings-clean", "data-key": "findings-clean" }, cleanLine(report))
          : h("ol", { class: "findings", "data-key": "findings" }, all.map((f) => findingItem(f))),
        errors.length > 0 ? note("info", "Not run: ", errors.join("; ")) : null,
      ),
    );
  },
};
