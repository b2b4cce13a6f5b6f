// After Cancel, "Analyse again" analyses the same file in a fresh worker;
// from the last byte read until the report arrives the page says
// "Building the report…" (defect 12).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeCapture } from "../gen.mjs";
import { openPage, text, usePage } from "./helpers.mjs";

let file;
const PACKETS = 150_000;
const env = usePage((dir) => {
  file = join(dir, "medium.pcap");
  writeCapture(file, PACKETS); // ~50 MB: long enough to cancel, short enough to analyse again
});

test("Cancel, then Analyse again on the cancelled tab; Building the report shows until the report arrives", async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  try {
    await page.setInputFiles("#file-input", file);
    await page.waitForFunction(() => document.querySelector("#progress-bar").value > 0);
    await page.click("#cancel");
    await page.waitForSelector('body[data-state="cancelled"]', { state: "attached" });
    assert.equal(await page.locator(".file-tab-wrap").count(), 1);
    const again = page.locator('[data-key="analyse-again"]');
    assert.equal(await again.textContent(), "Analyse again");
    // Record what the progress line says, and when, until the report is drawn.
    await page.evaluate(() => {
      const seen = (window.__progressSeen = []);
      const el = document.querySelector("#progress-text");
      new MutationObserver(() => seen.push({ t: performance.now(), text: el.textContent, phase: document.querySelector("#progress").dataset.phase })).observe(el, { childList: true, characterData: true, subtree: true });
      new MutationObserver(() => {
        if (document.body.dataset.state === "report") window.__reportAt = performance.now();
      }).observe(document.body, { attributes: true, attributeFilter: ["data-state"] });
    });
    await again.click();
    assert.equal(await page.evaluate(() => document.body.dataset.state), "busy");
    await page.waitForSelector('body[data-state="report"]', { state: "attached", timeout: 240_000 });
    assert.equal(await text(page, '[data-key="packet_count"]'), PACKETS.toLocaleString("en-US"));
    assert.equal(await page.locator(".file-tab-wrap").count(), 1, "Analyse again opened another tab");
    const { seen, reportAt } = await page.evaluate(() => ({ seen: window.__progressSeen, reportAt: window.__reportAt }));
    const building = seen.filter((s) => s.phase === "building");
    assert.ok(building.length > 0, `never said it was building: ${seen.slice(-3).map((s) => s.text)}`);
    // With the running figures: packets, then the TCP and UDP streams seen.
    assert.match(building[0].text, /^Building the report… \([\d.]+ MB read · [\d,]+ packets · [\d,]+ TCP streams · [\d,]+ UDP streams\)$/);
    // From the first "building" to the report, the line kept saying so.
    const after = seen.filter((s) => s.t >= building[0].t);
    assert.ok(after.every((s) => s.phase === "building"), "the line went back to reading");
    assert.ok(reportAt >= building[0].t);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
