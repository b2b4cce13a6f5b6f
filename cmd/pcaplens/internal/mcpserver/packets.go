package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/packets"
	"pcaplens/analysis/report"
)

// Limits of the packet tools.
const (
	// DefaultRows is list_packets' page when limit is not given.
	DefaultRows = 50
	// DefaultFollowBytes is the payload follow_stream returns when limit is not given.
	DefaultFollowBytes = 16 << 10
)

// ListArgs are list_packets' arguments.
type ListArgs struct {
	CaptureArg
	Filter string `json:"filter,omitempty" jsonschema:"a Wireshark display filter (tcp.analysis.retransmission, dns.flags.rcode != 0, ip.addr == 10.0.0.0/8, …); default every frame"`
	Skip   int    `json:"skip,omitempty" jsonschema:"matching frames to pass over before the first returned"`
	Limit  int    `json:"limit,omitempty" jsonschema:"rows to return (default 50, at most 1000)"`
}

// ListAnswer is list_packets' answer.
type ListAnswer struct {
	File   string `json:"file"`
	Filter string `json:"filter"`
	// Matched is the number of frames the filter selects; Frames the capture's frames.
	Matched  int `json:"matched"`
	Frames   int `json:"frames"`
	Skip     int `json:"skip"`
	Returned int `json:"returned"`
	// Rows are tshark's packet-list columns.
	Rows []packets.Row `json:"rows"`
	Note string        `json:"note"`
}

// PacketArgs are get_packet's arguments.
type PacketArgs struct {
	CaptureArg
	Frame int `json:"frame" jsonschema:"the frame number (1 is the first frame, as in Wireshark)"`
}

// PacketAnswer is get_packet's answer.
type PacketAnswer struct {
	File string      `json:"file"`
	Row  packets.Row `json:"row"`
	// Layers are the frame's headers with their fields (Wireshark names, tshark's values, byte ranges).
	Layers []packets.Layer `json:"layers"`
	// Hexdump is the captured bytes as tshark -x prints them; DatagramHexdump the reassembled IP payload, when this frame completed one.
	Hexdump         string `json:"hexdump"`
	DatagramHexdump string `json:"datagram_hexdump,omitempty"`
	// Lists says what was cut to keep the answer bounded.
	Lists []List `json:"lists"`
	Note  string `json:"note"`
}

// FollowArgs are follow_stream's arguments.
type FollowArgs struct {
	CaptureArg
	Protocol string `json:"protocol" jsonschema:"tcp or udp"`
	Stream   int    `json:"stream" jsonschema:"the stream number (Wireshark's tcp.stream or udp.stream)"`
	Limit    int    `json:"limit,omitempty" jsonschema:"payload bytes to return (default 16384, at most 65536)"`
}

// FollowChunk is one segment's or datagram's payload in a followed stream.
type FollowChunk struct {
	Frame int `json:"frame"`
	// From is 0 for the side that sent the stream's first packet, 1 for the other.
	From int `json:"from"`
	// Text is the payload with bytes outside printable ASCII (but tab and newlines) shown as '.', as tshark's ascii follow does.
	Text string `json:"text"`
	// Bytes is the payload's length.
	Bytes int `json:"bytes"`
}

// FollowAnswer is follow_stream's answer.
type FollowAnswer struct {
	File     string `json:"file"`
	Protocol string `json:"protocol"`
	Stream   int    `json:"stream"`
	// Nodes are the two sides, "address:port".
	Nodes [2]string `json:"nodes"`
	// BytesReturned is the payload in Chunks per side; Capped is true when the stream has more than limit.
	BytesReturned [2]int        `json:"bytes_returned"`
	Capped        bool          `json:"capped"`
	Chunks        []FollowChunk `json:"chunks"`
	Note          string        `json:"note"`
}

func (s *Server) addPacketTools() {
	ro := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(!s.cfg.NoURLs)}
	addTool(s.mcp, &mcp.Tool{
		Name: "list_packets",
		Description: "The packet list as Wireshark shows it (No., Time, Source, Destination, Protocol, Length, Info), optionally only the frames a Wireshark display filter selects (the filters of get_findings work here). " +
			"Says how many frames match; page with skip and limit." + untrustedLine,
		Annotations: ro,
	}, s.listPackets)
	addTool(s.mcp, &mcp.Tool{
		Name: "get_packet",
		Description: "One frame in detail: its row, every layer with its fields (Wireshark field names and values, byte ranges) and its bytes as a hex dump." +
			untrustedLine,
		Annotations: ro,
	}, s.getPacket)
	addTool(s.mcp, &mcp.Tool{
		Name: "follow_stream",
		Description: "A TCP or UDP conversation's payload in order, as Wireshark's Follow Stream rebuilds it (retransmissions dropped, out-of-order segments put back), shown as text. " +
			"Stream numbers are Wireshark's tcp.stream / udp.stream (list_packets rows and the TCP reports give them)." + untrustedLine,
		Annotations: ro,
	}, s.followStream)
}

