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

/**
 * interleaveSoFar joins the findings so far of several workers (one list per
 * worker, each ranked by its engine's finding.Rank) without ranking them
 * again here: each worker's first, then each one's second, and so on, cut to
 * max. The report's findings, ranked once over every worker, replace them.
 */
export function interleaveSoFar(lists: readonly (readonly SoFar[] | undefined)[], max = 5): SoFar[] {
  const out: SoFar[] = [];
  for (let i = 0; out.length < max; i++) {
    const row = lists.map((l) => l?.[i]).filter((x): x is SoFar => x !== undefined);
    if (row.length === 0) break;
    out.push(...row.slice(0, max - out.length));
  }
  return out;
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
