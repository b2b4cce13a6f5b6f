// The "HTTP" tab: summary cards, requests over time, methods, status codes
// and hosts, the findings, the request table (each row links to its
// packets and its TCP stream), and the top URIs, user agents, content
// types and servers. It renders the http report and computes nothing;
// every string from packets is set as text.
import { h, keyValue, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, table, type Column } from "../ui/table";
import { intervalCharts } from "../ui/chart";
import * as fmt from "../ui/format";
import { columns, isToolError, listLength, type HttpKeyCount, type HttpTransaction, type Report, type View, type ViewContext } from "./types";
import { countBars } from "./bars";
import { id, plural } from "./text";
import { findingsSection, rowActions } from "./findinglist";
import { httpTransactionFilter } from "./filters";
import { field, ms, n, row, sortedEntries } from "./parts";

/** bytes shows a body size: blank for none. */
function size(v: unknown): string {
  return n(v) > 0 ? fmt.bytes(n(v)) : "";
}

const txColumns: Column<HttpTransaction>[] = columns<HttpTransaction>([
  { key: "request_frame", title: "Req.", numeric: true, width: "6em", tooltip: "frame completing the request (blank: response without request)", format: (v) => (n(v) > 0 ? id(v) : "") },
  { key: "response_frame", title: "Resp.", numeric: true, width: "6em", tooltip: "frame completing the response", format: (v) => (n(v) > 0 ? id(v) : "") },
  { key: "time", title: "Time (UTC)", width: "minmax(13em, 1fr)", format: (v) => fmt.utc(v) },
  { key: "method", title: "Method", width: "6em" },
  { key: "host", title: "Host", width: "minmax(10em, 2fr)" },
  { key: "uri", title: "URI", width: "minmax(16em, 4fr)" },
  { key: "status", title: "Status", numeric: true, width: "5em", format: (v) => (n(v) > 0 ? String(v) : "") },
  { key: "content_type", title: "Content type", width: "minmax(8em, 1fr)" },
  { key: "body", title: "Size", numeric: true, width: "7em", tooltip: "response body bytes (chunked bodies decoded)", format: (v) => size(v) },
  { key: "response_time", title: "Resp. time", numeric: true, width: "8em", tooltip: "tshark's http.time: from the request's frame to the response's", format: (v) => ms(v) },
  { key: "user_agent", title: "User agent", width: "minmax(10em, 2fr)" },
  { key: "file", title: "Executable", width: "minmax(8em, 1fr)", tooltip: "what the response body starts like, when it is an executable or a script" },
  { key: "client", title: "Client", width: "minmax(10em, 1fr)" },
  { key: "server", title: "Server", width: "minmax(10em, 1fr)" },
  { key: "tcp_stream", title: "Stream", numeric: true, width: "5em", tooltip: "tcp.stream (blank: HTTP over UDP)", format: (v) => (n(v) >= 0 ? id(v) : "") },
]);

