// The "Capture" tab: what Wireshark's capinfos says about the file.
import { h, keyValue, note, section, warnings, type Child } from "../ui/dom";
import { cards } from "../ui/cards";
import { table, type Column } from "../ui/table";
import * as fmt from "../ui/format";
import { columns, isToolError, listLength, type CapinfosInterface, type CapinfosPacketComment, type Section, type View } from "./types";
import { id } from "./text";
import { field } from "./parts";

/** time renders an instant in UTC with the local time under it. */
function time(key: string, rfc: unknown, epoch: unknown, digits?: number): Child {
  const v = typeof rfc === "string" && rfc ? rfc : epoch;
  if (v === undefined || v === null) return undefined;
  return h("span", { class: "time" }, field(key, fmt.utc(v, digits)), h("br"), h("small", { class: "muted" }, "local: " + fmt.local(v, digits)));
}

const titles: Record<string, string> = {
  name: "Name",
  description: "Description",
  encapsulation: "Encapsulation",
  link_type: "Link type",
  encapsulation_name: "Encapsulation name",
  capture_length: "Capture length",
  time_precision: "Time precision",
  ticks_per_second: "Ticks per second",
  index: "#",
  dropped: "Dropped",
  received: "Received",
  snap_length: "Snap length",
  timestamp_resolution: "Time resolution",
  ts_resolution: "Time resolution",
  ts_offset: "Time offset",
  os: "OS",
  hardware: "Hardware",
  filter: "Capture filter",
  packets: "Packets",
  packet_count: "Packets",
  section: "Section",
  id: "ID",
};
const order = ["index", "section", "id", "name", "description", "encapsulation_name", "encapsulation", "link_type", "capture_length", "time_precision", "ticks_per_second", "filter", "os", "hardware", "packets", "dropped", "received"];

