// The "Overview" tab: the overview's own findings, the protocol hierarchy
// (tshark -z io,phs) as an indented table with bars, the I/O graph (packets
// and bits per bucket with TCP SYN/RST and DNS errors overlaid; dragging a
// range filters the conversation and endpoint tables to it), and the
// conversations and endpoints tables (IPv4, IPv6, TCP, UDP). It renders the
// overview report and computes nothing; every string from packets is text.
import { h, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, type Column } from "../ui/table";
import { timeSeries } from "../ui/chart";
import * as fmt from "../ui/format";
import { arr, isToolError, obj, type Report, type View } from "./types";

type Row = Record<string, unknown>;

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

function convColumns(kind: string): Column<Row>[] {
  const ported = hasPorts(kind);
  return [
    { key: "a", title: "Address A", width: "minmax(10em, 2fr)" },
    ...(ported ? [{ key: "port_a", title: "Port A", numeric: true, width: "6em", format: (v) => fmt.text(v) } as Column<Row>] : []),
    { key: "b", title: "Address B", width: "minmax(10em, 2fr)" },
    ...(ported ? [{ key: "port_b", title: "Port B", numeric: true, width: "6em", format: (v) => fmt.text(v) } as Column<Row>] : []),
    { key: "frames", title: "Packets", numeric: true, width: "7em", format: (v) => fmt.count(v) },
    { key: "bytes", title: "Bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "frames_ab", title: "Packets A→B", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "bytes_ab", title: "Bytes A→B", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "frames_ba", title: "Packets B→A", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "bytes_ba", title: "Bytes B→A", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "rel_start", title: "Rel. start", numeric: true, width: "9em", format: (v) => fmt.num(v, 6), tooltip: "seconds after the capture's first frame" },
    { key: "duration", title: "Duration", numeric: true, width: "8em", format: (v) => fmt.num(v, 4) },
  ];
}

function epColumns(kind: string): Column<Row>[] {
  return [
    { key: "address", title: "Address", width: "minmax(12em, 2fr)" },
    ...(hasPorts(kind) ? [{ key: "port", title: "Port", numeric: true, width: "6em", format: (v) => fmt.text(v) } as Column<Row>] : []),
    { key: "packets", title: "Packets", numeric: true, width: "7em", format: (v) => fmt.count(v) },
    { key: "bytes", title: "Bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "tx_packets", title: "Tx packets", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "tx_bytes", title: "Tx bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
    { key: "rx_packets", title: "Rx packets", numeric: true, width: "8em", format: (v) => fmt.count(v) },
    { key: "rx_bytes", title: "Rx bytes", numeric: true, width: "8em", format: (v) => fmt.bytes(v) },
  ];
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

function hierarchyBlock(rows: Row[]): HTMLElement {
  if (rows.length === 0) return section("Protocol hierarchy", h("p", { class: "muted" }, "No frames."));
  const head = h(
    "tr",
    null,
    ["Protocol", "Frames", "% frames", "Bytes", "% bytes"].map((t, i) => h("th", { scope: "col", style: i > 0 ? { textAlign: "right" } : undefined }, t)),
  );
  const body = rows.map((r) =>
    h(
      "tr",
      { "data-phs": fmt.text(r["path"]), title: r["comparable"] === true ? "figures as tshark -z io,phs" : "identified by port or not compared with tshark" },
      h("td", { style: { paddingLeft: `${0.4 + 1.2 * n(r["depth"])}em` } }, fmt.text(r["protocol"]), r["comparable"] === true ? null : h("span", { class: "muted" }, " *")),
      h("td", { class: "num", "data-col": "frames", style: { textAlign: "right" } }, fmt.count(r["frames"])),
      h("td", { style: { whiteSpace: "nowrap" } }, bar(n(r["frames_pct"])), fmt.percent(r["frames_pct"], 2, true)),
      h("td", { class: "num", "data-col": "bytes", style: { textAlign: "right" } }, fmt.count(r["bytes"])),
      h("td", { style: { whiteSpace: "nowrap" } }, bar(n(r["bytes_pct"])), fmt.percent(r["bytes_pct"], 2, true)),
    ),
  );
  return section(
    "Protocol hierarchy",
    h("div", { style: { overflowX: "auto" } }, h("table", { class: "ov-phs", "data-key": "protocol-hierarchy" }, h("thead", null, head), h("tbody", null, body))),
    h("p", { class: "muted" }, "As tshark -z io,phs. * identified by port only (TCP applications, unknown payloads): not compared with Wireshark."),
  );
}

function findingsBlock(list: Row[]): HTMLElement | null {
  if (list.length === 0) return null;
  return section(
    `Findings (${list.length})`,
    h(
      "ul",
      { class: "ov-findings" },
      list.map((f) => {
        const frames = arr(f["frames"]).filter((x): x is number => typeof x === "number");
        return h(
          "li",
          { "data-finding": fmt.text(f["id"]) },
          h("strong", null, `${fmt.text(f["severity"])}: ${fmt.text(f["title"])}`),
          " ",
          fmt.text(f["detail"]),
          frames.length > 0 ? h("span", { class: "muted" }, ` (frames ${frames.map((x) => fmt.count(x)).join(", ")})`) : null,
        );
      }),
    ),
  );
}

function render(root: HTMLElement, report: Report): void {
  const v = report["overview"];
  if (isToolError(v)) {
    root.append(note("error", h("strong", null, "overview could not run: "), v.error));
    return;
  }
  const d = obj(v);
  root.append(h("div", { class: "view-head" }, warnings(d["warnings"])));
  const convs = obj(d["conversations"]);
  const eps = obj(d["endpoints"]);
  root.append(
    cards([
      { label: "Packets", value: field("ov-packets", fmt.count(d["packets"])) },
      { label: "Bytes", value: field("ov-bytes", fmt.bytes(d["bytes"])), hint: fmt.bytesExact(d["bytes"]) },
      { label: "Duration", value: field("ov-duration", fmt.duration(d["duration"])) },
      { label: "IPv4 / IPv6 hosts", value: field("ov-hosts", `${fmt.count(arr(eps["ip"]).length)} / ${fmt.count(arr(eps["ipv6"]).length)}`) },
      { label: "TCP / UDP conversations", value: field("ov-conversations", `${fmt.count(arr(convs["tcp"]).length)} / ${fmt.count(arr(convs["udp"]).length)}`) },
    ]),
  );
  const limits = obj(d["limits"]);
  const dropped = Object.entries(obj(limits["dropped"]));
  if (dropped.length > 0) {
    root.append(note("warn", h("strong", null, "Tables full: "), dropped.map(([k, x]) => `${k}: ${fmt.count(x)} updates dropped`).join("; ")));
  }
  const fb = findingsBlock(arr(d["findings"]).map(obj));
  if (fb) root.append(fb);
  root.append(hierarchyBlock(arr(d["protocol_hierarchy"]).map(obj)));

  // Tables, filtered by a time range picked on the I/O graph.
  const convTables = kinds.map(([k, title]) => {
    const rows = arr(convs[k]).map(obj);
    return { k, title, rows, t: createTable<Row>({ label: `${title} conversations`, columns: convColumns(k), rows, maxHeight: 320, sort: { key: "frames", descending: true } }) };
  });
  const epTables = kinds.map(([k, title]) => ({
    k,
    title,
    rows: arr(eps[k]).map(obj),
  }));
  const rangeNote = h("div", { class: "ov-range" });
  const setRange = (from: number | null, to: number | null): void => {
    rangeNote.replaceChildren();
    for (const c of convTables) {
      if (from === null || to === null) {
        c.t.setRows(c.rows);
        continue;
      }
      c.t.setRows(c.rows.filter((r) => n(r["start"]) <= to && n(r["start"]) + n(r["duration"]) >= from));
    }
    if (from !== null && to !== null) {
      rangeNote.append(
        note(
          "info",
          `Conversations active between ${fmt.utc(from)} and ${fmt.utc(to)}. `,
          h("button", { type: "button", class: "btn btn-small", onClick: () => setRange(null, null) }, "Show all"),
        ),
      );
    }
  };

  const g = obj(d["io_graph"]);
  const start = n(g["start"]);
  const step = n(g["interval"]);
  const packets = arr(g["packets"]).map(n);
  if (packets.length > 0 && step > 0) {
    const x = packets.map((_, i) => start + i * step);
    const perSec = (a: unknown[]) => a.map((y) => n(y) / step);
    root.append(
      section(
        "I/O graph",
        h("p", { class: "muted" }, `Buckets of ${fmt.duration(step)}; drag to zoom and filter the conversations, double-click to reset.`),
        h(
          "div",
          { class: "chart-row" },
          timeSeries({
            title: "Packets/s",
            x,
            bars: true,
            series: [{ label: "packets/s", values: perSec(packets), format: (y) => fmt.rate(y) }],
            yLabel: "packets/s",
            onSelect: (from, to) => setRange(from, to),
            onClick: (at) => setRange(at, at + step),
          }),
          timeSeries({
            title: "Bits/s",
            x,
            series: [{ label: "bits/s", values: perSec(arr(g["bits"])), format: (y) => fmt.bitRate(y) }],
            yLabel: "bits/s",
            onSelect: (from, to) => setRange(from, to),
          }),
          timeSeries({
            title: "TCP SYN, TCP RST, DNS errors per bucket",
            x,
            series: [
              { label: "TCP SYN", values: arr(g["tcp_syn"]).map(n), format: (y) => fmt.count(y) },
              { label: "TCP RST", values: arr(g["tcp_rst"]).map(n), format: (y) => fmt.count(y) },
              { label: "DNS errors", values: arr(g["dns_errors"]).map(n), format: (y) => fmt.count(y) },
            ],
            yLabel: "per bucket",
            onSelect: (from, to) => setRange(from, to),
          }),
        ),
      ),
    );
  }

  root.append(
    section(
      "Conversations",
      rangeNote,
      convTables.map((c) => (c.rows.length > 0 ? h("div", { "data-conversations": c.k }, h("h3", null, `${c.title} (${fmt.count(c.rows.length)})`), c.t.el) : null)),
      convTables.every((c) => c.rows.length === 0) ? h("p", { class: "muted" }, "No IP conversations.") : null,
    ),
  );
  root.append(
    section(
      "Endpoints",
      epTables.map((e) =>
        e.rows.length > 0
          ? h(
              "div",
              { "data-endpoints": e.k },
              h("h3", null, `${e.title} (${fmt.count(e.rows.length)})`),
              createTable<Row>({ label: `${e.title} endpoints`, columns: epColumns(e.k), rows: e.rows, maxHeight: 320, sort: { key: "packets", descending: true } }).el,
            )
          : null,
      ),
    ),
  );
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