// compileFilter compiles a display filter, its error said with the position.
func compileFilter(expr string) (packets.Matcher, error) {
	m, err := packets.NewMatcher(expr)
	if err != nil {
		var fe *filter.Error
		if errors.As(err, &fe) {
			p := min(max(fe.Pos, 0), len(expr))
			return nil, fmt.Errorf("bad display filter %q: %v (at %q)", expr, err, expr[p:])
		}
		return nil, fmt.Errorf("bad display filter %q: %v", expr, err)
	}
	return m, nil
}

// downloadErr is the error that broke a download read by a pass (nil
// for a local file, or a download read whole).
func downloadErr(r io.Reader) error {
	if cb, ok := r.(*cappedBody); ok {
		return cb.err
	}
	return nil
}

// endOfPass tells a pass's end (EOF, or damage after the readable frames) from a failure.
func endOfPass(err error) error {
	var ce *capture.Error
	if errors.Is(err, io.EOF) || errors.As(err, &ce) {
		return nil
	}
	return err
}

// selectFrames returns the frames filter expr selects, from the entry's
// selections or by a light pass over the capture (kept for the next page).
func (s *Server) selectFrames(ctx context.Context, e *entry, expr string, m packets.Matcher) (*selection, error) {
	e.rmu.Lock()
	sel := e.filters[expr]
	e.rmu.Unlock()
	if sel != nil {
		return sel, nil
	}
	r, done, err := s.reopen(ctx, e)
	if err != nil {
		return nil, err
	}
	defer done()
	sel = &selection{}
	err = packets.Select(capture.ContextReader(ctx, r), m, func(f *frame.Frame, ok bool) error {
		sel.frames++
		if ok {
			sel.bits.Set(f.Number)
			sel.matched++
		}
		return nil
	})
	if err := endOfPass(err); err != nil {
		return nil, err
	}
	if err := downloadErr(r); err != nil {
		return nil, err
	}
	e.rmu.Lock()
	if !e.closed {
		if e.filters == nil || len(e.filters) >= maxFilters {
			e.filters = map[string]*selection{}
		}
		e.filters[expr] = sel
	}
	e.rmu.Unlock()
	return sel, nil
}

func (s *Server) listPackets(ctx context.Context, req *mcp.CallToolRequest, in ListArgs) (*mcp.CallToolResult, ListAnswer, error) {
	if in.Skip < 0 || in.Limit < 0 || in.Limit > MaxLimit {
		return nil, ListAnswer{}, fmt.Errorf("skip must be 0 or more and limit from 0 to %d", MaxLimit)
	}
	limit := in.Limit
	if limit == 0 {
		limit = DefaultRows
	}
	expr := strings.TrimSpace(in.Filter)
	m, err := compileFilter(expr)
	if err != nil {
		return nil, ListAnswer{}, err
	}
	e, err := s.capture(ctx, req, in.PcapFile)
	if err == nil {
		err = e.waitIndexed(ctx)
	}
	if err != nil {
		return nil, ListAnswer{}, err
	}
	a := ListAnswer{File: e.src.displayName(), Filter: expr, Note: UntrustedNote}
	e.rmu.Lock()
	replay := e.replay != nil
	e.rmu.Unlock()
	var want []int
	if replay {
		if expr == "" {
			a.Matched, a.Frames = e.frames, e.frames
			for n := in.Skip + 1; n <= min(in.Skip+limit, e.frames); n++ {
				want = append(want, n)
			}
		} else {
			sel, err := s.selectFrames(ctx, e, expr, m)
			if err != nil {
				return nil, ListAnswer{}, err
			}
			a.Matched, a.Frames = sel.matched, sel.frames
			want = sel.bits.Pick(in.Skip, limit)
		}
		e.rmu.Lock()
		for _, n := range want {
			if e.replay == nil {
				break
			}
			r, err := e.replay.RowAt(n)
			if err != nil {
				break
			}
			a.Rows = append(a.Rows, r)
		}
		e.rmu.Unlock()
	}
	if len(a.Rows) != len(want) || !replay {
		// No replay state (a URL, or a capture whose state outgrew its
		// bound): one pass that builds the rows of the page.
		if a, err = s.scanRows(ctx, e, expr, m, in.Skip, limit); err != nil {
			return nil, ListAnswer{}, err
		}
	}
	a.Skip = min(in.Skip, a.Matched)
	// Bounded: rows carry packet text (Info); halve the page until it fits.
	for {
		a.Returned = len(a.Rows)
		a.Rows = report.NonNil(a.Rows)
		b, _ := report.JSON(a)
		if len(b) <= s.cfg.MaxAnswerBytes || len(a.Rows) <= 1 {
			break
		}
		a.Rows = a.Rows[:len(a.Rows)/2]
	}
	var t strings.Builder
	if expr != "" {
		fmt.Fprintf(&t, "%s of %s of %s match %q", report.Count(a.Matched), report.Plural(a.Frames, "frame", "frames"), a.File, expr)
	} else {
		fmt.Fprintf(&t, "%s in %s", report.Plural(a.Frames, "frame", "frames"), a.File)
	}
	if a.Returned > 0 {
		fmt.Fprintf(&t, "; rows %s to %s:\n", report.Count(a.Skip+1), report.Count(a.Skip+a.Returned))
	} else {
		t.WriteString("; no rows on this page.\n")
	}
	for _, r := range a.Rows {
		fmt.Fprintf(&t, "%d %s %s → %s %s %d %s\n", r.No, r.Time, r.Source, r.Destination, r.Protocol, r.Length, r.Info)
	}
	t.WriteString(UntrustedNote)
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: t.String()}}}, a, nil
}

