// The findings known so far: shown in the progress area while the capture is
// read, before the report, then replaced by the report's findings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeCapture } from "../gen.mjs";
import { openPage, settled, usePage } from "./helpers.mjs";

let file;
const env = usePage((dir) => {
  file = join(dir, "four.pcap");
  writeCapture(file, 12_000); // ~4 MB: read in two slices, each followed by a progress message
});

test("findings so far are on screen before the report, then the report's findings replace them", async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  try {
    await page.waitForFunction(() => document.body.dataset.state === "idle");
    // Record, as the page draws it, the first list of findings so far and the
    // page's state at that moment (no polling: a MutationObserver sees every draw).
    await page.evaluate(() => {
      const w = window;
      w.__soFar = null;
      const look = () => {
        const items = [...document.querySelectorAll('[data-key="findings-early"] li')];
        if (w.__soFar || items.length === 0) return;
        w.__soFar = {
          state: document.body.dataset.state,
          visible: !document.querySelector("#progress").hidden,
          items: items.map((li) => ({ kind: li.dataset.soFar, severity: li.dataset.severity, text: li.textContent })),
        };
      };
      new MutationObserver(look).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    await page.setInputFiles("#file-input", file);
    await settled(page);
    assert.equal(await page.evaluate(() => document.body.dataset.state), "report");
    const soFar = await page.evaluate(() => window.__soFar);
    assert.ok(soFar, "no findings so far were drawn during the pass");
    assert.equal(soFar.state, "busy", "the findings so far were drawn after the report");
    assert.ok(soFar.visible, "the progress area was hidden when the findings so far were drawn");
    assert.ok(soFar.items.length >= 1 && soFar.items.length <= 5, JSON.stringify(soFar.items));
    for (const it of soFar.items) {
      assert.match(it.severity, /^(high|medium|low|info)$/);
      assert.ok(it.text.startsWith(it.severity), it.text);
      assert.doesNotMatch(it.text, /<|_/, `plain words: ${it.text}`);
    }
    // The report's findings replace them: the progress area is hidden, and
    // each kind told so far is among the report's findings.
    assert.equal(await page.isVisible('[data-key="findings-early"]'), false);
    for (const it of soFar.items) {
      assert.ok(await page.locator(`[data-finding="${it.kind}"]`).count(), `${it.kind} is not among the report's findings`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
