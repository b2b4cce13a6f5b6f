// readBlob (web/src/app/readblob.ts), the way the analysis and digest
// workers read a File: every byte once and in order, in chunks of the sizes
// asked (the first one smaller), one call at a time, whether the Blob's
// byte stream is read into one buffer, or, where it cannot be or a read of
// it stalls, in slices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const out = await build({ entryPoints: [join(root, "web", "src", "app", "readblob.ts")], bundle: true, format: "esm", write: false, logLevel: "silent" });
const { readBlob } = await import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));

/**
 * byteStreamBlob is a Blob whose stream is a byte stream giving its bytes in
 * pieces of random sizes. With stallAt, the stream stops answering once it
 * has given that many bytes, and slices work; without, slicing fails.
 */
function byteStreamBlob(bytes, stallAt = -1) {
  return {
    size: bytes.length,
    slice(from, to) {
      if (stallAt < 0) throw new Error("sliced");
      return new Blob([bytes.subarray(from, to)]);
    },
    stream() {
      let off = 0;
      return new ReadableStream({
        type: "bytes",
        pull(c) {
          if (stallAt >= 0 && off >= stallAt) return new Promise(() => {}); // never answers
          if (off >= bytes.length) {
            c.close();
            c.byobRequest?.respond(0); // a closed byte stream answers the pending read
            return;
          }
          const v = c.byobRequest?.view;
          let n = Math.min(1 + Math.floor(Math.random() * 70_000), bytes.length - off, v ? v.byteLength : Infinity);
          if (stallAt >= 0) n = Math.min(n, Math.max(1, stallAt - off));
          if (v) {
            new Uint8Array(v.buffer, v.byteOffset, n).set(bytes.subarray(off, off + n));
            c.byobRequest.respond(n);
          } else c.enqueue(bytes.slice(off, off + n));
          off += n;
        },
      });
    },
  };
}

/** sliceOnlyBlob is a Blob whose stream cannot be read into a buffer. */
function sliceOnlyBlob(bytes) {
  const b = new Blob([bytes]);
  return {
    size: b.size,
    slice: (from, to) => b.slice(from, to),
    stream: () => new ReadableStream({ pull: (c) => c.close() }), // not a byte stream
  };
}

async function readAll(blob, first, size, stall) {
  const parts = [];
  const ends = [];
  let busy = false;
  await readBlob(
    blob,
    first,
    size,
    async (chunk, end) => {
      assert.equal(busy, false, "a chunk handed over before the last one's promise settled");
      busy = true;
      parts.push(chunk.slice());
      ends.push(end);
      await new Promise((r) => setTimeout(r, 0));
      busy = false;
    },
    stall,
  );
  return { parts, ends };
}

const cases = [
  [0, 16, 64],
  [1, 16, 64],
  [1000, 16, 64],
  [1_000_003, 256 << 10, 4 << 20],
  [9 << 20, 256 << 10, 4 << 20],
  [300_000, 1 << 20, 100_000],
];

function checkChunks(parts, ends, bytes, first, size) {
  assert.deepEqual(Buffer.concat(parts), bytes, `${bytes.length} bytes`);
  let off = 0;
  parts.forEach((p, i) => {
    off += p.length;
    assert.equal(ends[i], off);
    const want = Math.min(i === 0 ? Math.min(first, size) : size, bytes.length - (off - p.length));
    assert.equal(p.length, want, `chunk ${i} of ${bytes.length} bytes`);
  });
}

for (const [name, make] of [
  ["a byte stream read into one buffer", byteStreamBlob],
  ["slices", sliceOnlyBlob],
  ["a Blob", (bytes) => new Blob([bytes])],
]) {
  test(`readBlob reads every byte in order, in chunks of the sizes asked: ${name}`, async () => {
    for (const [len, first, size] of cases) {
      const bytes = randomBytes(len);
      const { parts, ends } = await readAll(make(bytes), first, size);
      checkChunks(parts, ends, bytes, first, size);
    }
  });
}

test("readBlob reads the rest in slices when a read of the stream stalls", async () => {
  for (const [len, first, size] of cases) {
    // Stalls at the start, inside the first chunk, at a chunk's end, inside a later one.
    for (const stallAt of new Set([0, Math.floor(first / 2), Math.min(first, size), Math.min(first, size) + Math.floor(size / 3)])) {
      if (stallAt > len) continue;
      const bytes = randomBytes(len);
      const { parts, ends } = await readAll(byteStreamBlob(bytes, stallAt), first, size, 30);
      checkChunks(parts, ends, bytes, first, size);
    }
  }
});

test("readBlob reads a byte stream into one buffer; slices are fresh arrays", async () => {
  const bytes = randomBytes(3 << 20);
  let n = 0;
  await readBlob(byteStreamBlob(bytes), 512 << 10, 1 << 20, (chunk, _end, fresh) => {
    n++;
    assert.equal(fresh, false);
    assert.equal(chunk.buffer.byteLength, 1 << 20, "the chunk is a view of the one buffer");
  });
  assert.equal(n, 4);
  n = 0;
  await readBlob(sliceOnlyBlob(bytes), 512 << 10, 1 << 20, (chunk, _end, fresh) => {
    n++;
    assert.equal(fresh, true);
    assert.equal(chunk.buffer.byteLength, chunk.byteLength, "the chunk is its buffer's whole");
  });
  assert.equal(n, 4);
});

test("readBlob stops with the error of a chunk's use", async () => {
  for (const make of [byteStreamBlob, sliceOnlyBlob]) {
    let calls = 0;
    const read = readBlob(make(randomBytes(1 << 20)), 1000, 1000, async () => {
      if (++calls === 3) throw new Error("engine failed");
    });
    await assert.rejects(read, /engine failed/);
    assert.ok(calls <= 4, `${calls} chunks handed over after the failure`);
  }
});
