package overview

import (
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
)

func TestIOGraphWidens(t *testing.T) {
	tap := New(&engine.Options{})
	fd := newFeeder()
	syn := mustHex(t, `4500 0028 0000 0000 4006 0000 0a000001 0a000002 c000 0050 00000001 00000000 5002 ffff 0000 0000`)
	// 5,000 s of one SYN per second: 1 ms buckets cannot hold it; the graph
	// must widen to 10 s buckets (500 of them) and keep every packet.
	const n = 5000
	for i := 0; i < n; i++ {
		tap.Packet(fd.frame(i+1, int64(i)*1e9, 228, syn))
	}
	r := tap.Finish(&engine.Capture{})["overview"].(*Report)
	g := r.IOGraph
	if g.IntervalNs != 10e9 || g.Interval != 10 || g.StartNs != 0 {
		t.Fatalf("interval %d ns, start %d, want 10 s from 0", g.IntervalNs, g.StartNs)
	}
	if len(g.Packets) != 500 || g.Buckets != 500 {
		t.Fatalf("%d buckets", len(g.Packets))
	}
	sum, syns := 0, 0
	for i := range g.Packets {
		sum += g.Packets[i]
		syns += g.TCPSyn[i]
		if g.Bits[i] != int64(g.Packets[i])*int64(len(syn))*8 {
			t.Fatalf("bucket %d: bits %d for %d packets", i, g.Bits[i], g.Packets[i])
		}
	}
	if sum != n || syns != n {
		t.Fatalf("packets %d syns %d, want %d", sum, syns, n)
	}
	if len(r.Conversations["tcp"]) != 1 || r.Conversations["tcp"][0].Frames != n {
		t.Fatalf("tcp conversations: %+v", r.Conversations["tcp"])
	}
}

// TestIOGraphNeverWiderThanSpan is defect 6 of issue 11: a merged capture
// spanning days got 10-day buckets (0.1 packets/s). The bucket is the
// narrowest that covers the span in at most 1,000 buckets, aligned on the
// epoch; frames earlier than the first one are in the graph too.
func TestIOGraphNeverWiderThanSpan(t *testing.T) {
	tap := New(&engine.Options{})
	fd := newFeeder()
	syn := mustHex(t, `4500 0028 0000 0000 4006 0000 0a000001 0a000002 c000 0050 00000001 00000000 5002 ffff 0000 0000`)
	const day = 86400e9
	t0 := int64(1_600_000_000_500_000_000)
	times := []int64{t0, t0 + 9*day, t0 - day/2, t0 + 10*day}
	for i, ts := range times {
		tap.Packet(fd.frame(i+1, ts, 228, syn))
	}
	g := tap.Finish(&engine.Capture{})["overview"].(*Report).IOGraph
	// 10.5 days: 1 h buckets (253 of them).
	if g.IntervalNs != 3600e9 || g.StartNs != (t0-day/2)/3600e9*3600e9 || g.Buckets != 253 || len(g.TCPRst) != 253 {
		t.Fatalf("interval %d, start %d, %d buckets", g.IntervalNs, g.StartNs, g.Buckets)
	}
	sum := 0
	for _, p := range g.Packets {
		sum += p
	}
	if sum != len(times) {
		t.Fatalf("%d packets in the graph, want %d", sum, len(times))
	}
}

func TestTablesCapped(t *testing.T) {
	tap := New(&engine.Options{})
	fd := newFeeder()
	b := mustHex(t, `4500 001c 0000 0000 4011 0000 0a000001 0a000002 0035 0035 0008 0000`)
	for i := 0; i < MaxConversations+10; i++ {
		b[12], b[13], b[14] = byte(i>>16), byte(i>>8), byte(i) // a new source each time
		tap.Packet(fd.frame(i+1, 0, 228, b))
	}
	r := tap.Finish(&engine.Capture{})["overview"].(*Report)
	found := false
	for _, c := range r.Caps {
		found = found || c.What == "conversations.ip" && c.Dropped == 10 && c.Limit == MaxConversations && c.Unit == "frames"
	}
	// The frames past the cap, not conversations: each of those ten frames is its own conversation here.
	if want := "conversations.ip capped at 20,000: 10 frames counted in none of its rows"; len(r.Warnings) == 0 || r.Warnings[0] != want {
		t.Errorf("warnings %q, want %q first", r.Warnings, want)
	}
	if len(r.Conversations["ip"]) != MaxConversations || !found || len(r.Warnings) == 0 {
		t.Fatalf("ip conversations %d, caps %v, warnings %v", len(r.Conversations["ip"]), r.Caps, r.Warnings)
	}
	if len(r.Endpoints["ip"]) > MaxEndpoints {
		t.Fatalf("%d endpoints", len(r.Endpoints["ip"]))
	}
}

