// Charts: small wrappers over uPlot (bundled locally, no CDN).
//
// Each wrapper returns an element at once and draws when the element has a
// width (a ResizeObserver follows it), so views can build charts detached.
// Colours come from CSS variables (--fg, --muted, --grid, --c1…--c8) and the
// charts redraw when the system theme changes.
import uPlot from "uplot";
import { h } from "./dom";
import * as fmt from "./format";

/** Series is one line or set of bars. */
export interface Series {
  label: string;
  values: readonly (number | null)[];
  /** color is a CSS colour; default: the palette (--c1, --c2, …). */
  color?: string;
  /** unit formats values in the legend and axis ("bytes", "bits/s", "packets", or a function). */
  format?: (v: number) => string;
}

/** TimeSeriesOptions configure timeSeries(). */
export interface TimeSeriesOptions {
  title: string;
  /** x holds epoch seconds (UTC), ascending. */
  x: readonly number[];
  series: readonly Series[];
  /** yLabel names the y axis. */
  yLabel?: string;
  height?: number;
  /** bars draws the first series as bars (e.g. packets per second). */
  bars?: boolean;
  /** onSelect is called with the [from, to] epoch-seconds range the user drags (zoom happens too). */
  onSelect?: (from: number, to: number) => void;
  /** onClick is called with the epoch second under the cursor when the plot is clicked. */
  onClick?: (x: number) => void;
  /** xRange fixes the x axis to [from, to] epoch seconds (charts stacked over one time axis share it). */
  xRange?: [number, number];
  /** sync names a group of charts whose cursor and zoom move together. */
  sync?: string;
  /** yAxisSize fixes the y axis width in pixels, so that stacked charts' plots line up. */
  yAxisSize?: number;
}

/** BarOptions configure barChart(). */
export interface BarOptions {
  title: string;
  categories: readonly string[];
  series: readonly Series[];
  yLabel?: string;
  height?: number;
  onClick?: (category: string, index: number) => void;
}

/** Bin is one histogram bucket [start, end). */
export interface Bin {
  start: number;
  end: number;
  count: number;
}

/** HistogramOptions configure histogram(): bins come from the report (views compute nothing). */
export interface HistogramOptions {
  title: string;
  bins: readonly Bin[];
  /** formatX labels bin edges (e.g. format.duration for RTTs). */
  formatX?: (v: number) => string;
  yLabel?: string;
  height?: number;
}

interface Theme {
  fg: string;
  muted: string;
  grid: string;
  palette: string[];
}

function theme(): Theme {
  const cs = getComputedStyle(document.documentElement);
  const v = (n: string, d: string) => cs.getPropertyValue(n).trim() || d;
  const palette: string[] = [];
  for (let i = 1; i <= 8; i++) palette.push(v(`--c${i}`, ["#3b82f6", "#ef4444", "#10b981", "#f59e0b", "#8b5cf6", "#ec4899", "#14b8a6", "#64748b"][i - 1]!));
  return { fg: v("--fg", "#222"), muted: v("--muted", "#666"), grid: v("--grid", "rgba(128,128,128,0.2)"), palette };
}

const live = new Set<() => void>();
if (typeof matchMedia === "function") {
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    for (const redraw of live) redraw();
  });
}

/**
 * mount creates the chart element and (re)creates the uPlot instance with
 * make() whenever the width or theme changes.
 */
function mount(title: string, height: number, make: (width: number, t: Theme, target: HTMLElement) => uPlot): HTMLElement {
  const plot = h("div", { class: "chart-plot" });
  const el = h("figure", { class: "chart" }, h("figcaption", null, title), plot);
  let u: uPlot | null = null;
  let lastWidth = 0;
  const build = () => {
    const width = Math.floor(plot.clientWidth);
    if (width <= 0) return;
    if (u) u.destroy();
    plot.replaceChildren();
    u = make(width, theme(), plot);
    lastWidth = width;
    // The legend's values are the hovered point's: without a cursor over the
    // plot it names the series only (no "Time (UTC): —" placeholders).
    el.classList.add("legend-idle");
    u.over.addEventListener("mouseenter", () => el.classList.remove("legend-idle"));
    u.over.addEventListener("mouseleave", () => el.classList.add("legend-idle"));
  };
  const ro = new ResizeObserver(() => {
    if (!el.isConnected) {
      if (u) {
        u.destroy();
        u = null;
      }
      live.delete(build);
      ro.disconnect();
      return;
    }
    const width = Math.floor(plot.clientWidth);
    if (!u) build();
    else if (width > 0 && width !== lastWidth) {
      u.setSize({ width, height });
      lastWidth = width;
    }
  });
  ro.observe(plot);
  live.add(build);
  return el;
}

