// The "Overview" tab: the overview's own findings, the protocol hierarchy
// (tshark -z io,phs) as an indented table with bars, the I/O graph (packets/s
// and bits/s, and a trouble chart: tcp_retransmissions' retransmissions with
// the overview's TCP RST and DNS errors, all on one bucket grid, with an
// interval selector; clicking
// a moment filters the conversation and endpoint tables to what was active
// then, dragging a range zooms and filters to it), and the
// conversations and endpoints tables (IPv4, IPv6, TCP, UDP). It renders the
// overview report and computes nothing; every string from packets is text.
import { h, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, type Column } from "../ui/table";
import { intervalCharts } from "../ui/chart";
import * as fmt from "../ui/format";
import { columns, isToolError, type OverviewConversation, type OverviewEndpoint, type OverviewPHSRow, type Report, type View, type ViewContext, listLength } from "./types";
import { id } from "./text";
import { findingsSection, rowActions } from "./findinglist";
import { conversationFilter, endpointFilter } from "./filters";
import { field, n } from "./parts";

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

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const d = report.overview;
  if (isToolError(d) || !d) {
    root.append(note("error", h("strong", null, "overview could not run: "), d?.error ?? "no report"));
    return;
  }
  root.append(h("div", { class: "view-head" }, warnings(d.warnings)));
  const convs = d.conversations;
  const eps = d.endpoints;
  // A table's rows, "20,000+" when its cap left some out.
  const listed = (table: string, rows: readonly unknown[] | undefined) => fmt.count(listLength(ctx, `overview.${table}`, rows)) + (d.caps?.some((c) => c.what === table) ? "+" : "");
  root.append(
    cards([
      { label: "Packets", value: field("ov-packets", fmt.count(d.packets)) },
      { label: "Bytes", value: field("ov-bytes", fmt.bytes(d.bytes)), hint: fmt.bytesExact(d.bytes) },
      { label: "Duration", value: field("ov-duration", fmt.duration(d.duration)) },
      { label: "IPv4 / IPv6 hosts", value: field("ov-hosts", `${listed("endpoints.ip", eps.ip)} / ${listed("endpoints.ipv6", eps.ipv6)}`) },
      // Every TCP conversation is counted (tcp_conversations), those past the table's cap too.
      { label: "TCP / UDP conversations", value: field("ov-conversations", `${fmt.count(d.tcp_conversations)} / ${listed("conversations.udp", convs.udp)}`) },
    ]),
  );
  if (d.findings.length > 0) root.append(findingsSection(d.findings));
  root.append(hierarchyBlock(d.protocol_hierarchy));

  // Tables, filtered to a moment (a click on an I/O chart) or a range (a drag).
  const firstTime = n(d.first_time);
  const convTables = kinds.map(([k, title]) => {
    const rows = convs[k] ?? [];
    const total = listLength(ctx, `overview.conversations.${k}`, rows);
    return {
      k,
      title,
      rows,
      total,
      count: h("span", { "data-key": `ov-conv-count-${k}` }, fmt.count(total)),
      t: createTable<OverviewConversation>({ label: `${title} conversations`, columns: convColumns(k), rows, list: `overview.conversations.${k}`, maxHeight: 320, sort: { key: "frames", descending: true }, rowActions: rowActions((r: OverviewConversation) => conversationFilter(k, r), "conversation") }),
    };
  });
  const epTables = kinds.map(([k, title]) => {
    const rows = eps[k] ?? [];
    const total = listLength(ctx, `overview.endpoints.${k}`, rows);
    return {
      k,
      title,
      rows,
      total,
      count: h("span", { "data-key": `ov-ep-count-${k}` }, fmt.count(total)),
      t: createTable<OverviewEndpoint>({ label: `${title} endpoints`, columns: epColumns(k), rows, list: `overview.endpoints.${k}`, maxHeight: 320, sort: { key: "packets", descending: true }, rowActions: rowActions((r: OverviewEndpoint) => endpointFilter(k, r), "endpoint") }),
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
      if (c.t.remote) {
        // The worker filters the whole list; the endpoints of a list it holds stay whole.
        const overlap = rel === null ? undefined : { from: "rel_start", length: "duration", lo: rel.from, hi: rel.to };
        c.t.setQuery({ overlap });
        c.count.textContent = fmt.count(c.total);
        if (overlap && ctx?.packets) {
          ctx.packets.rows({ path: `overview.conversations.${c.k}`, overlap, limit: 1 }).then(
            (p) => (c.count.textContent = `${fmt.count(p.matched)} of ${fmt.count(c.total)}`),
            () => undefined,
          );
        }
        continue;
      }
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
      if (e.t.remote) continue;
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

  // The I/O graph: every series on the overview's one bucket grid (the TCP
  // retransmissions on the same grid, from tcp_retransmissions), summed into
  // the interval chosen above the charts. A drag zooms and filters to the
  // range, a click (not the end of a drag) filters to that moment, and a
  // double-click (which also resets the zoom) clears the filter.
  const g = d.io_graph;
  if (g.buckets > 0 && g.interval > 0) {
    const tr = report.tcp_retransmissions;
    const rg = tr === undefined || isToolError(tr) ? null : tr.io_graph;
    const retrans = rg && rg.start_ns === g.start_ns && rg.interval_ns === g.interval_ns && rg.buckets === g.buckets ? rg.retransmissions : null;
    let dragged = false;
    const charts = intervalCharts({
      start: g.start,
      finest: g.interval,
      charts: [
        { title: "Packets/s", bars: true, yLabel: "packets/s", series: [{ label: "packets/s", counts: g.packets, format: (y) => fmt.rate(y) }] },
        { title: "Bits/s", yLabel: "bits/s", series: [{ label: "bits/s", counts: g.bits, format: (y) => fmt.bitRate(y) }] },
        {
          title: "TCP and DNS trouble",
          yLabel: "per second",
          series: [
            ...(retrans ? [{ label: "retransmissions/s", counts: retrans }] : []),
            { label: "TCP RST/s", counts: g.tcp_rst },
            { label: "DNS errors/s", counts: g.dns_errors },
          ],
        },
      ],
      onSelect: (from, to) => {
        dragged = true;
        setFilter({ from, to });
      },
      onClick: (at) => {
        if (!dragged) setFilter({ from: at, to: at });
      },
    });
    charts.addEventListener("mousedown", () => (dragged = false), { capture: true });
    charts.addEventListener("dblclick", () => setFilter(null));
    root.append(
      section(
        "I/O graph",
        h("p", { class: "muted" }, "Click a moment to filter the conversations and endpoints to those active then; drag to zoom and filter to a range; double-click to reset."),
        charts,
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


/** overviewView renders the overview report. */
export const overviewView: View = {
  id: "overview",
  title: "Overview",
  tools: ["overview"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The overview could not be shown: ", String(e)));
    }
  },
};
