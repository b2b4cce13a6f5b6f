// The page: open captures (file input, drop anywhere, a URL, the built-in
// samples), one file tab and one worker per capture, progress with an
// estimate of time left and Cancel, the report as tabs from the view
// registry, and the exports (JSON, Copy for AI, print).
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { Analyzer, AnalysisError, defaultWorkers, type Progress, type Result } from "./api";
import { availableViews, type Report, type View } from "./views";
import { h, clear, download, note, replace } from "./ui/dom";
import { ok, toolNames } from "./views/types";
import * as fmt from "./ui/format";
import { evidence } from "./views/findings";
import { toolLabel, type SelectTab } from "./views/findinglist";
import { packetCount, tally, tallyText } from "./app/figures";
import { revealEvidenceIn, setListSource, setTimeOrigin } from "./ui/table";
import { guides } from "./guides";
import { samples } from "./app/samples";
import { showSoFar } from "./app/sofar";

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
const filesEl = byId("files");
const downloadBtn = byId<HTMLButtonElement>("download-json");
const aiBtn = byId<HTMLButtonElement>("copy-ai");
const printBtn = byId<HTMLButtonElement>("print");
const aiPanel = byId("ai-panel");
const aiGuide = byId<HTMLSelectElement>("ai-guide");
const aiText = byId<HTMLTextAreaElement>("ai-text");
const aiStatus = byId("ai-status");
const overlay = byId("drop-overlay");
const urlForm = byId<HTMLFormElement>("url-form");
const urlInput = byId<HTMLInputElement>("url-input");
const samplesEl = byId("samples");

/** standalone is true in the single-file build (worker code inlined in the page). */
const inlineWorker = document.getElementById("pcaplens-worker-src");
let workerURL = "worker.js";
if (inlineWorker) {
  workerURL = URL.createObjectURL(new Blob([inlineWorker.textContent ?? ""], { type: "text/javascript" }));
  inlineWorker.remove(); // the text is large; the Blob keeps it
}

/**
 * compiled is the engine, compiled once by the page for all its workers (the
 * single-file build has no module to fetch: its worker compiles its own).
 * Undefined when compiling here failed: each worker then tries itself and
 * reports what went wrong.
 */
let compiled: Promise<WebAssembly.Module | undefined> | undefined;
function sharedModule(): Promise<WebAssembly.Module | undefined> | undefined {
  if (inlineWorker) return undefined;
  compiled ??= WebAssembly.compileStreaming(fetch("pcaplens.wasm"))
    .catch(async () => {
      // A server that does not send application/wasm: compile from bytes.
      const res = await fetch("pcaplens.wasm");
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return WebAssembly.compile(await res.arrayBuffer());
    })
    .catch(() => undefined);
  return compiled;
}

/**
 * workers is how many analysis workers share the analysis of a file: one per
 * core but the digest worker's (api.ts defaultWorkers), or the page URL's
 * ?workers=N (tests and benchmarks compare 1 with several).
 */
const workers = ((): number => {
  const n = Number(new URLSearchParams(location.search).get("workers"));
  return Number.isInteger(n) && n >= 1 ? n : defaultWorkers();
})();

/**
 * spare is the first file's analyzer, started while the page is idle (see
 * warmEngine): its workers have loaded the engine and analysed the engine's
 * warm-up capture, so the first file's analysis starts at once, in code the
 * browser has already optimised.
 */
let spare: { analyzer: Analyzer; ready: boolean } | null = null;

/**
 * newAnalyzer starts the workers of one capture, or hands over the spare
 * when it is ready. A spare still warming up is stopped: it would only
 * compete with the file's analysis for the processor.
 */
function newAnalyzer(): Analyzer {
  const s = spare;
  spare = null;
  if (s?.ready) return s.analyzer;
  s?.analyzer.dispose();
  return new Analyzer(workerURL, sharedModule(), workers);
}

type State = "idle" | "busy" | "report" | "error" | "cancelled";

