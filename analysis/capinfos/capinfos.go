// Package capinfos reports what Wireshark's capinfos(1) says about a capture:
// its format, encapsulation, packet count, sizes, times, rates, hashes,
// comments and interfaces. Every figure is defined as capinfos defines it.
package capinfos

import (
	"pcaplens/analysis/capture"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/report"
)

// Tool is the report key.
const Tool = "capinfos"

func init() {
	engine.Register(engine.Factory{
		Name:         "capinfos",
		Tools:        []string{Tool},
		Reports:      map[string]any{Tool: Report{}},
		Descriptions: map[string]string{Tool: "The capture file itself, as Wireshark's capinfos reports it: format, link types, packet count, size, first and last packet times (UTC), duration, data and packet rates, snap length, hashes, and damage or decoding problems."},
		New: func(o *engine.Options) engine.Tap {
			if o == nil {
				o = &engine.Options{}
			}
			return &tap{opts: o}
		},
		// capinfos reports the file's SHA256 and SHA1.
		Hashes: true,
	})
}

// Interface is one capture interface as capinfos lists it.
type Interface struct {
	Index int `json:"index"`
	// Encapsulation is Wireshark's short name ("ether"); EncapsulationName its long one ("Ethernet").
	Encapsulation     string   `json:"encapsulation"`
	EncapsulationName string   `json:"encapsulation_name"`
	LinkType          uint16   `json:"link_type"`
	CaptureLength     uint32   `json:"capture_length"`
	TimePrecision     string   `json:"time_precision"`
	TicksPerSecond    uint64   `json:"ticks_per_second"`
	Name              string   `json:"name,omitempty"`
	Description       string   `json:"description,omitempty"`
	Filter            string   `json:"filter,omitempty"`
	OS                string   `json:"os,omitempty"`
	Hardware          string   `json:"hardware,omitempty"`
	Comments          []string `json:"comments,omitempty"`
	Packets           int      `json:"packets"`
	Dropped           *uint64  `json:"dropped,omitempty"`
	Received          *uint64  `json:"received,omitempty"`
}

// PacketComment is a comment attached to one packet.
type PacketComment struct {
	Frame   int    `json:"frame"`
	Comment string `json:"comment"`
}

