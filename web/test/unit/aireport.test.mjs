// "Copy for AI" (web/src/app/aireport.ts) over reports that `pcaplens analyze`
// prints for real captures: the ICMP echo table with RTTs, SIP final
// statuses, DNS rcodes and response times, no empty section, no TCP block
// without TCP, findings with their filters, and text cut only at a word.
// Needs bin/pcaplens (make cli) or PCAPLENS_BIN.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = process.env.PCAPLENS_BIN ? resolve(root, process.env.PCAPLENS_BIN) : join(root, "bin", "pcaplens");
const captures = join(root, "testdata", "captures");

/** load bundles aireport.ts for Node (uPlot, drawn only in a browser, is stubbed). */
async function load() {
  const stub = {
    name: "stub-uplot",
    setup(b) {
      b.onResolve({ filter: /^uplot$/ }, () => ({ path: "uplot", namespace: "stub" }));
      b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export default class {}", loader: "js" }));
    },
  };
  // aireport, and the tabs' tool labels the page passes it (the worker, which writes the Markdown, has no views).
  const stdin = { contents: 'export * from "./app/aireport"; export { toolLabel } from "./views/findinglist";', resolveDir: join(root, "web", "src"), loader: "ts" };
  const out = await build({ stdin, bundle: true, format: "esm", write: false, logLevel: "silent", plugins: [stub] });
  return import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));
}

const ai = await load();

