// engine loads the WebAssembly engine under Node, as the bench scripts run
// it: Go's wasm_exec.js from this Go's GOROOT, the module (path, or
// PCAPLENS_WASM, or web/dist/pcaplens.wasm) started, and its API once ready.
// Returns {api, instance} (instance.exports.mem is the module's memory).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { dist } from "../e2e/helpers.mjs";

export async function engine(path = process.env.PCAPLENS_WASM || join(dist, "pcaplens.wasm")) {
  const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
  vm.runInThisContext(readFileSync(join(goroot, "lib", "wasm", "wasm_exec.js"), "utf8"));
  const go = new globalThis.Go();
  const ready = new Promise((r) => (globalThis.pcaplensReady = r));
  const { instance } = await WebAssembly.instantiate(readFileSync(path), go.importObject);
  go.run(instance);
  return { api: await ready, instance };
}
