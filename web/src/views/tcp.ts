// The "TCP" tab: connections, Wireshark's TCP analysis flags, anomaly
// patterns, retransmissions over time and the traffic-flow comparison.
// It renders the four TCP reports and computes nothing.
import { h, keyValue, note, section, svg, warnings, replace, type Child } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, table, type Column } from "../ui/table";
import { intervalCharts } from "../ui/chart";
import * as fmt from "../ui/format";
import {
  columns,
  isToolError,
  type Report,
  type TCPConnRow,
  type TCPFlowDirection,
  type TCPFlowReport,
  type TCPRetransConn,
  type TCPServerFlow,
  type Spread,
  type TCPTrace,
  type View,
  type ViewContext,
  listLength,
} from "./types";
import { id, plural, words } from "./text";
import { findingsSection, rowActions } from "./findinglist";
import { tcpConnFilter, tcpStreamFilter } from "./filters";
import { field, n } from "./parts";

/** flagTitles are Wireshark's names of the tcp.analysis.* flags. */
const flagTitles: Record<string, string> = {
  retransmission: "Retransmission (any kind)",
  fast_retransmission: "Fast retransmission",
  spurious_retransmission: "Spurious retransmission",
  out_of_order: "Out-of-order",
  duplicate_ack: "Duplicate ACK",
  lost_segment: "Previous segment not captured",
  ack_lost_segment: "ACKed unseen segment",
  zero_window: "Zero window",
  zero_window_probe: "Zero window probe",
  zero_window_probe_ack: "Zero window probe ACK",
  window_full: "Window full",
  window_update: "Window update",
  keep_alive: "Keep-alive",
  keep_alive_ack: "Keep-alive ACK",
  reused_ports: "Port numbers reused",
};

function errorNote(tool: string, v: unknown): HTMLElement | null {
  return isToolError(v) ? note("error", h("strong", null, `${tool} could not run: `), v.error) : null;
}

/** flagsText lists a row's non-zero flags in Wireshark's words: "Retransmission (any kind) 3, Duplicate ACK 2". */
function flagsText(v: Record<string, number> | undefined): string {
  return Object.entries(v ?? {})
    .filter(([, c]) => n(c) > 0)
    .map(([k, c]) => `${flagTitles[k] ?? words(k)} ${fmt.count(c)}`)
    .join(", ");
}

function rtt(v: unknown): string {
  return typeof v === "number" ? `${(v * 1000).toFixed(3)} ms` : "—";
}

const connColumns: Column<TCPConnRow>[] = columns<TCPConnRow>([
  { key: "stream", title: "Stream", numeric: true, width: "6em", tooltip: "tshark's tcp.stream", format: (v) => id(v) },
  { key: "client", title: "Client", width: "minmax(12em, 2fr)" },
  { key: "server", title: "Server", width: "minmax(12em, 2fr)" },
  { key: "state", title: "State", width: "8em", format: (v) => words(v) },
  { key: "conn_state", title: "Zeek state", width: "7em", tooltip: "Zeek conn_state (S0, SF, REJ, RSTO, …)" },
  { key: "history", title: "History", width: "7em", tooltip: "Zeek history: upper case is the client" },
  { key: "packet_count", title: "Packets", numeric: true, width: "7em" },
  {
    key: "bytes",
    title: "Bytes",
    numeric: true,
    width: "8em",
    value: (r) => r.client_to_server.ip_bytes + r.server_to_client.ip_bytes,
    path: "client_to_server.ip_bytes+server_to_client.ip_bytes",
    format: (v) => fmt.bytes(v),
  },
  { key: "retransmissions", title: "Retrans.", numeric: true, width: "7em" },
  { key: "initial_rtt_seconds", title: "Initial RTT", numeric: true, width: "8em", format: (v) => rtt(v) },
  { key: "duration_seconds", title: "Duration", numeric: true, width: "8em", format: (v) => fmt.duration(v) },
  { key: "flags", title: "Analysis flags", width: "minmax(14em, 3fr)", value: (r) => flagsText(r.analysis_flags), path: "analysis_flags" },
]);

