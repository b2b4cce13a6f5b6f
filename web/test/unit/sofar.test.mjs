// The findings known so far (web/src/app/sofar.ts): lists of several
// workers merged and ranked as analysis/finding.Rank ranks findings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const out = await build({ entryPoints: [join(root, "web", "src", "app", "sofar.ts")], bundle: true, format: "esm", write: false, logLevel: "silent" });
const S = await import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));

const f = (kind, severity, count, tool = "tcp_anomalies") => ({ kind, severity, tool, count, summary: kind });

test("mergeSoFar ranks by severity, then count, then tool and kind, and keeps five", () => {
  const a = [f("tcp.retransmissions", "medium", 50), f("tcp.keep_alives", "info", 900)];
  const b = [f("dns.failed_answers", "high", 3, "dns"), f("dns.non_standard_port", "medium", 50, "dns"), f("tls.no_sni", "info", 900, "tls")];
  const c = [f("capture.truncated_ipv4", "low", 7, "capinfos"), f("tcp.zero_window", "medium", 60)];
  assert.deepEqual(
    S.mergeSoFar([a, undefined, b, c]).map((x) => x.kind),
    ["dns.failed_answers", "tcp.zero_window", "dns.non_standard_port", "tcp.retransmissions", "capture.truncated_ipv4"],
  );
  assert.deepEqual(S.mergeSoFar([]), []);
  assert.equal(S.mergeSoFar([a, b, c], 2).length, 2);
});
