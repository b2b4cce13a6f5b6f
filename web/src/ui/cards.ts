// Summary cards: a row of big figures with a label and an optional hint.
import { h, type Child } from "./dom";

/** Card is one summary figure. */
export interface Card {
  label: string;
  value: Child;
  /** hint is a smaller line under the value (e.g. the exact figure or a unit). */
  hint?: Child;
  /** tone highlights the card: "warn" or "bad" for trouble, "good" for a healthy figure. */
  tone?: "good" | "warn" | "bad";
  /** title is a tooltip explaining the figure. */
  title?: string;
}

/** cards renders a responsive grid of summary cards. */
export function cards(items: readonly (Card | null | undefined | false)[]): HTMLElement {
  return h(
    "div",
    { class: "cards" },
    items.map((c) =>
      c
        ? h(
            "div",
            { class: ["card", c.tone && "card-" + c.tone], title: c.title },
            h("div", { class: "card-label" }, c.label),
            h("div", { class: "card-value" }, c.value),
            c.hint !== undefined && c.hint !== null && c.hint !== "" ? h("div", { class: "card-hint" }, c.hint) : null,
          )
        : null,
    ),
  );
}