function analyze(file) {
  const path = join(captures, file);
  const args = ["analyze", "--detailed", "--max-packets", "20000", path];
  const out = existsSync(bin) ? execFileSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 }) : execFileSync("go", ["run", "./cmd/pcaplens", ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  return JSON.parse(out);
}

/** report returns the Markdown before the guide. */
function md(report, name = "x.pcap") {
  const all = ai.aiReport(name, report, { id: "general", title: "General triage", suggestFor: [], steps: ["Look."] }, ai.toolLabel);
  return all.slice(0, all.indexOf("\n---\n"));
}

const files = [
  "chrissanders--icmp_echo.pcapng",
  "chrissanders--icmp_traceroute.pcapng",
  "chrissanders--dns_query_nonexistent.pcapng",
  "chrissanders--http_espn.pcapng",
  "chrissanders--dhcp_nolease_initialization.pcapng",
  "chrissanders--synscan.pcapng",
  "sip-call-rtp-loss.pcap",
  "sip-call-rejected.pcap",
  "sip-call-cancelled.pcap",
  "sip-register-bruteforce.pcap",
];
const reports = new Map(files.map((f) => [f, analyze(f)]));

test("clip shortens at a word and marks the cut", () => {
  const s = "the quick brown fox jumps over the lazy dog ".repeat(6).trim();
  const c = ai.clip(s, 60);
  assert.ok(c.length <= 60, c);
  assert.ok(c.endsWith("…"), c);
  const kept = c.slice(0, -1);
  assert.ok(s.startsWith(kept) && /\s/.test(s[kept.length]), `cut mid-word: ${c}`);
  assert.equal(ai.clip("short", 60), "short");
});

test("no section heading without content, and no table cell cut mid-word", () => {
  for (const [f, r] of reports) {
    const lines = md(r, f).split("\n");
    lines.forEach((line, i) => {
      if (/^[A-Z][^|]*:$/.test(line)) assert.match(lines[i + 1] ?? "", /^\|/, `${f}: empty "${line}"`);
      if (line.startsWith("|")) {
        for (const cell of line.split(" | ")) assert.ok(cell.length <= 122, `${f}: cell of ${cell.length} characters`);
      }
    });
    assert.doesNotMatch(md(r, f), /Unreachables:\n(?!\|)/, f);
  }
});

test("TCP block only for captures with TCP, with its connection count", () => {
  for (const [f, r] of reports) {
    const n = r.tcp_connections.summary.total_connections;
    const text = md(r, f);
    if (n === 0) assert.doesNotMatch(text, /### TCP/, f);
    else assert.match(text, new RegExp(`### TCP\\n- connections: ${n.toLocaleString("en-US")}\\n`), f);
  }
});

test("ICMP: every echo destination with sent, received, loss and RTTs", () => {
  let rows = 0;
  for (const [f, r] of reports) {
    for (const d of r.icmp.echo.destinations) {
      const text = md(r, f);
      const row = text.split("\n").find((l) => l.startsWith(`| ${d.source} | ${d.destination} | ${d.transmitted} | ${d.received} |`));
      assert.ok(row, `${f}: no echo row for ${d.source} → ${d.destination}`);
      if (d.received > 0) assert.match(row, /\d ms \| [\d.,]+ ms \| [\d.,]+ ms \|$/, row);
      rows++;
    }
    if (r.icmp.statistics.rtt?.count > 0) assert.match(md(r, f), /- round-trip time: min [\d.]+ ms, median [\d.]+ ms, max [\d.]+ ms/);
  }
  assert.ok(rows > 0, "no capture with echo");
});

test("ICMP: \"answered by an error\" counts requests an error answered, not the errors", () => {
  // Two time-exceeded messages can quote one probe: errors (ping's "+N errors")
  // then exceeds the requests they answered, and sent = received + answered + lost.
  const r = structuredClone(reports.get("chrissanders--icmp_traceroute.pcapng"));
  const d = r.icmp.echo.destinations[0];
  assert.ok(d.answered_by_error > 0, "the traceroute capture has probes answered by time exceeded");
  d.errors = d.answered_by_error + 5;
  assert.match(md(r), new RegExp(`^\\| ${d.source} \\| ${d.destination} \\| ${d.transmitted} \\| ${d.received} \\| ${d.answered_by_error} \\| `, "m"));
});

test("SIP: every call has its final status", () => {
  let calls = 0;
  for (const [f, r] of reports) {
    for (const c of r.sip.calls.slice(0, 8)) {
      if (!c.status_code) continue;
      assert.match(md(r, f), new RegExp(`\\| ${c.state} \\| ${c.status_code}${c.reason ? " " + c.reason : ""} \\|`), `${f}: call ${c.call_id}`);
      calls++;
    }
  }
  assert.ok(calls >= 3, `only ${calls} calls checked`);
});

test("DNS: response codes and response times", () => {
  for (const [f, r] of reports) {
    const st = r.dns.statistics;
    if (!st.queries) continue;
    const text = md(r, f);
    for (const [code, n] of Object.entries(st.rcodes ?? {})) if (n > 0) assert.match(text, new RegExp(`- response codes: .*\\b${code} ${n.toLocaleString("en-US")}\\b`), `${f}: ${code}`);
    if (st.response_time?.count > 0) assert.match(text, /- response time: median [\d.]+ ms, 95th percentile [\d.]+ ms, max [\d.]+ ms/, f);
  }
});

test("HTTP: request and response counts, methods, status codes and top hosts", () => {
  const r = reports.get("chrissanders--http_espn.pcapng");
  const m = md(r);
  assert.match(m, new RegExp(`requests: ${r.http.requests}`));
  assert.match(m, new RegExp(`responses: ${r.http.responses}`));
  assert.match(m, /methods: GET \d+/);
  assert.match(m, /status codes: 200 \d+/);
  assert.match(m, /Top hosts:\n\| host \| requests \|/);
  assert.match(m, /a\.espncdn\.com \| 31/);
  assert.doesNotMatch(md(reports.get("chrissanders--icmp_echo.pcapng")), /HTTP/);
});

test("a tool that failed or did not run leaves its section out", () => {
  const r = structuredClone(reports.get("chrissanders--dns_query_nonexistent.pcapng"));
  assert.match(md(r), /\n### DNS\n/);
  assert.match(md(r), /\n### Overview\n/);
  r.dns = { error: "dns: failed", file: "x.pcap" };
  delete r.overview;
  const text = md(r);
  assert.doesNotMatch(text, /### DNS|### Overview/);
  assert.match(text, /^Capture: 2 packets/m);
});

test("findings come from report.findings, with counts, frames and filters", () => {
  const r = structuredClone(reports.get("chrissanders--dns_query_nonexistent.pcapng"));
  r.findings = [
    { kind: "dns.failed_answers", severity: "medium", tool: "dns", summary: "1 of 1 answers failed (NXDOMAIN 1)", count: 1234, frames: [2], filter: "dns.flags.rcode != 0" },
    { kind: "capture.test", severity: "info", tool: "capinfos", summary: "something", count: 0, frames: [] },
  ];
  const text = md(r);
  assert.match(text, /## Findings\n\n- \*\*medium\*\* \[DNS\] 1 of 1 answers failed \(NXDOMAIN 1\) \(count 1,234; frame 2; Wireshark filter `dns\.flags\.rcode != 0`\)\n- \*\*info\*\* \[Capture\] something\n/);
  r.findings = [];
  assert.match(md(r), /## Findings\n\nNo analysis flagged anything: 2 packets: 1 DNS query; nothing unusual\.\n/);
});

test("TLS: the handshakes block names each connection's server name and JA4", () => {
  const path = join(root, "analysis", "tls", "testdata", "captures", "ja4--tls-alpn-h2.pcap");
  const args = ["analyze", "--tools", "tls", path];
  const out = existsSync(bin) ? execFileSync(bin, args, { encoding: "utf8" }) : execFileSync("go", ["run", "./cmd/pcaplens", ...args], { cwd: root, encoding: "utf8" });
  const r = JSON.parse(out);
  const text = md(r, "ja4--tls-alpn-h2.pcap");
  assert.match(text, /TLS and QUIC handshakes/);
  const c = r.tls.connections[0];
  assert.ok(text.includes(`| ${c.sni} |`), "the connection's SNI");
  assert.ok(text.includes(c.ja4), "the connection's JA4");
  // No block for a capture without TLS.
  assert.doesNotMatch(md(reports.get("chrissanders--http_espn.pcapng")), /TLS and QUIC handshakes/);
});