/** Bits of the trace's analysis column (FlagNames order in analysis/tcp). */
const bit = { retransmission: 1 << 0, out_of_order: 1 << 3, duplicate_ack: 1 << 4, zero_window: 1 << 7 };

/**
 * seqGraph draws a Stevens-style time/sequence graph from a connection's trace:
 * the data segments of the side that sent more payload as vertical bars
 * (retransmissions and out-of-order segments highlighted), the other side's
 * acknowledgement numbers as a line, duplicate ACKs and zero windows as marks.
 */
function seqGraph(t: TCPTrace | undefined): HTMLElement | null {
  if (!t) return null;
  const { t: T, dir, seq, ack, len, tcp_flags: fl, analysis: an } = t;
  const count = T.length;
  if (count === 0) return null;
  const payload = [0, 0];
  for (let i = 0; i < count; i++) payload[dir[i] === 1 ? 1 : 0]! += len[i]!;
  const sender = payload[1]! > payload[0]! ? 1 : 0;
  let maxT = 0, maxY = 1;
  for (let i = 0; i < count; i++) {
    maxT = Math.max(maxT, T[i]!);
    if (dir[i] === sender) maxY = Math.max(maxY, seq[i]! + len[i]!);
    else if (fl[i]!.includes("A")) maxY = Math.max(maxY, ack[i]!);
  }
  if (maxT === 0) maxT = 1;
  const W = 760, H = 280, L = 70, R = 10, TOP = 10, B = 30;
  const x = (v: number) => L + (v / maxT) * (W - L - R);
  const y = (v: number) => H - B - (v / maxY) * (H - TOP - B);
  const parts: SVGElement[] = [
    svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis", stroke: "currentColor", "stroke-opacity": 0.4 }),
    svg("line", { x1: L, y1: TOP, x2: L, y2: H - B, class: "axis", stroke: "currentColor", "stroke-opacity": 0.4 }),
    svg("text", { x: L, y: H - 8, "font-size": 11, fill: "currentColor" }, "0 s"),
    svg("text", { x: W - R, y: H - 8, "font-size": 11, fill: "currentColor", "text-anchor": "end" }, maxT < 1 ? `${(maxT * 1000).toPrecision(3)} ms` : `${maxT.toPrecision(4)} s`),
    svg("text", { x: L - 4, y: TOP + 10, "font-size": 11, fill: "currentColor", "text-anchor": "end" }, id(maxY)),
    svg("text", { x: L - 4, y: H - B, "font-size": 11, fill: "currentColor", "text-anchor": "end" }, "0"),
  ];
  const ackPts: string[] = [];
  let segs = 0, retrans = 0, dups = 0, zero = 0;
  for (let i = 0; i < count; i++) {
    const a = an[i]!;
    if (dir[i] === sender) {
      if (len[i]! > 0 || /[SF]/.test(fl[i]!)) {
        const color = a & bit.retransmission ? "#d62728" : a & bit.out_of_order ? "#ff7f0e" : "#1f77b4";
        if (a & bit.retransmission) retrans++;
        segs++;
        const y1 = y(seq[i]!), y2 = Math.min(y1 - 2, y(seq[i]! + Math.max(len[i]!, 1)));
        parts.push(svg("line", { x1: x(T[i]!), y1, x2: x(T[i]!), y2, stroke: color, "stroke-width": 2 }));
      }
    } else if (fl[i]!.includes("A")) {
      ackPts.push(`${x(T[i]!).toFixed(1)},${y(ack[i]!).toFixed(1)}`);
      if (a & bit.duplicate_ack) {
        dups++;
        parts.push(svg("circle", { cx: x(T[i]!), cy: y(ack[i]!), r: 3, fill: "none", stroke: "#9467bd" }));
      }
      if (a & bit.zero_window) {
        zero++;
        const cx = x(T[i]!), cy = y(ack[i]!);
        parts.push(svg("path", { d: `M${cx - 4},${cy + 6} L${cx + 4},${cy + 6} L${cx},${cy - 2} Z`, fill: "#e377c2" }));
      }
    }
  }
  if (ackPts.length > 0) parts.unshift(svg("polyline", { points: ackPts.join(" "), fill: "none", stroke: "#2ca02c", "stroke-width": 1 }));
  const who = sender === 1 ? "server → client" : "client → server";
  return h(
    "figure",
    { class: "chart tcp-seq-graph", "data-key": "tcp-seq-graph" },
    h("figcaption", null, `Time/sequence (${who} data; relative numbers)`),
    svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": `Time/sequence graph: ${segs} segments, ${retrans} retransmissions, ${dups} duplicate ACKs, ${zero} zero windows` }, ...parts),
    h(
      "p",
      { class: "muted" },
      `Blue: data segments (${segs}); red: retransmissions (${retrans}); orange: out-of-order; green line: the other side's ACKs; purple circles: duplicate ACKs (${dups}); pink: zero window (${zero}).`,
      t.truncated === true ? ` Only the first ${count} packets are drawn.` : "",
    ),
  );
}