// Report is the capinfos report. The first keys are the seed tool's.
type Report struct {
	FileSizeBytes          int64   `json:"file_size_bytes"`
	Filename               string  `json:"filename"`
	FileEncapsulation      string  `json:"file_encapsulation"`
	PacketCount            int     `json:"packet_count"`
	DataSizeBytes          int64   `json:"data_size_bytes"`
	CaptureDurationSeconds float64 `json:"capture_duration_seconds"`
	// FirstPacketTime and LastPacketTime are epoch seconds (the earliest and latest packet times, as capinfos).
	FirstPacketTime        float64 `json:"first_packet_time"`
	LastPacketTime         float64 `json:"last_packet_time"`
	DataRateBytes          float64 `json:"data_rate_bytes"`
	DataRateBits           float64 `json:"data_rate_bits"`
	AveragePacketSizeBytes float64 `json:"average_packet_size_bytes"`
	AveragePacketRate      float64 `json:"average_packet_rate"`

	// FileType is capinfos' "File type" ("pcap", "pcapng", "nsecpcap", with " (gzip compressed)").
	FileType string `json:"file_type"`
	// FileFormat is "pcap" or "pcapng"; Compression is "" or "gzip".
	FileFormat  string `json:"file_format"`
	Variant     string `json:"variant,omitempty"`
	Compression string `json:"compression,omitempty"`
	// FileEncapsulationName is the long name ("Ethernet", "Per packet").
	FileEncapsulationName string `json:"file_encapsulation_name"`
	// Encapsulations counts packets per encapsulation short name (several when mixed).
	Encapsulations map[string]int `json:"encapsulations"`
	// TimestampPrecision as capinfos prints it ("microseconds (6)").
	TimestampPrecision string `json:"timestamp_precision"`
	// SnapLength is the file header's snapshot length (pcap; null when not set).
	SnapLength *uint32 `json:"snap_length"`
	// SnapLengthInferredMin/Max are the smallest and largest captured lengths of the
	// packets captured shorter than their wire length (null when none was cut).
	SnapLengthInferredMin *int `json:"snap_length_inferred_min"`
	SnapLengthInferredMax *int `json:"snap_length_inferred_max"`
	// FirstPacketTimeUTC and LastPacketTimeUTC are RFC 3339 with nanoseconds.
	FirstPacketTimeUTC string `json:"first_packet_time_utc,omitempty"`
	LastPacketTimeUTC  string `json:"last_packet_time_utc,omitempty"`
	// FirstPacketTimeNs and LastPacketTimeNs are exact epoch nanoseconds.
	FirstPacketTimeNs int64 `json:"first_packet_time_ns"`
	// CaptureDurationNs is the exact duration in nanoseconds.
	CaptureDurationNs int64 `json:"capture_duration_ns"`
	LastPacketTimeNs  int64 `json:"last_packet_time_ns"`
	// StrictTimeOrder says whether every packet's time is at or after the
	// previous one's; null (capinfos' "Unknown") when some packet has no time.
	StrictTimeOrder *bool `json:"strict_time_order"`
	// TimesKnown is false when some packet has no timestamp; capinfos then
	// prints no times, duration or rates, and ours cover the timed packets only.
	TimesKnown bool   `json:"times_known"`
	SHA256     string `json:"sha256"`
	SHA1       string `json:"sha1"`
	// CaptureComments are the section comments; Hardware, OS, Application come from the (first) section header.
	CaptureComments    []string          `json:"capture_comments"`
	CaptureHardware    string            `json:"capture_hardware,omitempty"`
	CaptureOS          string            `json:"capture_os,omitempty"`
	CaptureApplication string            `json:"capture_application,omitempty"`
	Sections           []capture.Section `json:"sections"`
	Interfaces         []Interface       `json:"interfaces"`
	PacketComments     []PacketComment   `json:"packet_comments"`
	PacketCommentCount int               `json:"packet_comment_count"`
	// NotDecoded counts packets of link types pcaplens does not decode, by link type.
	NotDecoded map[string]int `json:"not_decoded"`
	// Anomalies counts packets by decoding problem.
	Anomalies map[string]int `json:"anomalies"`
	// Findings are the capture's problems: one per decoding anomaly
	// ("capture.truncated_tcp"), link types not decoded, and file-level
	// problems (cut short, damaged record), most serious first.
	Findings []finding.Finding `json:"findings"`
	Caps     []report.Cap      `json:"caps"`
	Warnings []string          `json:"warnings"`
}

type tap struct {
	opts        *engine.Options
	n           int
	dataBytes   int64
	first, last int64
	prev        int64
	strict      bool
	timed       int
	untimed     int
	inferMin    int
	inferMax    int
	encaps      map[uint16]int
	// runLT and runN are the link type of the frames since the last one of
	// another type, and their count, not yet in encaps (one map update per
	// run of frames, not per frame).
	runLT        uint16
	runN         int
	comments     []PacketComment
	commentCount int
	// undecoded are the first frames of a link type not decoded.
	undecoded finding.Frames
}

func (t *tap) Packet(f *frame.Frame) {
	if t.n == 0 {
		t.encaps = map[uint16]int{}
	}
	if f.NoTime {
		t.untimed++
	} else {
		if t.timed == 0 {
			t.first, t.last, t.strict = f.TimeNs, f.TimeNs, true
		} else {
			if timeCmp(f.TimeNs, t.prev) < 0 {
				t.strict = false
			}
			if timeCmp(f.TimeNs, t.first) < 0 {
				t.first = f.TimeNs
			}
			if timeCmp(f.TimeNs, t.last) > 0 {
				t.last = f.TimeNs
			}
		}
		t.prev = f.TimeNs
		t.timed++
	}
	t.n++
	// The capture reader has stripped any pseudo-header wiretap strips.
	capLen, origLen := f.CapLen, f.OrigLen
	t.dataBytes += int64(origLen)
	if capLen < origLen {
		if t.inferMin == 0 || capLen < t.inferMin {
			t.inferMin = capLen
		}
		t.inferMax = max(t.inferMax, capLen)
	}
	if t.runN > 0 && f.LinkType != t.runLT {
		t.encaps[t.runLT] += t.runN
		t.runN = 0
	}
	t.runLT = f.LinkType
	t.runN++
	if !f.LinkDecoded {
		t.undecoded.Add(f.Number)
	}
	for _, c := range f.Comments {
		t.commentCount++
		if len(t.comments) < report.ListLimit(t.opts.MaxPackets) {
			t.comments = append(t.comments, PacketComment{Frame: f.Number, Comment: c})
		}
	}
}

