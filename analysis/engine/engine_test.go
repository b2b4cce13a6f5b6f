package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/internal/fraggen"
)

// pcapFile builds a little-endian microsecond pcap with Ethernet records.
func pcapFile(records ...[]byte) []byte {
	var b bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
	for i, r := range records {
		rh := make([]byte, 16)
		binary.LittleEndian.PutUint32(rh[0:], uint32(1000+i))
		binary.LittleEndian.PutUint32(rh[8:], uint32(len(r)))
		binary.LittleEndian.PutUint32(rh[12:], uint32(len(r)))
		b.Write(rh)
		b.Write(r)
	}
	return b.Bytes()
}

// ethUDP is an Ethernet/IPv4/UDP packet 10.0.0.1:1234 → 10.0.0.2:53.
var ethUDP = []byte{
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2,
	0x04, 0xd2, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00,
}

type countTap struct {
	packets int
	udp     int
	panicAt int
}

func (c *countTap) Packet(f *frame.Frame) {
	c.packets++
	if f.IsUDP() {
		c.udp++
	}
	if c.panicAt > 0 && f.Number == c.panicAt {
		panic("boom")
	}
}

func (c *countTap) Finish(cp *Capture) map[string]any {
	return map[string]any{"count_a": map[string]any{"packets": c.packets, "udp": c.udp, "warnings": cp.Warnings}, "count_b": c.packets}
}

func init() {
	Register(Factory{Name: "count", Tools: []string{"count_a", "count_b"}, New: func(o *Options) Tap { return &countTap{} }})
	Register(Factory{Name: "panicky", Tools: []string{"panicky"}, New: func(o *Options) Tap { return &countTap{panicAt: 2} }})
	// recount runs after panicky (taps run in name order).
	Register(Factory{Name: "recount", Tools: []string{"recount"}, New: func(o *Options) Tap { return &recountTap{} }})
}

type recountTap struct{ packets int }

func (c *recountTap) Packet(*frame.Frame)            { c.packets++ }
func (c *recountTap) Finish(*Capture) map[string]any { return map[string]any{"recount": c.packets} }

func TestRunEveryTapSeesEveryPacket(t *testing.T) {
	file := pcapFile(ethUDP, ethUDP, ethUDP)
	out, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"count_a"}})
	if err != nil {
		t.Fatal(err)
	}
	a := out["count_a"].(map[string]any)
	if a["packets"] != 3 || a["udp"] != 3 {
		t.Errorf("count_a = %v", a)
	}
	if _, ok := out["count_b"]; ok {
		t.Error("count_b reported although not selected")
	}
	if _, ok := out["panicky"]; ok {
		t.Error("panicky ran although not selected")
	}
}

func TestPanicDisablesOnlyThatTap(t *testing.T) {
	file := pcapFile(ethUDP, ethUDP, ethUDP)
	out, err := Run(context.Background(), bytes.NewReader(file), &Options{FileName: "x.pcap"})
	if err != nil {
		t.Fatal(err)
	}
	er, ok := out["panicky"].(ErrorReport)
	if !ok || !strings.Contains(er.Error, "frame 2") || !strings.Contains(er.Error, "boom") || er.File != "x.pcap" {
		t.Errorf("panicky = %#v", out["panicky"])
	}
	if out["count_b"] != 3 {
		t.Errorf("count_b = %v", out["count_b"])
	}
	// A tap after the one that panicked gets that frame too.
	if out["recount"] != 3 {
		t.Errorf("recount = %v, want every frame", out["recount"])
	}
}

