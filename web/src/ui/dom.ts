// Package-level DOM helper: every view builds its elements with h().
//
// h() only ever sets attributes, properties from a small safe list, event
// listeners and text nodes. It never sets innerHTML/outerHTML, so strings
// that come from captures (DNS names, SIP headers, comments) are always text.

/** A child of h(): nodes, text (numbers become text), or nested arrays; null/undefined/false are skipped. */
export type Child = Node | string | number | bigint | null | undefined | false | readonly Child[];

/** Event handler props: onClick, onKeydown, onInput, … (the name after "on", lowercased, is the event). */
type Handler = (ev: Event) => void;

/**
 * Props of h(). Keys:
 * - `class`: class names (string, or an array where falsy items are skipped);
 * - `style`: an object of CSS properties set through the CSSOM (allowed by our CSP,
 *   unlike the style attribute);
 * - `on<Event>`: an event listener;
 * - `value`, `checked`, `disabled`, `hidden`, `tabIndex`: set as properties;
 * - anything else: an attribute (true → present, false/null/undefined → absent).
 */
export interface Props {
  class?: string | readonly (string | false | null | undefined)[];
  style?: Record<string, string | number>;
  [key: string]: unknown;
}

const forbidden = new Set(["innerHTML", "outerHTML", "srcdoc", "innerhtml", "outerhtml"]);
const asProperty = new Set(["value", "checked", "disabled", "hidden", "tabIndex", "selected", "indeterminate"]);

/** h creates an element with props and children, text only. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) setProps(el, props);
  append(el, ...children);
  return el;
}

/** svg creates an SVG element (for small icons) with attributes and children. */
export function svg(tag: string, attrs: Record<string, string | number>, ...children: Child[]): SVGElement {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  append(el, ...children);
  return el;
}

/** setProps applies h()'s props to an existing element. */
export function setProps(el: HTMLElement, props: Props): void {
  for (const [key, v] of Object.entries(props)) {
    if (forbidden.has(key)) throw new Error(`h: refusing to set ${key}`);
    if (v === undefined || v === null || v === false) {
      if (v === false && asProperty.has(key)) (el as unknown as Record<string, unknown>)[key] = false;
      else if (!key.startsWith("on") && key !== "class" && key !== "style") el.removeAttribute(key);
      continue;
    }
    if (key === "class") {
      const cls = Array.isArray(v) ? v.filter(Boolean).join(" ") : String(v);
      if (cls) el.className = cls;
    } else if (key === "style") {
      for (const [p, sv] of Object.entries(v as Record<string, string | number>)) {
        el.style.setProperty(p.startsWith("--") ? p : p.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()), String(sv));
      }
    } else if (key.length > 2 && key.startsWith("on") && typeof v === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), v as Handler);
    } else if (asProperty.has(key)) {
      (el as unknown as Record<string, unknown>)[key] = v;
    } else {
      el.setAttribute(key, v === true ? "" : String(v));
    }
  }
}

/** append adds children as nodes or text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, ...(c as readonly Child[]));
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/** clear removes every child of el. */
export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** replace clears el and appends the children. */
export function replace(el: Node, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}

/** download offers data as a file (Blob URL, revoked after use). */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** section renders a titled block: the usual wrapper of a view's parts. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "block" }, h("h2", null, title), ...children);
}

/** note renders a short message; kind "warn" and "error" are highlighted. */
export function note(kind: "info" | "warn" | "error", ...children: Child[]): HTMLElement {
  return h("div", { class: ["note", "note-" + kind], role: kind === "info" ? "note" : "alert" }, ...children);
}

/** warnings renders a report's `warnings` prominently (nothing when there are none). */
export function warnings(list: unknown): HTMLElement | null {
  const items = Array.isArray(list) ? list.filter((w) => w !== null && w !== undefined).map(String) : [];
  if (items.length === 0) return null;
  return note(
    "warn",
    h("strong", null, items.length === 1 ? "Warning" : `${items.length} warnings`),
    h("ul", { class: "warnings" }, items.map((w) => h("li", null, w))),
  );
}

/** keyValue renders a two-column definition list; rows with an undefined value are skipped. */
export function keyValue(rows: readonly (readonly [string, Child] | null | false | undefined)[]): HTMLElement {
  const dl = h("dl", { class: "kv" });
  for (const r of rows) {
    if (!r) continue;
    const [k, v] = r;
    if (v === undefined || v === null) continue;
    append(dl, h("dt", null, k), h("dd", null, v));
  }
  return dl;
}
