// A virtualised, sortable, filterable table with CSV export.
//
// Only the rows in view (plus a small margin) are in the DOM, so 100,000 rows
// scroll smoothly. Rows have one fixed height (CSS variable --row-h, 28px).
// Keyboard: headers are buttons (Enter/Space sorts); the body is focusable and
// takes ArrowUp/Down, PageUp/Down, Home/End, and Enter for the row callback.
// A table with row actions shows them for the selected row in a bar above
// the rows (Shift+Tab from the rows reaches them), as Wireshark's dialogs act
// on their selected row.
//
// Time columns (instants: epoch seconds or RFC 3339) read as Wireshark's time
// display formats: seconds since the first packet, since the previous row, or
// the UTC date and time; the choice is page-wide and remembered. Columns are
// resized by dragging a header's right edge (or its handle with the arrow
// keys). reveal() scrolls to and highlights the rows a predicate picks, even
// rows not rendered yet or hidden by the filter.
//
// Rows of a report list (option `list`, the list's path in the report) that
// the summary the page received holds only in part are not kept here: the
// table asks the analysis worker for the pages it shows (ListSource, set per
// capture by main.ts with setListSource), sorted, filtered and exported to
// CSV there, over the whole list. The page then holds about a screenful.
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
  /**
   * path is the field the worker reads for this column in a list it pages
   * (sort, filter, CSV): a field path ("client_to_server.ip_bytes"), or a sum
   * ("a+b"); a map of numbers reads as their sum. Default: key. Only for
   * columns whose value is computed from other fields.
   */
  path?: string;
  /**
   * time marks a column of instants (epoch seconds or RFC 3339), shown in the page's time
   * mode (relative, delta or absolute). Default: detected from the key (…time, …timestamp,
   * …seen, …start) and the values; false turns detection off.
   */
  time?: boolean;
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
  /**
   * rowActions offers actions on the selected row in a bar above the rows:
   * render draws them for a row; hint is shown while no row is selected.
   */
  rowActions?: { render: (row: T) => Node | null; hint: string };
  /**
   * list is the path of the report list the rows are ("dns.transactions",
   * "overview.conversations.tcp"): when the page holds only its first rows,
   * the table pages the whole list from the worker (see ListSource).
   */
  list?: string;
}

/** ListQuery asks the worker for rows of a report list (the bridge's session.rows). */
export interface ListQuery {
  /** path names the list: the tool, then fields and map keys ("tcp_connections.connections"). */
  path: string;
  /** sort is a field path (Column.path), desc the direction. */
  sort?: string;
  desc?: boolean;
  /** filter keeps the rows whose values (raw, as in the JSON) hold every word. */
  filter?: string;
  /** where keeps the rows whose field (path) reads as the text given. */
  where?: [string, string];
  /** overlap keeps the rows whose span [from, from + length] meets [lo, hi] (field paths, numbers). */
  overlap?: { from: string; length: string; lo: number; hi: number };
  skip?: number;
  limit?: number;
  /** table names the table asking (a number each): the worker drops its older calls for another view still waiting. */
  table?: number;
  /** frames and subjects ask for the positions of the rows that name them (hits); span: by first_frame … last_frame. */
  frames?: readonly number[];
  subjects?: readonly string[];
  span?: boolean;
}

/** ListPage is a page of a list: rows with their positions in the report's list (indexes). */
export interface ListPage<T> {
  rows: T[];
  /** total is the list's length; matched the rows the query keeps; skip the first row's position. */
  total: number;
  matched: number;
  skip: number;
  indexes: number[];
  /** hits are positions (in the query's order) of the rows frames or subjects name; hit_indexes theirs in the list. */
  hits?: number[];
  hit_indexes?: number[];
}

/** ListSource answers a capture's list queries (main.ts sets it from the file's Analyzer). */
export interface ListSource {
  /** length is a list's whole length when the page holds only its first rows, else undefined. */
  length(path: string): number | undefined;
  rows<T>(q: ListQuery): Promise<ListPage<T>>;
  /** csv is the list's rows in the query's order as CSV (columns: header key, field path). */
  csv(q: ListQuery, columns: { key: string; path: string }[]): Promise<Blob>;
}

let listSource: ListSource | null = null;

/** setListSource sets where tables created from now on page their lists from (null: nowhere). */
export function setListSource(src: ListSource | null): void {
  listSource = src;
}