// scanRows builds a page of rows by a Scanner pass over the whole capture
// (to count every match).
func (s *Server) scanRows(ctx context.Context, e *entry, expr string, m packets.Matcher, skip, limit int) (ListAnswer, error) {
	a := ListAnswer{File: e.src.displayName(), Filter: expr, Note: UntrustedNote}
	r, done, err := s.reopen(ctx, e)
	if err != nil {
		return a, err
	}
	defer done()
	sc, err := packets.NewScanner(capture.ContextReader(ctx, r), 0)
	if err != nil {
		return a, captureError(e.src, err)
	}
	for {
		f, err := sc.Next()
		if err != nil {
			if err := endOfPass(err); err != nil {
				return a, err
			}
			break
		}
		a.Frames++
		if !m.Match(f) {
			continue
		}
		if a.Matched >= skip && a.Matched < skip+limit {
			a.Rows = append(a.Rows, sc.Row())
		}
		a.Matched++
	}
	return a, downloadErr(r)
}

func (s *Server) getPacket(ctx context.Context, req *mcp.CallToolRequest, in PacketArgs) (*mcp.CallToolResult, PacketAnswer, error) {
	if in.Frame < 1 {
		return nil, PacketAnswer{}, fmt.Errorf("frame must be 1 or more (frames are numbered from 1, as in Wireshark)")
	}
	e, err := s.capture(ctx, req, in.PcapFile)
	if err == nil {
		err = e.waitIndexed(ctx)
	}
	if err != nil {
		return nil, PacketAnswer{}, err
	}
	var d *packets.Detail
	e.rmu.Lock()
	if e.replay != nil {
		if in.Frame > e.frames {
			e.rmu.Unlock()
			return nil, PacketAnswer{}, fmt.Errorf("frame %d is not in the capture (%d frames)", in.Frame, e.frames)
		}
		d, _ = e.replay.DetailAt(in.Frame) // on failure, the pass below
	}
	e.rmu.Unlock()
	if d == nil {
		r, done, err := s.reopen(ctx, e)
		if err != nil {
			return nil, PacketAnswer{}, err
		}
		defer done()
		sc, err := packets.NewScanner(capture.ContextReader(ctx, r), 0)
		if err != nil {
			return nil, PacketAnswer{}, captureError(e.src, err)
		}
		for {
			f, err := sc.Next()
			if err != nil {
				if err := endOfPass(err); err != nil {
					return nil, PacketAnswer{}, err
				}
				if err := downloadErr(r); err != nil {
					return nil, PacketAnswer{}, err
				}
				return nil, PacketAnswer{}, fmt.Errorf("frame %d is not in the capture (%d frames)", in.Frame, sc.Index().Frames())
			}
			if f.Number == in.Frame {
				d = sc.Detail()
				break
			}
		}
	}
	a := PacketAnswer{File: e.src.displayName(), Row: d.Row, Layers: d.Layers, Hexdump: packets.Hexdump(d.Bytes), Lists: []List{}, Note: UntrustedNote}
	if len(d.Datagram) > 0 {
		a.DatagramHexdump = packets.Hexdump(d.Datagram)
	}
	// Bounded: a frame of 64 KiB dumps to about 300 KB; a DNS answer can
	// have hundreds of fields.
	if b, _ := report.JSON(a); len(b) > s.cfg.MaxAnswerBytes {
		keep := s.cfg.MaxAnswerBytes / 4
		for _, h := range []*string{&a.Hexdump, &a.DatagramHexdump} {
			if len(*h) > keep {
				lines := strings.Count(*h, "\n")
				cut := (*h)[:keep]
				cut = cut[:strings.LastIndexByte(cut, '\n')+1]
				a.Lists = append(a.Lists, List{Path: "hexdump lines", Total: lines, Returned: strings.Count(cut, "\n")})
				*h = cut
			}
		}
		nf := 0
		for _, l := range a.Layers {
			nf += len(l.Fields)
		}
		for b, _ := report.JSON(a); len(b) > s.cfg.MaxAnswerBytes; b, _ = report.JSON(a) {
			// Cut the longest layer's fields by half.
			li := 0
			for i, l := range a.Layers {
				if len(l.Fields) > len(a.Layers[li].Fields) {
					li = i
				}
			}
			if len(a.Layers[li].Fields) <= 1 {
				break
			}
			a.Layers = append([]packets.Layer(nil), a.Layers...)
			a.Layers[li].Fields = a.Layers[li].Fields[:len(a.Layers[li].Fields)/2]
		}
		kept := 0
		for _, l := range a.Layers {
			kept += len(l.Fields)
		}
		if kept < nf {
			a.Lists = append(a.Lists, List{Path: "layers[].fields", Total: nf, Returned: kept})
		}
	}
	var t strings.Builder
	r := a.Row
	fmt.Fprintf(&t, "Frame %d of %s: %s on wire; %s %s → %s %s %s\n", r.No, a.File, report.Plural(r.Length, "byte", "bytes"), r.Time, r.Source, r.Destination, r.Protocol, r.Info)
	for _, l := range a.Layers {
		fmt.Fprintf(&t, "%s [bytes %d-%d]\n", l.Name, l.Off, l.Off+l.Len)
		for _, f := range l.Fields {
			fmt.Fprintf(&t, "    %s = %s\n", f.Name, f.Value)
		}
	}
	t.WriteString(a.Hexdump)
	t.WriteString(UntrustedNote)
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: t.String()}}}, a, nil
}

