//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/synth"
)

// These tests run under Node through Go's wasm_exec:
//   GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm/...
// wasm/test/bridge.test.mjs tests the built module from JavaScript's side.

const sample = "../testdata/captures/chrissanders--dns.pcap"

func TestMain(m *testing.M) {
	if err := install(); err != nil {
		println("install:", err.Error())
		os.Exit(2)
	}
	os.Exit(m.Run())
}

type settled struct {
	v   safejs.Value
	err safejs.Value
	ok  bool
}

// await waits for a JavaScript promise; the event loop runs while this goroutine blocks.
func await(t *testing.T, p safejs.Value) settled {
	t.Helper()
	ch := make(chan settled, 1)
	onOK, _ := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- settled{v: arg(args, 0), ok: true}
		return nil
	})
	onErr, _ := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- settled{err: arg(args, 0)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	if _, err := p.Call("then", onOK, onErr); err != nil {
		t.Fatalf("not a promise: %v", err)
	}
	return <-ch
}

func api(t *testing.T) safejs.Value {
	t.Helper()
	v, err := safejs.Global().Get("pcaplens")
	if err != nil || v.Type() != safejs.TypeObject {
		t.Fatal("globalThis.pcaplens is not installed")
	}
	if ready, _ := v.Get("ready"); !truthy(ready) {
		t.Fatal("pcaplens.ready is not true")
	}
	return v
}

func uint8Array(t *testing.T, b []byte) safejs.Value {
	t.Helper()
	u8, _ := safejs.Global().Get("Uint8Array")
	a, err := u8.New(len(b))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := safejs.CopyBytesToJS(a, b); err != nil {
		t.Fatal(err)
	}
	return a
}

func stringify(t *testing.T, v safejs.Value) string {
	t.Helper()
	j, _ := safejs.Global().Get("JSON")
	s, err := j.Call("stringify", v)
	if err != nil {
		t.Fatal(err)
	}
	str, _ := s.String()
	return str
}

func errorText(v safejs.Value) (code, msg string) {
	c, _ := v.Get("code")
	m, _ := v.Get("message")
	code, _ = c.String()
	msg, _ = m.String()
	return code, msg
}

// canonical re-encodes JSON so that two encodings of the same value compare equal.
func canonical(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func want(t *testing.T, b []byte, o engine.Options) string {
	t.Helper()
	o.Threshold = defaultThreshold
	got, err := reportJSON(context.Background(), bytes.NewReader(b), &o)
	if err != nil {
		t.Fatal(err)
	}
	return canonical(t, string(got))
}

func TestAnalyze(t *testing.T) {
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	opts, _ := safejs.ValueOf(map[string]any{"fileName": "dns.pcap"})
	p, err := api(t).Call("analyze", uint8Array(t, b), opts)
	if err != nil {
		t.Fatal(err)
	}
	r := await(t, p)
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("analyze rejected: %s", msg)
	}
	if got, w := canonical(t, stringify(t, r.v)), want(t, b, engine.Options{FileName: "dns.pcap"}); got != w {
		t.Errorf("analyze report differs from engine.Run:\n got %s\nwant %s", got, w)
	}
}

func TestStreaming(t *testing.T) {
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	opts, _ := safejs.ValueOf(map[string]any{"fileName": "dns.pcap"})
	s, err := api(t).Call("open", opts)
	if err != nil {
		t.Fatal(err)
	}
	// Writes are not awaited one by one: they must still apply in call order.
	var pending []safejs.Value
	for off := 0; off < len(b); off += 100 {
		end := min(off+100, len(b))
		p, err := s.Call("write", uint8Array(t, b[off:end]))
		if err != nil {
			t.Fatal(err)
		}
		pending = append(pending, p)
	}
	for _, p := range pending {
		if r := await(t, p); !r.ok {
			_, msg := errorText(r.err)
			t.Fatalf("write rejected: %s", msg)
		}
	}
	p, _ := s.Call("closeJSON")
	r := await(t, p)
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("close rejected: %s", msg)
	}
	text, _ := r.v.String()
	if got, w := canonical(t, text), want(t, b, engine.Options{FileName: "dns.pcap"}); got != w {
		t.Errorf("streamed report differs from engine.Run:\n got %s\nwant %s", got, w)
	}
	prog, _ := s.Call("progress")
	if w, _ := prog.Get("written"); func() int { n, _ := w.Int(); return n }() != len(b) {
		t.Errorf("progress().written = %v, want %d", stringify(t, prog), len(b))
	}
	// The session is over: another close rejects with code "closed".
	p, _ = s.Call("close")
	if r := await(t, p); r.ok {
		t.Error("second close resolved")
	} else if code, _ := errorText(r.err); code != codeClosed {
		t.Errorf("second close: code %q, want %q", code, codeClosed)
	}
}