/** detail renders one connection: endpoints, timeline, options, both directions. */
function detail(r: TCPConnRow): HTMLElement {
  const c2s = r.client_to_server;
  const s2c = r.server_to_client;
  const o = r.options;
  const dir = (d: TCPConnRow["client_to_server"]) =>
    // Zero payload_bytes, data_packets and retransmissions are left out of the report.
    `${plural(d.packets, "packet")}, ${fmt.bytes(d.ip_bytes)} (${plural(d.payload_bytes ?? 0, "payload byte")}), ${plural(d.retransmissions ?? 0, "retransmission")}`;
  const ws = (v: unknown) => (typeof v === "number" ? `×${2 ** v} (${v})` : "none");
  return h(
    "div",
    { class: "tcp-detail", "data-key": "tcp-detail", "data-stream": String(r.stream) },
    h("h3", null, `Stream ${id(r.stream)}: ${fmt.text(r.client)} → ${fmt.text(r.server)}`),
    r.role_inferred === true ? note("info", "No SYN was seen: the server is taken to be the side on the lower (or well-known) port.") : null,
    keyValue([
      ["State", `${words(r.state)} (Zeek ${fmt.text(r.conn_state)}, history ${fmt.text(r.history) || "—"})`],
      ["Close", words(r.close)],
      ["Handshake", r.handshake_completed === true ? "completed" : "not completed"],
      ["Initial RTT", rtt(r.initial_rtt_seconds)],
      ["SYN → SYN/ACK", rtt(r.syn_to_syn_ack_seconds)],
      ["First packet", `${fmt.utc(r.first_time)} (frame ${id(r.first_frame)})`],
      ["Last packet", `${fmt.utc(r.last_time)} (frame ${id(r.last_frame)})`],
      ["Duration", fmt.seconds(r.duration_seconds)],
      ["Client → server", dir(c2s)],
      ["Server → client", dir(s2c)],
      ["MSS", `client ${o.client_mss ?? "—"}, server ${o.server_mss ?? "—"}`],
      ["Window scale", `client ${ws(o.client_window_scale)}, server ${ws(o.server_window_scale)}${o.window_scaling === true ? "" : " (not in use)"}`],
      ["SACK", o.sack_permitted === true ? "permitted" + (o.sack_seen === true ? ", blocks seen" : "") : "not permitted"],
      ["Timestamps", o.timestamps === true ? "yes" : "no"],
      ["Analysis flags", flagsText(r.analysis_flags) || "none"],
      typeof r.first_flagged_frame === "number" ? ["Flagged frames", `${id(r.first_flagged_frame)} – ${id(r.last_flagged_frame)}`] : null,
    ]),
    seqGraph(r.trace) ??
      note("info", "No time/sequence data was kept for this connection: packet traces are kept for the first 20,000 connections, 200,000 packets in all."),
  );
}

/** flowFigures are the per-direction figures of a traffic-flow comparison, in display order. */
const flowFigures = ["packet_count", "byte_count", "payload_bytes", "data_packets", "syn_count", "fin_count", "rst_count", "retransmissions"] as const satisfies readonly (keyof TCPFlowDirection)[];
type FlowFigure = (typeof flowFigures)[number];