// TestTCPConversationsPastTheCap: tcp_conversations counts the TCP
// conversations the full table leaves out, once each, however many frames.
func TestTCPConversationsPastTheCap(t *testing.T) {
	tap := New(&engine.Options{})
	fd := newFeeder()
	syn := mustHex(t, `4500 0028 0000 0000 4006 0000 0a000001 0a000002 c000 0050 00000001 00000000 5002 ffff 0000 0000`)
	n := 0
	for i := 0; i < MaxConversations+10; i++ {
		syn[12], syn[13], syn[14] = byte(i>>16), byte(i>>8), byte(i) // a new client each time
		// The SYN sent three times: one stream.
		for range 3 {
			n++
			tap.Packet(fd.frame(n, int64(n), 228, syn))
		}
	}
	r := tap.Finish(&engine.Capture{})["overview"].(*Report)
	if len(r.Conversations["tcp"]) != MaxConversations || r.TCPConversations != MaxConversations+10 {
		t.Fatalf("tcp conversations listed %d, counted %d; want %d, %d", len(r.Conversations["tcp"]), r.TCPConversations, MaxConversations, MaxConversations+10)
	}
}

func TestFindingsFragments(t *testing.T) {
	tap := New(&engine.Options{})
	fd := newFeeder()
	frag := mustHex(t, `4500 001c 0001 2000 4001 0000 0a000001 0a000002 0800 0000 0000 0000`)
	for i := 0; i < 20; i++ {
		tap.Packet(fd.frame(i+1, int64(i), 228, frag))
	}
	r := tap.Finish(&engine.Capture{Anomalies: map[string]int{"truncated_ip": 2}})["overview"].(*Report)
	if len(r.Findings) != 1 {
		t.Fatalf("findings %+v (decoding anomalies are capinfos' findings, not the overview's)", r.Findings)
	}
	f := r.Findings[0]
	if f.Kind != "overview.ip_fragments" || f.Count != 20 || len(f.Frames) != finding.MaxFrames || f.Frames[0] != 1 || f.Filter == "" || f.Tool != "overview" {
		t.Fatalf("finding %+v", f)
	}
	if r.Warnings == nil || r.Caps == nil {
		t.Fatal("warnings and caps must be [] not null")
	}
}

// TestTimeWentBackwards is defect 3 of issue 11: the overview compared each
// frame with the latest time so far, not with the frame before it (on a
// merged capture it said 164,450 where frame.time_delta < 0 selects 399).
func TestTimeWentBackwards(t *testing.T) {
	tap := New(&engine.Options{})
	fd := newFeeder()
	b := mustHex(t, `4500 001c 0000 0000 4011 0000 0a000001 0a000002 0035 0035 0008 0000`)
	// Two interleaved captures: 100, 10, 11, 12, 101, 13: only frames 2
	// (10 < 100) and 6 (13 < 101) are earlier than the frame before them.
	for i, ts := range []int64{100, 10, 11, 12, 101, 13} {
		tap.Packet(fd.frame(i+1, ts, 228, b))
	}
	r := tap.Finish(&engine.Capture{})["overview"].(*Report)
	if len(r.Findings) != 1 || r.Findings[0].Kind != "overview.time_went_backwards" || r.Findings[0].Count != 2 ||
		len(r.Findings[0].Frames) != 2 || r.Findings[0].Frames[1] != 6 || r.Findings[0].Filter != "frame.time_delta < 0" {
		t.Fatalf("findings %+v", r.Findings)
	}
	if s := r.Findings[0].Summary; s[:37] != "2 frames are earlier than the frame b" {
		t.Fatalf("summary %q", s)
	}
}