function keyCounts(label: string, title: string, rows: readonly HttpKeyCount[]): HTMLElement {
  return table({
    label,
    columns: columns<HttpKeyCount>([
      { key: "key", title, width: "minmax(14em, 4fr)" },
      { key: "count", title: "Messages", numeric: true },
    ]),
    rows: [...rows],
    maxHeight: 320,
  });
}

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const d = report.http;
  if (isToolError(d) || !d) {
    root.append(note("error", h("strong", null, "http could not run: "), d?.error ?? "no report"));
    return;
  }
  const s = d.statistics;
  const rt = s.response_time;
  root.append(h("div", { class: "view-head" }, warnings(d.warnings)));
  if (n(d.requests) + n(d.responses) === 0) {
    root.append(note("info", "No HTTP messages in this capture (HTTP/1.x over TCP; HTTPS is encrypted and shows in the TLS tab)."));
    return;
  }

  const errors = Object.entries(s.status_codes).reduce((a, [k, c]) => (Number(k) >= 400 ? a + n(c) : a), 0);
  root.append(
    cards([
      { label: "Requests", value: field("http-requests", fmt.count(d.requests)), hint: plural(d.connections, "connection") },
      { label: "Responses", value: field("http-responses", fmt.count(d.responses)), hint: `${fmt.count(s.responses_without_request)} without request` },
      {
        label: "Unanswered",
        value: field("http-unanswered", fmt.count(s.requests_without_response)),
        tone: n(s.requests_without_response) > 0 ? "warn" : undefined,
      },
      { label: "Errors (4xx/5xx)", value: field("http-errors", fmt.count(errors)), tone: errors > 0 ? "warn" : undefined },
      {
        label: "Median response time",
        value: field("http-rt-median", rt ? ms(rt.median) : "—"),
        hint: rt ? `p95 ${ms(rt.p95)}, max ${ms(rt.max)} (${plural(rt.count, "response")})` : "no response was matched to a request",
        title: "tshark's http.time: from the frame completing the request to the frame completing its response",
      },
      { label: "Body bytes", value: field("http-body-bytes", fmt.bytes(n(s.body_bytes))), hint: plural(s.chunked, "chunked message") },
    ]),
  );

  const g = d.timeline;
  if (g.buckets > 0 && g.interval > 0) {
    root.append(
      section(
        "Requests over time",
        intervalCharts({
          start: g.start,
          finest: g.interval,
          charts: [
            {
              title: "Requests and errors",
              bars: true,
              yLabel: "per second",
              series: [
                { label: "requests/s", counts: g.requests },
                { label: "4xx/5xx responses/s", counts: g.errors },
              ],
            },
          ],
        }),
      ),
    );
  }

  root.append(
    section(
      "Methods, status codes and hosts",
      h(
        "div",
        { class: "http-row", style: row },
        countBars({ title: "Methods", entries: sortedEntries(s.methods), unit: ["request", "requests"], key: "http-methods" }),
        countBars({ title: "Status codes", entries: sortedEntries(s.status_codes), unit: ["response", "responses"], key: "http-status-codes" }),
        countBars({ title: "Hosts", entries: sortedEntries(s.hosts).slice(0, 20), unit: ["request", "requests"], key: "http-hosts" }),
      ),
    ),
  );

  root.append(findingsSection(d.findings));

  // The summary holds the list's first rows; the table pages the rest from
  // the worker. The report lists at most max-packets of the transactions.
  const listed = listLength(ctx, "http.transactions", d.transactions);
  const total = d.transactions_total;
  const handle = createTable<HttpTransaction>({
    label: "HTTP requests",
    columns: txColumns,
    rows: d.transactions,
    list: "http.transactions",
    rowActions: rowActions(httpTransactionFilter, "request", (t) => (t.tcp_stream >= 0 ? { kind: "tcp", stream: t.tcp_stream } : null)),
    note: listed < total ? `Listing ${fmt.count(listed)} of ${fmt.count(total)} requests (the report's per-packet limit).` : undefined,
    maxHeight: 480,
  });
  root.append(section(`Requests (${fmt.count(total)})`, handle.el));

  root.append(
    section(
      "Top URIs, user agents, content types and servers",
      h(
        "div",
        { class: "http-row", style: row },
        keyCounts("Top URIs", "URI", s.top_uris),
        keyCounts("Top user agents", "User agent", s.top_user_agents),
        keyCounts("Top content types", "Content type", s.top_content_types),
        keyCounts("Top servers", "Server", s.top_servers),
      ),
    ),
    section(
      "Reading",
      keyValue([
        ["Messages", `${fmt.count(n(d.requests) + n(d.responses))} in ${fmt.count(d.http_frames)} frames of ${fmt.count(d.total_packets_in_file)}`],
        ["Segments skipped", `${fmt.count(s.skipped_segments)} (data where a message should start: Wireshark's "Continuation")`],
        ["Incomplete messages", `${fmt.count(s.incomplete_messages)} (bytes missing from the capture)`],
        ["Oversized headers", fmt.count(s.oversized_headers)],
      ]),
    ),
  );
}

/** httpView renders the http report. */
export const httpView: View = {
  id: "http",
  title: "HTTP",
  tools: ["http"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The HTTP report could not be shown: ", String(e)));
    }
  },
};