/** The traffic-flow analysis' words, as a Wireshark user would say them. */
const rstSource: Record<string, string> = { none: "no RSTs", client: "clients", server: "the server", balanced: "both sides equally" };
const dataFlow: Record<string, string> = { client_heavy: "clients", server_heavy: "the server", balanced: "both sides alike" };

/** ratioText shows a ratio of bytes as "1 : 13" or "13 : 1". */
function ratioText(r: number): string {
  if (!fmt.isNum(r) || r <= 0) return "—";
  return r >= 1 ? `${fmt.num(r, 1)} : 1` : `1 : ${fmt.num(1 / r, 1)}`;
}

function spread(s: Spread | null): string {
  return s ? `${rtt(s.min)} / ${rtt(s.median)} / ${rtt(s.max)} (${fmt.count(s.count)})` : "—";
}

/**
 * flowBars is a small paired-bar chart of both directions: for each figure, a
 * bar per direction scaled to the larger of the two.
 */
function flowBars(c2s: TCPFlowDirection, s2c: TCPFlowDirection): HTMLElement {
  const figs: [keyof TCPFlowDirection & FlowFigure, string, (v: number) => string][] = [
    ["packet_count", "Packets", (v) => fmt.count(v)],
    ["byte_count", "Bytes", (v) => fmt.bytes(v)],
    ["payload_bytes", "Payload", (v) => fmt.bytes(v)],
    ["retransmissions", "Retransmissions", (v) => fmt.count(v)],
  ];
  const W = 520, L = 120, R = 90, barH = 12, gap = 6, groupH = 2 * barH + gap + 10;
  const H = figs.length * groupH + 24;
  const colors = ["#1f77b4", "#ff7f0e"];
  const parts: SVGElement[] = [];
  const label: string[] = [];
  figs.forEach(([key, title, show], i) => {
    const a = n(c2s[key]), b = n(s2c[key]);
    const max = Math.max(a, b, 1);
    const y0 = 8 + i * groupH;
    parts.push(svg("text", { x: L - 6, y: y0 + barH + 3, "font-size": 12, fill: "currentColor", "text-anchor": "end" }, title));
    [a, b].forEach((v, d) => {
      const y = y0 + d * (barH + 2);
      const w = Math.max(v > 0 ? 1 : 0, (v / max) * (W - L - R));
      parts.push(svg("rect", { x: L, y, width: w, height: barH, fill: colors[d]! }));
      parts.push(svg("text", { x: L + w + 4, y: y + barH - 2, "font-size": 11, fill: "currentColor" }, show(v)));
    });
    label.push(`${title}: ${show(a)} to the server, ${show(b)} from it`);
  });
  parts.push(svg("rect", { x: L, y: H - 12, width: 10, height: 10, fill: colors[0]! }));
  parts.push(svg("text", { x: L + 14, y: H - 3, "font-size": 11, fill: "currentColor" }, "client → server"));
  parts.push(svg("rect", { x: L + 130, y: H - 12, width: 10, height: 10, fill: colors[1]! }));
  parts.push(svg("text", { x: L + 144, y: H - 3, "font-size": 11, fill: "currentColor" }, "server → client"));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": `Both directions: ${label.join("; ")}` }, ...parts);
  chart.style.maxWidth = `${W}px`; // CSSOM: the CSP allows no style attributes
  return h("figure", { class: "chart tcp-flow-bars", "data-key": "tcp-flow-bars" }, chart);
}

/**
 * flowComparison renders one server's comparison of both directions (a
 * traffic_flow report or an entry of tcp_connections.servers): cards, a table
 * of the figures, a bar chart and the analysis.
 */