/** FileSession is one capture: its worker, its progress, its report and its tabs. */
interface FileSession {
  id: number;
  name: string;
  analyzer: Analyzer;
  state: State;
  message: HTMLElement | null;
  progress: Progress;
  started: number;
  /** building is true once the worker has read the last byte and is building the report. */
  building: boolean;
  /** digestsPending is true while the file's digests are still being computed (the report is on screen). */
  digestsPending: boolean;
  /** start (re)starts the analysis of this session's input in its current analyzer. */
  start: ((s: FileSession, onProgress: (p: Progress) => void) => Promise<Result>) | null;
  result: Result | null;
  views: View[];
  tabs: HTMLButtonElement[];
  panels: HTMLElement[];
  selected: number;
  fileTab: HTMLButtonElement;
  fileTabStatus: HTMLElement;
  fileTabWrap: HTMLElement;
}

const sessions: FileSession[] = [];
/** openMore (the last item of the file strip) shows the welcome screen again: samples, URL, file picker. */
const openMore = h("button", { type: "button", class: "file-open-more", title: "Open another capture (file, sample or URL)", onClick: () => activate(null) }, "+ Open");
filesEl.append(openMore);
let active: FileSession | null = null;
let nextSession = 1;

/** setState records the active file's state on <body data-state> (idle, busy, report, error, cancelled) for tests and styles. */
function setState(state: State): void {
  document.body.dataset["state"] = state;
}
setState("idle");

function errorNote(message: string, title = "Cannot analyse this file"): HTMLElement {
  return note("error", h("strong", null, title + ": "), message);
}

function showError(message: string, title?: string): void {
  replace(statusEl, errorNote(message, title));
  setState("error");
}

function timeLeft(s: FileSession): string {
  const { bytes, total } = s.progress;
  const elapsed = (performance.now() - s.started) / 1000;
  if (elapsed < 1 || bytes <= 0 || total <= bytes) return "";
  const left = ((total - bytes) * elapsed) / bytes;
  return ` · about ${left < 60 ? `${Math.ceil(left)} s` : `${Math.ceil(left / 60)} min`} left`;
}

function progressLine(s: FileSession): string {
  const { bytes, total, packets, tcpStreams, udpStreams } = s.progress;
  // The running figures of the pass: packets, then the TCP and UDP streams seen so far.
  const seen = [fmt.plural(packets, "packet"), tcpStreams ? fmt.plural(tcpStreams, "TCP stream") : "", udpStreams ? fmt.plural(udpStreams, "UDP stream") : ""].filter(Boolean).join(" · ");
  if (s.building) return `Building the report… (${fmt.bytes(bytes)} read · ${seen})`;
  const of = total > 0 ? ` of ${fmt.bytes(total)}` : " of unknown size";
  return `${fmt.bytes(bytes)}${of} read · ${seen}${timeLeft(s)}`;
}

function packetsShort(n: number): string {
  return `${fmt.count(n)} ${n === 1 ? "pkt" : "pkts"}`;
}

function updateFileTab(s: FileSession): void {
  const p = s.progress;
  s.fileTabStatus.textContent =
    s.state === "busy" ? (s.building ? "building" : p.total > 0 ? fmt.percent(p.bytes / p.total, 0) : fmt.bytes(p.bytes)) : s.state === "report" ? packetsShort((s.result ? packetCount(s.result.report) : null) ?? p.packets) : s.state === "error" ? "error" : s.state === "cancelled" ? "cancelled" : "";
  s.fileTabWrap.dataset["state"] = s.state;
}

/** render shows the active session (or the welcome screen) in the page's fixed places. */
function render(): void {
  const s = active;
  for (const o of sessions) {
    const on = o === s;
    if (on) o.fileTab.setAttribute("aria-current", "true");
    else o.fileTab.removeAttribute("aria-current");
    o.fileTab.tabIndex = on ? 0 : -1;
    o.fileTabWrap.classList.toggle("active", on);
  }
  filesEl.hidden = sessions.length === 0;
  aiPanel.hidden = true;
  openMore.classList.toggle("active", !s);
  if (!s) {
    fileName.textContent = "";
    document.title = "pcaplens";
    progress.hidden = true;
    reportEl.hidden = true;
    welcome.hidden = false;
    downloadBtn.hidden = aiBtn.hidden = printBtn.hidden = true;
    clear(statusEl);
    setState("idle");
    return;
  }
  fileName.textContent = s.name;
  document.title = `${s.name} · pcaplens`;
  welcome.hidden = true;
  progress.hidden = s.state !== "busy";
  if (s.state === "busy") showProgress(s);
  if (s.message) replace(statusEl, s.message);
  else clear(statusEl);
  const has = s.state === "report" && s.result !== null;
  downloadBtn.hidden = aiBtn.hidden = printBtn.hidden = !has;
  reportEl.hidden = !has;
  if (has) {
    tabsEl.replaceChildren(...s.tabs);
    panelsEl.replaceChildren(...s.panels);
  } else {
    clear(tabsEl);
    clear(panelsEl);
  }
  setState(s.state);
}

