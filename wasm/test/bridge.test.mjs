// The bridge as JavaScript sees it: the built web/dist/pcaplens.wasm under
// Node with Go's wasm_exec.js, compared with what `pcaplens analyze` prints.
// Run: make bridge-test (builds the module and the CLI first).
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const wasmPath = join(root, "web", "dist", "pcaplens.wasm");
const bin = process.env.PCAPLENS_BIN ? resolve(root, process.env.PCAPLENS_BIN) : join(root, "bin", "pcaplens");
const captures = join(root, "testdata", "captures");
const samples = ["chrissanders--dns.pcap", "chrissanders--http_ip4and6.pcapng", "chrissanders--icmp_traceroute.pcapng"];

/** cli returns `pcaplens analyze` output for a file, as text. */
function cli(path, ...flags) {
  const args = ["analyze", ...flags, path];
  return existsSync(bin)
    ? execFileSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 })
    : execFileSync("go", ["run", "./cmd/pcaplens", ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
}

let api;

before(async () => {
  assert.ok(existsSync(wasmPath), "web/dist/pcaplens.wasm is missing: run make wasm");
  const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
  vm.runInThisContext(readFileSync(join(goroot, "lib", "wasm", "wasm_exec.js"), "utf8"), { filename: "wasm_exec.js" });
  const go = new globalThis.Go();
  const ready = new Promise((r) => (globalThis.pcaplensReady = r));
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), go.importObject);
  go.run(instance);
  api = await ready;
  assert.equal(globalThis.pcaplens, api);
  assert.equal(api.ready, true);
});

async function stream(bytes, options, chunk) {
  const s = api.open(options);
  for (let off = 0; off < bytes.length; off += chunk) {
    await s.write(bytes.subarray(off, off + chunk));
  }
  const progress = s.progress();
  const json = await s.closeJSON();
  return { json, progress };
}

