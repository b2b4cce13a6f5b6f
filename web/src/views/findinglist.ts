// Findings as every tab shows them: the Findings tab ranks all of them, each
// analysis's tab lists its own, and "Copy for AI" writes them. One renderer:
// severity, tool, summary (a link to the rows it is about), count, first
// frames and, where one exists, the Wireshark display filter with a button
// that copies it.
import { h, section } from "../ui/dom";
import * as fmt from "../ui/format";
import { views } from "./index";
import type { Finding, View } from "./types";

import { framesText } from "./text";

/** framesText names a finding's first frames (views/text.ts, which needs no views). */
export { framesText };

/** viewOf is the tab that holds a tool's evidence: the view that reads that tool ("tcp_anomalies" → "tcp"). */
export function viewOf(tool: string): View | undefined {
  // The registry imports the views, which import this module: read it only when called.
  return views.find((v) => v !== undefined && v.id !== "findings" && (v.tools as readonly string[]).includes(tool));
}

/** toolLabel names a finding's tool as its tab does ("TCP", "Capture"). */
export function toolLabel(tool: string): string {
  return viewOf(tool)?.title ?? tool;
}

/** SelectTab is the detail of "pcaplens:select-tab": the tab to open and the evidence to show there. */
export interface SelectTab {
  view: string;
  frames?: number[];
  subjects?: string[];
  /** filter, for the Packets tab: the display filter to apply. */
  filter?: string;
  /** follow, for the Packets tab: the stream to follow once the filter is applied. */
  follow?: { kind: "tcp" | "udp"; stream: number };
}

export function selectTab(from: Element, detail: SelectTab): void {
  from.dispatchEvent(new CustomEvent<SelectTab>("pcaplens:select-tab", { bubbles: true, detail }));
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

/** findingItem renders one finding as a list item; its summary opens the rows it is about. */
export function findingItem(f: Finding): HTMLElement {
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
  const filter = f.filter ? filterActions(f.filter, { class: "finding-filter", key: "finding-filter" }) : null;
  return h(
    "li",
    { class: ["finding", `level-${f.severity}`], "data-finding": f.kind, "data-source": view?.id ?? f.tool, "data-severity": f.severity },
    h("span", { class: "badge" }, f.severity),
    h("span", { class: "finding-source" }, label),
    summary,
    f.count > 0 ? h("span", { class: "finding-count", title: "how many times the analysis saw it" }, `×${fmt.count(f.count)}`) : null,
    f.frames.length > 0 ? h("span", { class: "finding-frames" }, framesText(f)) : null,
    subjectsLine(f.subjects ?? [], f.count),
    filter,
  );
}

/** showPacketsButton opens the Packets tab with a display filter applied. */
export function showPacketsButton(filter: string, title = "List the packets this filter selects in the Packets tab"): HTMLElement {
  return h(
    "button",
    { type: "button", class: "btn btn-small", "data-key": "show-packets", title, onClick: (e: Event) => selectTab(e.currentTarget as Element, { view: "packets", filter }) },
    "Show packets",
  );
}

/** followButton opens the Packets tab on a TCP or UDP stream and follows it (Wireshark's Follow Stream). */
export function followButton(kind: "tcp" | "udp", stream: number): HTMLElement {
  const filter = `${kind}.stream eq ${stream}`;
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-small",
      "data-key": `follow-${kind}-row`,
      title: `List this ${kind.toUpperCase()} stream's packets in the Packets tab and show its conversation`,
      onClick: (e: Event) => selectTab(e.currentTarget as Element, { view: "packets", filter, follow: { kind, stream } }),
    },
    `Follow ${kind.toUpperCase()} stream`,
  );
}

/** copyFilterButton copies a display filter (also in its data-filter attribute) to the clipboard. */
export function copyFilterButton(filter: string): HTMLElement {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-small",
      "data-key": "copy-filter",
      "data-filter": filter,
      title: "Copy this display filter, to paste into Wireshark's filter bar",
      onClick: (e: Event) => void copyText(filter, e.currentTarget as HTMLElement),
    },
    "Copy as Wireshark filter",
  );
}

/**
 * filterActions shows a display filter with its two actions: "Copy as
 * Wireshark filter" and "Show packets" (the Packets tab, filtered). Findings
 * and the rows of every table that lists conversations, transactions and
 * calls offer their frames through it. key is the code element's data-key.
 */
export function filterActions(filter: string, opts: { class?: string; key?: string } = {}): HTMLElement {
  return h(
    "span",
    { class: ["filter-actions", opts.class] },
    h("code", { "data-key": opts.key ?? "row-filter" }, filter),
    copyFilterButton(filter),
    showPacketsButton(filter),
  );
}

/**
 * rowActions is a table's actions for its selected row (TableOptions.rowActions):
 * the filter that selects the row's frames and its two actions, or a note when
 * the report lacks what an exact filter needs.
 */
export function rowActions<T>(filterOf: (row: T) => string | null, what = "row", streamOf?: (row: T) => { kind: "tcp" | "udp"; stream: number } | null): { render: (row: T) => Node; hint: string } {
  return {
    hint: `Select a ${what} (click it, or arrow keys in the table) to list its packets${streamOf ? ", follow its stream" : ""} or copy its Wireshark filter here.`,
    render: (row: T) => {
      const f = filterOf(row);
      const st = streamOf?.(row);
      const follow = st && st.stream >= 0 ? followButton(st.kind, st.stream) : null;
      return f
        ? h("span", { class: "row-actions-line" }, h("span", { class: "muted" }, `This ${what}'s packets: `), filterActions(f), follow)
        : h("span", { class: "muted" }, `No display filter selects exactly this ${what}'s packets.`, follow ? " " : "", follow);
    },
  };
}

/** maxSubjectsShown is how many subjects a finding's line names; the rest are in its tooltip. */
const maxSubjectsShown = 3;

/** subjectsLine names what a finding is about, briefly: the first few, the rest in a tooltip. */
function subjectsLine(subjects: readonly string[], count: number): HTMLElement | null {
  if (subjects.length === 0) return null;
  const shown = subjects.slice(0, maxSubjectsShown).join("; ");
  const more = subjects.length > maxSubjectsShown ? ` and ${fmt.count(subjects.length - maxSubjectsShown)} more` : "";
  const beyond = count > subjects.length && subjects.length >= maxSubjectsShown ? " (first ones listed)" : "";
  return h("span", { class: "finding-subjects", title: subjects.join("\n"), "data-key": "finding-subjects" }, `About ${shown}${more}${beyond}`);
}

/** findingsSection lists one analysis's findings, or says there were none. */
export function findingsSection(list: readonly Finding[], empty = "Nothing unusual found."): HTMLElement {
  if (list.length === 0) return section("Findings", h("p", { class: "muted" }, empty));
  return section(`Findings (${fmt.count(list.length)})`, h("ol", { class: "findings" }, list.map((f) => findingItem(f))));
}