function title(k: string): string {
  return titles[k] ?? k.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function interfacesTable(rows: Record<string, unknown>[]): HTMLElement | null {
  if (rows.length === 0) return null;
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  const sorted = [...keys].sort((a, b) => {
    const ia = order.indexOf(a), ib = order.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const columns: Column<Record<string, unknown>>[] = sorted.map((k) => {
    const numeric = rows.some((r) => typeof r[k] === "number");
    const width = k === "index" ? "4em" : numeric ? "minmax(7em, 1fr)" : "minmax(9em, 2fr)";
    // Numbers that name something (index, link type) are shown without thousands separators.
    const named = k === "index" || k === "link_type";
    return { key: k, title: title(k), numeric, width, format: named ? (v: unknown) => id(v) : undefined };
  });
  return table({ label: "Interfaces", columns, rows, list: "capinfos.interfaces", maxHeight: 320 });
}

function sectionsBlock(list: Section[]): HTMLElement | null {
  if (list.length === 0) return null;
  return section(
    list.length === 1 ? "Section" : `Sections (${list.length})`,
    list.map((s, i) =>
      keyValue([
        list.length > 1 ? ["Section", String(i + 1)] : null,
        ...Object.entries(s)
          .filter(([, x]) => typeof x !== "object" || x === null)
          .map(([k, x]) => [title(k), fmt.text(x)] as const),
      ]),
    ),
  );
}

/** nonEmpty returns a text value or undefined. */
function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** counts renders a {name: count} map as "a (3), b (1)", or undefined when empty. */
function counts(v: Record<string, number> | undefined): string | undefined {
  const e = Object.entries(v ?? {}).filter(([, n]) => typeof n === "number");
  if (e.length === 0) return undefined;
  return e.map(([k, n]) => `${k} (${fmt.count(n)})`).join(", ");
}

/** captureView renders the capinfos report. */
export const captureView: View = {
  id: "capture",
  title: "Capture",
  tools: ["capinfos"],
  render(root, report, ctx) {
    const c = report.capinfos;
    // The digests may come after the report: the view is drawn again then.
    const digest = (key: string, v: string): Child => (v ? field(key, h("code", { class: "hash" }, v)) : ctx?.digestsPending ? h("span", { class: "muted", "data-key": `${key}-pending` }, "computing…") : undefined);
    if (isToolError(c) || !c) {
      root.append(note("error", h("strong", null, "capinfos could not run: "), c?.error ?? "no report"));
      return;
    }
    const duration = c.capture_duration_seconds;
    // "microseconds (6)" → 6 digits after the second, as capinfos prints times.
    const precision = /\((\d)\)/.exec(str(c.timestamp_precision) ?? "");
    const digits = precision ? Number(precision[1]) : undefined;
    // capinfos prints n/a for rates when the capture spans no time.
    const hasRates = typeof duration === "number" && duration > 0;
    const na = (s: string) => (hasRates ? s : "n/a");
    const fileType = str(c.file_type) ?? [c.file_format, c.compression ? `(${c.compression} compressed)` : null].filter(Boolean).join(" ");
    const encName = str(c.file_encapsulation_name);
    const enc = str(c.file_encapsulation);
    const snap = c.snap_length;
    const inferredMin = c.snap_length_inferred_min, inferredMax = c.snap_length_inferred_max;
    let snapText: string | undefined;
    if (typeof snap === "number") snapText = snap === 0 ? "none (0)" : `${fmt.count(snap)} bytes`;
    else if (typeof inferredMin === "number")
      snapText = inferredMin === inferredMax ? `${fmt.count(inferredMin)} bytes (inferred)` : `${fmt.count(inferredMin)} – ${fmt.count(inferredMax)} bytes (inferred)`;
    else if ("snap_length" in c) snapText = "not set";

    root.append(
      h("div", { class: "view-head" }, warnings(c.warnings)),
      cards([
        { label: "Packets", value: field("packet_count", fmt.count(c.packet_count)) },
        { label: "Duration", value: fmt.duration(duration), hint: fmt.seconds(duration) },
        { label: "File size", value: fmt.bytes(c.file_size_bytes), hint: `${fmt.count(c.file_size_bytes)} bytes` },
        { label: "Data size", value: fmt.bytes(c.data_size_bytes), hint: `${fmt.count(c.data_size_bytes)} bytes` },
        { label: "Data rate", value: na(fmt.bitRate(c.data_rate_bits)), hint: na(fmt.byteRate(c.data_rate_bytes)) },
        { label: "Average packet", value: fmt.bytes(c.average_packet_size_bytes), hint: na(fmt.rate(c.average_packet_rate)) },
      ]),
      section(
        "File",
        keyValue([
          ["File name", field("filename", fmt.text(c.filename))],
          ["File type", field("file_type", fileType || "—")],
          str(c.variant) ? ["Variant", String(c.variant)] : null,
          ["Encapsulation", field("file_encapsulation", encName && enc && encName !== enc ? `${encName} (${enc})` : (encName ?? enc ?? "—"))],
          counts(c.encapsulations) && Object.keys(c.encapsulations).length > 1 ? ["Encapsulations", counts(c.encapsulations)] : null,
          str(c.timestamp_precision) ? ["Time precision", String(c.timestamp_precision)] : null,
          snapText ? ["Packet size limit", snapText] : null,
          ["File size", fmt.bytesExact(c.file_size_bytes)],
          ["Data size", fmt.bytesExact(c.data_size_bytes)],
          str(c.sha256) || ctx?.digestsPending ? ["SHA256", digest("sha256", str(c.sha256) ?? "")] : null,
          str(c.sha1) || ctx?.digestsPending ? ["SHA1", digest("sha1", str(c.sha1) ?? "")] : null,
          str(c.capture_hardware) ? ["Capture hardware", String(c.capture_hardware)] : null,
          str(c.capture_os) ? ["Capture OS", String(c.capture_os)] : null,
          str(c.capture_application) ? ["Capture application", String(c.capture_application)] : null,
          counts(c.not_decoded) ? ["Not decoded", counts(c.not_decoded)] : null,
          counts(c.anomalies) ? ["Decoding anomalies", counts(c.anomalies)] : null,
        ]),
      ),
      section(
        "Time",
        keyValue([
          ["First packet", time("first_packet_time", c.first_packet_time_utc, c.first_packet_time, digits)],
          ["Last packet", time("last_packet_time", c.last_packet_time_utc, c.last_packet_time, digits)],
          ["Duration", `${fmt.seconds(duration)} (${fmt.duration(duration)})`],
          "strict_time_order" in c ? ["Strict time order", fmt.text(c.strict_time_order)] : null,
        ]),
      ),
      section(
        "Rates",
        keyValue([
          ["Data byte rate", na(`${fmt.byteRate(c.data_rate_bytes)} (${fmt.num(c.data_rate_bytes, 2)} bytes/s)`)],
          ["Data bit rate", na(`${fmt.bitRate(c.data_rate_bits)} (${fmt.num(c.data_rate_bits, 2)} bits/s)`)],
          ["Average packet size", `${fmt.num(c.average_packet_size_bytes, 2)} bytes`],
          ["Average packet rate", na(fmt.rate(c.average_packet_rate))],
        ]),
      ),
    );
    const ifaceList: CapinfosInterface[] = c.interfaces;
    const ifaces = interfacesTable(
      ifaceList.map((x) => {
        // Comments are shown below; keep the table to flat values.
        const { comments: _comments, ...rest } = x;
        return rest;
      }),
    );
    if (ifaces) root.append(section(`Interfaces (${fmt.count(listLength(ctx, "capinfos.interfaces", ifaceList))})`, ifaces));

    const captureComments = c.capture_comments.map((x) => fmt.text(x));
    const ifaceComments = ifaceList.flatMap((x, i) => (x.comments ?? []).map((t) => `Interface #${i}: ${fmt.text(t)}`));
    if (captureComments.length + ifaceComments.length > 0) {
      root.append(
        section("Capture comments", h("ul", { class: "comments" }, [...captureComments, ...ifaceComments].map((t) => h("li", null, h("pre", { class: "comment" }, t))))),
      );
    }
    const packetComments = c.packet_comments;
    if (packetComments.length > 0) {
      const total = c.packet_comment_count;
      root.append(
        section(
          `Packet comments (${fmt.count(total)})`,
          table({
            label: "Packet comments",
            columns: columns<CapinfosPacketComment>([
              { key: "frame", title: "Frame", numeric: true, width: "7em", format: (v) => id(v) },
              { key: "comment", title: "Comment", width: "minmax(20em, 1fr)" },
            ]),
            rows: packetComments,
            list: "capinfos.packet_comments",
            maxHeight: 320,
            note: total > listLength(ctx, "capinfos.packet_comments", packetComments) ? `Showing ${fmt.count(listLength(ctx, "capinfos.packet_comments", packetComments))} of ${fmt.count(total)} comments.` : undefined,
          }),
        ),
      );
    }
    const secs = sectionsBlock(c.sections);
    if (secs) root.append(secs);
  },
};
