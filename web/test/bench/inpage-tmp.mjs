import { chromium } from "playwright-core";
const extra = process.env.FLAGS ? process.env.FLAGS.split(" ") : [];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", ...extra] });
const page = await (await browser.newContext()).newPage();
const lines = [];
page.on("console", (m) => lines.push(m.text()));
page.on("worker", (w) => w.on("console", (m) => lines.push(m.text())));
await page.goto("http://127.0.0.1:8099/");
const env = process.env.GOENV ? Object.fromEntries(process.env.GOENV.split(" ").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])) : undefined;
for (const n of (process.env.SEQ ?? "1,1,2").split(",").map(Number)) {
  lines.length = 0;
  const res = await page.evaluate(([n, env]) => new Promise((r) => { const w = new Worker("w.js"); w.onmessage = (e) => { r(e.data); w.terminate(); }; w.postMessage({ n, env }); }), [n, env]);
  console.log(JSON.stringify(res));
  const gcs = lines.filter((l) => /^gc \d+ @/.test(l));
  console.log(`console lines ${lines.length}, gc lines ${gcs.length}`);
  if (process.env.SHOW) for (const l of lines) console.log(l.slice(0, 300));
}
await browser.close();
