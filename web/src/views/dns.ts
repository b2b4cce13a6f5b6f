// The "DNS" tab: summary cards, response codes and query types, response
// times, top names and domains, the transactions table and the
// observations with their evidence. It renders the dns report and computes
// nothing; every string from packets is set as text.
import { h, keyValue, note, section, warnings, type Child } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, table, type Column } from "../ui/table";
import { barChart } from "../ui/chart";
import * as fmt from "../ui/format";
import { arr, isToolError, obj, type Report, type View } from "./types";

type Row = Record<string, unknown>;

/** row lays charts or tables side by side, wrapping on narrow screens. */
const row = { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 360px), 1fr))", gap: "16px" };

function n(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** field renders a value with a data-key attribute so tests can read it off the page. */
function field(key: string, ...children: Child[]): HTMLElement {
  return h("span", { "data-key": key }, ...children);
}

/** ms shows seconds as milliseconds with microsecond precision. */
function ms(v: unknown): string {
  return typeof v === "number" && Number.isFinite(v) ? `${(v * 1000).toFixed(3)} ms` : "—";
}

/** sortedEntries lists a {name: count} object by count, then name. */
function sortedEntries(v: unknown): [string, number][] {
  return Object.entries(obj(v))
    .map(([k, c]): [string, number] => [k, n(c)])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function countChart(title: string, v: unknown, label: string): HTMLElement {
  const e = sortedEntries(v);
  return barChart({ title, categories: e.map((x) => x[0]), series: [{ label, values: e.map((x) => x[1]), format: (x) => fmt.count(x) }], yLabel: label });
}

const txColumns: Column<Row>[] = [
  { key: "query_frame", title: "Query", numeric: true, width: "6em", tooltip: "frame of the query (blank: response without query)", format: (v) => (n(v) > 0 ? fmt.count(v) : "") },
  { key: "response_frame", title: "Resp.", numeric: true, width: "6em", tooltip: "frame of the response", format: (v) => (n(v) > 0 ? fmt.count(v) : "") },
  { key: "time", title: "Time (UTC)", width: "minmax(13em, 1fr)", format: (v) => fmt.utc(v) },
  { key: "name", title: "Question", width: "minmax(14em, 3fr)" },
  { key: "type", title: "Type", width: "6em" },
  { key: "rcode", title: "Rcode", width: "8em" },
  { key: "answers", title: "Answers", width: "minmax(14em, 3fr)", value: (r) => arr(r["answers"]).map((a) => fmt.text(a)).join(", ") },
  { key: "response_time", title: "Resp. time", numeric: true, width: "8em", format: (v) => ms(v) },
  { key: "retries", title: "Retries", numeric: true, width: "6em" },
  { key: "client", title: "Client", width: "minmax(10em, 1fr)" },
  { key: "server", title: "Server", width: "minmax(10em, 1fr)" },
  { key: "transport", title: "Transport", width: "6em" },
  { key: "status", title: "Status", width: "8em" },
];

function evidenceText(e: Row): string {
  const parts: string[] = [];
  if (e["client"]) parts.push(`client ${fmt.text(e["client"])}`);
  if (e["server"]) parts.push(`server ${fmt.text(e["server"])}`);
  if (e["name"]) parts.push(`name ${fmt.text(e["name"])}`);
  if (typeof e["score"] === "number") parts.push(`score ${fmt.num(e["score"], 2)}`);
  if (typeof e["period_seconds"] === "number") parts.push(`period ${fmt.num(e["period_seconds"], 3)} s`);
  if (e["detail"]) parts.push(fmt.text(e["detail"]));
  const frames = arr(e["frames"]).filter((f): f is number => typeof f === "number");
  if (frames.length > 0) parts.push(`frames ${frames.map((f) => fmt.count(f)).join(", ")}`);
  return parts.join("; ");
}

function observationsBlock(list: unknown[]): HTMLElement {
  if (list.length === 0) return section("Observations", h("p", { class: "muted" }, "Nothing unusual observed."));
  return section(
    `Observations (${list.length})`,
    h(
      "ul",
      { class: "dns-observations" },
      list.map((x) => {
        const o = obj(x);
        const ev = arr(o["evidence"]).map(obj);
        const count = n(o["count"]);
        return h(
          "li",
          { "data-observation": fmt.text(o["kind"]) },
          h("strong", null, fmt.text(o["kind"])),
          " ",
          h("span", null, `${fmt.text(o["summary"])} (${fmt.count(count)})`),
          h("ul", null, ev.map((e) => h("li", { class: "muted" }, evidenceText(e)))),
          count > ev.length ? h("p", { class: "muted" }, `${fmt.count(count - ev.length)} more not listed`) : null,
        );
      }),
    ),
  );
}

function render(root: HTMLElement, report: Report): void {
  const v = report["dns"];
  if (isToolError(v)) {
    root.append(note("error", h("strong", null, "dns could not run: "), v.error));
    return;
  }
  const d = obj(v);
  const s = obj(d["statistics"]);
  const rc = obj(s["rcodes"]);
  const rt = obj(s["response_time"]);
  root.append(h("div", { class: "view-head" }, warnings(d["warnings"])));
  if (n(d["dns_messages"]) === 0) {
    root.append(note("info", "No DNS packets in this capture."));
    return;
  }
  const caps = arr(d["caps_hit"]).map((x) => fmt.text(x));
  if (caps.length > 0) root.append(note("warn", h("strong", null, "Limits reached: "), caps.join("; ")));

  root.append(
    cards([
      { label: "Queries", value: field("dns-queries", fmt.count(s["queries"])), hint: `${fmt.count(s["unique_domains_queried"])} distinct names` },
      { label: "Responses", value: field("dns-responses", fmt.count(s["responses"])), hint: `${fmt.count(s["responses_without_query"])} without query` },
      {
        label: "Unanswered",
        value: field("dns-unanswered", fmt.count(s["unanswered_queries"])),
        hint: `${fmt.count(s["retransmitted_queries"])} retransmitted queries`,
        tone: n(s["unanswered_queries"]) > 0 ? "warn" : undefined,
      },
      {
        label: "NXDOMAIN",
        value: field("dns-nxdomain", fmt.count(rc["NXDOMAIN"] ?? 0)),
        hint: `${fmt.percent(s["nxdomain_ratio"], 1)} of responses`,
        tone: n(rc["NXDOMAIN"]) > 0 ? "warn" : undefined,
      },
      {
        label: "SERVFAIL",
        value: field("dns-servfail", fmt.count(rc["SERVFAIL"] ?? 0)),
        hint: `${fmt.percent(s["servfail_ratio"], 1)} of responses`,
        tone: n(rc["SERVFAIL"]) > 0 ? "bad" : undefined,
      },
      {
        label: "Median response time",
        value: field("dns-rt-median", ms(rt["median"])),
        hint: `p95 ${ms(rt["p95"])}, max ${ms(rt["max"])} (${fmt.count(rt["count"])} responses)${rt["approximate"] === true ? ", approximate" : ""}`,
        title: "tshark's dns.time: from the transaction's first query to each response",
      },
      { label: "Truncated", value: field("dns-truncated", fmt.count(s["truncated_responses"])), hint: `${fmt.count(s["tcp_fallbacks"])} TCP fallbacks` },
      { label: "Malformed", value: field("dns-malformed", fmt.count(s["malformed"])), tone: n(s["malformed"]) > 0 ? "warn" : undefined },
    ]),
  );

  const hist = arr(s["response_time_histogram"]).map(obj);
  root.append(
    section(
      "Response codes and query types",
      h(
        "div",
        { class: "dns-row", style: row },
        countChart("Response codes", s["rcodes"], "responses"),
        countChart("Query types", s["qtypes"], "questions"),
        barChart({
          title: "Response times",
          categories: hist.map((b) => fmt.text(b["label"])),
          series: [{ label: "responses", values: hist.map((b) => n(b["count"])), format: (x) => fmt.count(x) }],
          yLabel: "responses",
        }),
      ),
    ),
  );

  root.append(observationsBlock(arr(d["observations"])));

  const txs = arr(d["transactions"]).map(obj);
  const total = n(d["transactions_total"]);
  const handle = createTable<Row>({
    label: "DNS transactions",
    columns: txColumns,
    rows: txs,
    note: txs.length < total ? `Showing ${fmt.count(txs.length)} of ${fmt.count(total)} transactions.` : undefined,
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
          columns: [
            { key: "name", title: "Name", width: "minmax(14em, 3fr)" },
            { key: "queries", title: "Queries", numeric: true },
          ],
          rows: arr(d["top_names"]).map(obj),
          maxHeight: 320,
        }),
        table({
          label: "Top registered domains",
          columns: [
            { key: "domain", title: "Domain", width: "minmax(12em, 3fr)" },
            { key: "queries", title: "Queries", numeric: true },
            { key: "unique_names", title: "Names", numeric: true },
          ],
          rows: arr(d["top_domains"]).map(obj),
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
          columns: [
            { key: "ip", title: "Client", width: "minmax(10em, 2fr)" },
            { key: "queries", title: "Queries", numeric: true },
            { key: "nxdomain", title: "NXDOMAIN", numeric: true },
            { key: "servers", title: "Servers", numeric: true },
          ],
          rows: arr(d["top_clients"]).map(obj),
          maxHeight: 320,
        }),
        table({
          label: "Top DNS servers",
          columns: [
            { key: "ip", title: "Server", width: "minmax(10em, 2fr)" },
            { key: "queries", title: "Queries", numeric: true },
            { key: "responses", title: "Responses", numeric: true },
            { key: "nxdomain", title: "NXDOMAIN", numeric: true },
            { key: "servfail", title: "SERVFAIL", numeric: true },
          ],
          rows: arr(d["top_servers"]).map(obj),
          maxHeight: 320,
        }),
      ),
    ),
  );

  const edns = obj(s["edns"]);
  const sec = obj(s["dnssec"]);
  const tr = obj(s["transports"]);
  const svc = obj(s["services"]);
  root.append(
    section(
      "Protocol use",
      keyValue([
        ["Messages", `${fmt.count(d["dns_messages"])} in ${fmt.count(d["dns_packets_found"])} frames of ${fmt.count(d["total_packets_in_file"])}`],
        ["Transports", `UDP ${fmt.count(tr["udp"])}, TCP ${fmt.count(tr["tcp"])}`],
        ["Services", sortedEntries(svc).map(([k, c]) => `${k} ${fmt.count(c)}`).join(", ") || "—"],
        ["Non-standard ports", `${fmt.count(s["non_standard_port_packets"])} frames`],
        ["EDNS", `${fmt.count(edns["messages"])} messages, DO bit ${fmt.count(edns["do_bit"])}, client subnet ${fmt.count(edns["client_subnet"])}, cookies ${fmt.count(edns["cookie"])}`],
        ["DNSSEC", `AD in ${fmt.count(sec["ad_responses"])} responses, RRSIG in ${fmt.count(sec["rrsig_responses"])}, ${fmt.count(sec["dnssec_type_queries"])} DS/DNSKEY/NSEC queries`],
        ["Opcodes", sortedEntries(s["opcodes"]).map(([k, c]) => `${k} ${fmt.count(c)}`).join(", ") || "—"],
      ]),
    ),
  );
  const mal = arr(d["malformed"]).map(obj);
  if (mal.length > 0) {
    root.append(
      section(
        `Malformed messages (${fmt.count(s["malformed"])})`,
        table({
          label: "Malformed DNS messages",
          columns: [
            { key: "frame", title: "Frame", numeric: true, width: "6em" },
            { key: "offset", title: "Offset", numeric: true, width: "6em" },
            { key: "reason", title: "Reason", width: "minmax(20em, 4fr)" },
          ],
          rows: mal,
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
  render(root, report) {
    try {
      render(root, report);
    } catch (e) {
      root.append(note("error", "The DNS report could not be shown: ", String(e)));
    }
  },
};
