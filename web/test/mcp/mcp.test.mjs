// End-to-end test of `pcaplens mcp` with a client of another implementation:
// the official MCP TypeScript SDK, over stdio and over Streamable HTTP. It
// lists the tools and prompts, calls every tool on test captures, and checks
// the reports' figures against `pcaplens analyze`'s.
//
//   go build -o bin/pcaplens ./cmd/pcaplens && PCAPLENS_BIN=bin/pcaplens node --test web/test/mcp/
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = process.env.PCAPLENS_BIN ? resolve(root, process.env.PCAPLENS_BIN) : join(root, "bin", "pcaplens");
const captures = join(root, "testdata", "captures");

const seedTools = [
  "analyze_capinfos", "analyze_dns_packets", "analyze_dhcp_packets", "analyze_icmp_packets", "analyze_sip_packets",
  "analyze_tcp_connections", "analyze_tcp_anomalies", "analyze_tcp_retransmissions", "analyze_traffic_flow",
];
const seedPrompts = [
  "security_analysis", "network_troubleshooting", "forensic_investigation",
  "dhcp_network_analysis", "dhcp_security_analysis", "dhcp_forensic_investigation",
  "icmp_network_diagnostics", "icmp_security_analysis", "icmp_forensic_investigation",
  "tcp_connection_troubleshooting", "tcp_security_analysis",
  "sip_security_analysis", "sip_troubleshooting_analysis", "sip_forensic_investigation",
];

/** cli returns `pcaplens analyze --tools TOOL [flags] FILE`'s report of TOOL. */
function cli(tool, file, ...flags) {
  const out = execFileSync(bin, ["analyze", "--tools", tool, ...flags, file], { encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(out)[tool];
}

/** engineTool maps an MCP tool name to its `pcaplens analyze` key. */
const engineTool = {
  analyze_capinfos: "capinfos", analyze_dns_packets: "dns", analyze_dhcp_packets: "dhcp", analyze_icmp_packets: "icmp",
  analyze_sip_packets: "sip", analyze_tcp_connections: "tcp_connections", analyze_tcp_anomalies: "tcp_anomalies",
  analyze_tcp_retransmissions: "tcp_retransmissions", analyze_traffic_flow: "traffic_flow",
};

/** checks runs the same checks over a connected client. */
function checks(connect) {
  let client;
  before(async () => { client = await connect(); });
  after(async () => { await client?.close(); });

  test("lists the seed's tools, one per report, and the packet tools", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of [...seedTools, "analyze_overview", "get_findings", "list_packets", "get_packet", "follow_stream"]) {
      assert.ok(names.includes(n), `tool ${n} missing from ${names}`);
    }
    const cliTools = execFileSync(bin, ["tools"], { encoding: "utf8" }).trim().split("\n")
      .flatMap((l) => l.split(": ")[1].split(", "));
    assert.equal(names.length, cliTools.length + 4, "one tool per report and four more");
    for (const t of tools) {
      assert.match(t.description, /untrusted data/, `${t.name}'s description`);
      assert.equal(t.inputSchema.type, "object");
      assert.ok(t.outputSchema, `${t.name} has an output schema`);
    }
    const flow = tools.find((t) => t.name === "analyze_traffic_flow");
    assert.deepEqual(flow.inputSchema.required, ["pcap_file", "server_ip"]);
  });

  test("lists the seed's prompts and gets each", async () => {
    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name).sort(), [...seedPrompts].sort());
    for (const name of seedPrompts) {
      const p = await client.getPrompt({ name, arguments: { pcap_file: "x.pcap" } });
      assert.match(p.messages[0].content.text, /## Investigation guide: /);
      assert.match(p.messages[0].content.text, /"x\.pcap"/);
    }
  });

  test("every seed tool's report is the CLI's", async () => {
    const cases = [
      ["analyze_capinfos", "chrissanders--dns_query_response.pcapng", {}],
      ["analyze_dns_packets", "chrissanders--dns_query_response.pcapng", {}],
      ["analyze_dhcp_packets", "mcpcap--dhcp.pcap", {}],
      ["analyze_icmp_packets", "chrissanders--icmp_echo.pcapng", {}],
      ["analyze_sip_packets", "sip-call-rtp.pcap", {}],
      ["analyze_tcp_connections", "chrissanders--tcp_retransmissions.pcapng", {}],
      ["analyze_tcp_connections", "chrissanders--http_espn.pcapng", { detailed: true }, "--detailed"],
      ["analyze_tcp_anomalies", "chrissanders--synscan.pcapng", {}],
      ["analyze_tcp_retransmissions", "chrissanders--tcp_retransmissions.pcapng", { threshold: 0.5 }, "--threshold", "0.5"],
      ["analyze_traffic_flow", "chrissanders--tcp_retransmissions.pcapng", { server_ip: "10.3.71.7" }, "--server-ip", "10.3.71.7"],
      ["analyze_overview", "chrissanders--tcp_retransmissions.pcapng", {}],
    ];
    for (const [tool, name, args, ...flags] of cases) {
      const file = join(captures, name);
      const r = await client.callTool({ name: tool, arguments: { pcap_file: file, limit: 1000, ...args } });
      assert.ok(!r.isError, `${tool} ${name}: ${r.content?.[0]?.text}`);
      const want = cli(engineTool[tool] ?? tool.replace(/^analyze_/, ""), file, ...flags);
      assert.deepEqual(r.structuredContent.report, want, `${tool} on ${name}`);
      assert.match(r.content[0].text, /untrusted data/);
    }
  });

  test("get_findings, list_packets, get_packet and follow_stream", async () => {
    const file = join(captures, "chrissanders--tcp_retransmissions.pcapng");
    const all = JSON.parse(execFileSync(bin, ["analyze", file], { encoding: "utf8" }));
    const f = await client.callTool({ name: "get_findings", arguments: { pcap_file: file } });
    assert.equal(f.structuredContent.matched, all.findings.length);
    assert.deepEqual(f.structuredContent.findings, all.findings.slice(0, 50));

    const rows = JSON.parse(execFileSync(bin, ["packets", "--json", "-Y", "tcp.analysis.retransmission", file], { encoding: "utf8" }));
    const l = await client.callTool({ name: "list_packets", arguments: { pcap_file: file, filter: "tcp.analysis.retransmission", skip: 1, limit: 3 } });
    assert.ok(!l.isError, l.content?.[0]?.text);
    assert.equal(l.structuredContent.matched, rows.length);
    assert.equal(l.structuredContent.returned, 3);
    assert.deepEqual(l.structuredContent.rows, rows.slice(1, 4));

    const detail = JSON.parse(execFileSync(bin, ["packets", "--json", "--detail", "5", file], { encoding: "utf8" }));
    const p = await client.callTool({ name: "get_packet", arguments: { pcap_file: file, frame: 5 } });
    assert.deepEqual(p.structuredContent.row, detail.row);
    assert.deepEqual(p.structuredContent.layers, detail.layers);
    assert.match(p.structuredContent.hexdump, /^0000  /);

    const conv = JSON.parse(execFileSync(bin, ["follow", "tcp", "0", "--json", file], { encoding: "utf8" }));
    const s = await client.callTool({ name: "follow_stream", arguments: { pcap_file: file, protocol: "tcp", stream: 0 } });
    assert.deepEqual(s.structuredContent.nodes, conv.nodes);
    assert.equal(s.structuredContent.chunks.length, conv.chunks.length);
    assert.equal(s.structuredContent.chunks.reduce((n, c) => n + c.bytes, 0), conv.bytes[0] + conv.bytes[1]);
  });

  test("errors are tool errors, and the server goes on", async () => {
    for (const [args, want] of [
      [{ pcap_file: join(captures, "not-a-capture.pcap") }, /not a capture/],
      [{ pcap_file: join(captures, "no-such-file.pcap") }, /no such file/],
    ]) {
      const r = await client.callTool({ name: "analyze_capinfos", arguments: args });
      assert.ok(r.isError);
      assert.match(r.content[0].text, want);
    }
    const bad = await client.callTool({ name: "list_packets", arguments: { pcap_file: join(captures, "mcpcap--dns.pcap"), filter: "dns.qry.name ==" } });
    assert.ok(bad.isError);
    assert.match(bad.content[0].text, /bad display filter/);
    const ok = await client.callTool({ name: "analyze_dns_packets", arguments: { pcap_file: join(captures, "mcpcap--dns.pcap") } });
    assert.ok(!ok.isError);
  });
}