function axis(t: Theme, label?: string, values?: uPlot.Axis["values"]): uPlot.Axis {
  const a: uPlot.Axis = {
    stroke: t.muted,
    grid: { stroke: t.grid, width: 1 },
    ticks: { stroke: t.grid, width: 1 },
  };
  if (label) a.label = label;
  if (values) a.values = values;
  return a;
}

function shortNum(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return fmt.num(v / 1e9, 1) + "G";
  if (a >= 1e6) return fmt.num(v / 1e6, 1) + "M";
  if (a >= 1e3) return fmt.num(v / 1e3, 1) + "k";
  return fmt.num(v, 2);
}

/** counts are whole numbers: their axis gets whole-number steps, never 1.25. */
const countSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 1e8, 1e9, 1e10];

/**
 * valueAxis is the y axis of bars: from zero (a bar's height is its value), with
 * whole-number steps when every value is whole.
 */
function valueAxis(t: Theme, label: string | undefined, values: ArrayLike<number | null | undefined>[]): uPlot.Axis {
  const a = axis(t, label, (_u, vals) => vals.map(shortNum));
  if (values.every((vs) => Array.from(vs).every((v) => v === null || v === undefined || Number.isInteger(v)))) a.incrs = countSteps;
  return a;
}

/** fromZero is a y range that starts at zero and leaves a little room above the tallest bar. */
const fromZero: uPlot.Scale.Range = (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1];

/** recordScales keeps the shown x span and y minimum on the plot element (for tests). */
function recordScales(target: HTMLElement): (u: uPlot, key: string) => void {
  return (u, key) => {
    const sc = u.scales[key];
    if (!sc) return;
    if (key === "x") target.dataset["xSpan"] = String((sc.max ?? 0) - (sc.min ?? 0));
    if (key === "y") target.dataset["yMin"] = String(sc.min ?? 0);
  };
}

/**
 * timeTicks labels a UTC time axis as a Wireshark user reads time: 24-hour
 * clock and ISO dates. The first tick and each new minute show the whole
 * clock, the ticks between only the seconds (":20.5", with the decimals the
 * step needs); the date stands under the first tick and wherever the day changes.
 */
export function timeTicks(vals: number[], incr: number): string[] {
  const decimals = incr >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(incr) - 1e-9));
  let lastDay = "";
  let lastMinute = "";
  return vals.map((v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return "";
    const iso = new Date(Math.floor(v) * 1000).toISOString();
    const day = iso.slice(0, 10);
    const minute = iso.slice(0, 16);
    let label: string;
    if (incr >= 86400) label = day;
    else if (incr >= 60) label = iso.slice(11, 16);
    else {
      const secs = iso.slice(17, 19) + (decimals > 0 ? "." + (v - Math.floor(v)).toFixed(decimals).slice(2) : "");
      label = minute !== lastMinute ? `${iso.slice(11, 17)}${secs}` : `:${secs}`;
    }
    if (incr < 86400 && day !== lastDay) label += `\n${day}`;
    lastDay = day;
    lastMinute = minute;
    return label;
  });
}

