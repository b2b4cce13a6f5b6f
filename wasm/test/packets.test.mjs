// The session's packet calls as JavaScript sees them, compared with the CLI:
// packets ↔ `pcaplens packets --json [-Y]`, frame ↔ `--detail N --json`,
// follow ↔ `follow --json`, export read back by `pcaplens packets`.
// Run: make bridge-test (builds the module and the CLI first).
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.PCAPLENS_BIN ? resolve(root, process.env.PCAPLENS_BIN) : join(root, "bin", "pcaplens");
const sample = join(root, "testdata", "captures", "chrissanders--http_ip4and6.pcapng");
const cli = (...args) => execFileSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 });

let api;
before(async () => {
  const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
  if (!globalThis.Go) vm.runInThisContext(readFileSync(join(goroot, "lib", "wasm", "wasm_exec.js"), "utf8"), { filename: "wasm_exec.js" });
  const go = new globalThis.Go();
  const ready = new Promise((r) => (globalThis.pcaplensReady = r));
  const { instance } = await WebAssembly.instantiate(readFileSync(join(root, "web", "dist", "pcaplens.wasm")), go.importObject);
  go.run(instance);
  api = await ready;
});

/** session analyses bytes and keeps the session, reading back through readAt (as the worker's File). */
async function session(bytes) {
  const s = api.open({ tools: ["capinfos"], source: { size: bytes.length, readAt: async (off, n) => bytes.slice(off, off + n) } });
  await s.write(bytes);
  await s.close();
  return s;
}

const b64 = (u8) => Buffer.from(u8).toString("base64");

describe("session packet calls", () => {
  test("packets, frame, follow and export equal the CLI's", async () => {
    const bytes = new Uint8Array(readFileSync(sample));
    const s = await session(bytes);
    const all = JSON.parse(cli("packets", "--json", sample));
    // Every frame, in pages.
    const got = [];
    for (let skip = 0; skip < all.length; skip += 9) {
      const p = await s.packets({ filter: "", skip, limit: 9 });
      got.push(...p.rows);
    }
    assert.deepEqual(got, all);
    // A filter, to its end.
    const filter = "frame.len >= 200 || frame.number == 3";
    let p = await s.packets({ filter, skip: 0, limit: 1000 });
    while (!p.done) p = await s.packets({ filter, skip: 0, limit: 1000 });
    assert.deepEqual(p.rows, JSON.parse(cli("packets", "--json", "-Y", filter, sample)));
    assert.equal(p.matched, p.rows.length);
    assert.deepEqual(s.filterProgress(), { filter, matched: p.matched, scanned: all.length, done: true });

    const d = await s.frame(7);
    const want = JSON.parse(cli("packets", "--detail", "7", "--json", sample));
    assert.ok(d.bytes instanceof Uint8Array);
    assert.deepEqual({ ...d, bytes: b64(d.bytes) }, want);

    const c = await s.follow("tcp", 0);
    const wc = JSON.parse(cli("follow", "tcp", "0", "--json", sample));
    assert.deepEqual({ ...c, chunks: c.chunks.map((x) => ({ ...x, data: b64(x.data) })) }, wc);

    const out = await s.export(filter);
    const file = join(mkdtempSync(join(tmpdir(), "pcaplens-bridge-")), "x.pcapng");
    writeFileSync(file, out);
    // Read alone, the frames lose their streams' history (the Info differs): compare what the file holds.
    assert.deepEqual(JSON.parse(cli("packets", "--json", file)).map((r) => [r.length, r.time_ns]), p.rows.map((r) => [r.length, r.time_ns]));

    await assert.rejects(s.packets({ filter: "frame.len >" }), (e) => e.code === "bad_filter" && e.pos === 11 && /end of filter/i.test(e.message));
    assert.deepEqual(api.checkFilter("frame.number in {1..3}"), { ok: true });
    s.dispose();
    await assert.rejects(s.frame(1), (e) => e.code === "closed");
  });
});
