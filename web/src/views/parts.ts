// Small pieces every report view uses: the side-by-side row, numbers read
// defensively, figures tests read by their data-key, and {name: count}
// objects in count order.
import { h, type Child } from "../ui/dom";

/** row lays charts or tables side by side, wrapping on narrow screens. */
export const row = { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 360px), 1fr))", gap: "16px" };

/** n is v when it is a finite number, else 0. */
export function n(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** field renders a value with a data-key attribute so tests can read it off the page. */
export function field(key: string, ...children: Child[]): HTMLElement {
  return h("span", { "data-key": key }, ...children);
}

/** ms shows seconds as milliseconds with microsecond precision. */
export function ms(v: unknown): string {
  return typeof v === "number" && Number.isFinite(v) ? `${(v * 1000).toFixed(3)} ms` : "—";
}

/** sortedEntries lists a {name: count} object by count, then name. */
export function sortedEntries(v: Record<string, number>): [string, number][] {
  return Object.entries(v)
    .map(([k, c]): [string, number] => [k, n(c)])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