/** timeSeries draws lines (or bars) over time; drag to zoom, double-click to reset. */
export function timeSeries(o: TimeSeriesOptions): HTMLElement {
  const height = o.height ?? 240;
  if (o.x.length === 0) return h("figure", { class: "chart chart-empty" }, h("figcaption", null, o.title), h("p", null, "No data"));
  const data = [Array.from(o.x), ...o.series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
  const single = o.x[0] === o.x[o.x.length - 1] ? o.x[0]! : null;
  return mount(o.title, height, (width, t, target) => {
    const opts: uPlot.Options = {
      width,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      // One instant (one bucket): a second either side, not uPlot's default of years.
      scales: {
        x: o.xRange
          ? { time: true, auto: false, range: [o.xRange[0], o.xRange[1]] }
          : single === null
            ? { time: true }
            : { time: true, auto: false, range: [single - 1, single + 1] },
      },
      axes: [
        { ...axis(t, undefined, (_u, vals, _ax, _space, incr) => timeTicks(vals, incr)), space: 60 },
        o.yAxisSize ? { ...axis(t, o.yLabel, (_u, vals) => vals.map(shortNum)), size: o.yAxisSize } : axis(t, o.yLabel, (_u, vals) => vals.map(shortNum)),
      ],
      cursor: o.sync ? { drag: { x: true, y: false }, sync: { key: o.sync } } : { drag: { x: true, y: false } },
      legend: { live: true },
      series: [
        { label: "Time (UTC)", value: (_u, v) => (v === null ? "—" : fmt.utc(v)) },
        ...o.series.map((s, i): uPlot.Series => {
          const color = s.color ?? t.palette[i % t.palette.length]!;
          const ser: uPlot.Series = {
            label: s.label,
            stroke: color,
            width: 1.5,
            value: (_u, v) => (v === null || v === undefined ? "—" : s.format ? s.format(v) : fmt.num(v, 2)),
          };
          if (o.bars && i === 0) {
            ser.fill = color + "88";
            ser.paths = uPlot.paths.bars!({ size: [0.9, 40] });
          }
          return ser;
        }),
      ],
      hooks: {
        setScale: [recordScales(target), ...(o.sync ? [zoomTogether(o.sync)] : [])],
        setSelect: [
          (u) => {
            if (!o.onSelect || u.select.width <= 0) return;
            const from = u.posToVal(u.select.left, "x");
            const to = u.posToVal(u.select.left + u.select.width, "x");
            o.onSelect(from, to);
          },
        ],
      },
    };
    const u = new uPlot(opts, data, target);
    if (o.sync) joinGroup(o.sync, u);
    if (o.onClick) {
      u.over.addEventListener("click", () => {
        const idx = u.cursor.idx;
        if (idx !== null && idx !== undefined) o.onClick!(data[0][idx]!);
      });
    }
    return u;
  });
}

/** groups are the charts whose x scale moves together (a zoom on one zooms all), by sync key. */
const groups = new Map<string, Set<uPlot>>();
let zooming = false;

function joinGroup(key: string, u: uPlot): void {
  let g = groups.get(key);
  if (!g) groups.set(key, (g = new Set()));
  for (const other of Array.from(g)) if (!other.root.isConnected) g.delete(other);
  g.add(u);
}

function zoomTogether(key: string): (u: uPlot, scale: string) => void {
  return (u, scale) => {
    if (scale !== "x" || zooming) return;
    const { min, max } = u.scales["x"] ?? {};
    if (min === undefined || max === undefined || min === null || max === null) return;
    zooming = true;
    try {
      for (const other of groups.get(key) ?? []) if (other !== u && other.root.isConnected) other.setScale("x", { min, max });
    } finally {
      zooming = false;
    }
  };
}

/**
 * rebucket sums counts kept on the finest bucket into buckets of `factor`
 * finest buckets each (the last may be partial). Coarser intervals are sums:
 * nothing is averaged or interpolated.
 */
export function rebucket(counts: readonly (number | null)[], factor: number): number[] {
  const f = Math.max(1, Math.round(factor));
  const out = new Array<number>(Math.ceil(counts.length / f)).fill(0);
  counts.forEach((v, i) => {
    if (typeof v === "number" && Number.isFinite(v)) out[Math.floor(i / f)]! += v;
  });
  return out;
}

/** niceIntervals are the intervals offered (seconds), as Wireshark's I/O graph offers them. */
const niceIntervals = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 604800];

/**
 * intervals lists the intervals (seconds) a series kept on `finest`-second
 * buckets (n of them) can be shown at: whole multiples of finest that give
 * from 1 to maxBuckets buckets.
 */
export function intervals(finest: number, n: number, maxBuckets = 5000): number[] {
  if (!(finest > 0) || n <= 0) return [];
  const out = niceIntervals.filter((iv) => {
    const k = iv / finest;
    return k > 1 - 1e-9 && Math.abs(k - Math.round(k)) < 1e-6 && Math.ceil(n / Math.round(k)) <= maxBuckets;
  });
  if (n <= maxBuckets && !out.some((iv) => Math.abs(iv - finest) < 1e-12)) out.unshift(finest);
  // Nothing bigger than needed for one bucket: drop intervals past the first that covers the span.
  const cover = out.findIndex((iv) => Math.round(iv / finest) >= n);
  return cover >= 0 ? out.slice(0, cover + 1) : out;
}

