import { launch, openPage, startServer, chooseFile, captures, withFindings } from "./helpers.mjs";
import { join } from "node:path";
const server = await startServer(); const browser = await launch();
const F = [
  { kind: "tcp.port_scan", severity: "high", tool: "tcp_anomalies", summary: "172.16.0.8 sent SYNs to 1,991 ports of 64.13.134.52 in 3.2 s; 1,950 were answered with a RST", count: 1991, frames: [3,4,5,6,7,8,9,10,11,12], filter: "tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.src == 172.16.0.8", subjects: ["172.16.0.8"] },
  { kind: "tcp.resets", severity: "medium", tool: "tcp_connections", summary: "1,950 connections were refused with a RST", count: 1950, frames: [1789], filter: "tcp.flags.reset == 1" },
  { kind: "dns.failed_answers", severity: "low", tool: "dns", summary: "1 of 4 answers failed (NXDOMAIN 1)", count: 1, frames: [3] },
  { kind: "capture.truncated_ipv4", severity: "info", tool: "capinfos", summary: "1 packet has a truncated IPv4 header", count: 1, frames: [7] },
];
for (const scheme of ["light", "dark"]) for (const [w, h] of [[1366, 768], [1920, 1080]]) {
  const { page, context, problems } = await openPage(browser, server.url, { viewport: { width: w, height: h }, colorScheme: scheme });
  await withFindings(page, F);
  await chooseFile(page, join(captures, "chrissanders--synscan.pcapng"));
  const tag = `${scheme}-${w}`;
  await page.screenshot({ path: `/tmp/webui/shots/findings-${tag}.png` });
  await page.locator("#panel-findings .finding button.link").nth(1).click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `/tmp/webui/shots/evidence-${tag}.png` });
  await page.click("#copy-ai"); await page.waitForTimeout(300);
  await page.screenshot({ path: `/tmp/webui/shots/ai-${tag}.png` });
  await context.close();
  const c2 = await openPage(browser, server.url, { viewport: { width: w, height: h }, colorScheme: scheme });
  await chooseFile(c2.page, join(captures, "chrissanders--http_espn.pcapng"));
  await c2.page.screenshot({ path: `/tmp/webui/shots/clean-${tag}.png` });
  await c2.page.click("#tab-dns"); await c2.page.waitForTimeout(200);
  await c2.page.locator("#panel-dns .table-wrap").first().scrollIntoViewIfNeeded();
  await c2.page.screenshot({ path: `/tmp/webui/shots/dns-${tag}.png` });
  await c2.page.click("#tab-tcp"); await c2.page.waitForTimeout(200);
  await c2.page.locator("#panel-tcp .table-wrap").first().scrollIntoViewIfNeeded();
  await c2.page.screenshot({ path: `/tmp/webui/shots/tcp-${tag}.png` });
  await c2.page.click("#tab-overview"); await c2.page.waitForTimeout(200);
  await c2.page.locator("#panel-overview .table-wrap").first().scrollIntoViewIfNeeded();
  await c2.page.screenshot({ path: `/tmp/webui/shots/overview-${tag}.png` });
  for (const id of ["icmp", "sip", "dhcp"]) {
    const f = { icmp: "chrissanders--icmp_traceroute.pcapng", sip: "sip-call-rtp-loss.pcap", dhcp: "chrissanders--dhcp_nolease_initialization.pcapng" }[id];
    await chooseFile(c2.page, join(captures, f));
    await c2.page.click(`#tab-${id}`); await c2.page.waitForTimeout(200);
    const t = c2.page.locator(`#panel-${id} .table-wrap`).first();
    if (await t.count()) await t.scrollIntoViewIfNeeded();
    await c2.page.screenshot({ path: `/tmp/webui/shots/${id}-${tag}.png` });
  }
  if (c2.problems.length || problems.length) console.log(tag, problems, c2.problems);
  await c2.context.close();
}
await browser.close(); await server.close();