func (s *Server) followStream(ctx context.Context, req *mcp.CallToolRequest, in FollowArgs) (*mcp.CallToolResult, FollowAnswer, error) {
	kind := strings.ToLower(strings.TrimSpace(in.Protocol))
	if kind != packets.FollowTCP && kind != packets.FollowUDP {
		return nil, FollowAnswer{}, fmt.Errorf("protocol %q: want tcp or udp", in.Protocol)
	}
	if in.Stream < 0 {
		return nil, FollowAnswer{}, fmt.Errorf("stream must be 0 or more")
	}
	limit := in.Limit
	if limit <= 0 {
		limit = DefaultFollowBytes
	}
	limit = min(limit, 64<<10, s.cfg.MaxAnswerBytes/2)
	e, err := s.capture(ctx, req, in.PcapFile)
	if err != nil {
		return nil, FollowAnswer{}, err
	}
	r, done, err := s.reopen(ctx, e)
	if err != nil {
		return nil, FollowAnswer{}, err
	}
	defer done()
	sc, err := packets.NewScanner(capture.ContextReader(ctx, r), 0)
	if err != nil {
		return nil, FollowAnswer{}, captureError(e.src, err)
	}
	c, err := packets.Follow(sc, kind, in.Stream, limit)
	if err == nil {
		err = downloadErr(r)
	}
	if err != nil {
		return nil, FollowAnswer{}, err
	}
	a := FollowAnswer{File: e.src.displayName(), Protocol: kind, Stream: c.Stream, Nodes: c.Nodes, BytesReturned: c.Bytes, Capped: c.Capped, Chunks: []FollowChunk{}, Note: UntrustedNote}
	var t strings.Builder
	fmt.Fprintf(&t, "Follow %s stream %d of %s: %s ⇄ %s, %s and %s", kind, c.Stream, a.File, c.Nodes[0], c.Nodes[1], report.Plural(c.Bytes[0], "byte", "bytes"), report.Plural(c.Bytes[1], "byte", "bytes"))
	if c.Capped {
		t.WriteString(" (cut at the limit)")
	}
	t.WriteString("\n")
	for _, ch := range c.Chunks {
		txt := printable(ch.Data)
		a.Chunks = append(a.Chunks, FollowChunk{Frame: ch.Frame, From: ch.Node, Text: txt, Bytes: len(ch.Data)})
		fmt.Fprintf(&t, "--- frame %d, from %s (%s)\n%s\n", ch.Frame, c.Nodes[ch.Node], report.Plural(len(ch.Data), "byte", "bytes"), txt)
	}
	t.WriteString(UntrustedNote)
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: t.String()}}}, a, nil
}

// printable shows bytes as tshark's ascii follow does: printable ASCII,
// tab and newlines as they are, anything else as '.'.
func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f) {
			out[i] = c
		} else {
			out[i] = '.'
		}
	}
	return string(out)
}
