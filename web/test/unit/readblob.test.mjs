// readBlob (web/src/app/readblob.ts), the way the analysis and digest
// workers read a File: every byte once and in order, in chunks of the sizes
// asked (the first one smaller), one call at a time, in slices (never the
// Blob's stream), stopping at a chunk's error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const out = await build({ entryPoints: [join(root, "web", "src", "app", "readblob.ts")], bundle: true, format: "esm", write: false, logLevel: "silent" });
const { readBlob } = await import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));

/** sliceOnlyBlob is a Blob whose stream fails: read by slices only. */
function sliceOnlyBlob(bytes) {
  const b = new Blob([bytes]);
  return {
    size: b.size,
    slice: (from, to) => b.slice(from, to),
    stream: () => {
      throw new Error("streamed");
    },
  };
}

async function readAll(blob, first, size) {
  const parts = [];
  const ends = [];
  let busy = false;
  await readBlob(blob, first, size, async (chunk, end) => {
    assert.equal(busy, false, "a chunk handed over before the last one's promise settled");
    busy = true;
    parts.push(chunk.slice());
    ends.push(end);
    await new Promise((r) => setTimeout(r, 0));
    busy = false;
  });
  return { parts, ends };
}

for (const [name, make] of [
  ["slices only", sliceOnlyBlob],
  ["a Blob", (bytes) => new Blob([bytes])],
]) {
  test(`readBlob reads every byte in order, in chunks of the sizes asked: ${name}`, async () => {
    for (const [len, first, size] of [
      [0, 16, 64],
      [1, 16, 64],
      [1000, 16, 64],
      [1_000_003, 256 << 10, 4 << 20],
      [9 << 20, 256 << 10, 4 << 20],
      [300_000, 1 << 20, 100_000],
    ]) {
      const bytes = randomBytes(len);
      const { parts, ends } = await readAll(make(bytes), first, size);
      assert.deepEqual(Buffer.concat(parts), bytes, `${len} bytes`);
      let off = 0;
      parts.forEach((p, i) => {
        off += p.length;
        assert.equal(ends[i], off);
        const want = Math.min(i === 0 ? Math.min(first, size) : size, len - (off - p.length));
        assert.equal(p.length, want, `chunk ${i} of ${len} bytes`);
      });
    }
  });
}

test("readBlob stops with the error of a chunk's use", async () => {
  for (const make of [sliceOnlyBlob, (bytes) => new Blob([bytes])]) {
    let calls = 0;
    const read = readBlob(make(randomBytes(1 << 20)), 1000, 1000, async () => {
      if (++calls === 3) throw new Error("engine failed");
    });
    await assert.rejects(read, /engine failed/);
    assert.ok(calls <= 4, `${calls} chunks handed over after the failure`);
  }
});