function showProgress(s: FileSession): void {
  progressBar.max = Math.max(1, s.progress.total);
  progressBar.value = s.progress.bytes;
  // Building the report: the bar has nothing left to measure, so it shows activity.
  if (s.building) progressBar.removeAttribute("value");
  progress.dataset["phase"] = s.building ? "building" : "reading";
  progressText.textContent = progressLine(s);
  showSoFar(progress, s.progress.findings);
}

function activate(s: FileSession | null, focus = false): void {
  active = s;
  render();
  if (focus && s) s.fileTab.focus();
}

function newSession(name: string): FileSession {
  const id = nextSession++;
  const fileTabStatus = h("span", { class: "file-tab-status" });
  const fileTab = h(
    "button",
    {
      type: "button",
      id: `file-tab-${id}`,
      class: "file-tab",
      "aria-controls": "app",
      tabIndex: -1,
      title: name,
      onClick: () => activate(s),
      onKeydown: (e: Event) => {
        const k = (e as KeyboardEvent).key;
        const i = sessions.indexOf(s);
        const n = sessions.length;
        const to = k === "ArrowRight" ? (i + 1) % n : k === "ArrowLeft" ? (i - 1 + n) % n : k === "Home" ? 0 : k === "End" ? n - 1 : -1;
        if (to >= 0) {
          e.preventDefault();
          activate(sessions[to]!, true);
        } else if (k === "Delete") {
          e.preventDefault();
          closeSession(s);
        }
      },
    },
    h("span", { class: "file-tab-name" }, name),
    fileTabStatus,
  );
  const closeBtn = h("button", { type: "button", class: "file-tab-close", "aria-label": `Close ${name}`, title: "Close (Delete)", onClick: () => closeSession(s) }, "×");
  const fileTabWrap = h("div", { class: "file-tab-wrap" }, fileTab, closeBtn);
  const s: FileSession = {
    id,
    name,
    analyzer: newAnalyzer(),
    state: "busy",
    message: null,
    progress: { bytes: 0, total: 0, packets: 0 },
    started: performance.now(),
    building: false,
    digestsPending: false,
    start: null,
    result: null,
    views: [],
    tabs: [],
    panels: [],
    selected: 0,
    fileTab,
    fileTabStatus,
    fileTabWrap,
  };
  s.analyzer.ready.catch((e: unknown) => {
    if (s.state === "busy") finish(s, null, e);
  });
  sessions.push(s);
  filesEl.insertBefore(fileTabWrap, openMore);
  return s;
}

function closeSession(s: FileSession): void {
  const i = sessions.indexOf(s);
  if (i < 0) return;
  s.analyzer.dispose();
  sessions.splice(i, 1);
  s.fileTabWrap.remove();
  if (active === s) activate(sessions[Math.min(i, sessions.length - 1)] ?? null, true);
}

