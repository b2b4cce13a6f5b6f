import { launch, openPage, startServer } from "../e2e/helpers.mjs";
const file = process.argv[2];
const server = await startServer();
const browser = await launch();
try {
  const { page, context } = await openPage(browser, server.url + (process.env.Q ?? ""));
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  await page.waitForSelector(`body[data-engine="warm"]`, { state: "attached", timeout: 60_000 });
  for (let i = 0; i < Number(process.env.N ?? 2); i++) {
    const t0 = Date.now();
    await page.evaluate(() => performance.clearMeasures());
    await page.setInputFiles("#file-input", file);
    await page.waitForFunction((n) => document.body.dataset.state === "report" && performance.getEntriesByType("measure").length > 0, i, { timeout: 900000, polling: 100 });
    const times = await page.evaluate(() => performance.getEntriesByType("measure").map((m) => [m.name, Math.round(m.duration)]));
    console.log(`run ${i + 1}: ${Date.now() - t0} ms`, JSON.stringify(times));
    await new Promise((r) => setTimeout(r, 1500));
  }
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
