// The "Overview" tab: the overview's own findings, the protocol hierarchy
// (tshark -z io,phs) as an indented table with bars, the I/O graph (packets/s
// and bits/s, and a trouble chart: tcp_retransmissions' retransmissions per
// second with the overview's TCP RST and DNS errors per second; clicking
// a moment filters the conversation and endpoint tables to what was active
// then, dragging a range zooms and filters to it), and the
// conversations and endpoints tables (IPv4, IPv6, TCP, UDP). It renders the
// overview report and computes nothing; every string from packets is text.
import { h, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, type Column } from "../ui/table";
import { timeSeries, type TimeSeriesOptions } from "../ui/chart";
import * as fmt from "../ui/format";
import { columns, isToolError, type OverviewConversation, type OverviewEndpoint, type OverviewFinding, type OverviewPHSRow, type Report, type View } from "./types";
import { id } from "./text";

function n(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function field(key: string, text: string): HTMLElement {
  return h("span", { "data-key": key }, text);
}

const kinds = [
  ["ip", "IPv4"],
  ["ipv6", "IPv6"],
  ["tcp", "TCP"],
  ["udp", "UDP"],
] as const;

function hasPorts(kind: string): boolean {
  return kind === "tcp" || kind === "udp";
}

function convColumns(kind: string): Column<OverviewConversation>[] {
  const ported = hasPorts(kind);
  return columns<OverviewConversation>([
    { key: "a", title: "Address A", width: "minmax(10em, 2fr)" },
    ...(ported ? [{ key: "port_a", title: "Port A", numeric: true, width: "6em", format: (v: unknown) => id(v) } as const] : []),
    { key: "b", title: "Address B", width: "minmax(10em, 2fr)" },
    ...(ported ? [{ key: "port_b", title: "Port B", numeric: true, width: "6em", format: (v: unknown) => id(v) } as const] : []),
    { key: "frames", title: "Packets", numeric: true, width: "7em", format: (v) => fmt.count(v) },
    { key: "bytes", title: "Bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "frames_ab", title: "Packets A→B", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "bytes_ab", title: "Bytes A→B", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "frames_ba", title: "Packets B→A", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "bytes_ba", title: "Bytes B→A", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "rel_start", title: "Rel. start", numeric: true, width: "9em", format: (v) => fmt.num(v, 6), tooltip: "seconds after the capture's first frame" },
    { key: "duration", title: "Duration", numeric: true, width: "8em", format: (v) => fmt.num(v, 4) },
  ]);
}

function epColumns(kind: string): Column<OverviewEndpoint>[] {
  return columns<OverviewEndpoint>([
    { key: "address", title: "Address", width: "minmax(12em, 2fr)" },
    ...(hasPorts(kind) ? [{ key: "port", title: "Port", numeric: true, width: "6em", format: (v: unknown) => id(v) } as const] : []),
    { key: "packets", title: "Packets", numeric: true, width: "7em", format: (v) => fmt.count(v) },
    { key: "bytes", title: "Bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "tx_packets", title: "Tx packets", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "tx_bytes", title: "Tx bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "rx_packets", title: "Rx packets", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "rx_bytes", title: "Rx bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
  ]);
}

/** bar is a horizontal share bar (width set through the CSSOM, as the CSP requires). */
function bar(pct: number): HTMLElement {
  const w = Math.max(0, Math.min(100, pct));
  return h(
    "div",
    { class: "ov-bar", style: { background: "var(--grid, #8883)", height: "0.7em", width: "8em", display: "inline-block", verticalAlign: "middle", marginRight: "0.5em" } },
    h("div", { style: { background: "var(--c1, #4c8)", height: "100%", width: `${w}%` } }),
  );
}

function hierarchyBlock(rows: OverviewPHSRow[]): HTMLElement {
  if (rows.length === 0) return section("Protocol hierarchy", h("p", { class: "muted" }, "No frames."));
  const head = h(
    "tr",
    null,
    ["Protocol", "Frames", "% frames", "Bytes", "% bytes"].map((t, i) => h("th", { scope: "col", style: i > 0 ? { textAlign: "right" } : undefined }, t)),
  );
  const body = rows.map((r) =>
    h(
      "tr",
      { "data-phs": fmt.text(r.path), title: r.comparable === true ? "figures as tshark -z io,phs" : "identified by port or not compared with tshark" },
      h("td", { style: { paddingLeft: `${0.4 + 1.2 * n(r.depth)}em` } }, fmt.text(r.protocol), r.comparable === true ? null : h("span", { class: "muted" }, " *")),
      h("td", { class: "num", "data-col": "frames", style: { textAlign: "right" } }, fmt.count(r.frames)),
      h("td", { style: { whiteSpace: "nowrap" } }, bar(n(r.frames_pct)), fmt.percent(r.frames_pct, 2, true)),
      h("td", { class: "num", "data-col": "bytes", style: { textAlign: "right" } }, fmt.count(r.bytes)),
      h("td", { style: { whiteSpace: "nowrap" } }, bar(n(r.bytes_pct)), fmt.percent(r.bytes_pct, 2, true)),
    ),
  );
  return section(
    "Protocol hierarchy",
    h("div", { style: { overflowX: "auto" } }, h("table", { class: "ov-phs", "data-key": "protocol-hierarchy" }, h("thead", null, head), h("tbody", null, body))),
    h("p", { class: "muted" }, "As tshark -z io,phs. * identified by port only (TCP applications, unknown payloads): not compared with Wireshark."),
  );
}

function findingsBlock(list: OverviewFinding[]): HTMLElement | null {
  if (list.length === 0) return null;
  return section(
    `Findings (${list.length})`,
    h(
      "ul",
      { class: "ov-findings" },
      list.map((f) => {
        const frames = f.frames;
        return h(
          "li",
          { "data-finding": fmt.text(f.id) },
          h("strong", null, `${fmt.text(f.severity)}: ${fmt.text(f.title)}`),
          " ",
          fmt.text(f.detail),
          frames.length > 0 ? h("span", { class: "muted" }, ` (frames ${frames.map((x) => id(x)).join(", ")})`) : null,
        );
      }),
    ),
  );
}

function render(root: HTMLElement, report: Report): void {
  const d = report.overview;
  if (isToolError(d) || !d) {
    root.append(note("error", h("strong", null, "overview could not run: "), d?.error ?? "no report"));
    return;
  }
  root.append(h("div", { class: "view-head" }, warnings(d.warnings)));
  const convs = d.conversations;
  const eps = d.endpoints;
  root.append(
    cards([
      { label: "Packets", value: field("ov-packets", fmt.count(d.packets)) },
      { label: "Bytes", value: field("ov-bytes", fmt.bytes(d.bytes)), hint: fmt.bytesExact(d.bytes) },
      { label: "Duration", value: field("ov-duration", fmt.duration(d.duration)) },
      { label: "IPv4 / IPv6 hosts", value: field("ov-hosts", `${fmt.count(eps.ip?.length ?? 0)} / ${fmt.count(eps.ipv6?.length ?? 0)}`) },
      { label: "TCP / UDP conversations", value: field("ov-conversations", `${fmt.count(convs.tcp?.length ?? 0)} / ${fmt.count(convs.udp?.length ?? 0)}`) },
    ]),
  );
  const dropped = Object.entries(d.limits.dropped);
  if (dropped.length > 0) {
    root.append(note("warn", h("strong", null, "Tables full: "), dropped.map(([k, x]) => `${k}: ${fmt.count(x)} updates dropped`).join("; ")));
  }
  const fb = findingsBlock(d.findings);
  if (fb) root.append(fb);
  root.append(hierarchyBlock(d.protocol_hierarchy));

  // Tables, filtered to a moment (a click on an I/O chart) or a range (a drag).
  const firstTime = n(d.first_time);
  const convTables = kinds.map(([k, title]) => {
    const rows = convs[k] ?? [];
    return {
      k,
      title,
      rows,
      count: h("span", { "data-key": `ov-conv-count-${k}` }, fmt.count(rows.length)),
      t: createTable<OverviewConversation>({ label: `${title} conversations`, columns: convColumns(k), rows, maxHeight: 320, sort: { key: "frames", descending: true } }),
    };
  });
  const epTables = kinds.map(([k, title]) => {
    const rows = eps[k] ?? [];
    return {
      k,
      title,
      rows,
      count: h("span", { "data-key": `ov-ep-count-${k}` }, fmt.count(rows.length)),
      t: createTable<OverviewEndpoint>({ label: `${title} endpoints`, columns: epColumns(k), rows, maxHeight: 320, sort: { key: "packets", descending: true } }),
    };
  });
  // The filter shows in two places: under the I/O graph and above the tables.
  const filterBars = [h("div", { class: "ov-range", "aria-live": "polite" }), h("div", { class: "ov-range" })];
  type Filter = { from: number; to: number } | null; // epoch seconds; from === to for a moment
  const setFilter = (f: Filter): void => {
    // Conversations active in [from, to], with the report's relative start and duration.
    const rel = f ? { from: f.from - firstTime, to: f.to - firstTime } : null;
    const active = (r: OverviewConversation) => rel === null || (n(r.rel_start) <= rel.to && n(r.rel_start) + n(r.duration) >= rel.from);
    const keep = new Map<string, Set<string>>();
    for (const c of convTables) {
      const shown = rel === null ? c.rows : c.rows.filter(active);
      c.t.setRows(shown);
      c.count.textContent = rel === null ? fmt.count(c.rows.length) : `${fmt.count(shown.length)} of ${fmt.count(c.rows.length)}`;
      const ported = hasPorts(c.k);
      const ends = new Set<string>();
      for (const r of shown) {
        ends.add(ported ? `${fmt.text(r.a)}|${fmt.text(r.port_a)}` : fmt.text(r.a));
        ends.add(ported ? `${fmt.text(r.b)}|${fmt.text(r.port_b)}` : fmt.text(r.b));
      }
      keep.set(c.k, ends);
    }
    // Endpoints taking part in the shown conversations (their figures stay whole-capture).
    for (const e of epTables) {
      const ends = keep.get(e.k);
      const ported = hasPorts(e.k);
      const shown = rel === null || !ends ? e.rows : e.rows.filter((r) => ends.has(ported ? `${fmt.text(r.address)}|${fmt.text(r.port)}` : fmt.text(r.address)));
      e.t.setRows(shown);
      e.count.textContent = rel === null ? fmt.count(e.rows.length) : `${fmt.count(shown.length)} of ${fmt.count(e.rows.length)}`;
    }
    for (const bar of filterBars) {
      bar.replaceChildren();
      if (!f) continue;
      const when = f.from === f.to ? `${fmt.timeShort(f.from)} UTC` : `${fmt.timeShort(f.from)} – ${fmt.timeShort(f.to)} UTC`;
      bar.append(
        note(
          "info",
          h("strong", { "data-key": "ov-filter", "data-from": String(f.from), "data-to": String(f.to) }, `Filtered to ${when}`),
          ` — conversations active ${f.from === f.to ? "at that moment" : "in that range"} and their endpoints (endpoint figures are for the whole capture). `,
          h("button", { type: "button", class: "btn btn-small", "data-key": "ov-filter-clear", onClick: () => setFilter(null) }, "Clear filter"),
        ),
      );
    }
  };

  /**
   * ioChart wires a chart to the filter: a drag zooms and filters to the range,
   * a click (not the end of a drag) filters to that moment, and a double-click
   * (which also resets the zoom) clears the filter.
   */
  const ioChart = (o: Omit<TimeSeriesOptions, "onSelect" | "onClick">): HTMLElement => {
    let dragged = false;
    const el = timeSeries({
      ...o,
      onSelect: (from, to) => {
        dragged = true;
        setFilter({ from, to });
      },
      onClick: (at) => {
        if (!dragged) setFilter({ from: at, to: at });
      },
    });
    el.addEventListener("mousedown", () => (dragged = false), { capture: true });
    el.addEventListener("dblclick", () => setFilter(null));
    return el;
  };

  const g = d.io_graph;
  const start = n(g.start);
  const step = n(g.interval);
  const packets = g.packets;
  if (packets.length > 0 && step > 0) {
    const x = packets.map((_, i) => start + i * step);
    const perSec = (a: number[]) => a.map((y) => y / step);
    const width = fmt.duration(step);
    root.append(
      section(
        "I/O graph",
        h("p", { class: "muted" }, `Buckets of ${width}. Click a moment to filter the conversations and endpoints to those active then; drag to zoom and filter to a range; double-click to reset.`),
        h(
          "div",
          { class: "chart-row" },
          ioChart({
            title: "Packets/s",
            x,
            bars: true,
            series: [{ label: "packets/s", values: perSec(packets), format: (y) => fmt.rate(y) }],
            yLabel: "packets/s",
          }),
          ioChart({
            title: "Bits/s",
            x,
            series: [{ label: "bits/s", values: perSec(g.bits), format: (y) => fmt.bitRate(y) }],
            yLabel: "bits/s",
          }),
          ioChart(troubleChart(report, x, step, width, [
            { label: "TCP RST/s", values: perSec(g.tcp_rst) },
            { label: "DNS errors/s", values: perSec(g.dns_errors) },
          ])),
        ),
        filterBars[0],
      ),
    );
  }

  root.append(
    section(
      "Conversations",
      filterBars[1],
      convTables.map((c) => (c.rows.length > 0 ? h("div", { "data-conversations": c.k }, h("h3", null, `${c.title} (`, c.count, ")"), c.t.el) : null)),
      convTables.every((c) => c.rows.length === 0) ? h("p", { class: "muted" }, "No IP conversations.") : null,
    ),
  );
  root.append(
    section(
      "Endpoints",
      epTables.map((e) => (e.rows.length > 0 ? h("div", { "data-endpoints": e.k }, h("h3", null, `${e.title} (`, e.count, ")"), e.t.el) : null)),
    ),
  );
}

/**
 * troubleChart lays the overview's per-bucket trouble series (already per
 * second) and tcp_retransmissions.per_second (1 s buckets) on one time axis:
 * the union of both series' bucket starts, each series showing at every x the
 * value of its own bucket that holds x (a lookup, no arithmetic on the
 * figures). Without the tcp_retransmissions report the series is left out.
 */
function troubleChart(report: Report, x: number[], step: number, width: string, overview: { label: string; values: number[] }[]): Omit<TimeSeriesOptions, "onSelect" | "onClick"> {
  const tr = report.tcp_retransmissions;
  const perSecond = tr === undefined || isToolError(tr) ? [] : tr.per_second;
  const retrans = new Map<number, number>();
  for (const p of perSecond) retrans.set(p.epoch, p.retransmissions);
  const perBucket = (y: number) => fmt.num(y, 2);
  if (retrans.size === 0) {
    return {
      title: "TCP and DNS trouble",
      x,
      series: overview.map((s) => ({ label: `${s.label} (${width} buckets)`, values: s.values, format: perBucket })),
      yLabel: "per second",
    };
  }
  const own = new Map<number, number>(x.map((t, i) => [t, i]));
  const xs = [...new Set([...x, ...retrans.keys()])].sort((a, b) => a - b);
  const start = x[0] ?? 0;
  const bucketOf = (t: number): number => {
    const i = own.get(t);
    if (i !== undefined) return i;
    return Math.floor((t - start) / step);
  };
  return {
    title: "TCP and DNS trouble",
    x: xs,
    series: [
      { label: "retransmissions/s (1 s buckets)", values: xs.map((t) => retrans.get(Math.floor(t)) ?? 0), format: perBucket },
      ...overview.map((s) => ({
        label: `${s.label} (${width} buckets)`,
        values: xs.map((t) => {
          const i = bucketOf(t);
          return i >= 0 && i < s.values.length ? (s.values[i] ?? null) : null;
        }),
        format: perBucket,
      })),
    ],
    yLabel: "per second",
  };
}

/** overviewView renders the overview report. */
export const overviewView: View = {
  id: "overview",
  title: "Overview",
  tools: ["overview"],
  render(root, report) {
    try {
      render(root, report);
    } catch (e) {
      root.append(note("error", "The overview could not be shown: ", String(e)));
    }
  },
};
