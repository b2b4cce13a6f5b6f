// The findings known so far (web/src/app/sofar.ts): lists of several
// workers joined without ranking them again (each worker's engine ranked its own).
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const out = await build({ entryPoints: [join(root, "web", "src", "app", "sofar.ts")], bundle: true, format: "esm", write: false, logLevel: "silent" });
const S = await import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));

const f = (kind, severity, count, tool = "tcp_anomalies") => ({ kind, severity, tool, count, summary: kind });

test("interleaveSoFar takes each worker's first, then each one's second, and keeps five", () => {
  const a = [f("tcp.retransmissions", "medium", 50), f("tcp.keep_alives", "info", 900)];
  const b = [f("dns.failed_answers", "high", 3, "dns"), f("dns.non_standard_port", "medium", 50, "dns"), f("tls.no_sni", "info", 900, "tls")];
  const c = [f("capture.truncated_ipv4", "low", 7, "capinfos"), f("tcp.zero_window", "medium", 60)];
  assert.deepEqual(
    S.interleaveSoFar([a, undefined, b, c]).map((x) => x.kind),
    ["tcp.retransmissions", "dns.failed_answers", "capture.truncated_ipv4", "tcp.keep_alives", "dns.non_standard_port"],
  );
  assert.deepEqual(S.interleaveSoFar([]), []);
  assert.equal(S.interleaveSoFar([a, b, c], 2).length, 2);
});