/** defaultInterval picks the offered interval that gives about target buckets (no more than 2 × target). */
export function defaultInterval(finest: number, n: number, target = 200): number {
  const ivs = intervals(finest, n);
  return ivs.find((iv) => n / Math.round(iv / finest) <= target * 2) ?? ivs[ivs.length - 1] ?? finest;
}

/** StackSeries is one series of a stacked chart: counts per finest bucket. */
export interface StackSeries {
  label: string;
  /** counts per finest bucket (sums: packets, bits, RSTs…). */
  counts: readonly (number | null)[];
  /** rate divides each bucket's sum by the interval (per second); default true. */
  rate?: boolean;
  color?: string;
  /** format labels a value (after the division when rate). */
  format?: (v: number) => string;
}

/** StackChart is one chart of intervalCharts. */
export interface StackChart {
  title: string;
  series: readonly StackSeries[];
  yLabel?: string;
  bars?: boolean;
}

/** IntervalChartsOptions configure intervalCharts(). */
export interface IntervalChartsOptions {
  /** start is the first bucket's start, epoch seconds. */
  start: number;
  /** finest is the width of the series' buckets in seconds (every series uses it). */
  finest: number;
  charts: readonly StackChart[];
  /** interval is the first interval shown (seconds); default: defaultInterval. */
  interval?: number;
  /** onSelect and onClick are passed to every chart (epoch seconds). */
  onSelect?: (from: number, to: number) => void;
  onClick?: (x: number) => void;
  /** onInterval is told the interval chosen (seconds). */
  onInterval?: (seconds: number) => void;
}

let stackSeq = 0;