function finish(s: FileSession, result: Result | null, err: unknown): void {
  if (!sessions.includes(s)) return;
  if (result) {
    s.result = result;
    s.state = "report";
    s.message = null;
    s.digestsPending = true;
    buildTabs(s, result.report);
    void result.digests.then((d) => showDigests(s, result, d));
  } else if (err instanceof AnalysisError && err.code === "aborted") {
    s.state = "cancelled";
    s.message = note(
      "info",
      "Analysis cancelled. ",
      s.start ? h("button", { type: "button", class: "btn btn-small", "data-key": "analyse-again", onClick: () => void begin(s) }, "Analyse again") : null,
    );
  } else {
    s.state = "error";
    s.message = errorNote(err instanceof Error ? err.message : String(err), err instanceof AnalysisError && err.code === "fetch" ? "Cannot open this URL" : undefined);
  }
  // The worker of a report stays, to answer the Packets tab (reading the file back),
  // until the file's tab is closed; a failed or cancelled one is freed now.
  if (!result) s.analyzer.dispose();
  updateFileTab(s);
  if (s === active) render();
  if (result) performance.mark("pcaplens:report"); // for the benchmarks: when a report was drawn
}

/**
 * showDigests puts the file's digests in the report the page holds and redraws
 * the tabs that show them (the Capture card), when they come after the report.
 */
function showDigests(s: FileSession, result: Result, d: { sha256: string; sha1: string } | null): void {
  if (s.result !== result) return;
  s.digestsPending = false;
  const cap = ok(result.report.capinfos);
  if (cap && d) {
    cap.sha256 = d.sha256;
    cap.sha1 = d.sha1;
  }
  s.views.forEach((v, i) => {
    const panel = s.panels[i]!;
    if (v.id !== "capture" || !panel.dataset["rendered"]) return;
    delete panel.dataset["rendered"];
    clear(panel);
    renderPanel(s, i);
  });
  performance.mark("pcaplens:digests");
}

/** run analyses one capture in its own session and worker; start gives the analysis its input. */
async function run(name: string, total: number, start: (s: FileSession, onProgress: (p: Progress) => void) => Promise<Result>): Promise<void> {
  const s = newSession(name);
  s.start = start;
  s.progress.total = total;
  await begin(s);
}

/** begin starts (or, after Cancel, restarts with a fresh worker) the analysis of a session's input. */
async function begin(s: FileSession): Promise<void> {
  if (!s.start || !sessions.includes(s)) return;
  if (s.state !== "busy") {
    s.analyzer = newAnalyzer();
    s.analyzer.ready.catch((e: unknown) => {
      if (s.state === "busy") finish(s, null, e);
    });
    s.state = "busy";
    s.message = null;
    s.progress = { bytes: 0, total: s.progress.total, packets: 0 };
    s.started = performance.now();
  }
  s.building = false;
  updateFileTab(s);
  activate(s);
  try {
    const result = await s.start(s, (p) => {
      if (s.state !== "busy") return;
      s.progress = p;
      if (p.phase === "building" && !s.building) performance.mark(`pcaplens:${s.id}:read`);
      s.building = p.phase === "building";
      updateFileTab(s);
      if (s === active) showProgress(s);
    });
    performance.mark(`pcaplens:${s.id}:result`);
    finish(s, result, null);
    // For the benchmarks, where the time went: reading the file through the engine, building
    // the summary in the worker and handing it over, drawing the first tab.
    const at = (m: string) => performance.getEntriesByName(`pcaplens:${s.id}:${m}`).at(-1)?.startTime;
    const read = at("read"), got = at("result");
    if (read !== undefined && got !== undefined) {
      performance.measure("read and analyse", { start: s.started, end: read });
      performance.measure("build and hand over the summary", { start: read, end: got });
      performance.measure("draw", { start: got, end: performance.now() });
    }
  } catch (e) {
    finish(s, null, e);
  }
}

/**
 * pageOptions are the analysis options the page always passes: every
 * connection listed (the tables are virtualised), and per-packet lists capped
 * so that a capture of millions of packets still gives a report the browser
 * can hold (statistics always cover the whole capture).
 */
const pageOptions = { detailed: true, maxPackets: 20_000 } as const;

function analyzeFile(file: File): void {
  void run(file.name, file.size, (s, onProgress) => s.analyzer.analyzeFile(file, { ...pageOptions, fileName: file.name }, onProgress));
}

function panelId(v: View): string {
  return `panel-${v.id}`;
}

