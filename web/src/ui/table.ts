// A virtualised, sortable, filterable table with CSV export.
//
// Only the rows in view (plus a small margin) are in the DOM, so 100,000 rows
// scroll smoothly. Rows have one fixed height (CSS variable --row-h, 28px).
// Keyboard: headers are buttons (Enter/Space sorts); the body is focusable and
// takes ArrowUp/Down, PageUp/Down, Home/End, and Enter for the row callback.
import { h, clear, download } from "./dom";
import * as fmt from "./format";

/** Column describes one column of a table over rows of type T. */
export interface Column<T> {
  /** key reads the cell from the row (row[key]) unless value is given; also the CSV header. */
  key: string;
  /** title is the header text. */
  title: string;
  /** value reads the cell's raw value (used to sort, filter and export). */
  value?: (row: T) => unknown;
  /** format turns the raw value into display text (default: format.text). */
  format?: (value: unknown, row: T) => string;
  /** numeric right-aligns and sorts numerically. */
  numeric?: boolean;
  /**
   * width is a CSS grid track size in em or fr ("8em", "minmax(10em, 3fr)"), never content-sized
   * (each row is its own grid); default "minmax(7em, 1fr)" for numbers, "minmax(9em, 2fr)" otherwise.
   */
  width?: string;
  /** tooltip explains the column. */
  tooltip?: string;
}

/** TableOptions configure table(). */
export interface TableOptions<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  /** label names the table for screen readers and the CSV file name. */
  label: string;
  /** onRowClick is called with a row when it is clicked or Enter is pressed on it. */
  onRowClick?: (row: T, index: number) => void;
  /** sort is the initial sort. */
  sort?: { key: string; descending?: boolean };
  /** maxHeight of the scrolling body in pixels (default 480). */
  maxHeight?: number;
  /** note shown under the toolbar, e.g. "list limited to 1,000 rows by max_packets". */
  note?: string;
  /** emptyText when there are no rows (default "No rows"). */
  emptyText?: string;
}

/** TableHandle controls a rendered table. */
export interface TableHandle<T> {
  /** el is the table's root element; insert it into a view. */
  el: HTMLElement;
  /** setRows replaces the rows (keeps sort and filter). */
  setRows(rows: readonly T[]): void;
  /** setFilter sets the filter text (as if typed in the box). */
  setFilter(text: string): void;
  /** visibleRows returns the rows after filter and sort. */
  visibleRows(): readonly T[];
}

const OVERSCAN = 8;
let tableSeq = 0;

function rowHeight(el: HTMLElement): number {
  const v = parseFloat(getComputedStyle(el).getPropertyValue("--row-h"));
  return Number.isFinite(v) && v > 0 ? v : 28;
}

/** table renders rows as a virtualised grid; see TableOptions. */
export function table<T>(opts: TableOptions<T>): HTMLElement {
  return createTable(opts).el;
}