/** intervalLabel names an interval as Wireshark's I/O graph does: "10 ms", "1 s", "5 min", "1 h", "1 d". */
export function intervalLabel(seconds: number): string {
  const units: [number, string][] = [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"], [0.001, "ms"], [1e-6, "µs"]];
  for (const [size, unit] of units) if (seconds >= size - 1e-12) return `${fmt.num(seconds / size, 3)} ${unit}`;
  return `${seconds} s`;
}

/**
 * intervalCharts draws charts stacked over one time axis with an interval
 * selector: every series is re-bucketed from the finest bucket to the chosen
 * interval by summing (rates divided by the interval), every chart has the
 * same buckets and the same x range, and their cursors and zoom move together.
 */
export function intervalCharts(o: IntervalChartsOptions): HTMLElement {
  const n = Math.max(0, ...o.charts.flatMap((c) => c.series.map((s) => s.counts.length)));
  const offered = intervals(o.finest, n);
  let interval = o.interval && offered.some((iv) => Math.abs(iv - o.interval!) < 1e-12) ? o.interval : defaultInterval(o.finest, n);
  const key = `stack${++stackSeq}`;
  const charts = h("div", { class: "chart-row chart-stack" });
  const select = h(
    "select",
    {
      class: "chart-interval",
      "aria-label": "Interval",
      onChange: (e: Event) => {
        interval = Number((e.target as HTMLSelectElement).value);
        draw();
        o.onInterval?.(interval);
      },
    },
    offered.map((iv) => h("option", { value: String(iv) }, intervalLabel(iv))),
  );
  select.value = String(interval);
  const el = h("div", { class: "chart-stack-wrap", "data-interval": String(interval) }, h("label", { class: "chart-interval-label" }, "Interval ", select), charts);
  function draw(): void {
    const factor = Math.max(1, Math.round(interval / o.finest));
    const buckets = Math.ceil(n / factor);
    const x = Array.from({ length: buckets }, (_, i) => o.start + i * interval);
    const xRange: [number, number] = [o.start, o.start + Math.max(1, buckets) * interval];
    el.dataset["interval"] = String(interval);
    charts.replaceChildren(
      ...o.charts.map((c) => {
        const opts: TimeSeriesOptions = {
          title: c.title,
          x,
          xRange,
          sync: key,
          yAxisSize: 64,
          series: c.series.map((s) => {
            const sums = rebucket(s.counts, factor);
            const values = s.rate === false ? sums : sums.map((v) => v / interval);
            const ser: Series = { label: s.label, values };
            if (s.color) ser.color = s.color;
            if (s.format) ser.format = s.format;
            return ser;
          }),
        };
        if (c.yLabel) opts.yLabel = c.yLabel;
        if (c.bars) opts.bars = true;
        if (o.onSelect) opts.onSelect = o.onSelect;
        if (o.onClick) opts.onClick = o.onClick;
        return timeSeries(opts);
      }),
    );
  }
  draw();
  return el;
}

/** barChart draws bars per category (e.g. DNS response codes); use one series (several overlap). */
export function barChart(o: BarOptions): HTMLElement {
  const height = o.height ?? 240;
  if (o.categories.length === 0) return h("figure", { class: "chart chart-empty" }, h("figcaption", null, o.title), h("p", null, "No data"));
  const xs = o.categories.map((_, i) => i);
  const data = [xs, ...o.series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
  const n = Math.max(1, o.series.length);
  return mount(o.title, height, (width, t, target) => {
    const opts: uPlot.Options = {
      width,
      height,
      scales: { x: { time: false, range: [-0.5, o.categories.length - 0.5] }, y: { range: fromZero } },
      axes: [
        axis(t, undefined, (_u, vals) => vals.map((v) => (Number.isInteger(v) ? (o.categories[v] ?? "") : ""))),
        valueAxis(t, o.yLabel, o.series.map((s) => s.values)),
      ],
      hooks: { setScale: [recordScales(target)] },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: "Category", value: (_u, v) => (v === null ? "—" : (o.categories[v] ?? "")) },
        ...o.series.map((s, i): uPlot.Series => {
          const color = s.color ?? t.palette[i % t.palette.length]!;
          return {
            label: s.label,
            stroke: color,
            fill: color + "aa",
            paths: uPlot.paths.bars!({ size: [0.8 / n, 80] }),
            value: (_u, v) => (v === null || v === undefined ? "—" : s.format ? s.format(v) : fmt.num(v, 2)),
            points: { show: false },
          };
        }),
      ],
    };
    const u = new uPlot(opts, data, target);
    if (o.onClick) {
      u.over.addEventListener("click", () => {
        const idx = u.cursor.idx;
        if (idx !== null && idx !== undefined) o.onClick!(o.categories[idx]!, idx);
      });
    }
    return u;
  });
}

/** histogram draws pre-computed bins as adjacent bars. */
export function histogram(o: HistogramOptions): HTMLElement {
  const height = o.height ?? 220;
  if (o.bins.length === 0) return h("figure", { class: "chart chart-empty" }, h("figcaption", null, o.title), h("p", null, "No data"));
  const fx = o.formatX ?? ((v: number) => fmt.num(v, 3));
  const mids = o.bins.map((b) => (b.start + b.end) / 2);
  const data = [mids, o.bins.map((b) => b.count)] as uPlot.AlignedData;
  return mount(o.title, height, (width, t, target) => {
    const color = t.palette[0]!;
    const opts: uPlot.Options = {
      width,
      height,
      scales: { x: { time: false, range: [o.bins[0]!.start, o.bins[o.bins.length - 1]!.end] }, y: { range: fromZero } },
      axes: [axis(t, undefined, (_u, vals) => vals.map(fx)), valueAxis(t, o.yLabel ?? "count", [o.bins.map((b) => b.count)])],
      hooks: { setScale: [recordScales(target)] },
      cursor: { drag: { x: false, y: false } },
      series: [
        {
          label: "Bin",
          value: (_u, _v, _s, idx) => (idx === null || idx === undefined ? "—" : `${fx(o.bins[idx]!.start)} – ${fx(o.bins[idx]!.end)}`),
        },
        { label: o.yLabel ?? "count", stroke: color, fill: color + "aa", paths: uPlot.paths.bars!({ size: [1, Infinity], gap: 1 }), points: { show: false } },
      ],
    };
    return new uPlot(opts, data, target);
  });
}

/** bytesFormat and friends are handy Series.format values. */
export const seriesFormats = {
  bytes: (v: number) => fmt.bytes(v),
  bits: (v: number) => fmt.bitRate(v),
  count: (v: number) => fmt.count(v),
};