function renderPanel(s: FileSession, i: number): void {
  const panel = s.panels[i]!;
  if (panel.dataset["rendered"]) return;
  panel.dataset["rendered"] = "1";
  const v = s.views[i]!;
  const { report, lists } = s.result!;
  // Tables count relative time from this capture's first packet, and page the
  // lists the page holds in part from this capture's worker.
  setTimeOrigin(ok(report.capinfos)?.first_packet_time_utc ?? ok(report.overview)?.first_time_utc ?? null);
  setListSource(s.analyzer.listSource(lists));
  try {
    v.render(panel, report, { packets: s.analyzer, fileName: s.name, lists, digestsPending: s.digestsPending });
  } catch (e) {
    panel.append(note("error", h("strong", null, `The ${v.title} view failed: `), e instanceof Error ? e.message : String(e)));
  }
}

function selectTab(s: FileSession, i: number, focus: boolean): void {
  s.selected = i;
  s.tabs.forEach((t, j) => {
    t.setAttribute("aria-selected", String(i === j));
    t.tabIndex = i === j ? 0 : -1;
    s.panels[j]!.hidden = i !== j;
  });
  renderPanel(s, i);
  if (focus) s.tabs[i]!.focus();
}

function buildTabs(s: FileSession, report: Report): void {
  const vs = availableViews(report);
  s.views = vs;
  if (vs.length === 0) {
    s.message = note("warn", "The report has no analysis this page can show. Use Download JSON to see it.");
    return;
  }
  vs.forEach((v, i) => {
    const tab = h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${v.id}`,
        class: ["tab", v.id !== "findings" && tally(v.id, report)?.n === 0 && "empty"],
        "aria-controls": panelId(v),
        "aria-selected": "false",
        tabIndex: -1,
        onClick: () => selectTab(s, i, false),
        onKeydown: (e: Event) => {
          const k = (e as KeyboardEvent).key;
          const n = vs.length;
          const to = k === "ArrowRight" ? (i + 1) % n : k === "ArrowLeft" ? (i - 1 + n) % n : k === "Home" ? 0 : k === "End" ? n - 1 : -1;
          if (to >= 0) {
            e.preventDefault();
            selectTab(s, to, true);
          }
        },
      },
      v.title,
      tabBadge(v, report),
    );
    const panel = h("div", { role: "tabpanel", id: panelId(v), class: "panel", "aria-labelledby": `tab-${v.id}`, "data-title": v.title, tabIndex: 0, hidden: true });
    panel.addEventListener("pcaplens:select-tab", (e: Event) => {
      const d = (e as CustomEvent<SelectTab>).detail;
      const j = vs.findIndex((x) => x.id === d?.view);
      if (j < 0) return;
      selectTab(s, j, true);
      if (d.filter !== undefined) {
        // The Packets tab applies the filter (it listens on its panel).
        s.panels[j]!.dispatchEvent(new CustomEvent<string>("pcaplens:apply-filter", { detail: d.filter }));
        if (d.follow) s.panels[j]!.dispatchEvent(new CustomEvent("pcaplens:follow", { detail: d.follow }));
        return;
      }
      void showEvidence(s.panels[j]!, d.frames ?? [], d.subjects ?? []);
    });
    s.tabs.push(tab);
    s.panels.push(panel);
  });
  selectTab(s, 0, false);
  // The capture card's figures are wanted on every report (tests and print read them).
  const cap = vs.findIndex((v) => v.id === "capture");
  if (cap >= 0) renderPanel(s, cap);
}

/**
 * tabBadge is the count on a tab ("TCP 25", "DHCP 0"); a tab whose analysis
 * saw nothing is dimmed (class "empty").
 */
function tabBadge(v: View, report: Report): HTMLElement | null {
  const t = tally(v.id, report);
  if (!t) return null;
  return h("span", { class: "tab-count", "data-key": `tab-count-${v.id}`, title: tallyText(t) }, fmt.count(t.n));
}

/**
 * showEvidence scrolls a tab to the rows a finding is about and highlights
 * them: rows naming one of its frames or subjects, else rows whose frame
 * span holds one of its frames. Says so when no table row matched.
 */
async function showEvidence(panel: HTMLElement, frames: number[], subjects: string[]): Promise<void> {
  panel.querySelector(".evidence-note")?.closest(".note")?.remove();
  if (frames.length === 0 && subjects.length === 0) return;
  const m = evidence(frames, subjects);
  const n =
    (await revealEvidenceIn(panel, m.exact, { frames, subjects, span: false }).catch(() => 0)) ||
    (await revealEvidenceIn(panel, m.span, { frames, subjects, span: true }).catch(() => 0));
  if (n === 0) {
    const what = frames.length > 0 ? `frame${frames.length === 1 ? "" : "s"} ${frames.join(", ")}` : subjects.join(", ");
    panel.prepend(note("info", h("span", { class: "evidence-note" }), `No row of this tab names ${what}; the tab's figures hold the evidence.`));
    panel.scrollIntoView({ block: "start" });
  }
}

function baseName(s: FileSession): string {
  return s.name.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, "") || "capture";
}

