// The findings known so far, shown in the progress area while the engine
// reads the capture (the bridge's session.progress().findings): a short
// list, severity, analysis and summary, replaced by the report's findings
// when the report arrives (the progress area is hidden then). Text only.
import { h } from "../ui/dom";
import { toolLabel } from "../views/findinglist";

/**
 * SoFar is a finding known during the pass: its counts and summary cover the
 * packets read so far (at most five, most deserving of a look first).
 */
export interface SoFar {
  kind: string;
  severity: string;
  tool: string;
  summary: string;
  count: number;
}

/** severityRank orders severities as finding.Severity.Rank: high 3 down to info (and unknown) 0. */
function severityRank(s: string): number {
  return s === "high" ? 3 : s === "medium" ? 2 : s === "low" ? 1 : 0;
}

/**
 * mergeSoFar joins the findings so far of several analyses (one list per
 * worker, each ranked) into one list ranked as finding.Rank ranks them (by
 * severity, then count, then tool and kind) and cut to max.
 */
export function mergeSoFar(lists: readonly (readonly SoFar[] | undefined)[], max = 5): SoFar[] {
  const all = lists.flatMap((l) => l ?? []);
  all.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.count - a.count || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return all.slice(0, max);
}

/** shown is the list last drawn, by progress area, so that an unchanged list is not redrawn. */
const shown = new WeakMap<HTMLElement, string>();

/** showSoFar draws the findings known so far at the end of the progress area (hidden when there are none). */
export function showSoFar(progress: HTMLElement, findings: readonly SoFar[] | undefined): void {
  const list = findings ?? [];
  const key = JSON.stringify(list);
  let box = progress.querySelector<HTMLElement>(":scope > .so-far");
  if (shown.get(progress) === key && box) return;
  shown.set(progress, key);
  if (!box) {
    box = h("div", { class: "so-far" });
    progress.append(box);
  }
  box.hidden = list.length === 0;
  if (list.length === 0) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    h("div", { class: "so-far-title" }, "Found so far (counts up to the packets read; the report follows):"),
    h(
      "ul",
      { class: "so-far-list", "data-key": "findings-early" },
      list.map((f) =>
        h(
          "li",
          { class: ["so-far-item", `level-${f.severity}`], "data-so-far": f.kind, "data-severity": f.severity },
          h("span", { class: "badge" }, f.severity),
          h("span", { class: "so-far-source" }, toolLabel(f.tool)),
          h("span", { class: "so-far-summary" }, f.summary),
        ),
      ),
    ),
  );
}
