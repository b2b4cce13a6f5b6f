// The "TLS" tab: summary cards, the handshakes over time, versions, cipher
// suites, ALPN and fingerprints, the findings, the connections table (SNI,
// version, cipher, ALPN, JA3/JA4, certificate) and, for the selected
// connection, its certificate chain as sent. It renders the tls report and
// computes nothing; every string from packets is set as text.
import { h, note, section, warnings } from "../ui/dom";
import { cards } from "../ui/cards";
import { createTable, table, type Column } from "../ui/table";
import { timeSeries } from "../ui/chart";
import * as fmt from "../ui/format";
import { columns, isToolError, listLength, type Report, type TlsCertificate, type TlsConnection, type View, type ViewContext } from "./types";
import { countBars } from "./bars";
import { id, plural, words } from "./text";
import { filterActions, findingsSection, followButton } from "./findinglist";
import { field, ms, n, row, sortedEntries } from "./parts";

/** connFilter selects a connection's packets: its tcp.stream or udp.stream. */
function connFilter(c: TlsConnection): string | null {
  if (!Number.isInteger(c.stream) || c.stream < 0) return null;
  return `${c.transport === "quic" ? "udp" : "tcp"}.stream == ${c.stream}`;
}

const connColumns = (certs: Map<string, TlsCertificate>): Column<TlsConnection>[] =>
  columns<TlsConnection>([
    { key: "first_frame", title: "Frame", numeric: true, width: "6em", format: (v) => id(v) },
    { key: "time", title: "Time (UTC)", width: "minmax(13em, 1fr)", format: (v) => fmt.utc(v) },
    { key: "transport", title: "Over", width: "5em", format: (v) => (v === "quic" ? "QUIC" : "TCP") },
    { key: "sni", title: "Server name (SNI)", width: "minmax(14em, 3fr)" },
    { key: "server", title: "Server", width: "minmax(10em, 1fr)", value: (r) => `${r.server}:${r.server_port}` },
    { key: "version", title: "Version", width: "7em" },
    { key: "cipher", title: "Cipher suite", width: "minmax(14em, 2fr)" },
    { key: "alpn_offered", title: "ALPN", width: "8em", value: (r) => r.alpn || (r.alpn_offered ?? []).join(", ") },
    { key: "ja4", title: "JA4", width: "minmax(18em, 2fr)" },
    { key: "ja3", title: "JA3", width: "minmax(16em, 2fr)" },
    { key: "handshake_time", title: "Handshake", numeric: true, width: "8em", format: (v) => ms(v) },
    {
      key: "certificates",
      title: "Certificate",
      width: "minmax(14em, 2fr)",
      value: (r) => {
        const first = (r.certificates ?? [])[0];
        const c = first ? certs.get(first) : undefined;
        return c ? c.subject || c.sha256 : "";
      },
    },
    { key: "alerts", title: "Alerts", width: "minmax(10em, 1fr)", value: (r) => (r.alerts ?? []).map((a) => `${a.level} ${words(a.description)}`).join(", ") },
  ]);

/** chain shows a connection's certificates as sent, the server's own first. */
function chain(c: TlsConnection, certs: Map<string, TlsCertificate>): HTMLElement {
  const list = c.certificates ?? [];
  if (list.length === 0) {
    return h("p", { class: "muted" }, c.version === "TLS 1.3" || c.transport === "quic" ? "TLS 1.3 sends its certificates encrypted." : "No certificate was read for this connection.");
  }
  return h(
    "ol",
    { class: "tls-chain", "data-key": "tls-chain" },
    list.map((sha) => {
      const cert = certs.get(sha);
      if (!cert) return h("li", null, sha);
      const flags = [cert.self_signed ? "self-signed" : "", cert.is_ca ? "CA" : "", cert.error ? `not parsed: ${cert.error}` : ""].filter((x) => x !== "");
      return h(
        "li",
        null,
        h("div", null, h("strong", null, cert.subject || "(no subject)"), flags.length > 0 ? ` (${flags.join(", ")})` : ""),
        h("div", { class: "muted" }, `issued by ${cert.issuer || "—"}`),
        h("div", { class: "muted" }, `valid ${cert.not_before || "—"} to ${cert.not_after || "—"}; ${cert.key_type} ${cert.key_bits > 0 ? `${cert.key_bits} bits` : ""}; ${cert.signature_algorithm}`),
        (cert.sans ?? []).length > 0 ? h("div", { class: "muted" }, `names: ${(cert.sans ?? []).join(", ")}`) : "",
        h("div", { class: "muted" }, `SHA-256 ${cert.sha256}`),
      );
    }),
  );
}

