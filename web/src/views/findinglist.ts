// One analysis's findings and caps, as its own tab shows them: the same
// items the Findings tab ranks across analyses (analysis/finding in Go),
// each with its severity, count, first frames and, where one exists, the
// Wireshark display filter that selects its packets.
import { h, note, section } from "../ui/dom";
import * as fmt from "../ui/format";
import type { Cap, Finding } from "./types";
import { id } from "./text";

/** framesText names a finding's first frames ("frame 7", "frames 1, 4, 9 …"). */
export function framesText(f: Finding): string {
  if (f.frames.length === 0) return "";
  const more = f.count > f.frames.length && f.frames.length > 1 ? " …" : "";
  return f.frames.length === 1 ? `frame ${id(f.frames[0])}` : `frames ${f.frames.map(id).join(", ")}${more}`;
}

/** copyFilterButton copies a finding's display filter to the clipboard. */
export function copyFilterButton(filter: string): HTMLElement {
  const b = h(
    "button",
    {
      type: "button",
      class: "link copy-filter",
      title: `Copy the Wireshark display filter: ${filter}`,
      "data-filter": filter,
      onClick: async () => {
        try {
          await navigator.clipboard.writeText(filter);
          b.textContent = "Copied";
        } catch {
          b.textContent = "Copy failed";
        }
        setTimeout(() => (b.textContent = "Copy as Wireshark filter"), 1500);
      },
    },
    "Copy as Wireshark filter",
  );
  return b;
}

/** findingItem renders one finding as a list item. */
export function findingItem(f: Finding, extra?: HTMLElement | null): HTMLElement {
  return h(
    "li",
    { class: ["finding", `level-${f.severity}`], "data-finding": f.kind, "data-source": f.tool },
    h("span", { class: "badge" }, f.severity),
    extra ?? h("span", { class: "finding-summary" }, fmt.text(f.summary)),
    f.count > 0 ? h("span", { class: "finding-count", title: "how many times the analysis saw it" }, `×${fmt.count(f.count)}`) : null,
    f.frames.length > 0 ? h("span", { class: "finding-frames" }, framesText(f)) : null,
    f.subjects && f.subjects.length > 0 ? h("span", { class: "finding-subjects muted" }, f.subjects.map(fmt.text).join(", ")) : null,
    f.filter ? h("code", { class: "finding-filter" }, f.filter) : null,
    f.filter ? copyFilterButton(f.filter) : null,
  );
}

/** findingsSection lists one analysis's findings, or says there were none. */
export function findingsSection(list: readonly Finding[], empty = "Nothing unusual found."): HTMLElement {
  if (list.length === 0) return section("Findings", h("p", { class: "muted" }, empty));
  return section(`Findings (${fmt.count(list.length)})`, h("ol", { class: "findings" }, list.map((f) => findingItem(f))));
}

/** capsNote says which of a report's caps were hit, or nothing. */
export function capsNote(caps: readonly Cap[] | undefined): HTMLElement | null {
  if (!caps || caps.length === 0) return null;
  return note(
    "warn",
    h("strong", null, "Limits reached: "),
    caps.map((c) => `${c.what} capped at ${fmt.count(c.limit)} (${fmt.count(c.dropped)} more not kept)`).join("; "),
  );
}