describe("stdio", () => {
  checks(async () => {
    const client = new Client({ name: "pcaplens-e2e", version: "1" });
    await client.connect(new StdioClientTransport({ command: bin, args: ["mcp"], stderr: "inherit" }));
    return client;
  });
});

describe("Streamable HTTP", () => {
  let proc;
  after(() => proc?.kill());
  checks(async () => {
    proc = spawn(bin, ["mcp", "--http", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
    const url = await new Promise((res, rej) => {
      let err = "";
      proc.stderr.on("data", (d) => {
        err += d;
        const m = /serving MCP at (http:\/\/\S+)/.exec(err);
        if (m) res(m[1]);
      });
      proc.on("exit", (code) => rej(new Error(`pcaplens mcp --http exited ${code}: ${err}`)));
    });
    const client = new Client({ name: "pcaplens-e2e", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  });
});

test("a long list is paged and says so", async () => {
  const client = new Client({ name: "pcaplens-e2e", version: "1" });
  await client.connect(new StdioClientTransport({ command: bin, args: ["mcp"], stderr: "inherit" }));
  try {
    const file = join(captures, "chrissanders--synscan.pcapng");
    const want = cli("tcp_connections", file, "--detailed");
    const r = await client.callTool({ name: "analyze_tcp_connections", arguments: { pcap_file: file, detailed: true, skip: 100, limit: 20 } });
    assert.deepEqual(r.structuredContent.report.connections, want.connections.slice(100, 120));
    assert.deepEqual(r.structuredContent.lists.find((l) => l.path === "connections"), { path: "connections", total: want.connections.length, skip: 100, returned: 20 });
    assert.deepEqual(r.structuredContent.report.summary, want.summary, "statistics stay whole");
  } finally {
    await client.close();
  }
});

test("Streamable HTTP with a bearer token", async () => {
  const proc = spawn(bin, ["mcp", "--http", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, PCAPLENS_MCP_TOKEN: "t0ken" } });
  try {
    const url = await new Promise((res, rej) => {
      let err = "";
      proc.stderr.on("data", (d) => {
        err += d;
        const m = /serving MCP at (http:\/\/\S+)/.exec(err);
        if (m) res(m[1]);
      });
      proc.on("exit", (code) => rej(new Error(`exited ${code}: ${err}`)));
    });
    const without = new Client({ name: "pcaplens-e2e", version: "1" });
    await assert.rejects(without.connect(new StreamableHTTPClientTransport(new URL(url))), /401|Unauthorized|token/i);
    const client = new Client({ name: "pcaplens-e2e", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: "Bearer t0ken" } } }));
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "analyze_capinfos"));
    await client.close();
  } finally {
    proc.kill();
  }
});