/** createTable is table() returning a handle to change rows or filter later. */
export function createTable<T>(opts: TableOptions<T>): TableHandle<T> {
  const id = `t${++tableSeq}`;
  const cols = opts.columns;
  const raw = (c: Column<T>, r: T): unknown => (c.value ? c.value(r) : (r as Record<string, unknown>)[c.key]);
  const show = (c: Column<T>, r: T): string => {
    const v = raw(c, r);
    return c.format ? c.format(v, r) : fmt.text(v);
  };

  let rows: readonly T[] = opts.rows;
  let haystack: string[] | null = null; // lowercased row text, built on first filter
  let view: number[] = []; // indexes into rows after filter and sort
  let sortKey = opts.sort?.key ?? "";
  let sortDesc = opts.sort?.descending ?? false;
  let filter = "";
  let active = -1; // position in view of the keyboard-selected row
  let rh = 28;
  let headHeight = 0;

  // Every row is its own grid, so tracks must not depend on content: fixed
  // sizes or fr with a fixed minimum. The minimums add up to the table's width.
  const widths = cols.map((c) => c.width ?? (c.numeric ? "minmax(7em, 1fr)" : "minmax(9em, 2fr)"));
  const template = widths.join(" ");
  const minWidth = widths.reduce((sum, w) => sum + (parseFloat(/([\d.]+)em/.exec(w)?.[1] ?? "8") || 8), 0);

  const countLabel = h("span", { class: "table-count", "aria-live": "polite" });
  const filterBox = h("input", {
    type: "search",
    class: "table-filter",
    placeholder: "Filter…",
    "aria-label": `Filter ${opts.label}`,
    onInput: () => {
      window.clearTimeout(filterTimer);
      filterTimer = window.setTimeout(() => applyFilter(filterBox.value), rows.length > 20000 ? 200 : 60);
    },
  });
  let filterTimer = 0;
  const csvButton = h("button", { type: "button", class: "btn btn-small", onClick: () => exportCSV() }, "CSV");
  const toolbar = h("div", { class: "table-toolbar" }, filterBox, countLabel, csvButton);

  const headerCells = cols.map((c) => {
    const btn = h(
      "button",
      {
        type: "button",
        class: "th-button",
        title: c.tooltip ?? `Sort by ${c.title}`,
        onClick: () => sortBy(c.key),
      },
      c.title,
      h("span", { class: "sort-mark", "aria-hidden": "true" }),
    );
    return h("div", { role: "columnheader", class: ["th", c.numeric && "num"], "data-key": c.key }, btn);
  });
  const header = h("div", { role: "row", class: "tr thead", style: { gridTemplateColumns: template } }, headerCells);
  const headGroup = h("div", { role: "rowgroup", class: "table-head" }, header);

  const rowsLayer = h("div", { role: "rowgroup", class: "table-rows" });
  const spacer = h("div", { class: "table-canvas" }, rowsLayer);
  const empty = h("div", { class: "table-empty", hidden: true }, opts.emptyText ?? "No rows");
  const body = h(
    "div",
    {
      class: "table-body",
      tabIndex: 0,
      onScroll: () => schedule(),
      onKeydown: (e: Event) => onKey(e as KeyboardEvent),
      onFocus: () => {
        if (active < 0 && view.length > 0) setActive(0);
      },
    },
    headGroup,
    spacer,
  );
  const grid = h(
    "div",
    {
      role: "table",
      class: "vtable",
      "aria-label": opts.label,
      id,
      style: { "--table-min-width": `${minWidth}em` },
    },
    body,
    empty,
  );
  const el = h(
    "div",
    { class: "table-wrap" },
    toolbar,
    opts.note ? h("p", { class: "table-note" }, opts.note) : null,
    grid,
  );
  body.style.maxHeight = `${opts.maxHeight ?? 480}px`;

  let frame = 0;
  function schedule(): void {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderRows();
    });
  }

  function renderRows(): void {
    rh = rowHeight(grid);
    spacer.style.height = `${view.length * rh}px`;
    const top = body.scrollTop;
    const height = body.clientHeight || opts.maxHeight || 480;
    headHeight = headGroup.offsetHeight;
    const first = Math.max(0, Math.floor(top / rh) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((top + height) / rh) + OVERSCAN);
    clear(rowsLayer);
    rowsLayer.style.transform = `translateY(${first * rh}px)`;
    const frag = document.createDocumentFragment();
    for (let p = first; p < last; p++) {
      const i = view[p]!;
      const r = rows[i]!;
      const tr = h(
        "div",
        {
          role: "row",
          class: ["tr", p === active && "active", opts.onRowClick && "clickable"],
          "aria-rowindex": p + 2,
          "aria-selected": p === active ? "true" : null,
          id: p === active ? `${id}-active` : null,
          style: { gridTemplateColumns: template },
          "data-pos": p,
        },
        cols.map((c) => h("div", { role: "cell", class: ["td", c.numeric && "num"] }, show(c, r))),
      );
      frag.appendChild(tr);
    }
    rowsLayer.appendChild(frag);
    if (active >= 0) body.setAttribute("aria-activedescendant", `${id}-active`);
    else body.removeAttribute("aria-activedescendant");
  }

  rowsLayer.addEventListener("click", (e) => {
    const tr = (e.target as HTMLElement).closest<HTMLElement>(".tr");
    if (!tr || tr.dataset["pos"] === undefined) return;
    const p = Number(tr.dataset["pos"]);
    setActive(p);
    if (opts.onRowClick) opts.onRowClick(rows[view[p]!]!, view[p]!);
  });

  function setActive(p: number): void {
    if (view.length === 0) {
      active = -1;
      return;
    }
    active = Math.max(0, Math.min(view.length - 1, p));
    const top = active * rh;
    if (top < body.scrollTop) body.scrollTop = top;
    else if (headHeight + top + rh > body.scrollTop + body.clientHeight) body.scrollTop = headHeight + top + rh - body.clientHeight;
    renderRows();
  }

  function onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((body.clientHeight - headHeight) / rh) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: view.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      setActive(moves[e.key]!);
    } else if (e.key === "Enter" && active >= 0 && opts.onRowClick) {
      e.preventDefault();
      opts.onRowClick(rows[view[active]!]!, view[active]!);
    }
  }

  function compare(c: Column<T>): (a: number, b: number) => number {
    const vals = rows.map((r) => raw(c, r));
    if (c.numeric) {
      return (a, b) => {
        const x = vals[a], y = vals[b];
        const xn = typeof x === "number" ? x : Number.NaN;
        const yn = typeof y === "number" ? y : Number.NaN;
        if (Number.isNaN(xn)) return Number.isNaN(yn) ? a - b : 1; // missing values last
        if (Number.isNaN(yn)) return -1;
        return xn - yn || a - b;
      };
    }
    const coll = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
    const texts = vals.map((v) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)));
    return (a, b) => {
      const x = texts[a]!, y = texts[b]!;
      if (x === "") return y === "" ? a - b : 1;
      if (y === "") return -1;
      return coll.compare(x, y) || a - b;
    };
  }

  function rebuild(): void {
    let idx: number[] = [];
    if (filter) {
      if (!haystack) haystack = rows.map((r) => cols.map((c) => show(c, r)).join("\u0000").toLowerCase());
      const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
      for (let i = 0; i < rows.length; i++) {
        const s = haystack[i]!;
        if (words.every((w) => s.includes(w))) idx.push(i);
      }
    } else {
      idx = Array.from(rows.keys());
    }
    const c = cols.find((c) => c.key === sortKey);
    if (c) {
      const cmp = compare(c);
      idx.sort(sortDesc ? (a, b) => -cmp(a, b) : cmp);
    }
    view = idx;
    active = Math.min(active, view.length - 1);
    for (const th of headerCells) {
      const k = th.dataset["key"];
      const mark = th.querySelector(".sort-mark");
      if (k === sortKey) {
        th.setAttribute("aria-sort", sortDesc ? "descending" : "ascending");
        if (mark) mark.textContent = sortDesc ? " ▼" : " ▲";
      } else {
        th.removeAttribute("aria-sort");
        if (mark) mark.textContent = "";
      }
    }
    countLabel.textContent =
      view.length === rows.length
        ? `${fmt.count(rows.length)} ${rows.length === 1 ? "row" : "rows"}`
        : `${fmt.count(view.length)} of ${fmt.count(rows.length)} rows`;
    empty.hidden = view.length > 0;
    renderRows();
  }

  function sortBy(key: string): void {
    if (sortKey === key) sortDesc = !sortDesc;
    else {
      sortKey = key;
      sortDesc = cols.find((c) => c.key === key)?.numeric ?? false; // numbers: biggest first
    }
    rebuild();
  }

  function applyFilter(text: string): void {
    filter = text.trim();
    body.scrollTop = 0;
    rebuild();
  }

  function exportCSV(): void {
    const cell = (v: unknown): string => {
      if (v === null || v === undefined) return "";
      let s = typeof v === "object" ? JSON.stringify(v) : String(v);
      // Strings from captures must not run as spreadsheet formulas.
      if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [cols.map((c) => cell(c.key)).join(",")];
    for (const i of view) lines.push(cols.map((c) => cell(raw(c, rows[i]!))).join(","));
    const name = opts.label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "table";
    download(`${name}.csv`, lines.join("\r\n") + "\r\n", "text/csv");
  }

  // Render once attached (sizes are known then) and whenever the body resizes.
  const ro = new ResizeObserver(() => schedule());
  ro.observe(body);
  rebuild();

  return {
    el,
    setRows(next) {
      rows = next;
      haystack = null;
      rebuild();
    },
    setFilter(text) {
      filterBox.value = text;
      applyFilter(text);
    },
    visibleRows() {
      return view.map((i) => rows[i]!);
    },
  };
}