func TestNotACapture(t *testing.T) {
	p, _ := api(t).Call("analyze", uint8Array(t, []byte("<!DOCTYPE html><html><body>hello</body></html>\n")))
	r := await(t, p)
	if r.ok {
		t.Fatal("an HTML page was analysed as a capture")
	}
	code, msg := errorText(r.err)
	if code != codeBadInput || !strings.Contains(strings.ToLower(msg), "not a capture") {
		t.Errorf("got code %q message %q; want bad_input and a message saying it is not a capture", code, msg)
	}
	// The next call still works.
	TestAnalyze(t)
}

func TestBadOptions(t *testing.T) {
	opts, _ := safejs.ValueOf(map[string]any{"tools": []any{"no_such_tool"}})
	p, _ := api(t).Call("analyze", uint8Array(t, []byte{1, 2, 3}), opts)
	r := await(t, p)
	if code, _ := errorText(r.err); r.ok || code != codeBadOptions {
		t.Errorf("unknown tool: ok=%v code=%q, want a rejection with %q", r.ok, code, codeBadOptions)
	}
	p, _ = api(t).Call("analyze", "not bytes")
	if r := await(t, p); r.ok {
		t.Error("a string was accepted as bytes")
	}
}

func TestPanicRejects(t *testing.T) {
	f, err := fn(true, func([]safejs.Value) (any, error) { panic("boom") })
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	p, err := f.Value().Invoke()
	if err != nil {
		t.Fatal(err)
	}
	r := await(t, p)
	code, msg := errorText(r.err)
	if r.ok || code != codeInternal || !strings.Contains(msg, "boom") {
		t.Errorf("panic in a call: ok=%v code=%q msg=%q", r.ok, code, msg)
	}
	r = await(t, promise(func() (any, error) { panic("in goroutine") }))
	if code, _ := errorText(r.err); r.ok || code != codeInternal {
		t.Errorf("panic in async work: ok=%v code=%q", r.ok, code)
	}
	// The runtime is still alive.
	TestAnalyze(t)
}

func TestSeedFunctions(t *testing.T) {
	a := api(t)
	known := map[string]bool{}
	for _, n := range engine.ToolNames() {
		known[n] = true
	}
	for _, sf := range seedFunctions {
		f, _ := a.Get(sf.js)
		if has := f.Type() == safejs.TypeFunction; has != known[sf.tool] {
			t.Errorf("pcaplens.%s installed=%v, but tool %s registered=%v", sf.js, has, sf.tool, known[sf.tool])
		}
	}
	if !known["capinfos"] {
		return
	}
	b, _ := os.ReadFile(sample)
	p, _ := a.Call("analyzeCapinfos", uint8Array(t, b))
	r := await(t, p)
	if !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("analyzeCapinfos rejected: %s", msg)
	}
	if pc, _ := r.v.Get("packet_count"); pc.Type() != safejs.TypeNumber {
		t.Errorf("analyzeCapinfos: no packet_count in %s", stringify(t, r.v))
	}
}

func truthy(v safejs.Value) bool {
	b, _ := v.Truthy()
	return b
}

