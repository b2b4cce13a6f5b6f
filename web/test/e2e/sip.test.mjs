// End-to-end tests of the SIP tab in headless Chromium: drop a SIP capture,
// read a call's state and post-dial delay off the page (they equal the CLI's
// report), and check the message counts against tshark's figures.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, cliReport, dropFile, expected, openPage, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const ms = (v) => `${v.toFixed(3)} ms`;

describe("sip tab", () => {
  for (const [file, state] of [
    ["sip-call-rejected.pcap", "rejected (486 Busy Here)"],
    ["sip-call-rtp.pcap", "answered"],
    ["sip-call-cancelled.pcap", "cancelled"],
  ]) {
    test(`${file}: the call's state and post-dial delay`, async () => {
      const path = join(captures, file);
      const want = cliReport(path, "sip").sip;
      const call = want.calls[0];
      const tshark = expected("sip", file); // testdata/tshark/sip.sh
      const { page, context, problems } = await openPage(env.browser, env.server.url);
      try {
        await dropFile(page, path);
        await page.click("#tab-sip");
        const block = `[data-call="${call.call_id}"]`;
        assert.equal(await text(page, `${block} [data-key="call-state"]`), state);
        assert.equal(await text(page, `${block} [data-key="call-pdd"]`), ms(call.post_dial_delay_ms));
        assert.ok(call.post_dial_delay_ms > 0);
        assert.equal(await text(page, '[data-key="sip-messages"]'), tshark.messages.toLocaleString("en-US"));
        assert.equal(await text(page, '[data-key="sip-call-ids"]'), tshark.call_ids.toLocaleString("en-US"));
        // The ladder has one arrow per message of the call.
        assert.equal(await page.locator(`${block} svg.sip-ladder g[data-frame]`).count(), call.flow.length);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});
