// Progress and Cancel on a large generated capture.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeCapture } from "../gen.mjs";
import { captures, chooseFile, openPage, text, usePage } from "./helpers.mjs";

let big;
const env = usePage((dir) => {
  big = join(dir, "big.pcap");
  writeCapture(big, 400_000); // ~130 MB: takes seconds to analyse, so Cancel finds it running
});

test("a large capture shows progress and Cancel stops it; the next file works", async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  try {
    await page.setInputFiles("#file-input", big);
    await page.waitForSelector("#progress:not([hidden])");
    // Progress moves: some bytes and packets are read.
    // (The line is read as the bar is seen moving: a later message may say "Building the report…".)
    const line = await page.waitForFunction(() => document.querySelector("#progress-bar").value > 0 && document.querySelector("#progress-text").textContent);
    assert.match(await line.jsonValue(), /of .* read · [\d,]+ packets/);
    // The page stays responsive while the worker reads.
    const frames = await page.evaluate(() => new Promise((r) => {
      let n = 0;
      const t0 = performance.now();
      const tick = () => (performance.now() - t0 < 300 ? (n++, requestAnimationFrame(tick)) : r(n));
      requestAnimationFrame(tick);
    }));
    assert.ok(frames > 3, `only ${frames} frames in 300 ms while analysing`);
    const state = await page.evaluate(() => document.body.dataset.state);
    assert.equal(state, "busy", "the analysis finished before Cancel could be tested");
    await page.click("#cancel");
    await page.waitForSelector('body[data-state="cancelled"]', { state: "attached" });
    assert.match(await text(page, "#status"), /cancelled/i);
    assert.equal(await page.isVisible("#progress"), false);
    // A fresh worker analyses the next file.
    await chooseFile(page, join(captures, "chrissanders--dns.pcap"));
    assert.equal(await text(page, '[data-key="packet_count"]'), "7");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
