// countBars: counts per category (response codes, query types, message types)
// as labelled horizontal bars, every figure written beside its bar, so nothing
// waits for a hover and no legend shows placeholders. Widths are set through
// the CSSOM, as the page's CSP requires.
import { h } from "../ui/dom";
import * as fmt from "../ui/format";

/** CountBarsOptions configure countBars. */
export interface CountBarsOptions {
  title: string;
  /** entries in display order: [category, count]. */
  entries: readonly (readonly [string, number])[];
  /** unit names what is counted, singular and plural ("response", "responses"). */
  unit: readonly [string, string];
  /** key is the figure's data-key, for tests. */
  key?: string;
}

/** countBars renders one bar per category, scaled to the largest count. */
export function countBars(o: CountBarsOptions): HTMLElement {
  const max = Math.max(1, ...o.entries.map((e) => e[1]));
  const fig = h("figure", { class: "chart count-bars", "data-key": o.key, style: { alignSelf: "start" } }, h("figcaption", null, o.title));
  if (o.entries.length === 0) {
    fig.append(h("p", { class: "muted" }, "None."));
    return fig;
  }
  const list = h("table", { class: "count-bars-table", style: { width: "100%", borderCollapse: "collapse" } });
  for (const [label, n] of o.entries) {
    const unit = n === 1 ? o.unit[0] : o.unit[1];
    list.append(
      h(
        "tr",
        { "data-category": label, title: `${label}: ${fmt.count(n)} ${unit}` },
        h("th", { scope: "row", style: { textAlign: "left", fontWeight: "normal", padding: "2px 10px 2px 0", whiteSpace: "nowrap", width: "1%" } }, label),
        h(
          "td",
          { style: { padding: "2px 0", width: "100%" } },
          h("div", { style: { background: "var(--c1)", height: "0.9em", minWidth: n > 0 ? "2px" : "0", width: `${(100 * n) / max}%`, borderRadius: "2px" } }),
        ),
        h("td", { class: "num", style: { textAlign: "right", padding: "2px 0 2px 10px", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" } }, fmt.count(n)),
      ),
    );
  }
  fig.append(list);
  return fig;
}
