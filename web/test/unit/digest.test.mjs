// The page's streaming SHA-256 and SHA-1 (web/src/digest/sha.ts) against
// Node's crypto: every length around the padding boundaries, fed in chunks of
// every awkward size, and a few megabytes in random slices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

async function load() {
  const out = await build({ entryPoints: [join(root, "web", "src", "digest", "sha.ts")], bundle: true, format: "esm", write: false, logLevel: "silent" });
  return import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));
}

const { SHA256, SHA1 } = await load();

function ours(bytes, chunks) {
  const a = new SHA256();
  const b = new SHA1();
  let off = 0;
  for (const n of chunks) {
    a.update(bytes.subarray(off, off + n));
    b.update(bytes.subarray(off, off + n));
    off += n;
  }
  a.update(bytes.subarray(off));
  b.update(bytes.subarray(off));
  return [a.hex(), b.hex()];
}

const node = (bytes) => [createHash("sha256").update(bytes).digest("hex"), createHash("sha1").update(bytes).digest("hex")];

test("known answers (FIPS 180-4 examples)", () => {
  const abc = new TextEncoder().encode("abc");
  assert.deepEqual(ours(abc, []), ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "a9993e364706816aba3e25717850c26c9cd0d89d"]);
  assert.deepEqual(ours(new Uint8Array(0), []), ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "da39a3ee5e6b4b0d3255bfef95601890afd80709"]);
});

test("every length from 0 to 300 bytes, whole and in chunks of 1, 7, 63, 64 and 65", () => {
  const data = randomBytes(300);
  for (let n = 0; n <= 300; n++) {
    const bytes = data.subarray(0, n);
    const want = node(bytes);
    assert.deepEqual(ours(bytes, []), want, `length ${n}`);
    for (const size of [1, 7, 63, 64, 65]) {
      const chunks = Array.from({ length: Math.floor(n / size) }, () => size);
      assert.deepEqual(ours(bytes, chunks), want, `length ${n} in chunks of ${size}`);
    }
  }
});

test("8 MB in random slices", () => {
  const bytes = randomBytes(8 << 20);
  const chunks = [];
  for (let left = bytes.length; left > 0; ) {
    const n = Math.min(left, Math.floor(Math.random() * 300_000));
    chunks.push(n);
    left -= n;
  }
  const t0 = performance.now();
  const got = ours(bytes, chunks);
  const ms = performance.now() - t0;
  assert.deepEqual(got, node(bytes));
  console.log(`# both digests: ${((bytes.length / 1e6) / (ms / 1000)).toFixed(0)} MB/s`);
});