/** PAGE is how many rows one request to the worker brings; CACHED_PAGES how many pages a table keeps. */
const PAGE = 200;
const CACHED_PAGES = 16;

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
  /**
   * reveal highlights the rows pred picks and scrolls the first into view (clearing
   * the filter if it hides them); with scroll false it only highlights. Returns how
   * many rows it highlighted (0: nothing changed).
   */
  reveal(pred: (row: T) => boolean, scroll?: boolean): number;
  /** highlighted returns the highlighted rows in display order. */
  highlighted(): readonly T[];
  /**
   * remote is true when the table pages its list from the worker; then
   * visibleRows and highlighted hold the rows loaded, and setQuery (not
   * setRows) narrows the list.
   */
  readonly remote: boolean;
  /** setQuery narrows a remote list (where, overlap), keeping sort and words filter. */
  setQuery(q: Pick<ListQuery, "where" | "overlap">): void;
  /**
   * revealEvidence highlights the rows that name frames or subjects (a finding's
   * evidence), asking the worker for a remote list; resolves to how many.
   */
  revealEvidence(pred: (row: T) => boolean, ev: { frames: readonly number[]; subjects: readonly string[]; span: boolean }, scroll?: boolean): Promise<number>;
}

/** handles finds a table's handle from its element (revealIn). */
const handles = new WeakMap<Element, TableHandle<unknown>>();

/**
 * revealIn highlights the rows pred picks in every table under root and scrolls
 * to the first table that has any. Returns the number of rows highlighted.
 */
export function revealIn(root: ParentNode, pred: (row: unknown) => boolean): number {
  let total = 0;
  for (const el of Array.from(root.querySelectorAll(".table-wrap"))) {
    const t = handles.get(el);
    if (!t) continue;
    total += t.reveal(pred, total === 0);
  }
  return total;
}

/**
 * revealEvidenceIn is revealIn for a finding's evidence, tables paged from the
 * worker included: pred picks rows the page holds, frames and subjects (span:
 * first_frame … last_frame) rows the worker holds.
 */
export async function revealEvidenceIn(root: ParentNode, pred: (row: unknown) => boolean, ev: { frames: readonly number[]; subjects: readonly string[]; span: boolean }): Promise<number> {
  let total = 0;
  for (const el of Array.from(root.querySelectorAll(".table-wrap"))) {
    const t = handles.get(el);
    if (!t) continue;
    total += await t.revealEvidence(pred, ev, total === 0);
  }
  return total;
}

const TIME_KEY = "pcaplens.timeMode";
function storedMode(): fmt.TimeMode {
  try {
    const v = localStorage.getItem(TIME_KEY);
    if (v === "relative" || v === "absolute" || v === "delta") return v;
  } catch {
    /* storage refused: the default */
  }
  return "relative";
}
let timeMode: fmt.TimeMode = storedMode();
let timeOrigin: unknown = null;
const timeListeners = new Set<() => void>();

/** setTimeOrigin sets the first-packet instant that tables created from now on count relative time from. */
export function setTimeOrigin(v: unknown): void {
  timeOrigin = v;
}

/** getTimeMode returns the page-wide time mode. */
export function getTimeMode(): fmt.TimeMode {
  return timeMode;
}

/** setTimeMode sets the page-wide time mode, remembers it and redraws every table. */
export function setTimeMode(m: fmt.TimeMode): void {
  timeMode = m;
  try {
    localStorage.setItem(TIME_KEY, m);
  } catch {
    /* not remembered */
  }
  for (const f of Array.from(timeListeners)) f();
}

const timeKey = /(^|_)(time|timestamp|seen|start|end)(_utc)?$/;
const idKey = /(^|_)(ports?|id|seq|ack|stream|frame|xid|vlan|index)(_[ab])?$/;

const OVERSCAN = 8;
/** SHRINK is how far columns narrow to fit the table's width (0.6: to 60 % of their width). */
const SHRINK = 0.6;
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
/** tables numbers the tables made (ListQuery.table). */
let tables = 0;

