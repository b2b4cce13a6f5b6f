// End-to-end tests of the ICMP tab in headless Chromium: ping round-trip
// times and counts read off the page equal tshark's figures; a traceroute
// path is rebuilt.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { captures, chooseFile, expected, openPage, text, usePage } from "./helpers.mjs";

// The server and Chromium, started before the tests and stopped after.
const env = usePage();

const ms = (s) => `${(s * 1000).toFixed(3)} ms`;

describe("icmp tab", () => {
  test("a ping shows tshark's round-trip times and counts", async () => {
    const file = "chrissanders--icmp_echo.pcapng";
    const want = expected("icmp", file).icmp; // tshark's figures (testdata/tshark/icmp.sh)
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-icmp");
      assert.equal(await text(page, '[data-key="icmp-echo-requests"]'), want.echo_requests.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="icmp-unanswered"]'), want.unanswered_requests.toLocaleString("en-US"));
      assert.equal(await text(page, '[data-key="icmp-rtt-median"]'), ms(want.rtt.median));
      const dest = await text(page, '[data-destination="192.168.100.138>192.168.100.1"]');
      assert.match(dest, /4 sent, 4 received, 0(\.0)?% loss/);
      assert.ok(dest.includes(`${ms(want.rtt.min)} / `), dest);
      assert.ok(dest.includes(` / ${ms(want.rtt.max)} / `), dest);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test("a traceroute shows its hops", async () => {
    const file = "chrissanders--icmp_traceroute.pcapng";
    const { page, context, problems } = await openPage(env.browser, env.server.url);
    try {
      await chooseFile(page, join(captures, file));
      await page.click("#tab-icmp");
      const trace = '[data-trace="192.168.100.138>4.2.2.1"]';
      assert.match(await text(page, `${trace} [data-ttl="1"]`), /^192\.168\.100\.1 /);
      assert.match(await text(page, `${trace} [data-ttl="8"]`), /^4\.68\.101\.162 /);
      assert.match(await text(page, trace), /destination reached at TTL 9/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
