// The "SIP" tab: summary cards, methods and response codes, observations, the
// calls table, a call-flow ladder diagram per call (like Wireshark's Flow
// Sequence) with the call's RTP streams and their quality under it,
// registrations, all RTP streams, malformed messages and the message list.
// It renders the sip report and computes nothing; strings from packets are text.
import { h, note, section, svg, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { table, type Column } from "../ui/table";
import * as fmt from "../ui/format";
import { columns, isToolError, type Report, type SIPCall, type SIPFlowEntry, type SIPMalformed, type SIPMediaSummary, type SIPPacket, type SIPRegistration, type SIPRTPStream, type View, type ViewContext, listLength } from "./types";
import { countBars } from "./bars";
import { byCode, id, words } from "./text";
import { filterActions, findingsSection, rowActions } from "./findinglist";
import { sipCallFilter } from "./filters";
import { field, n } from "./parts";

/** maxLadders is how many calls get a ladder diagram drawn up front. */
const maxLadders = 20;

/** ms shows a millisecond figure (null when not measured). */
function ms(v: unknown): string {
  return typeof v === "number" && Number.isFinite(v) ? `${v.toFixed(3)} ms` : "—";
}

function stateText(c: SIPCall): string {
  const s = words(c.state);
  const code = c.status_code;
  if (c.state === "rejected" && code > 0) return `rejected (${code} ${fmt.text(c.reason)})`;
  return s;
}

function codecs(m: SIPMediaSummary[]): string {
  if (m.length === 0) return "—";
  return m.map((x) => `${fmt.text(x.type)} ${x.codecs.map((c) => fmt.text(c)).join(", ")}`).join("; ");
}

/** callActions offers a call's SIP messages (its Call-ID) in the Packets tab and as a Wireshark filter. */
function callActions(c: SIPCall): HTMLElement | null {
  const f = sipCallFilter(c);
  return f ? h("p", { class: "sip-call-actions" }, filterActions(f)) : null;
}

const callColumns: Column<SIPCall>[] = columns<SIPCall>([
  { key: "start_time", title: "Start (UTC)", width: "minmax(13em, 1fr)", format: (v) => fmt.utc(v, 3) },
  { key: "caller", title: "From", width: "minmax(12em, 2fr)" },
  { key: "callee", title: "To", width: "minmax(12em, 2fr)" },
  { key: "state", title: "State", width: "minmax(9em, 1fr)", value: (r) => stateText(r) },
  { key: "post_dial_delay_ms", title: "Post-dial delay", numeric: true, width: "9em", format: (v) => ms(v), tooltip: "INVITE → first 18x" },
  { key: "answer_time_ms", title: "Answer time", numeric: true, width: "9em", format: (v) => ms(v), tooltip: "INVITE → 200 OK" },
  { key: "duration_ms", title: "Duration", numeric: true, width: "8em", format: (v) => (typeof v === "number" ? fmt.duration(v / 1000) : "—"), tooltip: "200 OK → BYE" },
  { key: "hung_up_by", title: "Hung up by", width: "7em", format: (v) => (v ? words(v) : "—") },
  { key: "codec", title: "Codecs", width: "minmax(10em, 1fr)", value: (r) => codecs(r.media_answered.length > 0 ? r.media_answered : r.media_offered) },
  { key: "rtp_packets", title: "RTP packets", numeric: true, width: "7em" },
  { key: "worst_lost_percent", title: "Worst loss", numeric: true, width: "7em", format: (v, r) => (n(r.rtp_packets) > 0 ? fmt.percent(v, 1, true) : "—"), tooltip: "highest lost % over the call's RTP streams" },
  { key: "worst_mean_jitter_ms", title: "Worst jitter", numeric: true, width: "8em", format: (v, r) => (n(r.rtp_packets) > 0 ? ms(v) : "—"), tooltip: "highest mean jitter over the call's RTP streams" },
  { key: "transport", title: "Transport", width: "6em" },
  { key: "call_id", title: "Call-ID", width: "minmax(12em, 1fr)" },
]);

const streamColumns: Column<SIPRTPStream>[] = columns<SIPRTPStream>([
  { key: "src", title: "Source", width: "minmax(10em, 1fr)", value: (r) => `${fmt.text(r.src)}:${id(r.src_port)}` },
  { key: "dst", title: "Destination", width: "minmax(10em, 1fr)", value: (r) => `${fmt.text(r.dst)}:${id(r.dst_port)}` },
  { key: "ssrc", title: "SSRC", width: "8em" },
  { key: "payload", title: "Payload", width: "minmax(8em, 1fr)" },
  { key: "packets", title: "Packets", numeric: true, width: "6em" },
  { key: "lost", title: "Lost", numeric: true, width: "5em", tooltip: "expected − received (negative with duplicates, as Wireshark)" },
  { key: "lost_percent", title: "Lost %", numeric: true, width: "6em", format: (v) => fmt.percent(v, 1, true) },
  { key: "out_of_order", title: "Out of order", numeric: true, width: "7em" },
  { key: "max_delta_ms", title: "Max delta", numeric: true, width: "8em", format: (v) => ms(v) },
  { key: "max_jitter_ms", title: "Max jitter", numeric: true, width: "8em", format: (v, r) => (n(r.clock_rate) > 0 ? ms(v) : "—") },
  { key: "mean_jitter_ms", title: "Mean jitter", numeric: true, width: "8em", format: (v, r) => (n(r.clock_rate) > 0 ? ms(v) : "—"), tooltip: "RFC 3550 interarrival jitter" },
  { key: "call_id", title: "Call-ID", width: "minmax(10em, 1fr)" },
]);

const regColumns: Column<SIPRegistration>[] = columns<SIPRegistration>([
  { key: "aor", title: "Address of record", width: "minmax(12em, 2fr)" },
  { key: "source", title: "From", width: "minmax(10em, 1fr)" },
  { key: "registrar", title: "Registrar", width: "minmax(10em, 1fr)" },
  { key: "outcome", title: "Outcome", width: "8em", format: (v) => words(v) },
  { key: "status_code", title: "Code", numeric: true, width: "5em", format: (v) => id(v) },
  { key: "attempts", title: "Attempts", numeric: true, width: "6em" },
  { key: "challenges", title: "Challenges", numeric: true, width: "7em", tooltip: "401/407 responses" },
  { key: "expires", title: "Expires", numeric: true, width: "6em", format: (v) => (typeof v === "number" ? `${v} s` : "—") },
  { key: "user_agent", title: "User-Agent", width: "minmax(10em, 1fr)" },
]);

const packetColumns: Column<SIPPacket>[] = columns<SIPPacket>([
  { key: "packet_number", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
  { key: "timestamp", title: "Time (UTC)", width: "minmax(13em, 1fr)", format: (v) => fmt.utc(v) },
  { key: "src", title: "Source", width: "minmax(10em, 1fr)", value: (r) => `${fmt.text(r.source_ip)}:${id(r.source_port)}` },
  { key: "dst", title: "Destination", width: "minmax(10em, 1fr)", value: (r) => `${fmt.text(r.destination_ip)}:${id(r.destination_port)}` },
  { key: "transport", title: "Transport", width: "6em" },
  { key: "start_line", title: "Start line", width: "minmax(16em, 3fr)" },
  { key: "call_id", title: "Call-ID", width: "minmax(10em, 1fr)" },
  { key: "cseq", title: "CSeq", width: "8em" },
  { key: "user_agent", title: "User-Agent / Server", width: "minmax(10em, 1fr)", value: (r) => fmt.text(r.user_agent || r.server) },
]);

function countChart(title: string, e: [string, number][], unit: readonly [string, string], key: string): HTMLElement | null {
  if (e.length === 0) return null;
  return countBars({ title, entries: e, unit, key });
}

/** byCount orders [name, count] entries by count, then name. */
function byCount(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** ladder draws a call's flow as an SVG sequence diagram (one lifeline per address). */
function ladder(flow: SIPFlowEntry[]): SVGElement {
  const parties: string[] = [];
  for (const m of flow) {
    for (const a of [fmt.text(m.src), fmt.text(m.dst)]) if (!parties.includes(a)) parties.push(a);
  }
  const left = 110;
  const gap = 260;
  const top = 34;
  const step = 30;
  const width = left + gap * Math.max(1, parties.length - 1) + 80;
  const height = top + step * flow.length + 16;
  const x = (a: string) => left + gap * parties.indexOf(a);
  const root = svg("svg", { class: "sip-ladder", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "call flow" });
  parties.forEach((p) => {
    root.append(
      svg("text", { x: x(p), y: 14, "text-anchor": "middle", "font-size": 12, "font-weight": "bold", fill: "currentColor" }, p),
      svg("line", { x1: x(p), y1: 20, x2: x(p), y2: height - 4, stroke: "currentColor", "stroke-opacity": 0.35, "stroke-dasharray": "4 3" }),
    );
  });
  flow.forEach((m, i) => {
    const y = top + step * i + 14;
    const x1 = x(fmt.text(m.src));
    const x2 = x(fmt.text(m.dst));
    const dir = x2 >= x1 ? 1 : -1;
    const label = fmt.text(m.label);
    const colour = /^[3-6]\d\d /.test(label) ? "#c0392b" : /^2\d\d /.test(label) ? "#1e8449" : "currentColor";
    const g = svg("g", { "data-frame": m.frame });
    g.append(
      svg("text", { x: 4, y: y + 4, "font-size": 11, fill: "currentColor", "fill-opacity": 0.7 }, `${n(m.offset_ms).toFixed(1)} ms`),
      svg("line", { x1, y1: y, x2: x2 - dir * 6, y2: y, stroke: colour, "stroke-width": 1.5 }),
      svg("polygon", { points: `${x2},${y} ${x2 - dir * 8},${y - 4} ${x2 - dir * 8},${y + 4}`, fill: colour }),
      svg("text", { x: (x1 + x2) / 2, y: y - 4, "text-anchor": "middle", "font-size": 12, fill: colour }, label),
      svg("title", {}, `frame ${id(m.frame)} · ${fmt.text(m.cseq)}`),
    );
    root.append(g);
  });
  return root;
}

function callBlock(c: SIPCall, streams: SIPRTPStream[]): HTMLElement {
  const flow = c.flow;
  const mine = c.rtp_streams.map((i) => streams[i]).filter((s): s is SIPRTPStream => s !== undefined);
  return h(
    "div",
    { class: "sip-call", "data-call": fmt.text(c.call_id) },
    h("h3", null, `${fmt.text(c.caller)} → ${fmt.text(c.callee)}`),
    callActions(c),
    h(
      "p",
      null,
      "State: ",
      field("call-state", stateText(c)),
      " · post-dial delay ",
      field("call-pdd", ms(c.post_dial_delay_ms)),
      " · answer time ",
      field("call-answer", ms(c.answer_time_ms)),
      " · duration ",
      field("call-duration", typeof c.duration_ms === "number" ? fmt.duration(n(c.duration_ms) / 1000) : "—"),
      c.hung_up_by ? ` · hung up by ${words(c.hung_up_by)}` : "",
    ),
    h("p", { class: "muted" }, `Offered: ${codecs(c.media_offered)} · answered: ${codecs(c.media_answered)}`),
    h("div", { class: "sip-ladder-wrap", style: { overflowX: "auto" } }, ladder(flow)),
    c.flow_truncated === true ? note("info", "Only the first 200 messages of this call are drawn.") : null,
    mine.length > 0
      ? table({ label: `RTP streams of ${fmt.text(c.call_id)}`, columns: streamColumns, rows: mine, maxHeight: 160 })
      : h("p", { class: "muted" }, "No RTP seen for this call."),
  );
}

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const d = report.sip;
  if (isToolError(d) || !d) {
    root.append(note("error", h("strong", null, "sip could not run: "), d?.error ?? "no report"));
    return;
  }
  const s = d.statistics;
  root.append(h("div", { class: "view-head" }, warnings(d.warnings)));
  if (d.sip_messages === 0) {
    root.append(note("info", "No SIP packets in this capture."));
    return;
  }
  const states = s.call_states;
  root.append(
    section(
      "Summary",
      cards([
        { label: "SIP messages", value: field("sip-messages", fmt.count(d.sip_messages)), hint: `${fmt.count(s.requests)} requests, ${fmt.count(s.responses)} responses` },
        { label: "Call-IDs", value: field("sip-call-ids", fmt.count(s.call_ids)), title: "distinct Call-ID values (tshark's sip.Call-ID)" },
        {
          label: "Calls",
          value: field("sip-calls", fmt.count(s.calls)),
          hint: Object.entries(states)
            .map(([k, c]) => `${fmt.count(c)} ${words(k)}`)
            .join(", "),
        },
        { label: "Registrations", value: field("sip-registrations", fmt.count(s.registrations)) },
        { label: "RTP streams", value: field("sip-rtp-streams", fmt.count(s.rtp_streams)), hint: `${fmt.count(s.rtp_packets)} packets` },
        { label: "Malformed", value: field("sip-malformed", fmt.count(d.malformed_total)), tone: n(d.malformed_total) > 0 ? "warn" : undefined },
      ]),
      h(
        "div",
        { class: "chart-row" },
        countChart("Requests by method", byCount(s.methods), ["request", "requests"], "sip-methods"),
        countChart("Responses by code", byCode(Object.entries(s.status_codes)), ["response", "responses"], "sip-status-codes"),
      ),
    ),
  );
  root.append(findingsSection(d.findings));

  const calls = d.calls;
  const streams = d.rtp_streams;
  if (calls.length > 0) {
    const detail = h("div", { class: "sip-calls" });
    const show = (c: SIPCall) => {
      const existing = Array.from(detail.querySelectorAll<HTMLElement>(".sip-call")).find((e) => e.dataset.call === fmt.text(c.call_id));
      if (existing) {
        existing.scrollIntoView({ block: "start" });
        return;
      }
      const b = callBlock(c, streams);
      detail.prepend(b);
      b.scrollIntoView({ block: "start" });
    };
    calls.slice(0, maxLadders).forEach((c) => detail.append(callBlock(c, streams)));
    root.append(
      section(
        `Calls (${fmt.count(listLength(ctx, "sip.calls", calls))})`,
        table({ label: "SIP calls", columns: callColumns, rows: calls, list: "sip.calls", maxHeight: 320, onRowClick: (r) => show(r), rowActions: rowActions(sipCallFilter, "call") }),
        calls.length > maxLadders ? h("p", { class: "muted" }, `Call flows of the first ${maxLadders} calls are drawn; click a call to draw its flow.`) : null,
        detail,
      ),
    );
  }
  const regs = d.registrations;
  if (regs.length > 0) root.append(section(`Registrations (${fmt.count(listLength(ctx, "sip.registrations", regs))})`, table({ label: "SIP registrations", columns: regColumns, rows: regs, list: "sip.registrations", maxHeight: 280 })));
  if (streams.length > 0) root.append(section(`RTP streams (${fmt.count(listLength(ctx, "sip.rtp_streams", streams))})`, table({ label: "RTP streams", columns: streamColumns, rows: streams, list: "sip.rtp_streams", maxHeight: 280 })));
  const bad = d.malformed;
  if (bad.length > 0) {
    root.append(
      section(
        `Malformed messages (${fmt.count(d.malformed_total)})`,
        table({
          label: "Malformed SIP",
          columns: columns<SIPMalformed>([
            { key: "frame", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
            { key: "src", title: "Source", width: "minmax(10em, 1fr)" },
            { key: "dst", title: "Destination", width: "minmax(10em, 1fr)" },
            { key: "reason", title: "Reason", width: "minmax(20em, 3fr)" },
          ]),
          rows: bad,
          list: "sip.malformed",
          maxHeight: 200,
        }),
      ),
    );
  }
  const pk = d.packets;
  root.append(
    section(
      "Messages",
      table({
        label: "SIP messages",
        columns: packetColumns,
        rows: pk,
        list: "sip.packets",
        maxHeight: 360,
        note: listLength(ctx, "sip.packets", pk) < d.sip_messages ? `Showing ${fmt.count(listLength(ctx, "sip.packets", pk))} of ${fmt.count(d.sip_messages)} messages.` : undefined,
      }),
    ),
  );
}

/** sipView renders the sip report. */
export const sipView: View = {
  id: "sip",
  title: "SIP",
  tools: ["sip"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The SIP report could not be shown: ", String(e)));
    }
  },
};