// The whole report is written by the worker, part by part, into a Blob.
downloadBtn.addEventListener("click", () => {
  const s = active;
  if (!s?.result) return;
  s.analyzer.reportJSON().then(
    (blob) => download(`${baseName(s)}.pcaplens.json`, blob, "application/json"),
    (e: unknown) => showError(`Download JSON failed: ${e instanceof Error ? e.message : String(e)}`),
  );
});

cancelBtn.addEventListener("click", () => {
  if (active?.state === "busy") active.analyzer.cancel();
});

// Copy for AI: the Markdown report with the chosen guide, to the clipboard
// when the browser allows it, and always in the text box to select by hand.
for (const g of guides) aiGuide.append(h("option", { value: g.id }, g.title));

let aiWriting = 0; // the latest request; an older one's answer is dropped

async function fillAI(copy: boolean, guide = aiGuide.value): Promise<void> {
  const s = active;
  if (!s?.result) return;
  const mine = ++aiWriting;
  // Written by the worker from the whole report; the box never shows an
  // earlier file's (or guide's) text while the new one is written.
  aiText.value = "";
  aiStatus.textContent = "Writing the report…";
  let md: string;
  try {
    const labels = Object.fromEntries(toolNames.map((t) => [t, toolLabel(t)]));
    const r = await s.analyzer.aiReport(s.name, guide, labels, s.result.report.findings ?? []);
    if (mine !== aiWriting) return;
    md = r.markdown;
    aiGuide.value = r.guide;
  } catch (e) {
    if (mine !== aiWriting) return;
    aiStatus.textContent = `The report could not be written: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  aiText.value = md;
  aiStatus.textContent = "";
  if (!copy) return;
  try {
    if (!navigator.clipboard) throw new Error("no clipboard");
    await navigator.clipboard.writeText(md);
    aiStatus.textContent = `Copied ${fmt.count(md.length)} characters of Markdown. Paste it into your assistant.`;
  } catch {
    aiText.focus();
    aiText.select();
    aiStatus.textContent = `The browser did not allow copying: the text is selected below, press Ctrl+C (⌘C). ${fmt.count(md.length)} characters.`;
  }
}

aiBtn.addEventListener("click", () => {
  const s = active;
  if (!s?.result) return;
  aiPanel.hidden = false;
  void fillAI(true, ""); // the report's default guide
});
aiGuide.addEventListener("change", () => void fillAI(true));
byId("ai-close").addEventListener("click", () => {
  aiPanel.hidden = true;
  aiBtn.focus();
});

// Print: every tab of the active file is drawn and shown one after another.
window.addEventListener("beforeprint", () => {
  const s = active;
  if (!s?.result) return;
  s.views.forEach((_, i) => renderPanel(s, i));
  document.body.classList.add("printing");
});
window.addEventListener("afterprint", () => document.body.classList.remove("printing"));
printBtn.addEventListener("click", () => window.print());

fileInput.addEventListener("change", () => {
  for (const f of Array.from(fileInput.files ?? [])) analyzeFile(f);
  fileInput.value = "";
});

// Open from a URL: the analysis worker fetches it and streams the body into
// the engine. The page itself stays at connect-src 'self' (it shows strings
// from packets and never needs another origin); the worker, which renders
// nothing, has a policy of its own that lets it read the URL typed here.
function fetchInto(url: URL, name: string): void {
  void run(name, 0, (s, onProgress) => s.analyzer.analyzeURL(url.href, { ...pageOptions, fileName: name }, onProgress));
}

urlForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const raw = urlInput.value.trim();
  if (!raw) return;
  let url: URL;
  try {
    url = new URL(withScheme(raw), location.href);
  } catch {
    showError(`"${raw}" is not a URL.`, "Cannot open this URL");
    return;
  }
  const name = decodeURIComponent(url.pathname.split("/").pop() || url.hostname || "capture");
  fetchInto(url, name);
});

/**
 * withScheme reads an address typed without a scheme as a browser's address
 * bar does: "example.com/capture.pcap" is https://example.com/capture.pcap,
 * "localhost:8000/x.pcap" and "127.0.0.1:8000/x.pcap" are http. A bare name
 * ("samples/x.pcap") or a file name ("capture.pcap") stays a path on this site.
 */
function withScheme(raw: string): string {
  const m = /^([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?(\/.*)?$/i.exec(raw);
  if (!m) return raw;
  const [, host = "", port, path] = m;
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(host);
  if (!port && !loopback && !host.includes(".") && !host.startsWith("[")) return raw;
  if (!port && !path && /\.(pcap|pcapng|cap|gz)$/i.test(host)) return raw;
  return (loopback ? "http://" : "https://") + raw;
}

// Samples built into the site (not in the single-file build: there is no server to read them from).
if (location.protocol === "file:" || inlineWorker) {
  samplesEl.hidden = true;
  urlForm.hidden = true;
} else {
  const list = h("div", { class: "sample-list" });
  for (const smp of samples) {
    list.append(
      h(
        "button",
        { type: "button", class: "btn sample", "data-sample": smp.file, title: smp.about, onClick: () => fetchInto(new URL(`samples/${smp.file}`, location.href), smp.file) },
        smp.label,
      ),
    );
  }
  samplesEl.append(h("span", { class: "muted" }, "Or try a sample: "), list);
}

// Drop anywhere on the page: every dropped file gets its own tab.
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
  for (const f of Array.from(e.dataTransfer?.files ?? [])) analyzeFile(f);
});

// The hosted site works offline after one visit: a service worker keeps the app's own files.
if (!inlineWorker && "serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "localhost" || location.hostname === "127.0.0.1")) {
  navigator.serviceWorker.register("sw.js").catch(() => undefined);
}

render();

// The engine is compiled while the page is idle, before a file is chosen:
// compiling it costs the main thread two tasks of 55–90 ms, which would
// otherwise fall in the first second of the analysis (the progress and the
// first findings stall behind them).
// body[data-engine="compiled"] says it is done (benchmarks wait for it).
//
// Then the spare analyzer starts and analyses the engine's warm-up capture
// (about 5,000 synthetic frames, Analyzer.warmUp, 0.5–2 s of one core): a
// fresh engine's first pass runs in the browser's baseline code and took
// twice as long as the next one (docs/benchmarks.md). Only the first file
// chosen after the page loads needs it: the optimised code is the shared
// module's, and serves every later worker. body[data-engine="warm"] says
// the spare is ready.
// ?warmup=0 skips it (benchmarks compare).
const warmup = new URLSearchParams(location.search).get("warmup") !== "0";
const warmEngine = (): void => {
  if (!warmup || spare || sessions.length > 0) return;
  const analyzer = new Analyzer(workerURL, sharedModule(), workers);
  const s = { analyzer, ready: false };
  spare = s;
  analyzer.warmUp(pageOptions).then(
    () => {
      if (spare !== s) return;
      s.ready = true;
      document.body.dataset["engine"] = "warm";
    },
    () => {
      if (spare !== s) return;
      spare = null;
      analyzer.dispose();
    },
  );
};
const whenIdle = (f: () => void) => ("requestIdleCallback" in window ? window.requestIdleCallback(f, { timeout: 2000 }) : setTimeout(f, 0));
// The single-file build has no shared module: its spare's worker compiles its own.
const compileEngine = () =>
  void (sharedModule() ?? Promise.resolve(undefined)).then((m) => {
    if (m) document.body.dataset["engine"] = "compiled";
    whenIdle(warmEngine);
  });
whenIdle(compileEngine);