// TestProgressFindings: session.progress() carries the findings known so
// far, as the engine's progress gives them: none before the pass, and
// after it the last call's (kind, severity, tool, summary, count).
func TestProgressFindings(t *testing.T) {
	b, err := os.ReadFile("../testdata/captures/chrissanders--http_espn_fail.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	var last engine.Progress
	if _, err := engine.Run(context.Background(), bytes.NewReader(b), &engine.Options{Progress: func(p engine.Progress) { last = p }}); err != nil {
		t.Fatal(err)
	}
	if len(last.FindingsSoFar) == 0 {
		t.Fatal("the engine tells no findings so far for this capture")
	}
	var want []map[string]any
	for _, f := range last.FindingsSoFar {
		want = append(want, map[string]any{"kind": f.Kind, "severity": string(f.Severity), "tool": f.Tool, "summary": f.Summary, "count": float64(f.Count)})
	}
	wantJSON, _ := json.Marshal(want)

	s, err := api(t).Call("open")
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := s.Call("progress")
	if got := stringify(t, prog); !strings.Contains(got, `"findings":[]`) {
		t.Errorf("progress() before the pass = %s, want no findings", got)
	}
	for off := 0; off < len(b); off += 64 << 10 {
		p, _ := s.Call("write", uint8Array(t, b[off:min(off+64<<10, len(b))]))
		if r := await(t, p); !r.ok {
			t.Fatal("write rejected")
		}
	}
	if r := await(t, func() safejs.Value { p, _ := s.Call("closeSummary"); return p }()); !r.ok {
		t.Fatal("closeSummary rejected")
	}
	prog, _ = s.Call("progress")
	fs, _ := prog.Get("findings")
	var got []map[string]any
	if err := json.Unmarshal([]byte(stringify(t, fs)), &got); err != nil {
		t.Fatal(err)
	}
	if gotJSON, _ := json.Marshal(got); string(gotJSON) != string(wantJSON) {
		t.Errorf("progress().findings after the pass =\n %s\nwant\n %s", gotJSON, wantJSON)
	}
}

// TestWritesReuseBuffers checks that a session's writes copy the chunks into
// buffers earlier writes used, not new ones: a capture of one datagram
// repeated (no state grows) written in 32 chunks of 1 MiB allocates much
// less than the 32 MiB written.
func TestWritesReuseBuffers(t *testing.T) {
	frame := []byte{
		0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00, // Ethernet
		0x45, 0, 0, 32, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
		0x30, 0x39, 0x30, 0x3a, 0, 12, 0, 0, 'w', 'a', 'r', 'm', // UDP
	}
	rec := make([]byte, 16, 16+len(frame))
	binary.LittleEndian.PutUint32(rec[8:], uint32(len(frame)))
	binary.LittleEndian.PutUint32(rec[12:], uint32(len(frame)))
	rec = append(rec, frame...)
	const chunk = 1 << 20
	var capture []byte
	capture = binary.LittleEndian.AppendUint32(capture, 0xa1b2c3d4)
	capture = append(capture, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0)
	for len(capture) < 32*chunk {
		capture = append(capture, rec...)
	}
	s, err := api(t).Call("open", safejs.Undefined())
	if err != nil {
		t.Fatal(err)
	}
	chunks := make([]safejs.Value, 0, 32)
	for off := 0; off < len(capture); off += chunk {
		chunks = append(chunks, uint8Array(t, capture[off:min(off+chunk, len(capture))]))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, c := range chunks {
		p, err := s.Call("write", c)
		if err != nil {
			t.Fatal(err)
		}
		if r := await(t, p); !r.ok {
			_, msg := errorText(r.err)
			t.Fatalf("write rejected: %s", msg)
		}
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 8*chunk {
		t.Errorf("32 writes of 1 MiB allocated %d bytes, want under 8 MiB (the chunks' buffers reused)", got)
	}
	p, _ := s.Call("closeJSON")
	if r := await(t, p); !r.ok {
		_, msg := errorText(r.err)
		t.Fatalf("close rejected: %s", msg)
	}
}

// TestWarmupCapture checks pcaplens.warmupCapture: a pcap (analysis/synth)
// of the default size, or of the size asked when it is a number in range.
func TestWarmupCapture(t *testing.T) {
	bytesOf := func(args ...any) []byte {
		t.Helper()
		v, err := api(t).Call("warmupCapture", args...)
		if err != nil {
			t.Fatal(err)
		}
		n, err := v.Length()
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, n)
		if _, err := safejs.CopyBytesToGo(b, v); err != nil {
			t.Fatal(err)
		}
		return b
	}
	def := bytesOf()
	if !bytes.Equal(def, synth.Capture(warmupConversations)) {
		t.Fatalf("warmupCapture() is %d bytes, want synth.Capture(%d)'s", len(def), warmupConversations)
	}
	if got := bytesOf(3); !bytes.Equal(got, synth.Capture(3)) {
		t.Errorf("warmupCapture(3) is %d bytes, want synth.Capture(3)'s", len(got))
	}
	for _, bad := range []any{"many", -1, 0, 1e9, math.NaN()} {
		if got := bytesOf(bad); !bytes.Equal(got, def) {
			t.Errorf("warmupCapture(%v) is %d bytes, want the default's %d", bad, len(got), len(def))
		}
	}
}

// TestLean checks the collector's setting for a session: Go's default at
// the start, lowered once the live heap is past leanAbove, the default again
// for the next session, and lowered once its input has ended.
func TestLean(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	debug.SetGCPercent(leanPercent)
	l := newLean()
	if p := debug.SetGCPercent(defaultPercent); p != defaultPercent {
		t.Fatalf("a new session's GOGC is %d, want %d", p, defaultPercent)
	}
	runtime.GC()
	l.check(false)
	if p := debug.SetGCPercent(defaultPercent); p != defaultPercent {
		t.Fatalf("GOGC %d with a small live heap, want %d", p, defaultPercent)
	}
	big := make([]byte, leanAbove+(16<<20))
	for i := range big {
		big[i] = byte(i)
	}
	runtime.GC()
	l.check(false)
	runtime.KeepAlive(big)
	if p := debug.SetGCPercent(defaultPercent); p != leanPercent {
		t.Fatalf("GOGC %d with %d MB live, want %d", p, len(big)>>20, leanPercent)
	}
	l = newLean()
	if p := debug.SetGCPercent(defaultPercent); p != defaultPercent {
		t.Fatalf("the next session's GOGC is %d, want %d", p, defaultPercent)
	}
	big = nil
	runtime.GC()
	l.check(true)
	if p := debug.SetGCPercent(defaultPercent); p != leanPercent {
		t.Fatalf("GOGC %d once the input has ended, want %d", p, leanPercent)
	}
}