function flowComparison(f: TCPFlowReport | TCPServerFlow): HTMLElement {
  const c2s = f.client_to_server;
  const s2c = f.server_to_client;
  const a = f.analysis;
  const t = f.timing;
  const rows = flowFigures.map((k) => ({
    figure: words(k),
    client_to_server: c2s[k],
    server_to_client: s2c[k],
  }));
  return h(
    "div",
    { class: "tcp-flow", "data-key": "tcp-flow", "data-server": fmt.text(f.server) },
    cards([
      { label: "Client → server", value: field("tcp-flow-c2s-packet_count", fmt.count(c2s.packet_count)), hint: `packets, ${fmt.bytes(c2s.byte_count)}` },
      { label: "Server → client", value: field("tcp-flow-s2c-packet_count", fmt.count(s2c.packet_count)), hint: `packets, ${fmt.bytes(s2c.byte_count)}` },
      { label: "Bytes to : from server", value: field("tcp-flow-asymmetry", ratioText(a.asymmetry_ratio)), hint: `${fmt.bytes(c2s.byte_count)} to the server, ${fmt.bytes(s2c.byte_count)} from it` },
      { label: "Most RSTs from", value: field("tcp-flow-rst-source", rstSource[a.primary_rst_source] ?? words(a.primary_rst_source)), hint: `${fmt.count(c2s.rst_count)} from clients, ${fmt.count(s2c.rst_count)} from the server` },
      { label: "Most payload from", value: field("tcp-flow-direction", dataFlow[a.data_flow_direction] ?? words(a.data_flow_direction)) },
      {
        label: "Retransmissions",
        value: `${fmt.count(c2s.retransmissions)} / ${fmt.count(s2c.retransmissions)}`,
        hint: "to / from the server",
        tone: n(c2s.retransmissions) + n(s2c.retransmissions) > 0 ? "warn" : undefined,
      },
    ]),
    flowBars(c2s, s2c),
    table({
      label: "Traffic flow",
      columns: [
        { key: "figure", title: "", width: "minmax(10em, 1fr)" },
        { key: "client_to_server", title: "Client → server", numeric: true },
        { key: "server_to_client", title: "Server → client", numeric: true },
      ],
      rows,
      maxHeight: 320,
    }),
    keyValue([
      ["Observation", fmt.text(a.interpretation)],
      ["Analysis flags to the server", flagsText(c2s.analysis_flags) || "none"],
      ["Analysis flags from the server", flagsText(s2c.analysis_flags) || "none"],
      ["Handshakes", `${fmt.count(t.handshakes_completed)} of ${fmt.count(t.connections)} connections`],
      ["Initial RTT min / median / max", spread(t.initial_rtt_seconds)],
      ["SYN → SYN/ACK min / median / max", spread(t.syn_to_syn_ack_seconds)],
      ["First response min / median / max", spread(t.first_response_seconds)],
    ]),
  );
}

let pickerSeq = 0;

/**
 * flowBlock shows the traffic-flow comparison: the traffic_flow report when the
 * analysis ran with a server IP, and a picker over the busiest servers of
 * tcp_connections.servers (no new analysis needed).
 */
