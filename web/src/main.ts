// The page: file input and drag-and-drop, progress with Cancel, and the
// report as tabs built from the view registry.
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { Analyzer, AnalysisError, type Result } from "./api";
import { availableViews, type Report, type View } from "./views";
import { h, clear, download, note, replace } from "./ui/dom";
import * as fmt from "./ui/format";

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
}

const fileInput = byId<HTMLInputElement>("file-input");
const fileName = byId("file-name");
const statusEl = byId("status");
const progress = byId("progress");
const progressText = byId("progress-text");
const progressBar = byId<HTMLProgressElement>("progress-bar");
const cancelBtn = byId<HTMLButtonElement>("cancel");
const welcome = byId("welcome");
const reportEl = byId("report");
const tabsEl = byId("tabs");
const panelsEl = byId("panels");
const downloadBtn = byId<HTMLButtonElement>("download-json");
const overlay = byId("drop-overlay");

const analyzer = new Analyzer("worker.js");
let current: { name: string; result: Result } | null = null;
let running = 0; // id of the analysis whose result we want (older ones are ignored)

analyzer.ready.catch((e: unknown) => showError(e instanceof Error ? e.message : String(e)));

/** setState records the page's state on <body data-state> (idle, busy, report, error, cancelled) for tests and styles. */
function setState(state: "idle" | "busy" | "report" | "error" | "cancelled"): void {
  document.body.dataset["state"] = state;
}
setState("idle");

function showError(message: string, title = "Cannot analyse this file"): void {
  replace(statusEl, note("error", h("strong", null, title + ": "), message));
  setState("error");
}

function showProgress(bytes: number, total: number, packets: number): void {
  progressBar.max = Math.max(1, total);
  progressBar.value = bytes;
  progressText.textContent = `${fmt.bytes(bytes)} of ${fmt.bytes(total)} read · ${fmt.count(packets)} packets`;
}

let busy = false;

async function analyze(file: File): Promise<void> {
  // A new file replaces one still being read: stop that one at once.
  if (busy) analyzer.cancel();
  busy = true;
  const id = ++running;
  clear(statusEl);
  fileName.textContent = file.name;
  document.title = `${file.name} · pcaplens`;
  progress.hidden = false;
  setState("busy");
  showProgress(0, file.size, 0);
  welcome.hidden = true;
  try {
    const result = await analyzer.analyzeFile(file, { fileName: file.name }, (p) => {
      if (id === running) showProgress(p.bytes, p.total, p.packets);
    });
    if (id !== running) return;
    current = { name: file.name, result };
    progress.hidden = true;
    renderReport(result.report);
    setState("report");
  } catch (e) {
    if (id !== running) return;
    if (e instanceof AnalysisError && e.code === "aborted") {
      replace(statusEl, note("info", "Analysis cancelled."));
      setState("cancelled");
    } else {
      showError(e instanceof Error ? e.message : String(e));
      reportEl.hidden = true;
      downloadBtn.hidden = true;
    }
    if (!current) welcome.hidden = false;
  } finally {
    if (id === running) {
      progress.hidden = true;
      busy = false;
    }
  }
}

function panelId(v: View): string {
  return `panel-${v.id}`;
}

function renderReport(report: Report): void {
  clear(tabsEl);
  clear(panelsEl);
  const vs = availableViews(report);
  reportEl.hidden = false;
  downloadBtn.hidden = false;
  if (vs.length === 0) {
    replace(statusEl, note("warn", "The report has no analysis this page can show. Use Download JSON to see it."));
    return;
  }
  const tabs: HTMLButtonElement[] = [];
  const panels: HTMLElement[] = [];
  const select = (i: number, focus: boolean) => {
    tabs.forEach((t, j) => {
      t.setAttribute("aria-selected", String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      panels[j]!.hidden = i !== j;
    });
    const panel = panels[i]!;
    if (!panel.dataset["rendered"]) {
      panel.dataset["rendered"] = "1";
      try {
        vs[i]!.render(panel, report);
      } catch (e) {
        panel.append(note("error", h("strong", null, `The ${vs[i]!.title} view failed: `), e instanceof Error ? e.message : String(e)));
      }
    }
    if (focus) tabs[i]!.focus();
  };
  vs.forEach((v, i) => {
    const tab = h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${v.id}`,
        class: "tab",
        "aria-controls": panelId(v),
        "aria-selected": "false",
        tabIndex: -1,
        onClick: () => select(i, false),
        onKeydown: (e: Event) => {
          const k = (e as KeyboardEvent).key;
          const n = vs.length;
          const to = k === "ArrowRight" ? (i + 1) % n : k === "ArrowLeft" ? (i - 1 + n) % n : k === "Home" ? 0 : k === "End" ? n - 1 : -1;
          if (to >= 0) {
            e.preventDefault();
            select(to, true);
          }
        },
      },
      v.title,
    );
    const panel = h("div", { role: "tabpanel", id: panelId(v), class: "panel", "aria-labelledby": `tab-${v.id}`, tabIndex: 0, hidden: true });
    tabs.push(tab);
    panels.push(panel);
    tabsEl.append(tab);
    panelsEl.append(panel);
  });
  select(0, false);
}

downloadBtn.addEventListener("click", () => {
  if (!current) return;
  const base = current.name.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, "") || "capture";
  download(`${base}.pcaplens.json`, current.result.json, "application/json");
});

cancelBtn.addEventListener("click", () => {
  analyzer.cancel();
});

fileInput.addEventListener("change", () => {
  const f = fileInput.files?.[0];
  if (f) void analyze(f);
  fileInput.value = "";
});

// Drop anywhere on the page.
let dragDepth = 0;
const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files");
window.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth++;
  overlay.hidden = false;
});
window.addEventListener("dragover", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
});
window.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) overlay.hidden = true;
});
window.addEventListener("drop", (e) => {
  e.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  const f = e.dataTransfer?.files?.[0];
  if (f) void analyze(f);
});