func (t *tap) Finish(c *engine.Capture) map[string]any {
	r := &Report{
		FileSizeBytes:      c.FileSize,
		Filename:           c.FileName,
		PacketCount:        t.n,
		DataSizeBytes:      t.dataBytes,
		FileFormat:         c.File.Format,
		Variant:            c.File.Variant,
		Compression:        c.File.Compression,
		SHA256:             c.SHA256,
		SHA1:               c.SHA1,
		TimesKnown:         t.untimed == 0,
		Sections:           c.File.Sections,
		CaptureComments:    []string{},
		PacketComments:     t.comments,
		PacketCommentCount: t.commentCount,
		NotDecoded:         c.NotDecoded,
		Anomalies:          c.Anomalies,
		Warnings:           append([]string{}, c.Warnings...),
		Encapsulations:     map[string]int{},
	}
	r.PacketComments = report.NonNil(r.PacketComments)
	r.Sections = report.NonNil(r.Sections)
	var caps report.Caps
	if t.commentCount > len(t.comments) {
		caps.HitN("packet comments", len(t.comments), t.commentCount-len(t.comments))
	}
	r.Caps = caps.List()
	r.Warnings = append(r.Warnings, caps.Warnings()...)
	r.Findings = t.findings(c)
	r.FileType = fileType(c.File)
	for i, s := range c.File.Sections {
		r.CaptureComments = append(r.CaptureComments, s.Comments...)
		if i == 0 {
			r.CaptureHardware, r.CaptureOS, r.CaptureApplication = s.Hardware, s.OS, s.Application
		}
	}
	// Encapsulation: one link type for the whole file, or "per packet".
	linkTypes := map[uint16]bool{}
	for _, ifc := range c.File.Interfaces {
		linkTypes[ifc.LinkType] = true
	}
	if t.runN > 0 {
		t.encaps[t.runLT] += t.runN
		t.runN = 0
	}
	for lt, n := range t.encaps {
		r.Encapsulations[Encap(lt).Short] += n
	}
	switch {
	case len(linkTypes) == 1:
		for lt := range linkTypes {
			e := Encap(lt)
			r.FileEncapsulation, r.FileEncapsulationName = e.Short, e.Name
		}
	case len(linkTypes) > 1:
		r.FileEncapsulation, r.FileEncapsulationName = "per-packet", "Per packet"
	default:
		r.FileEncapsulation, r.FileEncapsulationName = "unknown", "Unknown"
	}
	// Snap length from the file header (pcap only; pcapng has per-interface lengths).
	if c.File.Format == capture.FormatPcap && len(c.File.Interfaces) > 0 {
		s := c.File.Interfaces[0].SnapLen
		r.SnapLength = &s
	}
	if t.inferMax > 0 {
		lo, hi := t.inferMin, t.inferMax
		r.SnapLengthInferredMin, r.SnapLengthInferredMax = &lo, &hi
	}
	r.TimestampPrecision = filePrecision(c.File)
	for i, ifc := range c.File.Interfaces {
		e := Encap(ifc.LinkType)
		r.Interfaces = append(r.Interfaces, Interface{
			Index: i, Encapsulation: e.Short, EncapsulationName: e.Name, LinkType: ifc.LinkType,
			CaptureLength: ifc.SnapLen, TimePrecision: precision(ifc.TsResolution), TicksPerSecond: ifc.TsResolution,
			Name: ifc.Name, Description: ifc.Description, Filter: ifc.Filter, OS: ifc.OS, Hardware: ifc.Hardware,
			Comments: ifc.Comments, Packets: ifc.Packets, Dropped: ifc.Dropped, Received: ifc.Received,
		})
	}
	r.Interfaces = report.NonNil(r.Interfaces)
	if t.untimed == 0 {
		strict := t.strict || t.n == 0
		r.StrictTimeOrder = &strict
	}
	if t.n > 0 {
		r.AveragePacketSizeBytes = float64(t.dataBytes) / float64(t.n)
	}
	if t.timed > 0 {
		r.FirstPacketTimeNs, r.LastPacketTimeNs = t.first, t.last
		r.FirstPacketTime = float64(t.first) / 1e9
		r.LastPacketTime = float64(t.last) / 1e9
		r.FirstPacketTimeUTC = report.Time(t.first)
		r.LastPacketTimeUTC = report.Time(t.last)
		// capinfos divides by the difference of the times as doubles (epoch
		// seconds), which loses sub-microsecond precision; do the same so that
		// the rates agree with its figures to the last printed digit.
		r.CaptureDurationNs = t.last - t.first
		r.CaptureDurationSeconds = float64(r.CaptureDurationNs) / 1e9
		if d := secs(t.last) - secs(t.first); d > 0 {
			r.DataRateBytes = float64(t.dataBytes) / d
			r.DataRateBits = r.DataRateBytes * 8
			r.AveragePacketRate = float64(t.n) / d
		}
	}
	return map[string]any{Tool: r}
}

