// The "ICMP" tab: summary cards (ICMP and ICMPv6), ping summaries with an
// RTT chart per destination, unreachables with their reasons, rebuilt
// traceroute paths, path-MTU and redirect messages, neighbour discovery and
// MLD, observations, and the message list. It renders the icmp report and
// computes nothing; every string from packets is set as text.
import { h, keyValue, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { table, type Column } from "../ui/table";
import { timeSeries } from "../ui/chart";
import * as fmt from "../ui/format";
import {
  columns,
  isToolError,
  type ICMPDestination,
  type ICMPErrorMessage,
  type ICMPFamilyStats,
  type ICMPMTUEvent,
  type ICMPNeighborRecord,
  type ICMPPacket,
  type ICMPRedirect,
  type ICMPRouterAdvert,
  type ICMPTraceroute,
  type ICMPUnreachable,
  type ICMPV6Section,
  type Report,
  type View,
  type ViewContext,
  listLength,
} from "./types";
import { countBars } from "./bars";
import { id, plural } from "./text";
import { findingsSection, rowActions } from "./findinglist";
import { icmpErrorFilter } from "./filters";
import { field, ms, n } from "./parts";

function list(v: readonly string[]): string {
  const a = v.map((x) => fmt.text(x));
  return a.length === 0 ? "—" : a.join(", ");
}

const destColumns: Column<ICMPDestination>[] = columns<ICMPDestination>([
  { key: "source", title: "Source", width: "minmax(9em, 1fr)" },
  { key: "destination", title: "Destination", width: "minmax(9em, 1fr)" },
  { key: "transmitted", title: "Sent", numeric: true, width: "5em" },
  { key: "received", title: "Received", numeric: true, width: "6em" },
  { key: "duplicates", title: "Dup.", numeric: true, width: "5em" },
  { key: "errors", title: "Errors", numeric: true, width: "6em", tooltip: "ICMP errors (time exceeded, unreachable) quoting these requests" },
  { key: "loss_percent", title: "Loss", numeric: true, width: "6em", format: (v) => fmt.percent(v, 1, true) },
  { key: "rtt_min", title: "RTT min", numeric: true, width: "8em", format: (v, r) => (n(r.received) > 0 ? ms(v) : "—") },
  { key: "rtt_avg", title: "avg", numeric: true, width: "8em", format: (v, r) => (n(r.received) > 0 ? ms(v) : "—") },
  { key: "rtt_max", title: "max", numeric: true, width: "8em", format: (v, r) => (n(r.received) > 0 ? ms(v) : "—") },
  { key: "rtt_mdev", title: "mdev", numeric: true, width: "8em", format: (v, r) => (n(r.received) > 0 ? ms(v) : "—") },
  { key: "jitter", title: "Jitter", numeric: true, width: "8em", tooltip: "mean absolute difference of consecutive RTTs", format: (v, r) => (n(r.received) > 1 ? ms(v) : "—") },
]);

const unreachColumns: Column<ICMPUnreachable>[] = columns<ICMPUnreachable>([
  { key: "unreachable", title: "Unreachable", width: "minmax(14em, 2fr)" },
  { key: "reason", title: "Reason", width: "minmax(14em, 2fr)" },
  { key: "reporter", title: "Reported by", width: "minmax(9em, 1fr)" },
  { key: "count", title: "Count", numeric: true, width: "6em" },
  { key: "first_frame", title: "First frame", numeric: true, width: "7em", format: (v) => id(v) },
]);

const errorColumns: Column<ICMPErrorMessage>[] = columns<ICMPErrorMessage>([
  { key: "frame", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
  { key: "time", title: "Time (UTC)", width: "minmax(12em, 1fr)", format: (v) => fmt.utc(v) },
  { key: "reporter", title: "From", width: "minmax(9em, 1fr)" },
  { key: "type_name", title: "Type", width: "minmax(10em, 1fr)" },
  { key: "summary", title: "What happened", width: "minmax(20em, 3fr)" },
  { key: "truncated", title: "Quote cut", width: "6em", value: (r) => r.quoted.truncated },
]);

const packetColumns: Column<ICMPPacket>[] = columns<ICMPPacket>([
  { key: "packet_number", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
  { key: "time", title: "Time (UTC)", width: "minmax(12em, 1fr)", format: (v) => fmt.utc(v) },
  { key: "src_ip", title: "Source", width: "minmax(9em, 1fr)" },
  { key: "dst_ip", title: "Destination", width: "minmax(9em, 1fr)" },
  { key: "icmp_type_name", title: "Type", width: "minmax(10em, 1fr)" },
  { key: "icmp_code_name", title: "Code", width: "minmax(10em, 1fr)" },
  { key: "icmp_id", title: "ID", numeric: true, width: "5em", format: (v) => id(v) },
  { key: "icmp_seq", title: "Seq", numeric: true, width: "5em", format: (v) => id(v) },
  { key: "response_time", title: "RTT", numeric: true, width: "8em", format: (v) => ms(v) },
  { key: "summary", title: "Detail", width: "minmax(14em, 2fr)" },
]);

function familyCards(prefix: string, title: string, s: ICMPFamilyStats): HTMLElement {
  const rtt = s.rtt;
  return cards([
    { label: `${title} messages`, value: field(`${prefix}-messages`, fmt.count(s.packets)) },
    { label: "Echo requests", value: field(`${prefix}-echo-requests`, fmt.count(s.echo_requests)), hint: plural(s.echo_replies, "reply", "replies") },
    {
      label: "Unanswered",
      value: field(`${prefix}-unanswered`, fmt.count(s.unanswered_requests)),
      tone: n(s.unanswered_requests) > 0 ? "warn" : undefined,
      hint: plural(s.duplicate_replies, "duplicate reply", "duplicate replies"),
    },
    {
      label: "Median RTT",
      value: field(`${prefix}-rtt-median`, rtt ? ms(rtt.median) : "—"),
      hint: rtt ? `min ${ms(rtt.min)}, max ${ms(rtt.max)} (${fmt.count(rtt.count)})` : "no answered echo",
      title: "tshark's icmp.resptime: from the request to its reply",
    },
  ]);
}

function rttCharts(dests: ICMPDestination[]): HTMLElement | null {
  const withRTT = dests.filter((d) => d.samples.length > 0).slice(0, 8);
  if (withRTT.length === 0) return null;
  return h(
    "div",
    { class: "chart-row" },
    withRTT.map((d) => {
      const samples = d.samples;
      return timeSeries({
        title: `RTT ${fmt.text(d.source)} → ${fmt.text(d.destination)}`,
        x: samples.map((x) => x.timestamp),
        series: [{ label: "RTT", values: samples.map((x) => x.rtt * 1000), format: (v) => `${v.toFixed(3)} ms` }],
        yLabel: "ms",
        height: 200,
      });
    }),
  );
}

function tracerouteBlock(traces: ICMPTraceroute[], total: number): HTMLElement | null {
  if (traces.length === 0) return null;
  return section(
    `Traceroute paths (${fmt.count(total)})`,
    total > traces.length ? h("p", { class: "muted" }, `The first ${fmt.count(traces.length)} are drawn; all are in the JSON report.`) : null,
    traces.map((t) =>
      h(
        "div",
        { class: "icmp-trace", "data-trace": `${fmt.text(t.source)}>${fmt.text(t.destination)}` },
        h(
          "p",
          null,
          h("strong", null, `${fmt.text(t.source)} → ${fmt.text(t.destination)}`),
          ` (${fmt.text(t.protocol)} probes) — `,
          t.reached === true ? `destination reached at TTL ${id(t.reached_ttl)}` : "destination not reached in the capture",
        ),
        h(
          "ol",
          null,
          t.hops.map((hop) => {
            const ttl = hop.ttl;
            return h(
              "li",
              { value: ttl > 0 ? ttl : undefined, "data-ttl": ttl },
              ttl === 0 ? "(probe not captured) " : null,
              hop.routers
                .map((r) => `${fmt.text(r.address)} ${r.probes_matched > 0 ? `${ms(r.rtt_min)} / ${ms(r.rtt_avg)} / ${ms(r.rtt_max)}` : ""} (${plural(r.replies, "reply", "replies")})`)
                .join("; "),
            );
          }),
        ),
      ),
    ),
  );
}

function ndBlock(v6: ICMPV6Section): HTMLElement | null {
  const nd = v6.neighbor_discovery;
  const mld = v6.mld;
  const total = nd.router_solicitations + nd.router_advertisements + nd.neighbor_solicitations + nd.neighbor_advertisements + nd.redirects;
  const mtotal = mld.queries + mld.reports_v1 + mld.reports_v2 + mld.done;
  if (total + mtotal === 0) return null;
  const routers = nd.routers;
  return section(
    "IPv6 neighbour discovery and MLD",
    keyValue([
      ["Router solicitations / advertisements", `${fmt.count(nd.router_solicitations)} / ${fmt.count(nd.router_advertisements)}`],
      ["Neighbour solicitations / advertisements", `${fmt.count(nd.neighbor_solicitations)} / ${fmt.count(nd.neighbor_advertisements)}`],
      ["Duplicate address detection", `${plural(nd.dad_probes, "probe")}: ${list(nd.dad_targets)}`],
      ["Redirects", fmt.count(nd.redirects)],
      ["MLD", `${fmt.count(mld.queries)} queries, ${fmt.count(mld.reports_v1)} v1 and ${fmt.count(mld.reports_v2)} v2 reports, ${fmt.count(mld.done)} done`],
      ["Multicast groups", mld.groups.map((g) => `${fmt.text(g.group)} (${plural(g.listeners.length, "listener")})`).join(", ") || "—"],
    ]),
    routers.length > 0
      ? table({
          label: "IPv6 routers",
          columns: columns<ICMPRouterAdvert>([
            { key: "router", title: "Router", width: "minmax(12em, 1fr)" },
            { key: "mac", title: "MAC", width: "minmax(10em, 1fr)" },
            { key: "router_lifetime", title: "Lifetime", numeric: true, width: "7em", format: (v) => fmt.duration(v) },
            { key: "managed", title: "M", width: "4em" },
            { key: "other_config", title: "O", width: "4em" },
            { key: "prefixes", title: "Prefixes", width: "minmax(14em, 2fr)", value: (r) => r.prefixes.map((p) => `${fmt.text(p.prefix)}${p.autonomous === true ? " (SLAAC)" : ""}`).join(", ") },
            { key: "mtu", title: "MTU", numeric: true, width: "6em" },
            { key: "rdnss", title: "RDNSS", width: "minmax(10em, 1fr)", value: (r) => list(r.rdnss) },
          ]),
          rows: routers,
          list: "icmp.icmpv6.neighbor_discovery.routers",
          maxHeight: 200,
        })
      : null,
    nd.neighbors.length > 0
      ? table({
          label: "IPv6 neighbours",
          columns: columns<ICMPNeighborRecord>([
            { key: "target", title: "Target", width: "minmax(14em, 2fr)" },
            { key: "macs", title: "MACs", width: "minmax(10em, 1fr)", value: (r) => list(r.macs) },
            { key: "solicitations", title: "NS", numeric: true, width: "5em" },
            { key: "advertisements", title: "NA", numeric: true, width: "5em" },
            { key: "router", title: "Router", width: "6em" },
            { key: "dad", title: "DAD", width: "5em" },
          ]),
          rows: nd.neighbors,
          list: "icmp.icmpv6.neighbor_discovery.neighbors",
          maxHeight: 240,
        })
      : null,
  );
}

function typeChart(title: string, counts: Record<string, number>, key: string): HTMLElement | null {
  const e = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (e.length === 0) return null;
  return countBars({ title, entries: e, unit: ["message", "messages"], key });
}

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const d = report.icmp;
  if (isToolError(d) || !d) {
    root.append(note("error", h("strong", null, "icmp could not run: "), d?.error ?? "no report"));
    return;
  }
  const s = d.statistics;
  const v6 = d.icmpv6;
  const s6 = v6.statistics;
  root.append(h("div", { class: "view-head" }, warnings(d.warnings)));
  if (d.icmp_packets_found === 0) {
    root.append(note("info", "No ICMP packets in this capture."));
    return;
  }
  if (s.packets > 0) root.append(section("ICMP (IPv4)", familyCards("icmp", "ICMP", s)));
  if (s6.packets > 0) root.append(section("ICMPv6", familyCards("icmpv6", "ICMPv6", s6)));
  root.append(
    section(
      "Types and codes",
      h("div", { class: "chart-row" }, typeChart("ICMP type/code", s.type_code_counts, "icmp-type-codes"), typeChart("ICMPv6 type/code", s6.type_code_counts, "icmpv6-type-codes")),
    ),
  );
  root.append(findingsSection(d.findings));

  const dests = d.echo.destinations;
  if (dests.length > 0) {
    root.append(
      section(
        `Ping summary (${plural(listLength(ctx, "icmp.echo.destinations", dests), "destination")})`,
        h(
          "div",
          { class: "icmp-destinations" },
          dests.slice(0, 50).map((x) =>
            h(
              "p",
              { "data-destination": `${fmt.text(x.source)}>${fmt.text(x.destination)}` },
              `${fmt.text(x.source)} → ${fmt.text(x.destination)}: ${fmt.count(x.transmitted)} sent, ${fmt.count(x.received)} received${x.answered_by_error > 0 ? `, ${fmt.count(x.answered_by_error)} answered by ${Object.keys(x.error_answers).sort().map(fmt.text).join(", ")}` : ""}${x.errors > 0 ? `, +${plural(x.errors, "error")}` : ""}${x.duplicates > 0 ? `, +${plural(x.duplicates, "duplicate")}` : ""}, ${fmt.percent(x.loss_percent, 1, true)} loss`,
              n(x.received) > 0 ? `, rtt min/avg/max/mdev = ${ms(x.rtt_min)} / ${ms(x.rtt_avg)} / ${ms(x.rtt_max)} / ${ms(x.rtt_mdev)}` : "",
            ),
          ),
        ),
        rttCharts(dests),
        table({ label: "Echo destinations", columns: destColumns, rows: dests, list: "icmp.echo.destinations", maxHeight: 320 }),
      ),
    );
  }
  const unreach = d.unreachables;
  if (unreach.length > 0) root.append(section(`Unreachables (${fmt.count(listLength(ctx, "icmp.unreachables", unreach))})`, table({ label: "ICMP unreachables", columns: unreachColumns, rows: unreach, list: "icmp.unreachables", maxHeight: 320 })));
  const tr = tracerouteBlock(d.traceroutes, listLength(ctx, "icmp.traceroutes", d.traceroutes));
  if (tr) root.append(tr);
  const mtu = d.path_mtu;
  const redirects = d.redirects;
  if (mtu.length + redirects.length > 0) {
    root.append(
      section(
        "Path MTU and redirects",
        mtu.length > 0
          ? table({
              label: "Path MTU messages",
              columns: columns<ICMPMTUEvent>([
                { key: "frame", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
                { key: "reporter", title: "Router", width: "minmax(9em, 1fr)" },
                { key: "source", title: "Sender", width: "minmax(9em, 1fr)" },
                { key: "destination", title: "Destination", width: "minmax(9em, 1fr)" },
                { key: "mtu", title: "Next-hop MTU", numeric: true, width: "8em" },
              ]),
              rows: mtu,
              list: "icmp.path_mtu",
              maxHeight: 200,
            })
          : null,
        redirects.length > 0
          ? table({
              label: "Redirects",
              columns: columns<ICMPRedirect>([
                { key: "frame", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
                { key: "router", title: "Router", width: "minmax(9em, 1fr)" },
                { key: "host", title: "Host", width: "minmax(9em, 1fr)" },
                { key: "destination", title: "For destination", width: "minmax(9em, 1fr)" },
                { key: "gateway", title: "Use gateway", width: "minmax(9em, 1fr)" },
              ]),
              rows: redirects,
              list: "icmp.redirects",
              maxHeight: 200,
            })
          : null,
      ),
    );
  }
  const errs = d.errors;
  if (errs.length > 0) root.append(section(`Error messages (${fmt.count(listLength(ctx, "icmp.errors", errs))})`, table({ label: "ICMP errors", columns: errorColumns, rows: errs, list: "icmp.errors", maxHeight: 320, rowActions: rowActions(icmpErrorFilter, "error message") })));
  const nd = ndBlock(v6);
  if (nd) root.append(nd);
  const pk = d.packets;
  root.append(
    section(
      "Messages",
      table({
        label: "ICMP messages",
        columns: packetColumns,
        rows: pk,
        list: "icmp.packets",
        maxHeight: 360,
        note: listLength(ctx, "icmp.packets", pk) < d.icmp_packets_found ? `Showing ${fmt.count(listLength(ctx, "icmp.packets", pk))} of ${fmt.count(d.icmp_packets_found)} messages.` : undefined,
      }),
    ),
  );
}

/** icmpView renders the icmp report. */
export const icmpView: View = {
  id: "icmp",
  title: "ICMP",
  tools: ["icmp"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The ICMP report could not be shown: ", String(e)));
    }
  },
};