describe("bridge", () => {
  test("installs analyze, open and one function per registered seed tool", () => {
    assert.equal(typeof api.analyze, "function");
    assert.equal(typeof api.open, "function");
    assert.ok(Array.isArray(api.tools) && api.tools.includes("capinfos"));
    const names = {
      capinfos: "analyzeCapinfos", dns: "analyzeDnsPackets", dhcp: "analyzeDhcpPackets", icmp: "analyzeIcmpPackets",
      tcp_connections: "analyzeTcpConnections", tcp_anomalies: "analyzeTcpAnomalies", tcp_retransmissions: "analyzeTcpRetransmissions",
      traffic_flow: "analyzeTrafficFlow", sip: "analyzeSipPackets",
    };
    for (const [tool, fn] of Object.entries(names)) {
      assert.equal(typeof api[fn] === "function", api.tools.includes(tool), `${fn} vs tool ${tool}`);
    }
  });

  for (const file of samples) {
    test(`${file}: analyze() and open/write/close equal the CLI's JSON`, async () => {
      const path = join(captures, file);
      const bytes = new Uint8Array(readFileSync(path));
      const want = cli(path);
      const got = await api.analyze(bytes, { fileName: basename(path) });
      assert.deepEqual(got, JSON.parse(want));
      for (const chunk of [1000, 4096]) {
        const { json, progress } = await stream(bytes, { fileName: basename(path) }, chunk);
        assert.equal(json, want, `streamed in ${chunk}-byte chunks, the JSON text differs from the CLI's`);
        assert.equal(progress.written, bytes.length);
      }
      // The input array is left alone.
      assert.deepEqual(bytes, new Uint8Array(readFileSync(path)));
    });
  }

  test("progress() carries the findings known so far; at the end of the input they are the report's", async () => {
    const bytes = new Uint8Array(readFileSync(join(captures, "chrissanders--http_espn_fail.pcapng")));
    const s = api.open({});
    assert.deepEqual(s.progress().findings, []);
    for (let off = 0; off < bytes.length; off += 65536) await s.write(bytes.subarray(off, off + 65536));
    const report = JSON.parse(await s.closeJSON());
    const soFar = s.progress().findings;
    assert.ok(soFar.length > 0 && soFar.length <= 5, JSON.stringify(soFar));
    for (const f of soFar) {
      assert.deepEqual(Object.keys(f).sort(), ["count", "kind", "severity", "summary", "tool"]);
      const r = report.findings.find((x) => x.kind === f.kind && x.tool === f.tool);
      assert.ok(r, `${f.kind} is not among the report's findings`);
      assert.equal(f.severity, r.severity, f.kind);
      assert.equal(f.count, r.count, f.kind);
    }
  });

  test("options and per-tool functions", async () => {
    const path = join(captures, samples[0]);
    const bytes = new Uint8Array(readFileSync(path));
    const only = await api.analyze(bytes, { tools: ["capinfos"], fileName: basename(path) });
    assert.deepEqual(Object.keys(only).sort(), ["capinfos", "findings"]);
    assert.ok(Array.isArray(only.findings), "the ranked findings beside the tools");
    assert.deepEqual(only, JSON.parse(cli(path, "--tools", "capinfos")));
    const cap = await api.analyzeCapinfos(bytes, { fileName: basename(path) });
    assert.deepEqual(cap, only.capinfos);
    await assert.rejects(api.analyze(bytes, { tools: ["no_such_tool"] }), (e) => e instanceof Error && e.code === "bad_options" && /unknown tool/.test(e.message));
    await assert.rejects(api.analyze(bytes, { serverPort: "80" }), (e) => e.code === "bad_options");
    await assert.rejects(api.analyze("not bytes"), (e) => e.code === "bad_options");
    // open() cannot throw: its session rejects with the options' error.
    const s = api.open({ tools: ["no_such_tool"] });
    await assert.rejects(s.write(bytes), (e) => e.code === "bad_options" && /unknown tool/.test(e.message));
    await assert.rejects(s.close(), (e) => e.code === "bad_options");
  });

  test("a non-capture rejects with a clear message, and the next call works", async () => {
    const html = new TextEncoder().encode("<!DOCTYPE html>\n<html><body>hello</body></html>\n");
    await assert.rejects(api.analyze(html), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.code, "bad_input");
      assert.match(e.message, /not a capture/i);
      assert.match(e.message, /HTML/);
      return true;
    });
    // Streaming: the write (or the close) rejects with the same error.
    const s = api.open({});
    const results = await Promise.allSettled([s.write(html), s.closeJSON()]);
    assert.ok(results.some((r) => r.status === "rejected" && /not a capture/i.test(r.reason.message)), JSON.stringify(results));
    const path = join(captures, samples[0]);
    const ok = await api.analyze(new Uint8Array(readFileSync(path)), { fileName: basename(path) });
    assert.deepEqual(ok, JSON.parse(cli(path)));
  });

  test("externalDigests: the digests given to close are reported, malformed ones are dropped with a warning", async () => {
    const bytes = readFileSync(join(captures, samples[0]));
    const want = JSON.parse(cli(join(captures, samples[0]), "--tools", "capinfos")).capinfos;
    assert.deepEqual(Array.from(api.digestTools), ["capinfos"]);
    // Digests supplied by the caller (the page's digest worker) replace the engine's own.
    const s = api.open({ tools: ["capinfos"], externalDigests: true });
    await s.write(bytes);
    const fake = { sha256: "ab".repeat(32), sha1: "cd".repeat(20) };
    const rep = JSON.parse(await s.closeJSON(fake)).capinfos;
    assert.equal(rep.sha256, fake.sha256);
    assert.equal(rep.sha1, fake.sha1);
    assert.equal(rep.packet_count, want.packet_count);
    // Real ones equal the CLI's.
    const t = api.open({ tools: ["capinfos"], externalDigests: true });
    await t.write(bytes);
    const { createHash } = await import("node:crypto");
    const real = JSON.parse(await t.closeJSON({ sha256: createHash("sha256").update(bytes).digest("hex"), sha1: createHash("sha1").update(bytes).digest("hex") })).capinfos;
    assert.equal(real.sha256, want.sha256);
    assert.equal(real.sha1, want.sha1);
    // None given: no digests, and the report says so.
    const u = api.open({ tools: ["capinfos"], externalDigests: true });
    await u.write(bytes);
    const none = JSON.parse(await u.closeJSON()).capinfos;
    assert.equal(none.sha256 ?? "", "");
    assert.ok(none.warnings.some((w) => /SHA256 and SHA1 were not computed/.test(w)), JSON.stringify(none.warnings));
    // Without the option the engine hashes, and close ignores what it is given.
    const v = api.open({ tools: ["capinfos"] });
    await v.write(bytes);
    assert.equal(JSON.parse(await v.closeJSON(fake)).capinfos.sha256, want.sha256);
    await assert.rejects(api.open({ externalDigests: "yes" }).write(bytes), (e) => e.code === "bad_options" && /externalDigests must be a boolean/.test(e.message));
  });

  test("a truncated capture resolves with a warning", async () => {
    const bytes = new Uint8Array(readFileSync(join(captures, samples[1])));
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.7));
    const rep = await api.analyze(cut);
    assert.ok(rep.capinfos.warnings.some((w) => /cut short/i.test(w)), JSON.stringify(rep.capinfos.warnings));
  });

  test("abort rejects pending work and leaves the bridge usable", async () => {
    const bytes = new Uint8Array(readFileSync(join(captures, samples[1])));
    const s = api.open({});
    await s.write(bytes.subarray(0, 100));
    s.abort();
    await assert.rejects(s.write(bytes.subarray(100)), (e) => e.code === "aborted" || e.code === "closed");
    await assert.rejects(s.close(), (e) => e.code === "closed");
    const rep = await api.analyze(bytes);
    assert.equal(typeof rep.capinfos.packet_count, "number");
  });
});