function render(root: HTMLElement, report: Report, ctx?: ViewContext): void {
  const r = report.tls;
  if (isToolError(r) || !r) {
    root.append(note("error", h("strong", null, "tls could not run: "), r?.error ?? "no report"));
    return;
  }
  const s = r.statistics;
  root.append(h("div", { class: "view-head" }, warnings(r.warnings)));
  if (n(s.client_hellos) + n(s.server_hellos) === 0 && r.connections_total === 0) {
    root.append(note("info", "No TLS or QUIC handshake in this capture."));
    return;
  }
  const alerts = Object.values(s.alerts).reduce((a, b) => a + n(b), 0);
  root.append(
    cards([
      { label: "Connections", value: field("tls-connections", fmt.count(r.connections_total)), hint: `${fmt.count(s.quic_client_hellos)} over QUIC` },
      { label: "ClientHellos", value: field("tls-client-hellos", fmt.count(s.client_hellos)), hint: plural(Object.keys(s.server_names).length, "server name") },
      { label: "ServerHellos", value: field("tls-server-hellos", fmt.count(s.server_hellos)), hint: `${plural(s.hello_retry_requests, "HelloRetryRequest")}, ${fmt.count(s.resumed)} resumed` },
      { label: "Certificates", value: field("tls-certificates", fmt.count(listLength(ctx, "tls.certificates", r.certificates))), hint: plural(s.certificate_messages, "Certificate message") },
      { label: "Alerts", value: field("tls-alerts", fmt.count(alerts)), tone: alerts > 0 ? "warn" : undefined, title: "plaintext alerts (encrypted ones cannot be read)" },
    ]),
  );

  const tl = r.handshakes_over_time;
  if (tl.buckets > 0) {
    const x = tl.client_hellos.map((_, i) => tl.start + i * tl.interval);
    root.append(
      section(
        "Handshakes over time",
        timeSeries({
          title: `ClientHellos and alerts per ${tl.interval} s`,
          x,
          bars: true,
          series: [
            { label: "ClientHellos", values: tl.client_hellos },
            { label: "Alerts", values: tl.alerts },
          ],
          yLabel: "per interval",
          height: 200,
        }),
      ),
    );
  }

  root.append(
    section(
      "Versions, cipher suites and ALPN",
      h(
        "div",
        { class: "tls-row", style: row },
        countBars({ title: "Negotiated versions", entries: sortedEntries(s.versions), unit: ["handshake", "handshakes"], key: "tls-versions" }),
        countBars({ title: "Cipher suites chosen", entries: sortedEntries(s.cipher_suites), unit: ["handshake", "handshakes"], key: "tls-ciphers" }),
        countBars({ title: "ALPN offered", entries: sortedEntries(s.alpn), unit: ["ClientHello", "ClientHellos"], key: "tls-alpn" }),
      ),
    ),
  );

  root.append(findingsSection(r.findings));

  const certs = new Map<string, TlsCertificate>(r.certificates.map((c) => [c.sha256, c]));
  // The summary holds the lists' first rows; the table pages the rest from
  // the worker (certificates beyond the first rows show by their hash).
  const listed = listLength(ctx, "tls.connections", r.connections);
  const handle = createTable<TlsConnection>({
    label: "TLS connections",
    columns: connColumns(certs),
    rows: r.connections,
    list: "tls.connections",
    rowActions: {
      hint: "Select a connection (click it, or arrow keys in the table) to see its certificate chain and list its packets.",
      render: (c: TlsConnection) => {
        const f = connFilter(c);
        const follow = c.stream >= 0 ? followButton(c.transport === "quic" ? "udp" : "tcp", c.stream) : null;
        return h("div", null, f ? h("span", { class: "row-actions-line" }, h("span", { class: "muted" }, "This connection's packets: "), filterActions(f), follow) : "", chain(c, certs));
      },
    },
    note: listed < r.connections_total ? `Listing ${fmt.count(listed)} of ${fmt.count(r.connections_total)} connections (the report's per-packet limit).` : undefined,
    maxHeight: 480,
  });
  root.append(section(`Connections (${fmt.count(r.connections_total)})`, handle.el));

  root.append(
    section(
      "Fingerprints and server names",
      h(
        "div",
        { class: "tls-row", style: row },
        table({
          label: "Server names (SNI)",
          columns: columns<{ name: string; count: number }>([
            { key: "name", title: "Server name", width: "minmax(14em, 3fr)" },
            { key: "count", title: "ClientHellos", numeric: true },
          ]),
          rows: sortedEntries(s.server_names).map(([name, count]) => ({ name, count })),
          maxHeight: 320,
        }),
        table({
          label: "JA4 fingerprints",
          columns: columns<{ name: string; count: number }>([
            { key: "name", title: "JA4", width: "minmax(18em, 3fr)" },
            { key: "count", title: "ClientHellos", numeric: true },
          ]),
          rows: sortedEntries(s.ja4).map(([name, count]) => ({ name, count })),
          maxHeight: 320,
        }),
        table({
          label: "JA3 fingerprints",
          columns: columns<{ name: string; count: number }>([
            { key: "name", title: "JA3", width: "minmax(16em, 3fr)" },
            { key: "count", title: "ClientHellos", numeric: true },
          ]),
          rows: sortedEntries(s.ja3).map(([name, count]) => ({ name, count })),
          maxHeight: 320,
        }),
      ),
    ),
  );
}

/** tlsView renders the tls report. */
export const tlsView: View = {
  id: "tls",
  title: "TLS",
  tools: ["tls"],
  render(root, report, ctx) {
    try {
      render(root, report, ctx);
    } catch (e) {
      root.append(note("error", "The TLS report could not be shown: ", String(e)));
    }
  },
};