function flowBlock(flow: Report["traffic_flow"], servers: TCPServerFlow[]): HTMLElement | null {
  const own = flow !== undefined && !isToolError(flow) ? flow : null;
  const parts: Child[] = [];
  if (own) {
    parts.push(
      h("h3", null, `Server ${fmt.text(own.server)}${own.server_port ? " port " + fmt.text(own.server_port) : ""} (the analysis's server IP)`),
      warnings(own.warnings),
      flowComparison(own),
    );
  }
  if (servers.length > 0) {
    const id = `tcp-server-picker-${++pickerSeq}`;
    const box = h("div", { class: "tcp-flow-box", "aria-live": "polite" });
    const pick = (i: number) => {
      const sv = servers[i];
      if (sv) replace(box, flowComparison(sv));
    };
    const select = h(
      "select",
      { id, "data-key": "tcp-server-picker", style: { font: "inherit", padding: "3px 6px" }, onChange: () => pick(select.selectedIndex) },
      servers.map((sv, i) => h("option", { value: fmt.text(sv.server), selected: i === 0 }, `${fmt.text(sv.server)} (${fmt.count(sv.packets)} packets)`)),
    );
    pick(0);
    parts.push(
      h(
        "div",
        { class: "tcp-server-row", style: { display: "flex", gap: "10px", alignItems: "center", flexWrap: "wrap", marginBottom: "8px" } },
        h("label", { for: id }, `Server (the ${fmt.count(servers.length)} busiest by packets): `),
        select,
      ),
      box,
    );
  } else if (!own) {
    if (isToolError(flow)) parts.push(note("info", "Traffic flow compares both directions of one server: run the analysis with a server IP. ", flow.error));
    else return null;
  }
  return section("Traffic flow by server", ...parts);
}

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const conns = report.tcp_connections;
  const anom = report.tcp_anomalies;
  const re = report.tcp_retransmissions;
  const errs = [errorNote("tcp_connections", conns), errorNote("tcp_anomalies", anom), errorNote("tcp_retransmissions", re)].filter(Boolean);
  if (errs.length > 0) {
    root.append(...(errs as HTMLElement[]));
    return;
  }
  if (!conns || !anom || !re || isToolError(conns) || isToolError(anom) || isToolError(re)) return;
  const c = conns;
  const s = c.summary;
  const a = anom;
  const flags = a.statistics.analysis_flags;
  const r = re;
  const total = n(s.total_connections);
  if (total === 0) {
    root.append(h("div", { class: "view-head" }, warnings(c.warnings)), note("info", "No TCP connections in this capture."));
    return;
  }
  const rows = c.connections;
  const listed = listLength(ctx, "tcp_connections.connections", rows);
  const byStream = new Map<number, TCPConnRow>();
  for (const x of rows) byStream.set(x.stream, x);

  const detailBox = h("div", { class: "tcp-detail-box" }, h("p", { class: "muted" }, "Choose a connection to see its details."));
  const draw = (stream: number, row: TCPConnRow | undefined) => {
    replace(
      detailBox,
      row ? detail(row) : note("info", `Stream ${id(stream)} is not in the listed connections (${fmt.count(listed)} of ${fmt.count(total)} are listed).`),
    );
    detailBox.scrollIntoView({ block: "nearest" });
  };
  const show = (stream: number) => {
    const row = byStream.get(stream);
    // A connection past the rows the page holds is asked of the worker.
    if (row || listed <= rows.length || !ctx?.packets) return draw(stream, row);
    ctx.packets.rows<TCPConnRow>({ path: "tcp_connections.connections", where: ["stream", String(stream)], limit: 1 }).then(
      (p) => draw(stream, p.rows[0]),
      () => draw(stream, undefined),
    );
  };

  root.append(
    h("div", { class: "view-head" }, warnings(c.warnings)),
    cards([
      { label: "Connections", value: field("tcp-connections", fmt.count(total)), hint: `${fmt.count(s.total_packets)} TCP packets` },
      {
        label: "Handshakes",
        value: field("tcp-handshakes", fmt.count(s.successful_handshakes)),
        hint: `${fmt.count(s.failed_handshakes)} failed`,
        tone: n(s.failed_handshakes) > 0 ? "warn" : undefined,
      },
      { label: "Reset", value: field("tcp-resets", fmt.count(s.reset_connections)), hint: `${fmt.count(s.normal_close)} closed with FIN`, tone: n(s.reset_connections) > 0 ? "warn" : undefined },
      {
        label: "Retransmissions",
        value: field("tcp-retransmissions", fmt.count(r.total_retransmissions)),
        hint: `${fmt.percent(r.retransmission_rate, 2)} of packets; ${fmt.count(flags.fast_retransmission)} fast, ${fmt.count(flags.spurious_retransmission)} spurious`,
        tone: r.exceeds_threshold === true ? "bad" : undefined,
      },
      { label: "Duplicate ACKs", value: field("tcp-duplicate-acks", fmt.count(flags.duplicate_ack)) },
      { label: "Zero windows", value: field("tcp-zero-windows", fmt.count(flags.zero_window)), tone: n(flags.zero_window) > 0 ? "warn" : undefined },
      {
        label: "Capture gaps",
        value: field("tcp-ack-lost", fmt.count(flags.ack_lost_segment)),
        hint: `ACKed unseen; ${fmt.count(flags.lost_segment)} previous segment not captured`,
      },
    ]),
  );
  root.append(findingsSection(a.findings));

  const handle = createTable<TCPConnRow>({
    label: "TCP connections",
    columns: connColumns,
    rows,
    list: "tcp_connections.connections",
    onRowClick: (row) => draw(n(row.stream), row),
    rowActions: rowActions(tcpConnFilter, "connection", (c) => ({ kind: "tcp", stream: c.stream })),
    note: listed < total ? `Showing the ${fmt.count(listed)} connections most worth a look of ${fmt.count(total)} (failed, reset, retransmitting, zero window, slow handshake); analyse with "detailed" to list all.` : undefined,
    maxHeight: 420,
  });
  root.append(section(`Connections (${fmt.count(total)})`, h("div", { "data-key": "tcp-conn-table" }, handle.el), detailBox));

  const g = r.io_graph;
  if (g.buckets > 0 && g.retransmissions.some((v) => v > 0)) {
    root.append(
      section(
        "Retransmissions over time",
        intervalCharts({
          start: g.start,
          finest: g.interval,
          charts: [
            {
              title: "TCP packets and retransmissions",
              yLabel: "packets/s",
              bars: true,
              series: [
                { label: "TCP packets/s", counts: g.packets, format: (y) => fmt.rate(y) },
                { label: "retransmissions/s", counts: g.retransmissions, format: (y) => fmt.rate(y, "retransmissions") },
              ],
            },
          ],
        }),
      ),
    );
  }
  const byConn = r.by_connection;
  if (byConn.length > 0) {
    root.append(
      section(
        "Retransmissions by connection",
        keyValue([
          ["By kind", `timeout ${fmt.count(r.by_kind.timeout)}, fast ${fmt.count(r.by_kind.fast)}, spurious ${fmt.count(r.by_kind.spurious)}`],
          ["Data segments retransmitted", `${fmt.count(r.retransmitted_data_segments)} of ${fmt.count(r.data_segments)} (${fmt.percent(r.data_retransmission_rate, 2)})`],
          ["Threshold", `${fmt.percent(r.threshold, 2)}: ${plural(r.summary.connections_above_threshold, "connection")} above`],
        ]),
        table({
          label: "Retransmissions by connection",
          columns: columns<TCPRetransConn>([
            { key: "stream", title: "Stream", numeric: true, width: "6em", format: (v) => id(v) },
            { key: "connection", title: "Connection", width: "minmax(20em, 3fr)" },
            { key: "retrans_count", title: "Retrans.", numeric: true },
            { key: "total_packets", title: "Packets", numeric: true },
            { key: "retrans_rate", title: "Rate", numeric: true, format: (v) => fmt.percent(v, 2) },
            { key: "fast", title: "Fast", numeric: true },
            { key: "spurious", title: "Spurious", numeric: true },
            { key: "timeout", title: "Timeout", numeric: true },
          ]),
          rows: byConn,
          list: "tcp_retransmissions.by_connection",
          onRowClick: (row) => show(row.stream),
          rowActions: rowActions((row: TCPRetransConn) => tcpStreamFilter(row.stream), "connection"),
          maxHeight: 320,
        }),
      ),
    );
  }
  root.append(
    section(
      "TCP analysis flags",
      table({
        label: "TCP analysis flags",
        columns: [
          { key: "flag", title: "tcp.analysis.*", width: "minmax(12em, 1fr)" },
          { key: "name", title: "Wireshark", width: "minmax(14em, 2fr)" },
          { key: "packets", title: "Packets", numeric: true },
        ],
        rows: Object.keys(flagTitles).map((k) => ({ flag: k, name: flagTitles[k], packets: n(flags[k]) })),
        maxHeight: 480,
      }),
    ),
  );
  const flow = flowBlock(report.traffic_flow, c.servers);
  if (flow) root.append(flow);
}

/** tcpView renders tcp_connections, tcp_anomalies, tcp_retransmissions and traffic_flow. */
export const tcpView: View = {
  id: "tcp",
  title: "TCP",
  tools: ["tcp_connections", "tcp_anomalies", "tcp_retransmissions"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The TCP reports could not be shown: ", String(e)));
    }
  },
};
