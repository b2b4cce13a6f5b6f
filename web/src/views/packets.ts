// The Packets tab: the capture as Wireshark's main window shows it. A
// display-filter bar (checked as you type), a virtualised packet list read
// a page at a time from the worker's session, the selected frame's detail
// tree and hex/ASCII bytes (each highlights the other), "Apply as filter",
// Follow TCP/UDP stream and "Export these packets".
import type { AnalysisError, Analyzer, Conversation, Detail, Field, Layer, Row } from "../api";
import { clear, download, h, note, replace } from "../ui/dom";
import * as fmt from "../ui/format";
import { getTimeMode, setTimeMode } from "../ui/table";
import type { View, ViewContext } from "./types";

/** PAGE is how many rows one packets call asks for. */
const PAGE = 200;
/** ROW_H is a list row's height in pixels (matches .pk-row in style.css). */
const ROW_H = 22;
/** MAX_SCROLL caps the list's scroll height (browsers lose precision past ~16 M px). */
const MAX_SCROLL = 8_000_000;
/** MAX_PAGES bounds the pages of rows the list keeps. */
const MAX_PAGES = 64;
const HISTORY_KEY = "pcaplens.filterHistory";
const HISTORY_MAX = 20;

/** examples are filters offered under the bar beside the history. */
export const examples: readonly { filter: string; label: string }[] = [
  { filter: "tcp.analysis.flags", label: "TCP trouble (retransmissions, dup ACKs, zero windows…)" },
  { filter: "tcp.flags.reset == 1", label: "TCP resets" },
  { filter: "dns.flags.rcode != 0", label: "DNS errors" },
  { filter: "icmp.type == 3 || icmp.type == 11", label: "ICMP unreachable and TTL exceeded" },
  { filter: "frame.len > 1000", label: "Frames longer than 1000 bytes" },
];

function history(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, HISTORY_MAX) : [];
  } catch {
    return [];
  }
}

function remember(filter: string): void {
  if (!filter) return;
  const list = [filter, ...history().filter((f) => f !== filter)].slice(0, HISTORY_MAX);
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  } catch {
    /* not remembered */
  }
}

/**
 * rowClass colours a row as Wireshark's default colouring rules do, from its Info
 * column: Bad TCP (analysis flags other than window updates and keep-alives), TCP RST,
 * ICMP errors, SYN/FIN, malformed frames, else by protocol.
 */