// fileType names the file type as capinfos does.
func fileType(fi *capture.FileInfo) string {
	s := fi.Format
	switch {
	case fi.Format == capture.FormatPcap && fi.Variant == "nanosecond":
		s = "nsecpcap"
	case fi.Format == capture.FormatPcap && fi.Variant == "modified":
		s = "modpcap"
	}
	if fi.Compression != "" {
		s += " (" + fi.Compression + " compressed)"
	}
	return s
}

// precision names a timestamp resolution (units per second) as capinfos
// does: wiretap rounds it down to the nearest of its precisions.
func precision(res uint64) string {
	switch {
	case res >= 1_000_000_000:
		return "nanoseconds (9)"
	case res >= 1_000_000:
		return "microseconds (6)"
	case res >= 1_000:
		return "milliseconds (3)"
	case res >= 100:
		return "centiseconds (2)"
	case res >= 10:
		return "deciseconds (1)"
	case res >= 1:
		return "seconds (0)"
	}
	return "unknown"
}

// filePrecision is the precision shared by every interface, or "per-packet" when they differ.
func filePrecision(fi *capture.FileInfo) string {
	seen := map[string]bool{}
	var last string
	for _, ifc := range fi.Interfaces {
		last = precision(ifc.TsResolution)
		seen[last] = true
	}
	switch len(seen) {
	case 0:
		return "unknown"
	case 1:
		return last
	}
	return "per-packet (-1)"
}

// secs converts epoch nanoseconds to seconds as Wireshark's nstime_to_sec does.
func secs(ns int64) float64 {
	s, n := ns/1e9, ns%1e9
	if n < 0 {
		s--
		n += 1e9
	}
	return float64(s) + float64(n)/1e9
}

// timeCmp orders two packet times as capinfos 4.0 does (Wireshark's
// nstime_cmp): by the difference of their seconds truncated to 32 bits,
// so that two times 2^31 s or more apart (a damaged or far-future
// timestamp, beyond 2038) compare the wrong way round. capinfos' first and
// last packet times and its strict time order follow that order; so do
// ours, to show the same figures.
func timeCmp(a, b int64) int {
	as, an := floorDiv(a, 1e9)
	bs, bn := floorDiv(b, 1e9)
	if as == bs {
		return int(an - bn)
	}
	return int(int32(as - bs))
}

// floorDiv splits n into a quotient rounded down and a non-negative remainder.
func floorDiv(n, d int64) (int64, int64) {
	q, r := n/d, n%d
	if r < 0 {
		q, r = q-1, r+d
	}
	return q, r
}