export function createTable<T>(opts: TableOptions<T>): TableHandle<T> {
  const tableId = ++tables;
  const id = `t${++tableSeq}`;
  const cols = opts.columns;
  const raw = (c: Column<T>, r: T): unknown => (c.value ? c.value(r) : (r as Record<string, unknown>)[c.key]);
  let rows: readonly T[] = opts.rows;
  const origin = timeOrigin;
  // A list the page holds in part is paged from the worker (remote): pages of
  // PAGE rows of the current query, by position; the page's first rows seed
  // the first page while it keeps the list's order.
  const src = opts.list ? listSource : null;
  const listTotal = opts.list && src ? src.length(opts.list) : undefined;
  const remote = listTotal !== undefined && listTotal > rows.length;
  let matched = remote ? listTotal : 0;
  let narrow: Pick<ListQuery, "where" | "overlap"> = {};
  let gen = 0;
  /** pendingClick is the position of a row clicked (or Enter) while its page was on its way. */
  let pendingClick = -1;
  const pages = new Map<number, { rows: readonly T[]; indexes: readonly number[] }>();
  const loading = new Set<number>();
  const seed = remote && !opts.sort ? { rows, indexes: rows.map((_, i) => i) } : null;
  // Time columns: declared, or detected from the key and the first values.
  const isTime = cols.map((c) => {
    if (c.time !== undefined) return c.time;
    if (!timeKey.test(c.key)) return false;
    const sample = rows.slice(0, 20).map((r) => raw(c, r)).filter((v) => v !== null && v !== undefined && v !== "");
    return sample.length > 0 && sample.every(fmt.isInstant);
  });
  const isId = cols.map((c) => idKey.test(c.key));
  /** show is a cell's text; p is its position in view (delta time reads the row above). */
  const show = (ci: number, r: T, p = -1): string => {
    const c = cols[ci]!;
    const v = raw(c, r);
    if (isTime[ci]) {
      const above = timeMode === "delta" && p > 0 ? rowAt(p - 1) : undefined;
      const prev = above ? raw(c, above.row) : undefined;
      return fmt.timeAs(timeMode, v, origin, prev);
    }
    if (isId[ci] && fmt.isNum(v) && Number.isInteger(v)) {
      // Identifiers (ports, frames, streams, IDs) never get thousands separators.
      const shown = c.format ? c.format(v, r) : fmt.id(v);
      return shown === fmt.count(v) ? fmt.id(v) : shown;
    }
    if (c.format) return c.format(v, r);
    return fmt.text(v);
  };
  const hasTime = isTime.some(Boolean);

  let haystack: string[] | null = null; // lowercased row text, built on first filter
  let view: number[] = []; // indexes into rows after filter and sort (local)
  /** viewLength is the number of rows after filter and sort. */
  const viewLength = (): number => (remote ? matched : view.length);
  /**
   * rowAt is the row at position p after filter and sort, with its index in
   * the list (remote: undefined until its page comes, which it asks for).
   */
  const rowAt = (p: number): { row: T; index: number } | undefined => {
    if (!remote) {
      const i = view[p];
      return i === undefined ? undefined : { row: rows[i]!, index: i };
    }
    const pg = pages.get(Math.floor(p / PAGE));
    const k = p % PAGE;
    if (pg && k < pg.rows.length) return { row: pg.rows[k]!, index: pg.indexes[k]! };
    if (p < matched) fetchPage(Math.floor(p / PAGE));
    return undefined;
  };
  let sortKey = opts.sort?.key ?? "";
  let sortDesc = opts.sort?.descending ?? false;
  let filter = "";
  let active = -1; // position in view of the keyboard-selected row
  let highlight = new Set<number>(); // indexes into rows picked by reveal()
  let rh = 28;
  let headHeight = 0;

  // Every row is its own grid, so tracks must not depend on content: fixed
  // sizes or fr with a fixed minimum. The minimums add up to the table's width.
  // Time columns take the width their mode needs; a column the user resized
  // keeps its width.
  const resized: (string | null)[] = cols.map(() => null);
  const widthOf = (i: number): string => {
    const c = cols[i]!;
    if (resized[i]) return resized[i]!;
    if (isTime[i]) return timeMode === "absolute" ? "minmax(16em, 2fr)" : "minmax(6.5em, 1fr)";
    return c.width ?? (c.numeric ? "minmax(5.5em, 1fr)" : "minmax(7em, 2fr)");
  };
  const minEm = (w: string): number => parseFloat(/([\d.]+)em/.exec(w)?.[1] ?? "6") || 6;
  /**
   * applyWidths sets the column tracks. When the columns' minimums add up to
   * more than the table's width, they shrink together (to no less than
   * SHRINK of their width; time columns and columns the user resized keep
   * theirs) so that the last columns do not hide behind a horizontal scroll;
   * cut-off cells show their text as a tooltip.
   */
  function applyWidths(): void {
    const emPx = parseFloat(getComputedStyle(grid).fontSize) || 14;
    const avail = body.clientWidth > 0 ? body.clientWidth / emPx - 0.2 : Infinity;
    const specs = cols.map((_, i) => {
      const w = widthOf(i);
      const keep = isTime[i] || resized[i] !== null;
      const mm = /^minmax\(\s*([\d.]+)em\s*,\s*([\d.]+)fr\s*\)$/.exec(w);
      if (mm && !keep) return { w, min: Number(mm[1]), fr: Number(mm[2]), shrink: true };
      const fixed = /^([\d.]+)em$/.exec(w);
      if (fixed && !keep) return { w, min: Number(fixed[1]), fr: 0, shrink: true };
      return { w, min: minEm(w), fr: 0, shrink: false };
    });
    const kept = specs.filter((x) => !x.shrink).reduce((sum, x) => sum + x.min, 0);
    const flexible = specs.filter((x) => x.shrink).reduce((sum, x) => sum + x.min, 0);
    const k = flexible > 0 ? Math.max(SHRINK, Math.min(1, (avail - kept) / flexible)) : 1;
    const round = (x: number) => Math.floor(x * 10) / 10;
    const tracks = specs.map((x) => (!x.shrink || k === 1 ? x.w : x.fr > 0 ? `minmax(${round(x.min * k)}em, ${x.fr}fr)` : `${round(x.min * k)}em`));
    grid.style.setProperty("--tpl", tracks.join(" "));
    grid.style.setProperty("--table-min-width", `${round(specs.reduce((sum, x) => sum + (x.shrink ? round(x.min * k) : x.min), 0))}em`);
  }
  const headerTitle = (i: number): string => {
    const c = cols[i]!;
    if (!isTime[i]) return c.title;
    const base = c.title.replace(/\s*\((UTC|local)\)\s*$/i, "");
    return `${base} (${fmt.timeModes.find((m) => m.mode === timeMode)!.header})`;
  };

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
  const csvButton = h("button", { type: "button", class: "btn btn-small table-csv", onClick: () => exportCSV() }, "CSV");
  const highlightLabel = h("span", { class: "table-highlight", hidden: true, "aria-live": "polite" });
  const clearHighlight = h("button", { type: "button", class: "btn btn-small", hidden: true, onClick: () => unhighlight() }, "Clear highlight");
  const timeSelect = hasTime
    ? h(
        "select",
        {
          class: "table-time",
          "aria-label": "Time display",
          title: "How time columns read (as Wireshark's View ▸ Time Display Format); applies to every table",
          onChange: (e: Event) => setTimeMode((e.target as HTMLSelectElement).value as fmt.TimeMode),
        },
        fmt.timeModes.map((m) => h("option", { value: m.mode }, m.label)),
      )
    : null;
  if (timeSelect) timeSelect.value = timeMode;
  // CSV stays the toolbar's first button (CSS shows it last).
  const toolbar = h("div", { class: "table-toolbar" }, filterBox, countLabel, csvButton, highlightLabel, clearHighlight, timeSelect);

  const headerLabels = cols.map((_, i) => h("span", { class: "th-label" }, headerTitle(i)));
  const headerCells = cols.map((c, i) => {
    const btn = h(
      "button",
      {
        type: "button",
        class: "th-button",
        title: c.tooltip ?? `Sort by ${c.title}`,
        onClick: () => sortBy(c.key),
      },
      headerLabels[i]!,
      h("span", { class: "sort-mark", "aria-hidden": "true" }),
    );
    const handle = h("span", {
      class: "col-resize",
      role: "separator",
      "aria-orientation": "vertical",
      "aria-label": `Resize column ${c.title}`,
      title: "Drag to resize (arrow keys too); double-click for the default width",
      tabIndex: 0,
      onPointerdown: (e: Event) => startResize(i, e as PointerEvent),
      onKeydown: (e: Event) => {
        const k = (e as KeyboardEvent).key;
        if (k !== "ArrowLeft" && k !== "ArrowRight") return;
        e.preventDefault();
        const em = parseFloat(getComputedStyle(grid).fontSize) || 14;
        setWidth(i, headerCells[i]!.getBoundingClientRect().width / em + (k === "ArrowRight" ? 1 : -1));
      },
      onDblclick: () => {
        resized[i] = null;
        applyWidths();
      },
    });
    return h("div", { role: "columnheader", class: ["th", c.numeric && "num"], "data-key": c.key }, btn, handle);
  });
  function setWidth(i: number, em: number): void {
    resized[i] = `${Math.max(3, Math.round(em * 10) / 10)}em`;
    applyWidths();
  }
  function startResize(i: number, e: PointerEvent): void {
    e.preventDefault();
    const target = e.currentTarget as HTMLElement;
    const em = parseFloat(getComputedStyle(grid).fontSize) || 14;
    const start = headerCells[i]!.getBoundingClientRect().width;
    const x0 = e.clientX;
    target.setPointerCapture?.(e.pointerId);
    const move = (m: PointerEvent) => setWidth(i, (start + m.clientX - x0) / em);
    const up = () => {
      target.removeEventListener("pointermove", move);
      target.removeEventListener("pointerup", up);
      target.removeEventListener("pointercancel", up);
    };
    target.addEventListener("pointermove", move);
    target.addEventListener("pointerup", up);
    target.addEventListener("pointercancel", up);
  }
  const header = h("div", { role: "row", class: "tr thead" }, headerCells);
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
        if (active < 0 && viewLength() > 0) setActive(0);
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
    },
    body,
    empty,
  );
  // The selected row's actions; redrawn only when the selected row changes.
  const actionsBar = opts.rowActions ? h("div", { class: "row-actions", "data-key": "row-actions" }) : null;
  let actionsFor: T | null | undefined; // the row the bar shows (null: none; undefined: not drawn yet)
  function showActions(): void {
    if (!actionsBar || !opts.rowActions) return;
    const at = active >= 0 && active < viewLength() ? rowAt(active) : undefined;
    const row = at ? at.row : null;
    if (row === actionsFor) return;
    actionsFor = row;
    actionsBar.replaceChildren(row === null ? h("span", { class: "muted" }, opts.rowActions.hint) : opts.rowActions.render(row) ?? "");
    actionsBar.dataset["row"] = at ? String(at.index) : "";
  }
  const el = h(
    "div",
    { class: "table-wrap" },
    toolbar,
    opts.note ? h("p", { class: "table-note" }, opts.note) : null,
    actionsBar,
    grid,
  );
  body.style.maxHeight = `${opts.maxHeight ?? 480}px`;
  applyWidths();

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
    spacer.style.height = `${viewLength() * rh}px`;
    const top = body.scrollTop;
    const height = body.clientHeight || opts.maxHeight || 480;
    headHeight = headGroup.offsetHeight;
    const first = Math.max(0, Math.floor(top / rh) - OVERSCAN);
    const last = Math.min(viewLength(), Math.ceil((top + height) / rh) + OVERSCAN);
    clear(rowsLayer);
    rowsLayer.style.transform = `translateY(${first * rh}px)`;
    const frag = document.createDocumentFragment();
    for (let p = first; p < last; p++) {
      const at = rowAt(p);
      if (!at) {
        // A row of a page still on its way from the worker.
        frag.appendChild(h("div", { role: "row", class: "tr loading", "aria-rowindex": p + 2, "aria-busy": "true", "data-pos": p }, cols.map(() => h("div", { role: "cell", class: "td" }, ""))));
        continue;
      }
      const { row: r, index: i } = at;
      const tr = h(
        "div",
        {
          role: "row",
          class: ["tr", p === active && "active", opts.onRowClick && "clickable", highlight.has(i) && "highlight"],
          "aria-rowindex": p + 2,
          "aria-selected": p === active ? "true" : null,
          id: p === active ? `${id}-active` : null,
          "data-pos": p,
          "data-highlight": highlight.has(i) ? "true" : null,
        },
        cols.map((c, ci) =>
          h(
            "div",
            // A time cell's title is its absolute instant, whatever the mode.
            { role: "cell", class: ["td", c.numeric && "num", isTime[ci] && "time"], title: isTime[ci] ? fmt.utc(raw(c, r)) : null },
            show(ci, r, p),
          ),
        ),
      );
      frag.appendChild(tr);
    }
    rowsLayer.appendChild(frag);
    if (active >= 0) body.setAttribute("aria-activedescendant", `${id}-active`);
    else body.removeAttribute("aria-activedescendant");
    showActions();
  }

  // A cell cut off by its column gets its whole text as a tooltip (measured on hover, not on every render).
  rowsLayer.addEventListener("mouseover", (e) => {
    const td = (e.target as HTMLElement).closest<HTMLElement>(".td");
    if (!td || td.classList.contains("time")) return;
    if (td.scrollWidth > td.clientWidth + 1) td.title = td.textContent ?? "";
    else td.removeAttribute("title");
  });

  rowsLayer.addEventListener("click", (e) => {
    const tr = (e.target as HTMLElement).closest<HTMLElement>(".tr");
    if (!tr || tr.dataset["pos"] === undefined) return;
    const p = Number(tr.dataset["pos"]);
    setActive(p);
    const at = rowAt(p);
    if (opts.onRowClick && at) opts.onRowClick(at.row, at.index);
    else if (!at) pendingClick = p; // called when its page comes
  });

  function setActive(p: number): void {
    if (viewLength() === 0) {
      active = -1;
      return;
    }
    active = Math.max(0, Math.min(viewLength() - 1, p));
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
      End: viewLength() - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      setActive(moves[e.key]!);
    } else if (e.key === "Enter" && active >= 0 && opts.onRowClick) {
      e.preventDefault();
      const at = rowAt(active);
      if (at) opts.onRowClick(at.row, at.index);
      else pendingClick = active; // called when its page comes
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

  /** query is the worker's query of a remote list: sort, words, narrowing. */
  function query(): ListQuery {
    const c = cols.find((x) => x.key === sortKey);
    return { path: opts.list!, sort: c ? (c.path ?? c.key) : undefined, desc: sortDesc, filter, ...narrow, table: tableId };
  }

  /** fetchPage asks the worker for page pn of the current query (once at a time). */
  function fetchPage(pn: number): void {
    if (!src || loading.has(pn)) return;
    loading.add(pn);
    const mine = gen;
    src.rows<T>({ ...query(), skip: pn * PAGE, limit: PAGE }).then(
      (pg) => {
        if (mine !== gen) return;
        loading.delete(pn);
        if (pages.size >= CACHED_PAGES) {
          // Forget the page farthest from this one.
          let far = -1;
          for (const k of pages.keys()) if (far < 0 || Math.abs(k - pn) > Math.abs(far - pn)) far = k;
          pages.delete(far);
        }
        pages.set(pn, { rows: pg.rows, indexes: pg.indexes });
        if (pendingClick >= 0 && Math.floor(pendingClick / PAGE) === pn) {
          const at = rowAt(pendingClick);
          pendingClick = -1;
          if (at && opts.onRowClick) opts.onRowClick(at.row, at.index);
        }
        if (pg.matched !== matched) {
          matched = pg.matched;
          active = Math.min(active, matched - 1);
          marks();
        }
        schedule();
      },
      () => {
        if (mine === gen) loading.delete(pn);
      },
    );
  }

  /** marks shows the sort on the headers, the row count and the empty note. */
  function marks(): void {
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
    const all = remote ? listTotal : rows.length;
    const n = viewLength();
    countLabel.textContent = n === all ? `${fmt.count(all)} ${all === 1 ? "row" : "rows"}` : `${fmt.count(n)} of ${fmt.count(all)} rows`;
    empty.hidden = n > 0;
  }

  function rebuild(): void {
    // The words the rows drawn from now on are filtered by (tests wait for it: typing applies a moment later).
    el.dataset["filter"] = filter;
    if (remote) {
      // A new query: its pages come from the worker as they are shown.
      gen++;
      pages.clear();
      loading.clear();
      pendingClick = -1;
      if (seed && !sortKey && !filter && !narrow.where && !narrow.overlap) {
        // The whole list in its own order: the page's first rows are drawn at once.
        pages.set(0, seed);
        matched = listTotal;
      } else fetchPage(0);
      marks();
      renderRows();
      return;
    }
    let idx: number[] = [];
    if (filter) {
      if (!haystack) haystack = rows.map((r) => cols.map((c, ci) => show(ci, r) + (isTime[ci] ? "\u0000" + fmt.utc(raw(c, r)) : "")).join("\u0000").toLowerCase());
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
    marks();
    renderRows();
  }

  function showHighlight(): void {
    const n = highlight.size;
    highlightLabel.hidden = clearHighlight.hidden = n === 0;
    highlightLabel.textContent = n === 0 ? "" : `${fmt.plural(n, "row")} highlighted`;
  }

  function unhighlight(): void {
    highlight = new Set();
    showHighlight();
    renderRows();
  }

  function reveal(pred: (row: T) => boolean, scroll = true): number {
    const hits = new Set<number>();
    if (remote) {
      // The rows loaded; revealEvidence asks the worker for the others.
      for (const pg of pages.values()) pg.rows.forEach((r, k) => pred(r) && hits.add(pg.indexes[k]!));
      highlight = hits;
      showHighlight();
      renderRows();
      return hits.size;
    }
    rows.forEach((r, i) => {
      if (pred(r)) hits.add(i);
    });
    if (hits.size === 0) {
      if (highlight.size > 0) unhighlight();
      return 0;
    }
    highlight = hits;
    if (!view.some((i) => hits.has(i))) {
      filterBox.value = "";
      filter = "";
      rebuild();
    }
    showHighlight();
    const p = view.findIndex((i) => hits.has(i));
    for (let d = el.closest("details"); d; d = d.parentElement?.closest("details") ?? null) d.open = true;
    active = p;
    rh = rowHeight(grid);
    body.scrollTop = p * rh;
    renderRows();
    if (scroll) el.scrollIntoView({ block: "start" });
    return hits.size;
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

  /** revealEvidence: see TableHandle. */
  async function revealEvidence(pred: (row: T) => boolean, ev: { frames: readonly number[]; subjects: readonly string[]; span: boolean }, scroll = true): Promise<number> {
    if (!remote || !src) return reveal(pred, scroll);
    if (filter) {
      filterBox.value = "";
      filter = "";
      rebuild();
    }
    const pg = await src.rows<T>({ ...query(), skip: 0, limit: 1, frames: ev.frames, subjects: ev.subjects, span: ev.span });
    const hits = pg.hits ?? [];
    highlight = new Set(pg.hit_indexes ?? []);
    showHighlight();
    if (hits.length === 0) {
      renderRows();
      return 0;
    }
    for (let d = el.closest("details"); d; d = d.parentElement?.closest("details") ?? null) d.open = true;
    active = hits[0]!;
    rh = rowHeight(grid);
    body.scrollTop = active * rh;
    renderRows();
    if (scroll) el.scrollIntoView({ block: "start" });
    return highlight.size;
  }

  function exportCSV(): void {
    if (remote && src) {
      const name = opts.label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "table";
      src.csv(query(), cols.map((c) => ({ key: c.key, path: c.path ?? c.key }))).then(
        (blob) => download(`${name}.csv`, blob, "text/csv"),
        () => undefined,
      );
      return;
    }
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

  // Render once attached (sizes are known then) and whenever the body resizes;
  // fit the columns to a new width.
  let fitWidth = 0;
  const ro = new ResizeObserver(() => {
    if (body.clientWidth !== fitWidth) {
      fitWidth = body.clientWidth;
      applyWidths();
    }
    schedule();
  });
  ro.observe(body);
  rebuild();

  if (hasTime) {
    const onMode = (): void => {
      if (!el.isConnected && el.dataset["attached"]) {
        timeListeners.delete(onMode);
        return;
      }
      if (el.isConnected) el.dataset["attached"] = "1";
      if (timeSelect) timeSelect.value = timeMode;
      headerLabels.forEach((l, i) => (l.textContent = headerTitle(i)));
      haystack = null;
      applyWidths();
      if (filter) rebuild();
      else renderRows();
    };
    timeListeners.add(onMode);
  }

  const handle: TableHandle<T> = {
    el,
    setRows(next) {
      rows = next;
      haystack = null;
      highlight = new Set();
      showHighlight();
      rebuild();
    },
    setFilter(text) {
      filterBox.value = text;
      applyFilter(text);
    },
    visibleRows() {
      if (remote) return [...pages.keys()].sort((a, b) => a - b).flatMap((k) => pages.get(k)!.rows);
      return view.map((i) => rows[i]!);
    },
    reveal,
    highlighted() {
      if (remote) return [...pages.keys()].sort((a, b) => a - b).flatMap((k) => pages.get(k)!.rows.filter((_, j) => highlight.has(pages.get(k)!.indexes[j]!)));
      return view.filter((i) => highlight.has(i)).map((i) => rows[i]!);
    },
    remote,
    setQuery(q) {
      narrow = { ...q };
      body.scrollTop = 0;
      rebuild();
    },
    revealEvidence,
  };
  handles.set(el, handle as TableHandle<unknown>);
  return handle;
}
