// The "DHCP" tab: summary cards, each transaction as a ladder (client on the
// left, server on the right, one row per message with its time offset),
// clients and servers tables, observations with evidence, and the DHCPv6
// summary. It renders the dhcp report and computes nothing but display
// offsets; every string from packets is set as text.
import { h, keyValue, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { table, type Column } from "../ui/table";
import * as fmt from "../ui/format";
import {
  columns,
  isToolError,
  type DHCPClient,
  type DHCPPacket,
  type DHCPServer,
  type DHCPTransaction,
  type DHCPV6Client,
  type DHCPV6Report,
  type DHCPV6Server,
  type DHCPV6Transaction,
  type Report,
  type View,
  type ViewContext,
  listLength,
} from "./types";
import { countBars } from "./bars";
import { id, plural } from "./text";
import { filterActions, findingsSection } from "./findinglist";
import { dhcpFilter } from "./filters";
import { field, n } from "./parts";

function list(v: readonly string[] | undefined): string {
  const a = (v ?? []).map((x) => fmt.text(x));
  return a.length === 0 ? "—" : a.join(", ");
}

/** Outcomes that mean trouble, for the tone of a ladder's heading. */
const badOutcomes = new Set(["refused", "declined", "no answer"]);

/** serverMessage tells which side sent a message type (v4 and v6 names). */
function fromServer(type: string): boolean {
  return ["OFFER", "ACK", "NAK", "ADVERTISE", "REPLY", "RECONFIGURE", "LEASEACTIVE", "LEASEUNKNOWN", "LEASEUNASSIGNED"].includes(type);
}

/** ladder draws one transaction as a table: offset, client, arrow, server. */
function ladder(tx: DHCPTransaction | DHCPV6Transaction, xid: string, client: string, all: readonly (DHCPTransaction | DHCPV6Transaction)[]): HTMLElement {
  const msgs = tx.messages;
  const t0 = n(msgs[0]?.timestamp);
  const outcome = fmt.text(tx.outcome);
  const v4 = "discover_to_ack" in tx ? tx : null;
  const granted = v4?.address_granted ? ` · ${v4.address_granted}` : "";
  const lease = typeof v4?.lease_time === "number" ? ` · lease ${fmt.duration(v4.lease_time)}` : "";
  const d2a = v4 ? v4.discover_to_ack : "solicit_to_reply" in tx ? tx.solicit_to_reply : null;
  return h(
    "details",
    { class: "dhcp-transaction", "data-transaction": xid, open: msgs.length <= 8 ? true : undefined },
    h(
      "summary",
      null,
      h("strong", null, xid),
      " ",
      client,
      " — ",
      h("span", { "data-key": "dhcp-outcome", class: badOutcomes.has(outcome) ? "bad" : undefined }, outcome),
      granted,
      lease,
      typeof d2a === "number" ? [" · ", h("span", { "data-key": "dhcp-setup-time" }, fmt.duration(d2a))] : null,
      v4?.relayed === true ? " · relayed" : null,
    ),
    h(
      "table",
      { class: "ladder" },
      h("thead", null, h("tr", null, ["Frame", "+time", "Client", "", "Server", "Message"].map((t) => h("th", { style: { textAlign: "left", padding: "1px 12px 1px 0" } }, t)))),
      h(
        "tbody",
        null,
        msgs.map((m) => {
          const type = fmt.text(m.type);
          const srv = fromServer(type);
          const cell = { style: { padding: "1px 12px 1px 0" } };
          return h(
            "tr",
            null,
            h("td", cell, id(m.frame)),
            h("td", cell, fmt.duration(n(m.timestamp) - t0)),
            h("td", cell, srv ? fmt.text(m.dst_ip) : fmt.text(m.src_ip)),
            h("td", cell, srv ? "◀──────" : "──────▶"),
            h("td", cell, srv ? fmt.text(m.src_ip) : fmt.text(m.dst_ip)),
            h("td", cell, h("strong", null, type), m.your_ip ? ` (${fmt.text(m.your_ip)})` : ""),
          );
        }),
      ),
    ),
    txActions(tx, all),
  );
}

/** txActions offers a transaction's packets (dhcpFilter; all is the report's list), or says why no filter selects them. */
function txActions(tx: DHCPTransaction | DHCPV6Transaction, all: readonly (DHCPTransaction | DHCPV6Transaction)[]): HTMLElement {
  const f = dhcpFilter(tx, all);
  return h(
    "p",
    { class: "dhcp-tx-actions" },
    f ? filterActions(f) : h("span", { class: "muted" }, "The report lists only this transaction's first messages: no filter selects them all."),
  );
}

const clientColumns: Column<DHCPClient>[] = columns<DHCPClient>([
  { key: "mac", title: "Client MAC", width: "minmax(11em, 1fr)" },
  { key: "host_names", title: "Host name", width: "minmax(9em, 1fr)", value: (r) => list(r.host_names) },
  { key: "vendor_classes", title: "Vendor class", width: "minmax(9em, 1fr)", value: (r) => list(r.vendor_classes) },
  { key: "addresses_obtained", title: "Addresses obtained", width: "minmax(10em, 1fr)", value: (r) => list(r.addresses_obtained) },
  { key: "lease_times", title: "Leases", width: "minmax(7em, 1fr)", value: (r) => r.lease_times.map((x) => fmt.duration(x)).join(", ") },
  { key: "transactions", title: "Transactions", numeric: true, width: "7em" },
  { key: "first_seen", title: "First seen (UTC)", width: "minmax(12em, 1fr)", format: (v) => fmt.utc(v) },
]);

const serverColumns: Column<DHCPServer>[] = columns<DHCPServer>([
  { key: "server_id", title: "Server", width: "minmax(9em, 1fr)" },
  { key: "macs", title: "MAC", width: "minmax(10em, 1fr)", value: (r) => list(r.macs) },
  { key: "offers", title: "Offers", numeric: true, width: "5em" },
  { key: "acks", title: "ACKs", numeric: true, width: "5em" },
  { key: "naks", title: "NAKs", numeric: true, width: "5em" },
  { key: "addresses_handed_out", title: "Addresses handed out", width: "minmax(10em, 2fr)", value: (r) => list(r.addresses_handed_out) },
  { key: "routers", title: "Routers", width: "minmax(8em, 1fr)", value: (r) => list(r.routers) },
  { key: "dns_servers", title: "DNS", width: "minmax(8em, 1fr)", value: (r) => list(r.dns_servers) },
  { key: "subnet_masks", title: "Mask", width: "minmax(8em, 1fr)", value: (r) => list(r.subnet_masks) },
  { key: "lease_times", title: "Leases", width: "minmax(6em, 1fr)", value: (r) => r.lease_times.map((x) => fmt.duration(x)).join(", ") },
]);

const packetColumns: Column<DHCPPacket>[] = columns<DHCPPacket>([
  { key: "packet_number", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
  { key: "time", title: "Time (UTC)", width: "minmax(12em, 1fr)", format: (v) => fmt.utc(v) },
  { key: "message_type", title: "Type", width: "7em" },
  { key: "transaction_id", title: "XID", width: "8em" },
  { key: "client_mac", title: "Client MAC", width: "minmax(10em, 1fr)" },
  { key: "src_ip", title: "Source", width: "minmax(8em, 1fr)" },
  { key: "dst_ip", title: "Destination", width: "minmax(8em, 1fr)" },
  { key: "your_ip", title: "Your IP", width: "minmax(8em, 1fr)" },
  { key: "server_id", title: "Server ID", width: "minmax(8em, 1fr)" },
  { key: "options", title: "Options", width: "minmax(16em, 3fr)", value: (r) => Object.keys(r.options).sort().join(", ") },
]);

function v6Block(v: DHCPV6Report): HTMLElement | null {
  if (v.packets_found === 0) return null;
  const txs = v.transactions_list;
  return section(
    `DHCPv6 (${plural(v.packets_found, "message")})`,
    keyValue([
      ["Message types", Object.entries(v.message_types).sort().map(([k, c]) => `${k} ${fmt.count(c)}`).join(", ") || "—"],
      ["Transactions", h("span", { "data-key": "dhcpv6-transactions" }, fmt.count(v.transactions))],
      ["Clients (DUIDs)", fmt.count(v.unique_clients)],
      ["Servers (DUIDs)", fmt.count(v.unique_servers)],
      ["Relayed", fmt.count(v.relayed)],
    ]),
    h(
      "div",
      null,
      txs.map((t) => ladder(t, t.transaction_id, `client ${fmt.text(t.client_duid)}`, txs)),
    ),
    table({
      label: "DHCPv6 clients",
      columns: columns<DHCPV6Client>([
        { key: "duid", title: "DUID", width: "minmax(14em, 2fr)" },
        { key: "mac", title: "MAC", width: "minmax(10em, 1fr)" },
        { key: "addresses", title: "Addresses", width: "minmax(12em, 2fr)", value: (r) => list(r.addresses) },
        { key: "prefixes", title: "Prefixes", width: "minmax(10em, 1fr)", value: (r) => list(r.prefixes) },
      ]),
      rows: v.clients,
      list: "dhcp.dhcpv6.clients",
      maxHeight: 240,
    }),
    table({
      label: "DHCPv6 servers",
      columns: columns<DHCPV6Server>([
        { key: "duid", title: "DUID", width: "minmax(14em, 2fr)" },
        { key: "ips", title: "Addresses", width: "minmax(12em, 1fr)", value: (r) => list(r.ips) },
        { key: "advertises", title: "Advertises", numeric: true, width: "7em" },
        { key: "replies", title: "Replies", numeric: true, width: "7em" },
        { key: "addresses_assigned", title: "Assigned", width: "minmax(12em, 2fr)", value: (r) => list(r.addresses_assigned) },
        { key: "dns_servers", title: "DNS", width: "minmax(10em, 1fr)", value: (r) => list(r.dns_servers) },
      ]),
      rows: v.servers,
      list: "dhcp.dhcpv6.servers",
      maxHeight: 240,
    }),
  );
}

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const d = report.dhcp;
  if (isToolError(d) || !d) {
    root.append(note("error", h("strong", null, "dhcp could not run: "), d?.error ?? "no report"));
    return;
  }
  const s = d.statistics;
  const v6 = d.dhcpv6;
  root.append(h("div", { class: "view-head" }, warnings(d.warnings)));
  if (d.dhcp_packets_found === 0 && v6.packets_found === 0) {
    root.append(note("info", "No DHCP packets in this capture."));
    return;
  }
  const txs = d.transactions;
  const types = s.message_types;
  // Counted over the whole list: by the worker when the page holds it in part (the card fills in).
  const txTotal = listLength(ctx, "dhcp.transactions", txs);
  const unanswered = txTotal > txs.length ? 0 : txs.filter((t) => t.outcome === "no answer").length;
  const unansweredEl = field("dhcp-unanswered", txTotal > txs.length ? "…" : fmt.count(unanswered));
  if (txTotal > txs.length && ctx?.packets) {
    ctx.packets.rows({ path: "dhcp.transactions", where: ["outcome", "no answer"], limit: 1 }).then(
      (p) => (unansweredEl.textContent = fmt.count(p.matched)),
      () => (unansweredEl.textContent = "—"),
    );
  }
  root.append(
    cards([
      { label: "DHCP messages", value: field("dhcp-messages", fmt.count(d.dhcp_packets_found)), hint: `${fmt.count(s.relayed)} relayed, ${fmt.count(s.malformed)} malformed` },
      { label: "Transactions", value: field("dhcp-transactions", fmt.count(s.transactions)), hint: "distinct transaction IDs" },
      { label: "Clients", value: field("dhcp-clients", fmt.count(s.unique_clients)) },
      { label: "Servers", value: field("dhcp-servers", fmt.count(s.unique_servers)), tone: n(s.unique_servers) > 1 ? "warn" : undefined, title: "distinct server identifiers (option 54)" },
      { label: "NAKs", value: field("dhcp-naks", fmt.count(types["NAK"] ?? 0)), tone: n(types["NAK"]) > 0 ? "warn" : undefined },
      { label: "Unanswered", value: unansweredEl, tone: unanswered > 0 ? "warn" : undefined, hint: "transactions without a server answer" },
    ]),
  );
  const order = ["DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"];
  const rank = (t: string): number => (order.includes(t) ? order.indexOf(t) : order.length);
  const typeEntries = Object.entries(types).sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
  if (typeEntries.length > 0) {
    root.append(
      section(
        "Message types",
        countBars({ title: "DHCP message types", entries: typeEntries, unit: ["message", "messages"], key: "dhcp-message-types" }),
      ),
    );
  }
  root.append(findingsSection(d.findings));
  if (txs.length > 0) {
    const shown = txs.slice(0, 200);
    root.append(
      section(
        `Transactions (${fmt.count(txTotal)})`,
        txTotal > shown.length ? h("p", { class: "muted" }, `Showing the first ${shown.length}; all are in the JSON report.`) : null,
        h("div", { class: "dhcp-ladders" }, shown.map((t) => ladder(t, t.transaction_id, t.client_mac, txs))),
      ),
    );
  }
  root.append(
    section(`Clients (${fmt.count(listLength(ctx, "dhcp.clients", d.clients))})`, table({ label: "DHCP clients", columns: clientColumns, rows: d.clients, list: "dhcp.clients", maxHeight: 320 })),
    section(`Servers (${fmt.count(listLength(ctx, "dhcp.servers", d.servers))})`, table({ label: "DHCP servers", columns: serverColumns, rows: d.servers, list: "dhcp.servers", maxHeight: 240 })),
  );
  const v6b = v6Block(v6);
  if (v6b) root.append(v6b);
  const pk = d.packets;
  if (pk.length > 0) {
    root.append(
      section(
        "Messages",
        table({
          label: "DHCP messages",
          columns: packetColumns,
          rows: pk,
          list: "dhcp.packets",
          maxHeight: 360,
          note: listLength(ctx, "dhcp.packets", pk) < d.dhcp_packets_found ? `Showing ${fmt.count(listLength(ctx, "dhcp.packets", pk))} of ${fmt.count(d.dhcp_packets_found)} messages.` : undefined,
        }),
      ),
    );
  }
}

/** dhcpView renders the dhcp report. */
export const dhcpView: View = {
  id: "dhcp",
  title: "DHCP",
  tools: ["dhcp"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The DHCP report could not be shown: ", String(e)));
    }
  },
};
