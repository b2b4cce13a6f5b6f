// Builds the static site into web/dist/ (the WASM module is built by `make wasm`):
//   - bundles web/src/main.ts (+ CSS, uPlot included) and web/src/worker.ts with esbuild;
//   - copies web/index.html;
//   - copies wasm_exec.js from $(go env GOROOT)/lib/wasm (never committed: it must match the Go
//     that built pcaplens.wasm);
//   - writes THIRD-PARTY-NOTICES.txt (licences of uPlot, Go and the Go modules in the wasm).
// Usage: node build/build.mjs [--dev]   (--dev: no minification, inline source maps)
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "web", "dist");
const dev = process.argv.includes("--dev");
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  minify: !dev,
  sourcemap: dev ? "inline" : false,
  target: ["es2022", "chrome110", "firefox115", "safari16"],
  legalComments: "linked",
  logLevel: "warning",
  absWorkingDir: root,
};

await Promise.all([
  build({ ...common, entryPoints: { main: "web/src/main.ts" }, outdir: dist, format: "esm" }),
  // A classic worker: it loads wasm_exec.js with importScripts.
  build({ ...common, entryPoints: { worker: "web/src/worker.ts" }, outdir: dist, format: "iife" }),
]);

copyFileSync(join(root, "web", "index.html"), join(dist, "index.html"));

const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
const wasmExec = join(goroot, "lib", "wasm", "wasm_exec.js");
if (!existsSync(wasmExec)) throw new Error(`build: ${wasmExec} not found (Go 1.24+ keeps it in lib/wasm)`);
copyFileSync(wasmExec, join(dist, "wasm_exec.js"));

// Notices of what the site ships: uPlot (bundled), the Go runtime and
// wasm_exec.js, and the Go modules compiled into pcaplens.wasm.
const notices = [["uPlot", join(root, "node_modules", "uplot", "LICENSE")], ["Go (runtime, standard library, wasm_exec.js)", join(goroot, "LICENSE")]];
for (const mod of ["github.com/gopacket/gopacket", "github.com/hack-pad/safejs"]) {
  try {
    const dir = execFileSync("go", ["list", "-m", "-f", "{{.Dir}}", mod], { cwd: root, encoding: "utf8" }).trim();
    notices.push([mod, join(dir, "LICENSE")]);
  } catch {
    console.warn(`build: no licence found for ${mod}`);
  }
}
writeFileSync(
  join(dist, "THIRD-PARTY-NOTICES.txt"),
  notices
    .filter(([, f]) => existsSync(f))
    .map(([name, f]) => `== ${name} ==\n\n${readFileSync(f, "utf8").trim()}\n`)
    .join("\n"),
);

if (!existsSync(join(dist, "pcaplens.wasm"))) {
  console.warn("build: web/dist/pcaplens.wasm is missing: run `make wasm` (or `make dist`)");
}
console.log(`build: site in ${dist}`);