func TestUnknownTool(t *testing.T) {
	_, err := Run(context.Background(), bytes.NewReader(pcapFile()), &Options{Tools: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), `unknown tool "nope"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestTruncatedFileKeepsPackets(t *testing.T) {
	file := pcapFile(ethUDP, ethUDP, ethUDP)
	file = file[:len(file)-10]
	out, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"count_a"}})
	if err != nil {
		t.Fatal(err)
	}
	a := out["count_a"].(map[string]any)
	if a["packets"] != 2 {
		t.Errorf("packets = %v", a["packets"])
	}
	w := a["warnings"].([]string)
	if len(w) != 1 || !strings.Contains(w[0], "cut short") || !strings.Contains(w[0], "packet 3") {
		t.Errorf("warnings = %q", w)
	}
}

func TestNotACapture(t *testing.T) {
	_, err := Run(context.Background(), strings.NewReader("<!DOCTYPE html><html></html>"), nil)
	if err == nil || !strings.Contains(err.Error(), "HTML") {
		t.Fatalf("err = %v", err)
	}
}

func TestProgressAndCancel(t *testing.T) {
	recs := make([][]byte, 50000)
	for i := range recs {
		recs[i] = ethUDP
	}
	file := pcapFile(recs...)
	var calls []Progress
	_, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"count_a"}, ProgressEvery: 100000, Progress: func(p Progress) { calls = append(calls, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 || !calls[len(calls)-1].Done || calls[len(calls)-1].Packets != 50000 || calls[len(calls)-1].Bytes != int64(len(file)) {
		t.Errorf("progress calls: %d, last %+v", len(calls), calls[len(calls)-1])
	}
	// The running stream counts: every frame is of one UDP pair.
	for _, p := range calls {
		if p.UDPStreams != 1 || p.TCPStreams != 0 {
			t.Fatalf("progress %+v: want 1 UDP stream, no TCP stream", p)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, bytes.NewReader(file), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}

func TestNotDecodedLinkTypeIsReported(t *testing.T) {
	file := pcapFile(ethUDP)
	binary.LittleEndian.PutUint32(file[20:], 147) // LINKTYPE_USER0
	out, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"count_a"}})
	if err != nil {
		t.Fatal(err)
	}
	w := out["count_a"].(map[string]any)["warnings"].([]string)
	if len(w) != 1 || w[0] != "not decoded: USER 0 (1 packets)" {
		t.Errorf("warnings = %q", w)
	}
}

// TestRunReassembles: the taps see a fragmented datagram once, at the frame
// that completes it, and the capture says what was not reassembled.
func TestRunReassembles(t *testing.T) {
	a, b := fraggen.Client4, fraggen.Server4
	d := &fraggen.Datagram{Src: a, Dst: b, Proto: 17, ID: 1, Payload: fraggen.UDP(a, b, 1234, 53, fraggen.Pattern(4000))}
	lone := &fraggen.Datagram{Src: a, Dst: b, Proto: 17, ID: 2, Payload: d.Payload}
	var recs [][]byte
	for _, fr := range d.Split(1480) {
		recs = append(recs, fraggen.Ethernet(fr))
	}
	recs = append(recs, fraggen.Ethernet(lone.Split(1480)[1]), ethUDP)
	out, err := Run(context.Background(), bytes.NewReader(pcapFile(recs...)), &Options{Tools: []string{"count_a"}})
	if err != nil {
		t.Fatal(err)
	}
	a2 := out["count_a"].(map[string]any)
	if a2["packets"] != 5 || a2["udp"] != 2 {
		t.Errorf("count_a = %v", a2)
	}
	w := a2["warnings"].([]string)
	if len(w) != 1 || !strings.HasPrefix(w[0], "ip reassembly: 1 fragmented datagrams never completed (1 fragments;") {
		t.Errorf("warnings %q", w)
	}
}

// rebuildTap reports its packets and the server_ip it was built with; it
// can rebuild unless server_ip is "never".
type rebuildTap struct {
	countTap
	o *Options
}

func (r *rebuildTap) Finish(cp *Capture) map[string]any {
	return map[string]any{"rebuilt": map[string]any{"packets": r.packets, "server": cp.Options.ServerIP, "file": cp.FileName}}
}

func (r *rebuildTap) Rebuild(o *Options, cp *Capture) map[string]any {
	if o.ServerIP == "never" {
		return nil
	}
	if o.ServerIP == "panic" {
		panic("boom")
	}
	return r.Finish(cp)
}

func init() {
	Register(Factory{Name: "rebuild", Tools: []string{"rebuilt"}, New: func(o *Options) Tap { return &rebuildTap{o: o} }})
}

func TestResultRebuild(t *testing.T) {
	file := pcapFile(ethUDP, ethUDP)
	res, err := RunResult(context.Background(), bytes.NewReader(file), &Options{FileName: "a", MaxPackets: 5})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Reports["rebuilt"].(map[string]any); r["packets"] != 2 || r["server"] != "" {
		t.Errorf("pass's report %v", r)
	}
	out, ok := res.Rebuild(&Options{Tools: []string{"rebuilt"}, ServerIP: "10.0.0.2", FileName: "b", MaxPackets: 5})
	if r, _ := out["rebuilt"].(map[string]any); !ok || r["packets"] != 2 || r["server"] != "10.0.0.2" || r["file"] != "b" {
		t.Errorf("rebuilt %v, %v", out, ok)
	}
	if _, ok := out[FindingsKey]; !ok || len(out) != 2 {
		t.Errorf("rebuilt %v: want the tool and the findings only", out)
	}
	for _, o := range []Options{
		{Tools: []string{"count_a"}, MaxPackets: 5},                    // not a Rebuilder
		{Tools: []string{"rebuilt"}, ServerIP: "never", MaxPackets: 5}, // cannot
		{Tools: []string{"rebuilt"}, ServerIP: "panic", MaxPackets: 5}, // panics
		{Tools: []string{"rebuilt"}, MaxPackets: 6},                    // other lists' limit
		{Tools: []string{"nope"}, MaxPackets: 5},
	} {
		if out, ok := res.Rebuild(&o); ok || out != nil {
			t.Errorf("%+v: rebuilt %v", o, out)
		}
	}
}

// earlyTap tells, during the pass, one finding per kind it counts: "early.udp"
// (medium, one per UDP packet) and "early.n<i>" (low) for i < kinds; it panics
// in Early when panicEarly is set.
type earlyTap struct {
	udp        int
	kinds      int
	panicEarly bool
}

func (e *earlyTap) Packet(f *frame.Frame) {
	if f.Transport == frame.TransportUDP {
		e.udp++
	}
}

func (e *earlyTap) Finish(*Capture) map[string]any {
	return map[string]any{"early": e.udp, "early_panic": e.udp}
}

func (e *earlyTap) Early(c *Capture) []finding.Finding {
	if e.panicEarly {
		panic("boom")
	}
	out := []finding.Finding{{Kind: "early.udp", Severity: finding.Medium, Tool: "early", Count: e.udp}}
	for i := range e.kinds {
		out = append(out, finding.Finding{Kind: fmt.Sprintf("early.n%d", i), Severity: finding.Low, Tool: "early", Count: i + 1})
	}
	return out
}

func init() {
	Register(Factory{Name: "early", Tools: []string{"early"}, New: func(o *Options) Tap { return &earlyTap{kinds: 7} }})
	Register(Factory{Name: "early_panic", Tools: []string{"early_panic"}, New: func(o *Options) Tap { return &earlyTap{panicEarly: true} }})
}

// TestFindingsEvery: with FindingsEvery, the findings so far are worked out
// afresh when the bytes read have doubled since the last time or grown by
// FindingsEvery, whichever is less; the progress calls between carry the
// last ones; the last call has them afresh.
func TestFindingsEvery(t *testing.T) {
	recs := make([][]byte, 200000)
	for i := range recs {
		recs[i] = ethUDP
	}
	file := pcapFile(recs...)
	const every = 1 << 20
	var calls []Progress
	_, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"early"}, ProgressEvery: 10000, FindingsEvery: every,
		Progress: func(p Progress) { calls = append(calls, p) }})
	if err != nil {
		t.Fatal(err)
	}
	next, fresh, stale := int64(0), 0, 0
	last := -1
	for i, p := range calls {
		got := p.FindingsSoFar[0].Count // early.udp: the packets when worked out
		switch {
		case p.Done || p.Bytes >= next:
			fresh++
			if got != p.Packets {
				t.Fatalf("call %d at %d bytes: findings of %d packets, want them afresh (%d)", i, p.Bytes, got, p.Packets)
			}
			next = p.Bytes + min(p.Bytes, every)
		default:
			stale++
			if got != last {
				t.Fatalf("call %d at %d bytes: findings of %d packets, want the last ones (%d) until %d bytes", i, p.Bytes, got, last, next)
			}
		}
		last = got
	}
	if !calls[len(calls)-1].Done || fresh < 5 || stale < 5*fresh {
		t.Errorf("%d calls: %d afresh, %d carried over; want most carried over and the last done", len(calls), fresh, stale)
	}
}

// TestProgressCarriesFindingsSoFar: every progress call carries the Early
// taps' findings as they stand, ranked and cut to MaxEarly; a tap without
// Early adds none; a tap panicking in Early tells none but keeps its
// report, the others go on.
func TestProgressCarriesFindingsSoFar(t *testing.T) {
	recs := make([][]byte, 20000)
	for i := range recs {
		recs[i] = ethUDP
	}
	file := pcapFile(recs...)
	var calls []Progress
	out, err := Run(context.Background(), bytes.NewReader(file), &Options{Tools: []string{"early", "early_panic", "count_a"}, ProgressEvery: 100000,
		Progress: func(p Progress) { calls = append(calls, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 {
		t.Fatalf("%d progress calls", len(calls))
	}
	last := 0
	for _, p := range calls {
		fs := p.FindingsSoFar
		if len(fs) != MaxEarly {
			t.Fatalf("progress at %d packets: %d findings so far, want %d: %+v", p.Packets, len(fs), MaxEarly, fs)
		}
		// Ranked: the medium finding first, then the low ones by count, most first.
		if fs[0].Kind != "early.udp" || fs[0].Count != p.Packets || fs[0].Count < last || fs[1].Kind != "early.n6" || fs[4].Kind != "early.n3" {
			t.Fatalf("progress at %d packets: findings so far %+v", p.Packets, fs)
		}
		if fs[0].Frames == nil {
			t.Errorf("findings so far not normalized: %+v", fs[0])
		}
		last = fs[0].Count
	}
	if !calls[len(calls)-1].Done || last != 20000 {
		t.Errorf("last call %+v", calls[len(calls)-1])
	}
	if out["early_panic"] != 20000 {
		t.Errorf("early_panic report = %#v, want its report", out["early_panic"])
	}
	if w := out["count_a"].(map[string]any)["warnings"].([]string); len(w) != 1 || !strings.HasPrefix(w[0], "internal error in analyzer early_panic while telling its findings so far at packet ") {
		t.Errorf("warnings = %q", w)
	}
	if out["early"] != 20000 {
		t.Errorf("early report = %v", out["early"])
	}
}
