// The I/O graph's interval helpers (web/src/ui/chart.ts): re-bucketing
// sums finest buckets (nothing averaged), the intervals offered are whole
// multiples of the finest bucket, and the default gives a readable number
// of buckets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

async function load() {
  const stub = {
    name: "stub-uplot",
    setup(b) {
      b.onResolve({ filter: /^uplot$/ }, () => ({ path: "uplot", namespace: "stub" }));
      b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export default class {}", loader: "js" }));
    },
  };
  const out = await build({ entryPoints: [join(root, "web", "src", "ui", "chart.ts")], bundle: true, format: "esm", write: false, logLevel: "silent", plugins: [stub] });
  return import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));
}

const { rebucket, intervals, defaultInterval, intervalLabel } = await load();

test("intervals are named as Wireshark names them", () => {
  assert.deepEqual([0.001, 0.01, 0.5, 1, 30, 60, 300, 3600, 86400, 604800].map(intervalLabel), ["1 ms", "10 ms", "500 ms", "1 s", "30 s", "1 min", "5 min", "1 h", "1 d", "7 d"]);
});

test("rebucket sums groups of finest buckets, the last one partial", () => {
  assert.deepEqual(rebucket([1, 2, 3, 4, 5, 6, 7], 3), [6, 15, 7]);
  assert.deepEqual(rebucket([1, 2, 3], 1), [1, 2, 3]);
  assert.deepEqual(rebucket([1, null, 3], 2), [1, 3]);
  assert.deepEqual(rebucket([], 10), []);
  // The total is kept at every interval.
  const xs = Array.from({ length: 1234 }, (_, i) => (i * 7919) % 13);
  const total = xs.reduce((a, b) => a + b, 0);
  for (const f of [1, 2, 10, 100, 1000, 5000]) assert.equal(rebucket(xs, f).reduce((a, b) => a + b, 0), total, `factor ${f}`);
});

test("intervals are whole multiples of the finest bucket, up to the one that covers the span", () => {
  // 10 ms buckets over 2 s (200 buckets).
  assert.deepEqual(intervals(0.01, 200), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
  // 1 s buckets over a day: no sub-second interval; 1 day covers it.
  const day = intervals(1, 86400);
  assert.equal(day[0], 30, "1 s to 10 s over a day give more than 5,000 buckets");
  assert.equal(day[day.length - 1], 86400);
  for (const iv of day) assert.ok(Number.isInteger(iv / 1));
  // An odd finest bucket is always offered.
  assert.equal(intervals(0.003, 10)[0], 0.003);
  assert.deepEqual(intervals(0, 10), []);
});

test("defaultInterval gives at most 400 buckets", () => {
  assert.equal(defaultInterval(0.01, 200), 0.01);
  assert.equal(defaultInterval(0.01, 20000), 0.5); // 200 s in 10 ms buckets: 400 buckets of 0.5 s
  assert.ok(86400 / defaultInterval(1, 86400) <= 400);
  // A 10-day merged capture in 1 s buckets: no 10-day bucket (defect 6's 0.1 packets/s).
  const tenDays = 10 * 86400;
  const iv = defaultInterval(1, tenDays);
  assert.ok(tenDays / iv >= 20 && tenDays / iv <= 400, `interval ${iv}`);
});
