// The "DNS" tab: summary cards, response codes and query types, response
// times, top names and domains, the transactions table and the
// observations with their evidence. It renders the dns report and computes
// nothing; every string from packets is set as text.
import { h, keyValue, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, table, type Column } from "../ui/table";
import * as fmt from "../ui/format";
import { columns, isToolError, type DNSDomainCount, type DNSHostCount, type DNSMalformed, type DNSNameCount, type DNSTransaction, type Report, type View, type ViewContext, listLength } from "./types";
import { countBars } from "./bars";
import { id, plural, words } from "./text";
import { findingsSection, rowActions } from "./findinglist";
import { dnsFilter } from "./filters";
import { field, ms, n, row, sortedEntries } from "./parts";

function countChart(title: string, v: Record<string, number>, unit: readonly [string, string], key: string): HTMLElement {
  return countBars({ title, entries: sortedEntries(v), unit, key });
}

const txColumns: Column<DNSTransaction>[] = columns<DNSTransaction>([
  { key: "query_frame", title: "Query", numeric: true, width: "6em", tooltip: "frame of the query (blank: response without query)", format: (v) => (n(v) > 0 ? id(v) : "") },
  { key: "response_frame", title: "Resp.", numeric: true, width: "6em", tooltip: "frame of the response", format: (v) => (n(v) > 0 ? id(v) : "") },
  { key: "time", title: "Time (UTC)", width: "minmax(13em, 1fr)", format: (v) => fmt.utc(v) },
  { key: "name", title: "Question", width: "minmax(14em, 3fr)" },
  { key: "type", title: "Type", width: "6em" },
  { key: "rcode", title: "Rcode", width: "8em" },
  { key: "answers", title: "Answers", width: "minmax(14em, 3fr)", value: (r) => (r.answers ?? []).join(", ") },
  { key: "response_time", title: "Resp. time", numeric: true, width: "8em", format: (v) => ms(v) },
  { key: "retries", title: "Retries", numeric: true, width: "6em" },
  { key: "client", title: "Client", width: "minmax(10em, 1fr)" },
  { key: "server", title: "Server", width: "minmax(10em, 1fr)" },
  { key: "transport", title: "Transport", width: "6em" },
  { key: "status", title: "Status", width: "8em", format: (v) => words(v) },
]);

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const d = report.dns;
  if (isToolError(d) || !d) {
    root.append(note("error", h("strong", null, "dns could not run: "), d?.error ?? "no report"));
    return;
  }
  const s = d.statistics;
  const rc = s.rcodes;
  const rt = s.response_time;
  root.append(h("div", { class: "view-head" }, warnings(d.warnings)));
  if (n(d.dns_messages) === 0) {
    root.append(note("info", "No DNS packets in this capture."));
    return;
  }

  root.append(
    cards([
      { label: "Queries", value: field("dns-queries", fmt.count(s.queries)), hint: plural(s.unique_domains_queried, "distinct name") },
      { label: "Responses", value: field("dns-responses", fmt.count(s.responses)), hint: `${fmt.count(s.responses_without_query)} without query` },
      {
        label: "Unanswered",
        value: field("dns-unanswered", fmt.count(s.unanswered_queries)),
        hint: `${plural(s.retransmitted_queries, "retransmitted query", "retransmitted queries")}`,
        tone: n(s.unanswered_queries) > 0 ? "warn" : undefined,
      },
      {
        label: "NXDOMAIN",
        value: field("dns-nxdomain", fmt.count(rc["NXDOMAIN"] ?? 0)),
        hint: `${fmt.percent(s.nxdomain_ratio, 1)} of responses`,
        tone: n(rc["NXDOMAIN"]) > 0 ? "warn" : undefined,
      },
      {
        label: "SERVFAIL",
        value: field("dns-servfail", fmt.count(rc["SERVFAIL"] ?? 0)),
        hint: `${fmt.percent(s.servfail_ratio, 1)} of responses`,
        tone: n(rc["SERVFAIL"]) > 0 ? "bad" : undefined,
      },
      {
        label: "Median response time",
        value: field("dns-rt-median", rt ? ms(rt.median) : "—"),
        hint: rt ? `p95 ${ms(rt.p95)}, max ${ms(rt.max)} (${plural(rt.count, "response")})${rt.approximate === true ? ", approximate" : ""}` : "no response was matched to a query",
        title: "tshark's dns.time: from the transaction's first query to each response",
      },
      { label: "Truncated", value: field("dns-truncated", fmt.count(s.truncated_responses)), hint: plural(s.tcp_fallbacks, "TCP fallback") },
      { label: "Malformed", value: field("dns-malformed", fmt.count(s.malformed)), tone: n(s.malformed) > 0 ? "warn" : undefined },
    ]),
  );

  const hist = s.response_time_histogram;
  root.append(
    section(
      "Response codes and query types",
      h(
        "div",
        { class: "dns-row", style: row },
        countChart("Response codes", s.rcodes, ["response", "responses"], "dns-rcodes"),
        ...(Object.keys(s.extended_rcodes).length > 0
          ? [countChart("Extended response codes (EDNS)", s.extended_rcodes, ["response", "responses"], "dns-extended-rcodes")]
          : []),
        countChart("Query types", s.qtypes, ["question", "questions"], "dns-qtypes"),
        countBars({ title: "Response times", entries: hist.map((b) => [b.label, b.count] as const), unit: ["response", "responses"], key: "dns-response-times" }),
      ),
    ),
  );

  root.append(findingsSection(d.findings));

  const txs = d.transactions;
  const total = d.transactions_total;
  const handle = createTable<DNSTransaction>({
    label: "DNS transactions",
    columns: txColumns,
    rows: txs,
    list: "dns.transactions",
    rowActions: rowActions(dnsFilter, "transaction"),
    note: listLength(ctx, "dns.transactions", txs) < total ? `Showing ${fmt.count(listLength(ctx, "dns.transactions", txs))} of ${fmt.count(total)} transactions.` : undefined,
    maxHeight: 480,
  });
  root.append(section(`Transactions (${fmt.count(total)})`, handle.el));

  root.append(
    section(
      "Top names and domains",
      h(
        "div",
        { class: "dns-row", style: row },
        table({
          label: "Top queried names",
          columns: columns<DNSNameCount>([
            { key: "name", title: "Name", width: "minmax(14em, 3fr)" },
            { key: "queries", title: "Queries", numeric: true },
          ]),
          rows: d.top_names,
          list: "dns.top_names",
          maxHeight: 320,
        }),
        table({
          label: "Top registered domains",
          columns: columns<DNSDomainCount>([
            { key: "domain", title: "Domain", width: "minmax(12em, 3fr)" },
            { key: "queries", title: "Queries", numeric: true },
            { key: "unique_names", title: "Names", numeric: true },
          ]),
          rows: d.top_domains,
          list: "dns.top_domains",
          maxHeight: 320,
        }),
      ),
    ),
    section(
      "Clients and servers",
      h(
        "div",
        { class: "dns-row", style: row },
        table({
          label: "Top DNS clients",
          columns: columns<DNSHostCount>([
            { key: "ip", title: "Client", width: "minmax(10em, 2fr)" },
            { key: "queries", title: "Queries", numeric: true },
            { key: "nxdomain", title: "NXDOMAIN", numeric: true },
            { key: "servers", title: "Servers", numeric: true },
          ]),
          rows: d.top_clients,
          list: "dns.top_clients",
          maxHeight: 320,
        }),
        table({
          label: "Top DNS servers",
          columns: columns<DNSHostCount>([
            { key: "ip", title: "Server", width: "minmax(10em, 2fr)" },
            { key: "queries", title: "Queries", numeric: true },
            { key: "responses", title: "Responses", numeric: true },
            { key: "nxdomain", title: "NXDOMAIN", numeric: true },
            { key: "servfail", title: "SERVFAIL", numeric: true },
          ]),
          rows: d.top_servers,
          list: "dns.top_servers",
          maxHeight: 320,
        }),
      ),
    ),
  );

  const edns = s.edns;
  const sec = s.dnssec;
  const tr = s.transports;
  const svc = s.services;
  root.append(
    section(
      "Protocol use",
      keyValue([
        ["Messages", `${fmt.count(d.dns_messages)} in ${fmt.count(d.dns_packets_found)} frames of ${fmt.count(d.total_packets_in_file)}`],
        ["Transports", `UDP ${fmt.count(tr.udp)}, TCP ${fmt.count(tr.tcp)}`],
        ["Services", sortedEntries(svc).map(([k, c]) => `${k} ${fmt.count(c)}`).join(", ") || "—"],
        ["Non-standard ports", plural(s.non_standard_port_packets, "frame")],
        ["EDNS", `${plural(edns.messages, "message")}, DO bit ${fmt.count(edns.do_bit)}, client subnet ${fmt.count(edns.client_subnet)}, cookies ${fmt.count(edns.cookie)}`],
        ["DNSSEC", `AD in ${fmt.count(sec.ad_responses)} responses, RRSIG in ${fmt.count(sec.rrsig_responses)}, ${fmt.count(sec.dnssec_type_queries)} DS/DNSKEY/NSEC queries`],
        ["Opcodes", sortedEntries(s.opcodes).map(([k, c]) => `${k} ${fmt.count(c)}`).join(", ") || "—"],
      ]),
    ),
  );
  const mal = d.malformed;
  if (mal.length > 0) {
    root.append(
      section(
        `Malformed messages (${fmt.count(s.malformed)})`,
        table({
          label: "Malformed DNS messages",
          columns: columns<DNSMalformed>([
            { key: "frame", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
            { key: "offset", title: "Offset", numeric: true, width: "6em", format: (v) => id(v) },
            { key: "reason", title: "Reason", width: "minmax(20em, 4fr)" },
          ]),
          rows: mal,
          list: "dns.malformed",
          maxHeight: 240,
        }),
      ),
    );
  }
}

/** dnsView renders the dns report. */
export const dnsView: View = {
  id: "dns",
  title: "DNS",
  tools: ["dns"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The DNS report could not be shown: ", String(e)));
    }
  },
};
