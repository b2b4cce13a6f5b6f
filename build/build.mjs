// Builds the static site into web/dist/ (the WASM module is built by `make wasm`):
//   - bundles web/src/main.ts (+ CSS, uPlot included) and web/src/worker.ts with esbuild;
//   - copies web/index.html;
//   - copies wasm_exec.js from $(go env GOROOT)/lib/wasm (never committed: it must match the Go
//     that built pcaplens.wasm);
//   - writes THIRD-PARTY-NOTICES.txt (licences of uPlot, Go and the Go modules in the wasm);
//   - copies the sample captures (web/src/app/samples.ts) from testdata/captures into samples/;
//   - bundles web/src/sw.ts into sw.js (the service worker: the app's own files, for offline use);
//   - writes pcaplens-standalone.html: one file with CSS, scripts, wasm_exec.js and the WASM
//     module (base64) inlined, for file:// use with no server (CSP with hashes, blob: worker).
// Usage: node build/build.mjs [--dev]   (--dev: no minification, inline source maps)
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
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

// Sample captures, listed in web/src/app/samples.ts.
const sampleList = [...readFileSync(join(root, "web", "src", "app", "samples.ts"), "utf8").matchAll(/file: "([^"]+)"/g)].map((m) => m[1]);
mkdirSync(join(dist, "samples"), { recursive: true });
for (const f of sampleList) copyFileSync(join(root, "testdata", "captures", f), join(dist, "samples", f));

const wasmPath = join(dist, "pcaplens.wasm");
if (!existsSync(wasmPath)) {
  console.warn("build: web/dist/pcaplens.wasm is missing: run `make wasm` (or `make dist`); no sw.js nor standalone file");
} else {
  // The module compressed, for servers that send it to browsers accepting gzip (`pcaplens serve`
  // does; a static host may): about a quarter of its size.
  writeFileSync(`${wasmPath}.gz`, gzipSync(readFileSync(wasmPath), { level: 9 }));
  // The service worker, with the list of the app's files and a version from their contents.
  const assets = ["./", "index.html", "main.js", "main.css", "worker.js", "wasm_exec.js", "pcaplens.wasm", "THIRD-PARTY-NOTICES.txt", ...sampleList.map((f) => `samples/${f}`)];
  const version = createHash("sha256");
  for (const a of assets.filter((a) => a !== "./" && !a.startsWith("samples/"))) version.update(readFileSync(join(dist, a)));
  await build({
    ...common,
    entryPoints: { sw: "web/src/sw.ts" },
    outdir: dist,
    format: "iife",
  });
  const swFile = join(dist, "sw.js");
  writeFileSync(
    swFile,
    readFileSync(swFile, "utf8")
      .replace(/(["'`])__PCAPLENS_VERSION__\1/, () => JSON.stringify(version.digest("hex").slice(0, 16)))
      .replace(/(["'`])__PCAPLENS_ASSETS__\1/, () => JSON.stringify(JSON.stringify(assets))),
  );

  await standalone();
}

/** standalone writes dist/pcaplens-standalone.html: everything inlined, for file:// use. */
async function standalone() {
  const out = await build({ ...common, entryPoints: { main: "web/src/main.ts" }, outdir: dist, format: "iife", write: false, legalComments: "none" });
  const js = out.outputFiles.find((f) => f.path.endsWith(".js")).text;
  const css = out.outputFiles.find((f) => f.path.endsWith(".css")).text;
  const workerJS = readFileSync(join(dist, "worker.js"), "utf8");
  const wasmB64 = readFileSync(wasmPath).toString("base64");
  const workerSrc = `${readFileSync(join(dist, "wasm_exec.js"), "utf8")}\n;self.PCAPLENS_WASM_B64="${wasmB64}";\n${workerJS}`;
  // Text inside <script> must not close the element: "</script" and "<!--" only occur in strings here.
  const safe = (t) => t.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
  const mainInline = safe(js);
  const cssInline = css.replace(/<\/(style)/gi, "<\\/$1");
  const sha = (t) => `'sha256-${createHash("sha256").update(t, "utf8").digest("base64")}'`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha(mainInline)} 'wasm-unsafe-eval'`,
    `style-src ${sha(cssInline)}`,
    "img-src data: blob:",
    "connect-src 'none'",
    "worker-src blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const esc = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  let html = readFileSync(join(root, "web", "index.html"), "utf8");
  const replaceOnce = (from, to) => {
    if (!html.includes(from)) throw new Error(`build: standalone: index.html has no ${from}`);
    html = html.replace(from, () => to);
  };
  html = html.replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
  replaceOnce('<link rel="stylesheet" href="main.css">', `<style>${cssInline}</style>`);
  replaceOnce('<script type="module" src="main.js"></script>\n', "");
  replaceOnce(
    '<footer class="app-footer"><a href="THIRD-PARTY-NOTICES.txt">Licences</a></footer>',
    `<footer class="app-footer"><details><summary>Licences</summary><pre class="notices">${esc(readFileSync(join(dist, "THIRD-PARTY-NOTICES.txt"), "utf8"))}</pre></details></footer>`,
  );
  replaceOnce("</body>", `<script type="text/plain" id="pcaplens-worker-src">${safe(workerSrc)}</script>\n<script>${mainInline}</script>\n</body>`);
  writeFileSync(join(dist, "pcaplens-standalone.html"), html);
  console.log(`build: pcaplens-standalone.html (${(html.length / 1e6).toFixed(1)} MB)`);
}
console.log(`build: site in ${dist}`);