export function rowClass(r: Row): string {
  const info = r.info;
  if (/^\[(TCP (Retransmission|Fast Retransmission|Spurious Retransmission|Dup ACK|Out-Of-Order|Previous segment not captured|ACKed unseen segment|ZeroWindow|Window Full|Lost|Port numbers reused)|Malformed)/.test(info)) return "pk-bad";
  if (/\[(RST|RST, ACK)\]/.test(info) && r.protocol === "TCP") return "pk-rst";
  if (/^(ICMP|ICMPv6)$/.test(r.protocol) && /(unreachable|exceeded|Redirect|Source quench|Parameter problem|Packet too big)/i.test(info)) return "pk-icmp-err";
  if (r.protocol === "TCP" && /\[(SYN|FIN|SYN, ACK|FIN, ACK|FIN, PSH, ACK)\]/.test(info)) return "pk-synfin";
  switch (r.protocol) {
    case "TCP":
      return "pk-tcp";
    case "UDP":
    case "DNS":
    case "MDNS":
    case "DHCP":
    case "DHCPv6":
    case "SIP":
    case "RTP":
      return "pk-udp";
    case "ICMP":
    case "ICMPv6":
      return "pk-icmp";
    case "ARP":
      return "pk-arp";
    case "HTTP":
      return "pk-http";
  }
  return "";
}

/** filterValue writes a field's value as a display-filter literal: numbers and addresses bare, else quoted. */
export function filterValue(v: string): string {
  if (/^-?\d+(\.\d+)?$/.test(v) || /^0x[0-9a-f]+$/i.test(v)) return v;
  if (/^(\d{1,3}\.){3}\d{1,3}$/.test(v) || /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(v) || (/^[0-9a-f:]+$/i.test(v) && v.includes("::"))) return v;
  return JSON.stringify(v);
}

function isError(e: unknown, code: string): e is AnalysisError {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** printable maps a byte as tshark's ASCII follow does (newlines kept, others '.'). */
function printable(x: number, keepNewlines: boolean): string {
  if (keepNewlines && (x === 10 || x === 13)) return String.fromCharCode(x);
  return x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : ".";
}

function hex2(x: number): string {
  return x.toString(16).padStart(2, "0");
}

/** followText is the conversation as `pcaplens follow --ascii` (or raw) prints it, as tshark -z follow. */
export function followText(c: Conversation, ascii: boolean): string {
  const bar = "===================================================================";
  const out = [`\n${bar}`, `Follow: ${c.kind},${ascii ? "ascii" : "raw"}`, `Filter: ${c.kind}.stream eq ${c.stream}`, `Node 0: ${c.nodes[0]}`, `Node 1: ${c.nodes[1]}`];
  for (const ch of c.chunks) {
    const tab = ch.node === 1 ? "\t" : "";
    if (ascii) {
      let s = "";
      for (const x of ch.data) s += printable(x, true);
      out.push(`${tab}${ch.data.length}`, s);
    } else {
      let s = "";
      for (const x of ch.data) s += hex2(x);
      out.push(tab + s);
    }
  }
  out.push(bar);
  return out.join("\n") + "\n";
}

/** PacketList is the state of one Packets tab. */
class PacketList {
  private filter = "";
  private total = 0;
  private pages = new Map<number, Row[]>();
  private loading = -1;
  private generation = 0;
  private selected = -1; // index in the filtered list
  private detail: Detail | null = null;
  private field: { layer: Layer; f: Field | null } | null = null;
  private poll = 0;

  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly filterMsg: HTMLElement;
  private readonly status: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly bytesPane: HTMLElement;
  private readonly followBox: HTMLElement;
  private checkSeq = 0;

  constructor(
    private readonly api: Analyzer,
    private readonly fileName: string,
  ) {
    const hist = h("datalist", { id: "pk-filter-list" });
    this.fillHistory(hist);
    this.input = h("input", {
      type: "text",
      class: "pk-filter",
      "data-key": "packets-filter",
      list: "pk-filter-list",
      placeholder: "Apply a display filter … (Wireshark syntax, e.g. tcp.port == 443)",
      spellcheck: "false",
      autocomplete: "off",
      "aria-label": "Display filter",
      onInput: () => void this.check(),
      onKeydown: (e: Event) => {
        if ((e as KeyboardEvent).key === "Enter") {
          e.preventDefault();
          void this.apply(this.input.value);
        }
      },
    });
    this.filterMsg = h("div", { class: "pk-filter-msg", "data-key": "packets-filter-message", role: "status" });
    const exampleSel = h(
      "select",
      {
        class: "pk-examples",
        "aria-label": "Example filters",
        onChange: (e: Event) => {
          const t = e.currentTarget as HTMLSelectElement;
          if (t.value) {
            this.input.value = t.value;
            void this.apply(t.value);
          }
          t.value = "";
        },
      },
      h("option", { value: "" }, "Examples…"),
      examples.map((x) => h("option", { value: x.filter, title: x.label }, `${x.filter} — ${x.label}`)),
    );
    const timeSel = h(
      "select",
      {
        class: "pk-time",
        "aria-label": "Time column",
        onChange: (e: Event) => {
          setTimeMode((e.currentTarget as HTMLSelectElement).value as fmt.TimeMode);
          this.paint();
        },
      },
      fmt.timeModes.map((m) => h("option", { value: m.mode, selected: m.mode === getTimeMode() }, m.label)),
    );
    this.status = h("span", { class: "pk-status", "data-key": "packets-status", role: "status" });
    this.spacer = h("div", { class: "pk-spacer" });
    this.body = h("div", { class: "pk-body" });
    this.scroller = h(
      "div",
      {
        class: "pk-scroll",
        tabIndex: 0,
        role: "grid",
        "aria-label": "Packet list",
        "data-key": "packet-list",
        onScroll: () => this.paint(),
        onKeydown: (e: Event) => this.key(e as KeyboardEvent),
      },
      this.spacer,
      this.body,
    );
    this.scroller.addEventListener("click", (e) => {
      const row = (e.target as Element).closest<HTMLElement>(".pk-row");
      if (row?.dataset["i"]) this.select(Number(row.dataset["i"]), true);
    });
    const head = h(
      "div",
      { class: "pk-row pk-head", role: "row" },
      ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"].map((t, i) => h("span", { class: `pk-c${i}`, role: "columnheader" }, t)),
    );
    this.tree = h("div", { class: "pk-tree", "data-key": "packet-detail", "aria-label": "Packet detail" });
    this.bytesPane = h("div", { class: "pk-bytes", "data-key": "packet-bytes", "aria-label": "Packet bytes" });
    this.followBox = h("div", { class: "pk-follow", hidden: true, "data-key": "follow" });
    this.el = h(
      "div",
      { class: "packets" },
      h(
        "div",
        { class: "pk-bar" },
        this.input,
        hist,
        h("button", { type: "button", class: "btn", "data-key": "packets-apply", onClick: () => void this.apply(this.input.value) }, "Apply"),
        h(
          "button",
          {
            type: "button",
            class: "btn",
            title: "Show every packet",
            onClick: () => {
              this.input.value = "";
              void this.apply("");
            },
          },
          "Clear",
        ),
        exampleSel,
      ),
      this.filterMsg,
      h(
        "div",
        { class: "pk-tools" },
        this.status,
        h("span", { class: "pk-spring" }),
        h("label", null, "Time ", timeSel),
        h("button", { type: "button", class: "btn btn-small", "data-key": "packets-export", title: "Download the packets this filter selects as a pcapng file", onClick: () => void this.exportPackets() }, "Export these packets"),
      ),
      h("div", { class: "pk-list" }, head, this.scroller),
      h("div", { class: "pk-lower" }, this.tree, this.bytesPane),
      this.followBox,
    );
    new ResizeObserver(() => this.paint()).observe(this.scroller);
  }

  private fillHistory(list: HTMLElement): void {
    replace(
      list,
      history().map((f) => h("option", { value: f })),
      examples.map((x) => h("option", { value: x.filter }, x.label)),
    );
  }

  /** check compiles the filter as it is typed: green when it compiles, red with the error. */
  private async check(): Promise<boolean> {
    const expr = this.input.value;
    const seq = ++this.checkSeq;
    if (expr.trim() === "") {
      this.input.classList.remove("ok", "bad");
      this.filterMsg.textContent = "";
      return true;
    }
    let r;
    try {
      r = await this.api.checkFilter(expr);
    } catch (e) {
      r = { ok: false as const, message: message(e), pos: -1, len: 0 };
    }
    if (seq !== this.checkSeq) return r.ok;
    this.input.classList.toggle("ok", r.ok);
    this.input.classList.toggle("bad", !r.ok);
    if (r.ok) this.filterMsg.textContent = "";
    else this.showFilterError(expr, r.message, r.pos);
    return r.ok;
  }

  private showFilterError(expr: string, msg: string, pos: number): void {
    const text = msg.replace(/^(packets|filter): /, "");
    replace(
      this.filterMsg,
      h("span", { class: "pk-err" }, text),
      pos >= 0 ? h("code", { class: "pk-err-at" }, expr.slice(0, pos), h("mark", null, expr.slice(pos, pos + 1) || " "), expr.slice(pos + 1)) : null,
    );
  }

  /** apply lists the packets filter selects (from the top). */
  async apply(expr: string): Promise<void> {
    this.input.value = expr;
    if (!(await this.check())) return;
    this.filter = expr.trim();
    remember(this.filter);
    this.fillHistory(this.el.querySelector("datalist")!);
    this.generation++;
    this.loading = -1;
    this.pages.clear();
    this.total = 0;
    this.selected = -1;
    this.detail = null;
    clear(this.tree);
    clear(this.bytesPane);
    this.scroller.scrollTop = 0;
    // The status speaks for this filter from now on: not done until its pass ends.
    this.status.textContent = "Filtering…";
    this.status.dataset["done"] = "false";
    this.status.dataset["filter"] = this.filter;
    delete this.status.dataset["matched"];
    await this.load(0);
  }

  /** load fetches the page of rows holding index i. */
  private async load(page: number): Promise<void> {
    if (this.loading === page) return;
    this.loading = page;
    const gen = this.generation;
    try {
      const p = await this.api.packets(this.filter, page * PAGE, PAGE);
      if (gen !== this.generation) return;
      if (this.pages.size >= MAX_PAGES) this.pages.clear();
      this.pages.set(page, p.rows);
      this.setCount(p.matched, p.done, p.scanned);
    } catch (e) {
      if (gen !== this.generation || isError(e, "aborted")) return;
      if (isError(e, "bad_filter")) {
        this.input.classList.add("bad");
        this.showFilterError(this.filter, (e as AnalysisError).message, (e as AnalysisError).pos);
        this.status.textContent = "";
        return;
      }
      replace(this.status, isError(e, "unavailable") ? "The packets of a capture opened from a URL cannot be read back here: open the file itself." : `Cannot list the packets: ${message(e)}`);
      return;
    } finally {
      if (gen === this.generation && this.loading === page) this.loading = -1;
    }
    this.paint();
  }

  private setCount(matched: number, done: boolean, scanned: number): void {
    this.total = matched;
    this.status.textContent = done
      ? this.filter
        ? `${fmt.count(matched)} of ${fmt.plural(scanned, "packet")} match`
        : fmt.plural(matched, "packet")
      : `${fmt.count(matched)} ${this.filter ? "matching" : ""} so far · ${fmt.count(scanned)} read…`.replace("  ", " ");
    this.status.dataset["done"] = String(done);
    this.status.dataset["matched"] = String(matched);
    if (!done) this.watch();
  }

  /** watch follows the filter pass until it ends, growing the list (every
   * 100 ms: the end of a pass shows that late at most; a poll is one small
   * message to the worker). */
  private watch(): void {
    if (this.poll) return;
    const gen = this.generation;
    this.poll = window.setTimeout(async () => {
      this.poll = 0;
      if (gen !== this.generation || !this.el.isConnected) return;
      try {
        const p = await this.api.filterProgress();
        if (gen !== this.generation) return;
        this.setCount(p.matched, p.done, p.scanned);
        this.paint();
      } catch {
        /* the next call says */
      }
    }, 100);
  }

  private row(i: number): Row | undefined {
    return this.pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  }

  /** firstVisible maps the scroll position to a row index (scaled past MAX_SCROLL). */
  private geometry(): { first: number; count: number; offset: number } {
    const view = this.scroller.clientHeight;
    const full = this.total * ROW_H;
    const height = Math.min(full, MAX_SCROLL);
    this.spacer.style.height = `${height}px`;
    const count = Math.ceil(view / ROW_H) + 1;
    if (full <= MAX_SCROLL) {
      const first = Math.floor(this.scroller.scrollTop / ROW_H);
      return { first, count, offset: first * ROW_H };
    }
    const frac = this.scroller.scrollTop / Math.max(1, height - view);
    const first = Math.floor(frac * Math.max(0, this.total - count + 1));
    return { first, count, offset: this.scroller.scrollTop };
  }

  /** paint draws the visible rows, asking for the pages they need. */
  paint(): void {
    const { first, count, offset } = this.geometry();
    const mode = getTimeMode();
    const rows: HTMLElement[] = [];
    const last = Math.min(this.total, first + count);
    for (let i = first; i < last; i++) {
      const r = this.row(i);
      if (!r) {
        void this.load(Math.floor(i / PAGE));
        rows.push(h("div", { class: "pk-row pk-loading", role: "row", "data-i": i }, h("span", { class: "pk-c0" }, "…")));
        continue;
      }
      const prev = i > 0 ? this.row(i - 1) : undefined;
      rows.push(
        h(
          "div",
          { class: ["pk-row", rowClass(r), i === this.selected && "pk-sel"], role: "row", "data-i": i, "data-no": r.no, "aria-selected": String(i === this.selected) },
          h("span", { class: "pk-c0" }, String(r.no)),
          h("span", { class: "pk-c1" }, this.time(r, prev, mode, i)),
          h("span", { class: "pk-c2", title: r.source }, r.source),
          h("span", { class: "pk-c3", title: r.destination }, r.destination),
          h("span", { class: "pk-c4" }, r.protocol),
          h("span", { class: "pk-c5" }, String(r.length)),
          h("span", { class: "pk-c6", title: r.info }, r.info),
        ),
      );
    }
    this.body.style.transform = `translateY(${offset}px)`;
    replace(this.body, rows);
    // Read ahead when nothing is loading: the page a screenful past the view
    // (below, else above), so a steady scroll finds its rows ready instead
    // of showing "…" for a round trip at each page boundary.
    if (this.loading < 0 && last > first) {
      for (const j of [last + count, first - count]) {
        if (j >= 0 && j < this.total && !this.row(j)) {
          void this.load(Math.floor(j / PAGE));
          break;
        }
      }
    }
  }

  private time(r: Row, prev: Row | undefined, mode: fmt.TimeMode, i: number): string {
    if (mode === "relative" || !r.time_ns) return r.time;
    const secs = r.time_ns / 1e9;
    if (mode === "delta") {
      if (i === 0) return fmt.offset(0);
      if (!prev) return "…";
      return fmt.timeAs("delta", secs, null, prev.time_ns / 1e9);
    }
    return fmt.timeAs("absolute", secs, null);
  }

  private key(e: KeyboardEvent): void {
    const step = e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : e.key === "PageDown" ? 20 : e.key === "PageUp" ? -20 : 0;
    if (step !== 0 && this.total > 0) {
      e.preventDefault();
      this.select(Math.max(0, Math.min(this.total - 1, (this.selected < 0 ? -1 : this.selected) + step)), false);
    } else if (e.key === "Enter" && this.selected >= 0) {
      e.preventDefault();
      void this.openDetail();
      this.tree.querySelector<HTMLElement>(".pk-field")?.focus();
    }
  }

  /** select marks row i; a click (or Enter) opens its detail, keys only move. */
  private select(i: number, open: boolean): void {
    this.selected = i;
    // Keep it in view.
    const { first, count } = this.geometry();
    if (i < first || i >= first + count - 1) {
      const full = this.total * ROW_H;
      this.scroller.scrollTop = full <= MAX_SCROLL ? i * ROW_H - this.scroller.clientHeight / 2 : (i / this.total) * (MAX_SCROLL - this.scroller.clientHeight);
    }
    this.paint();
    if (open) void this.openDetail();
  }

  private async openDetail(): Promise<void> {
    const r = this.row(this.selected);
    if (!r) return;
    try {
      const d = await this.api.frame(r.no);
      if (this.row(this.selected)?.no !== r.no) return;
      this.detail = d;
      this.field = null;
      this.drawDetail();
    } catch (e) {
      if (!isError(e, "aborted")) replace(this.tree, note("error", `Cannot read frame ${r.no}: ${message(e)}`));
    }
  }

  private drawDetail(): void {
    const d = this.detail;
    if (!d) return;
    const stream = (kind: "tcp" | "udp") => {
      for (const l of d.layers) for (const f of l.fields) if (f.name === `${kind}.stream`) return Number(f.value);
      return -1;
    };
    const tcp = stream("tcp");
    const udp = stream("udp");
    replace(
      this.tree,
      h(
        "div",
        { class: "pk-tree-tools" },
        h("strong", null, `Frame ${d.row.no}`),
        ` ${d.row.length} bytes on wire, ${d.bytes.length} captured`,
        tcp >= 0 ? h("button", { type: "button", class: "btn btn-small", "data-key": "follow-tcp", onClick: () => void this.follow("tcp", tcp) }, "Follow TCP stream") : null,
        udp >= 0 ? h("button", { type: "button", class: "btn btn-small", "data-key": "follow-udp", onClick: () => void this.follow("udp", udp) }, "Follow UDP stream") : null,
      ),
      d.layers.map((l) =>
        h(
          "details",
          { class: "pk-layer", open: true },
          h("summary", { class: "pk-field", tabIndex: 0, onClick: () => this.pick(l, null) }, `${l.name}`, l.len > 0 ? h("span", { class: "pk-range" }, ` [${l.off}–${l.off + l.len}${l.in_datagram ? " of the reassembled datagram" : ""}]`) : null),
          h(
            "ul",
            null,
            l.fields.map((f) =>
              h(
                "li",
                null,
                h(
                  "button",
                  {
                    type: "button",
                    class: ["pk-field", this.field?.f === f && "pk-on"],
                    "data-field": f.name,
                    onClick: () => this.pick(l, f),
                    onKeydown: (e: Event) => {
                      const k = (e as KeyboardEvent).key;
                      if (k === "ArrowDown" || k === "ArrowUp") {
                        e.preventDefault();
                        const all = Array.from(this.tree.querySelectorAll<HTMLElement>("button.pk-field"));
                        const j = all.indexOf(e.currentTarget as HTMLElement) + (k === "ArrowDown" ? 1 : -1);
                        all[j]?.click();
                        all[j]?.focus();
                      }
                    },
                  },
                  h("span", { class: "pk-fname" }, f.name),
                  " = ",
                  h("span", { class: "pk-fval" }, f.value),
                ),
                this.field?.f === f
                  ? h(
                      "button",
                      { type: "button", class: "btn btn-small pk-apply", "data-key": "apply-as-filter", title: "Filter on this value", onClick: () => void this.apply(`${f.name} == ${filterValue(f.value)}`) },
                      "Apply as filter",
                    )
                  : null,
              ),
            ),
          ),
        ),
      ),
    );
    this.drawBytes();
  }

  private pick(layer: Layer, f: Field | null): void {
    this.field = { layer, f };
    const focused = document.activeElement?.getAttribute("data-field");
    this.drawDetail();
    if (focused) this.tree.querySelector<HTMLElement>(`[data-field="${CSS.escape(focused)}"]`)?.focus();
  }

  /** range is the highlighted byte range and which buffer it is in. */
  private range(): { off: number; len: number; datagram: boolean } | null {
    const s = this.field;
    if (!s) return null;
    if (s.f && s.f.len > 0) return { off: s.f.off, len: s.f.len, datagram: !!s.layer.in_datagram };
    if (!s.f && s.layer.len > 0) return { off: s.layer.off, len: s.layer.len, datagram: !!s.layer.in_datagram };
    return null;
  }

  private drawBytes(): void {
    const d = this.detail;
    if (!d) return;
    const r = this.range();
    const dump = (bytes: Uint8Array, datagram: boolean) => {
      const on = (i: number) => r !== null && r.datagram === datagram && i >= r.off && i < r.off + r.len;
      const lines: HTMLElement[] = [];
      const max = Math.min(bytes.length, 65536);
      for (let o = 0; o < max; o += 16) {
        const hexs: HTMLElement[] = [];
        const chars: HTMLElement[] = [];
        for (let i = o; i < Math.min(o + 16, max); i++) {
          const cls = on(i) ? "pk-b pk-on" : "pk-b";
          hexs.push(h("span", { class: cls, "data-b": i }, hex2(bytes[i]!)));
          chars.push(h("span", { class: cls, "data-b": i }, printable(bytes[i]!, false)));
        }
        lines.push(h("div", { class: "pk-hexline" }, h("span", { class: "pk-off" }, o.toString(16).padStart(4, "0")), h("span", { class: "pk-hex" }, hexs), h("span", { class: "pk-ascii" }, chars)));
      }
      return h(
        "div",
        {
          class: "pk-dump",
          "data-datagram": String(datagram),
          onClick: (e: Event) => {
            const b = (e.target as Element).closest<HTMLElement>("[data-b]");
            if (b) this.pickByte(Number(b.dataset["b"]), datagram);
          },
        },
        lines,
      );
    };
    replace(this.bytesPane, dump(d.bytes, false), d.datagram && d.datagram.length > 0 ? [h("div", { class: "pk-dg-title" }, `Reassembled datagram (${fmt.count(d.datagram.length)} bytes)`), dump(d.datagram, true)] : null);
    // Bring the highlighted bytes into the pane's view (not the page's: scrollIntoView would move the page).
    const on = this.bytesPane.querySelector<HTMLElement>(".pk-on");
    if (on) {
      const top = on.getBoundingClientRect().top - this.bytesPane.getBoundingClientRect().top + this.bytesPane.scrollTop;
      if (top < this.bytesPane.scrollTop || top > this.bytesPane.scrollTop + this.bytesPane.clientHeight - 20) this.bytesPane.scrollTop = Math.max(0, top - 40);
    }
  }

  /** pickByte selects the narrowest field holding byte i (else its layer). */
  private pickByte(i: number, datagram: boolean): void {
    const d = this.detail;
    if (!d) return;
    let best: { layer: Layer; f: Field | null; len: number } | null = null;
    for (const l of d.layers) {
      if (!!l.in_datagram !== datagram || l.name === "frame") continue;
      if (l.len > 0 && i >= l.off && i < l.off + l.len && (!best || l.len <= best.len)) best = { layer: l, f: null, len: l.len };
      for (const f of l.fields) if (f.len > 0 && i >= f.off && i < f.off + f.len && (!best || f.len <= best.len)) best = { layer: l, f, len: f.len };
    }
    if (best) this.pick(best.layer, best.f);
  }

  /** follow shows a TCP or UDP conversation (Follow Stream) below the list. */
  async follow(kind: "tcp" | "udp", stream: number): Promise<void> {
    const box = this.followBox;
    box.hidden = false;
    replace(box, h("p", { class: "muted" }, `Following ${kind.toUpperCase()} stream ${stream}…`));
    box.scrollIntoView({ block: "nearest" });
    let c: Conversation;
    try {
      c = await this.api.follow(kind, stream);
    } catch (e) {
      replace(box, note("error", `Cannot follow ${kind.toUpperCase()} stream ${stream}: ${message(e)}`));
      return;
    }
    let ascii = true;
    const pre = h("pre", { class: "pk-conv", "data-key": "follow-text" });
    if (c.chunks.length === 0) {
      replace(box, note("info", `${kind.toUpperCase()} stream ${stream} (${c.nodes[0]} ↔ ${c.nodes[1]}) carried no payload.`));
      return;
    }
    const draw = () => {
      replace(
        pre,
        c.chunks.map((ch) => {
          let s = "";
          if (ascii) for (const x of ch.data) s += printable(x, true);
          else for (let i = 0; i < ch.data.length; i += 16) s += Array.from(ch.data.subarray(i, i + 16), hex2).join(" ") + "\n";
          return h("span", { class: `pk-node${ch.node}`, "data-frame": ch.frame, title: `frame ${ch.frame}` }, s);
        }),
      );
    };
    draw();
    const base = this.fileName.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, "") || "capture";
    replace(
      box,
      h(
        "div",
        { class: "pk-follow-head" },
        h("strong", null, `Follow ${kind.toUpperCase()} stream ${stream}`),
        h("span", { class: "pk-node0" }, `${c.nodes[0]} sent ${fmt.bytes(c.bytes[0])}`),
        h("span", { class: "pk-node1" }, `${c.nodes[1]} sent ${fmt.bytes(c.bytes[1])}`),
        c.capped ? h("span", { class: "muted" }, "(cut at the size limit)") : null,
        h("span", { class: "pk-spring" }),
        h(
          "label",
          null,
          h("input", {
            type: "checkbox",
            "data-key": "follow-hex",
            onChange: (e: Event) => {
              ascii = !(e.currentTarget as HTMLInputElement).checked;
              draw();
            },
          }),
          " Hex",
        ),
        h("button", { type: "button", class: "btn btn-small", onClick: () => void this.apply(`${kind}.stream eq ${stream}`) }, "Filter on this stream"),
        h("button", { type: "button", class: "btn btn-small", "data-key": "follow-save", onClick: () => download(`${base}-${kind}-stream-${stream}.txt`, followText(c, ascii), "text/plain") }, "Save as text"),
        h("button", { type: "button", class: "btn btn-small", onClick: () => (box.hidden = true) }, "Close"),
      ),
      pre,
    );
  }

  private async exportPackets(): Promise<void> {
    const was = this.status.textContent;
    this.status.textContent = "Exporting…";
    try {
      const b = await this.api.exportPackets(this.filter);
      const base = this.fileName.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, "") || "capture";
      download(`${base}-filtered.pcapng`, b as BlobPart, "application/octet-stream");
      this.status.textContent = was;
    } catch (e) {
      this.status.textContent = `Export failed: ${message(e)}`;
    }
  }
}

export const packetsView: View = {
  id: "packets",
  title: "Packets",
  tools: [],
  render(root: HTMLElement, _report, ctx?: ViewContext) {
    if (!ctx?.packets) {
      root.append(note("info", "The packet list is read from the capture file; it is not available here."));
      return;
    }
    const list = new PacketList(ctx.packets, ctx.fileName);
    root.append(list.el);
    root.addEventListener("pcaplens:apply-filter", (e: Event) => void list.apply((e as CustomEvent<string>).detail ?? ""));
    root.addEventListener("pcaplens:follow", (e: Event) => {
      const d = (e as CustomEvent<{ kind: "tcp" | "udp"; stream: number }>).detail;
      if (d) void list.follow(d.kind, d.stream);
    });
    void list.apply("");
  },
};
