//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/packets"
)

const httpSample = "../testdata/captures/chrissanders--http_ip4and6.pcapng"

// openedSession analyses b in a session whose source is b, and returns it
// after the report (the packet calls outlive it).
func openedSession(t *testing.T, b []byte, src any) safejs.Value {
	t.Helper()
	opts, _ := safejs.ValueOf(map[string]any{"tools": "capinfos"})
	if src != nil {
		_ = opts.Set("source", src)
	}
	s, err := api(t).Call("open", opts)
	if err != nil {
		t.Fatal(err)
	}
	if r := await(t, mustCall(t, s, "write", uint8Array(t, b))); !r.ok {
		t.Fatal("write rejected")
	}
	if r := await(t, mustCall(t, s, "close")); !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("close rejected: %s", msg)
	}
	return s
}

func mustCall(t *testing.T, v safejs.Value, name string, args ...any) safejs.Value {
	t.Helper()
	p, err := v.Call(name, args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// jsSource is the source object the JavaScript function maker (its text)
// makes of b's bytes: {size, readAt, …}, as the worker gives one.
func jsSource(t *testing.T, b []byte, maker string) safejs.Value {
	t.Helper()
	eval, _ := safejs.Global().Get("eval")
	mk, err := eval.Invoke(maker)
	if err != nil {
		t.Fatal(err)
	}
	src, err := mk.Invoke(uint8Array(t, b))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// nativeRows are the rows the CLI prints for the frames m selects.
func nativeRows(t *testing.T, b []byte, m packets.Matcher) []packets.Row {
	t.Helper()
	s, err := packets.NewScanner(bytes.NewReader(b), 0)
	if err != nil {
		t.Fatal(err)
	}
	var rows []packets.Row
	for {
		f, err := s.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		if m.Match(f) {
			rows = append(rows, s.Row())
		}
	}
}

func rowsJSON(t *testing.T, rows []packets.Row) string {
	t.Helper()
	if rows == nil {
		rows = []packets.Row{}
	}
	b, _ := json.Marshal(rows)
	return canonical(t, string(b))
}

func page(t *testing.T, s safejs.Value, filter string, skip, limit int) settled {
	t.Helper()
	o, _ := safejs.ValueOf(map[string]any{"filter": filter, "skip": skip, "limit": limit})
	return await(t, mustCall(t, s, "packets", o))
}

func TestSessionPackets(t *testing.T) {
	b, err := os.ReadFile(httpSample)
	if err != nil {
		t.Fatal(err)
	}
	s := openedSession(t, b, uint8Array(t, b))
	all := nativeRows(t, b, packets.All)
	if len(all) < 20 {
		t.Fatalf("sample has %d frames", len(all))
	}
	// Pages of every frame, then of a filter, equal the native rows; the
	// pages after the first come from the bitset of the first call.
	for _, tc := range []struct {
		filter string
		skip   int
		limit  int
	}{{"", 0, 7}, {"", 7, 7}, {"", len(all) - 3, 10}, {"frame.number > 10 && frame.len > 100", 0, 3}, {"frame.number > 10 && frame.len > 100", 1, 50}} {
		m, err := packets.NewMatcher(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		want := nativeRows(t, b, m)
		r := page(t, s, tc.filter, tc.skip, tc.limit)
		if !r.ok {
			_, msg := errorText(r.err)
			t.Fatalf("packets(%q) rejected: %s", tc.filter, msg)
		}
		end := min(tc.skip+tc.limit, len(want))
		rows, _ := r.v.Get("rows")
		if got, w := canonical(t, stringify(t, rows)), rowsJSON(t, want[min(tc.skip, end):end]); got != w {
			t.Errorf("packets(%q, %d, %d):\n got %s\nwant %s", tc.filter, tc.skip, tc.limit, got, w)
		}
		// A page past the ones the pass needed may come before its end; wait for it.
		for i := 0; i < 100; i++ {
			if d, _ := r.v.Get("done"); truthy(d) {
				break
			}
			r = page(t, s, tc.filter, tc.skip, tc.limit)
		}
		if n, _ := r.v.Get("matched"); func() int { x, _ := n.Int(); return x }() != len(want) {
			t.Errorf("packets(%q).matched = %s, want %d", tc.filter, stringify(t, n), len(want))
		}
	}
}

func TestSessionBadFilter(t *testing.T) {
	b, _ := os.ReadFile(httpSample)
	s := openedSession(t, b, uint8Array(t, b))
	r := page(t, s, "frame.number ==", 0, 10)
	if r.ok {
		t.Fatal("a bad filter was accepted")
	}
	code, msg := errorText(r.err)
	pos, _ := r.err.Get("pos")
	if p, _ := pos.Int(); code != codeBadFilter || msg == "" || p != len("frame.number ==") {
		t.Errorf("bad filter: code %q message %q pos %s; want bad_filter, a message and pos %d", code, msg, stringify(t, pos), len("frame.number =="))
	}
	c, _ := api(t).Call("checkFilter", " frame.number == ")
	if ok, _ := c.Get("ok"); truthy(ok) {
		t.Error("checkFilter accepted a bad filter")
	}
	if p, _ := c.Get("pos"); func() int { x, _ := p.Int(); return x }() != len(" frame.number ==") {
		t.Errorf("checkFilter pos: %s", stringify(t, c))
	}
	c, _ = api(t).Call("checkFilter", "frame.number in {1..5}")
	if ok, _ := c.Get("ok"); !truthy(ok) {
		t.Errorf("checkFilter refused a good filter: %s", stringify(t, c))
	}
}

func TestSessionSupersede(t *testing.T) {
	b, _ := os.ReadFile(httpSample)
	// A slow source: the first call is still waiting when the second comes.
	src := jsSource(t, b, "(u8) => ({size: u8.length, readAt: (off, n) => new Promise((r) => setTimeout(() => r(u8.slice(off, off + n)), 50))})")
	s := openedSession(t, b, src)
	o, _ := safejs.ValueOf(map[string]any{"filter": "frame.number > 1", "skip": 0, "limit": 5})
	first := mustCall(t, s, "packets", o)
	second := mustCall(t, s, "packets", o)
	if r := await(t, first); r.ok {
		t.Error("a superseded packets call resolved")
	} else if code, _ := errorText(r.err); code != codeAborted {
		t.Errorf("superseded call: code %q, want aborted", code)
	}
	if r := await(t, second); !r.ok {
		t.Error("the newer packets call rejected")
	}
}

func TestSessionFrameFollowExport(t *testing.T) {
	b, _ := os.ReadFile(httpSample)
	// A readAt function returning promises, as the worker gives.
	src := jsSource(t, b, "(u8) => ({size: u8.length, readAt: (off, n) => Promise.resolve(u8.slice(off, off + n))})")
	s := openedSession(t, b, src)

	ns, _ := packets.NewScanner(bytes.NewReader(b), 0)
	for {
		f, err := ns.Next()
		if err != nil {
			t.Fatal(err)
		}
		if f.Number == 5 {
			break
		}
	}
	wantDetail := ns.Detail()
	r := await(t, mustCall(t, s, "frame", 5))
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("frame(5) rejected: %s", msg)
	}
	bv, _ := r.v.Get("bytes")
	got := make([]byte, len(wantDetail.Bytes))
	if n, err := safejs.CopyBytesToGo(got, bv); err != nil || n != len(got) || !bytes.Equal(got, wantDetail.Bytes) {
		t.Errorf("frame(5).bytes differ (%d bytes, %v)", n, err)
	}
	layers, _ := r.v.Get("layers")
	wl, _ := json.Marshal(wantDetail.Layers)
	if g, w := canonical(t, stringify(t, layers)), canonical(t, string(wl)); g != w {
		t.Errorf("frame(5).layers:\n got %s\nwant %s", g, w)
	}

	r = await(t, mustCall(t, s, "follow", "tcp", 0))
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("follow rejected: %s", msg)
	}
	fs, _ := packets.NewScanner(bytes.NewReader(b), 0)
	conv, err := packets.Follow(fs, "tcp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	chunks, _ := r.v.Get("chunks")
	if n, _ := chunks.Length(); n != len(conv.Chunks) {
		t.Fatalf("follow: %d chunks, want %d", n, len(conv.Chunks))
	}
	for i, c := range conv.Chunks {
		ch, _ := chunks.Index(i)
		d, _ := ch.Get("data")
		buf := make([]byte, len(c.Data))
		if _, err := safejs.CopyBytesToGo(buf, d); err != nil || !bytes.Equal(buf, c.Data) {
			t.Fatalf("follow chunk %d differs", i)
		}
	}

	r = await(t, mustCall(t, s, "export", "frame.number <= 4"))
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("export rejected: %s", msg)
	}
	n, _ := r.v.Length()
	out := make([]byte, n)
	_, _ = safejs.CopyBytesToGo(out, r.v)
	es, err := packets.NewScanner(bytes.NewReader(out), 0)
	if err != nil {
		t.Fatalf("export is not a capture: %v", err)
	}
	if err := es.Drain(); err != nil || es.Index().Frames() != 4 {
		t.Errorf("export: %d frames (%v), want 4", es.Index().Frames(), err)
	}

	if _, err := s.Call("dispose"); err != nil {
		t.Fatal(err)
	}
	if r := page(t, s, "", 0, 1); r.ok {
		t.Error("packets after dispose resolved")
	} else if code, _ := errorText(r.err); code != codeClosed {
		t.Errorf("packets after dispose: code %q", code)
	}
}

func TestSessionWithoutSource(t *testing.T) {
	b, _ := os.ReadFile(httpSample)
	s := openedSession(t, b, nil)
	if r := page(t, s, "", 0, 1); r.ok {
		t.Error("packets without a source resolved")
	} else if code, _ := errorText(r.err); code != codeUnavailable {
		t.Errorf("code %q, want unavailable", code)
	}
}

// TestSessionReplay: once a pass has gone through the whole capture, pages
// anywhere and frame(n) are built from each frame alone (the replay state)
// and equal the rows and details of a sequential pass, TCP analysis flags,
// relative numbers, echo links and reassembled datagrams included.
func TestSessionReplay(t *testing.T) {
	for _, name := range []string{"chrissanders--tcp_retransmissions.pcapng", "chrissanders--tcp_dupack.pcapng", "pcaplens-ip-fragments.pcap", "chrissanders--icmp_echo.pcapng"} {
		b, err := os.ReadFile("../testdata/captures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		s := openedSession(t, b, uint8Array(t, b))
		all := nativeRows(t, b, packets.All)
		// The first call starts the pass of every frame; wait for its end.
		for i := 0; ; i++ {
			r := page(t, s, "", 0, 1)
			if d, _ := r.v.Get("done"); truthy(d) {
				break
			}
			if i == 1000 {
				t.Fatal("the pass does not end")
			}
		}
		before := replayedFrames.Load()
		for _, skip := range []int{len(all) - 7, len(all) / 2, 3} {
			skip = max(skip, 0)
			r := page(t, s, "", skip, 7)
			rows, _ := r.v.Get("rows")
			end := min(skip+7, len(all))
			if got, w := canonical(t, stringify(t, rows)), rowsJSON(t, all[skip:end]); got != w {
				t.Errorf("%s: packets(skip %d):\n got %s\nwant %s", name, skip, got, w)
			}
		}
		// frame(n) of frames outside the caches.
		ns, _ := packets.NewScanner(bytes.NewReader(b), 0)
		for {
			f, err := ns.Next()
			if err != nil {
				break
			}
			if f.Number%5 != 1 && f.Number != len(all) {
				continue
			}
			want := ns.Detail()
			r := await(t, mustCall(t, s, "frame", f.Number))
			if !r.ok {
				_, msg := errorText(r.err)
				t.Fatalf("%s: frame(%d) rejected: %s", name, f.Number, msg)
			}
			layers, _ := r.v.Get("layers")
			row, _ := r.v.Get("row")
			wl, _ := json.Marshal(want.Layers)
			wr, _ := json.Marshal(want.Row)
			if g, w := canonical(t, stringify(t, layers))+canonical(t, stringify(t, row)), canonical(t, string(wl))+canonical(t, string(wr)); g != w {
				t.Errorf("%s: frame(%d):\n got %s\nwant %s", name, f.Number, g, w)
			}
		}
		if replayedFrames.Load() == before {
			t.Errorf("%s: no row was built by replay", name)
		}
		if r := await(t, mustCall(t, s, "frame", len(all)+1)); r.ok {
			t.Errorf("%s: frame past the end resolved", name)
		}
	}
}

// TestSessionFilterSelects: once a pass has gone through the whole
// capture, a filter's pass only selects frames (packets.Select), and the
// frames it selects are those of a sequential pass (their rows, from the
// cache or by replay, equal).
func TestSessionFilterSelects(t *testing.T) {
	b, err := os.ReadFile("../testdata/captures/chrissanders--tcp_retransmissions.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	s := openedSession(t, b, uint8Array(t, b))
	for i := 0; ; i++ {
		if d, _ := page(t, s, "", 0, 1).v.Get("done"); truthy(d) {
			break
		}
		if i == 1000 {
			t.Fatal("the pass does not end")
		}
	}
	const expr = "tcp.analysis.flags || tcp.len > 100"
	m, err := packets.NewMatcher(expr)
	if err != nil {
		t.Fatal(err)
	}
	want := nativeRows(t, b, m)
	if len(want) < 5 {
		t.Fatalf("only %d frames match %q", len(want), expr)
	}
	passes := selectPasses.Load()
	var r settled
	for i := 0; ; i++ {
		r = page(t, s, expr, 0, len(want)+5)
		if !r.ok {
			_, msg := errorText(r.err)
			t.Fatal(msg)
		}
		if d, _ := r.v.Get("done"); truthy(d) {
			break
		}
		if i == 1000 {
			t.Fatal("the filter's pass does not end")
		}
	}
	rows, _ := r.v.Get("rows")
	if got, w := canonical(t, stringify(t, rows)), rowsJSON(t, want); got != w {
		t.Errorf("packets(%q):\n got %s\nwant %s", expr, got, w)
	}
	if n, _ := r.v.Get("matched"); func() int { f, _ := n.Float(); return int(f) }() != len(want) {
		t.Errorf("matched %v, want %d", n, len(want))
	}
	if selectPasses.Load() != passes+1 {
		t.Errorf("the filter's pass was not a selecting pass")
	}
}

// TestSourceReusesInto checks that a readAt function is given arrays to
// fill, and the same few again and again, not one per read: Go holds what
// it is answered until its next collection.
func TestSourceReusesInto(t *testing.T) {
	b, _ := os.ReadFile(httpSample)
	src := jsSource(t, b, `(u8) => {
		const seen = new Set();
		let reads = 0;
		return {size: u8.length, seen, count: () => reads, readAt: (off, n, into) => {
			reads++;
			if (!into || into.length < n) return Promise.reject(new Error("no array of " + n + " bytes given"));
			seen.add(into);
			const part = u8.subarray(off, off + n);
			into.set(part);
			return Promise.resolve(into.subarray(0, part.length));
		}};
	}`)
	s := openedSession(t, b, src)
	ns, _ := packets.NewScanner(bytes.NewReader(b), 0)
	var want [][]byte
	for {
		f, err := ns.Next()
		if err != nil {
			t.Fatal(err)
		}
		if f.Number > 8 {
			break
		}
		want = append(want, ns.Detail().Bytes)
	}
	for n := 1; n <= 8; n++ {
		r := await(t, mustCall(t, s, "frame", n))
		if !r.ok {
			_, msg := errorText(r.err)
			t.Fatalf("frame(%d) rejected: %s", n, msg)
		}
		bv, _ := r.v.Get("bytes")
		got := make([]byte, len(want[n-1]))
		if k, err := safejs.CopyBytesToGo(got, bv); err != nil || k != len(got) || !bytes.Equal(got, want[n-1]) {
			t.Errorf("frame(%d).bytes differ", n)
		}
	}
	reads, _ := src.Call("count")
	seen, _ := src.Get("seen")
	nr, _ := reads.Int()
	size, _ := seen.Get("size")
	ns2, _ := size.Int()
	if nr < 2 || ns2 > maxFreeInto {
		t.Errorf("%d reads used %d arrays, want at least 2 reads and at most %d arrays", nr, ns2, maxFreeInto)
	}
}
