//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// seedFunctions maps the seed tools' camelCase names to pcaplens tool names.
// A function is installed only when its tool is registered with the engine.
var seedFunctions = []struct{ js, tool string }{
	{"analyzeCapinfos", "capinfos"},
	{"analyzeDnsPackets", "dns"},
	{"analyzeDhcpPackets", "dhcp"},
	{"analyzeIcmpPackets", "icmp"},
	{"analyzeTcpConnections", "tcp_connections"},
	{"analyzeTcpAnomalies", "tcp_anomalies"},
	{"analyzeTcpRetransmissions", "tcp_retransmissions"},
	{"analyzeTrafficFlow", "traffic_flow"},
	{"analyzeSipPackets", "sip"},
}

// defaultThreshold is the CLI's default --threshold (the seed's 0.02).
const defaultThreshold = 0.02

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// funcs keeps the installed functions alive for the life of the program.
var funcs []safejs.Func

// install creates globalThis.pcaplens and signals that it is ready:
// globalThis.pcaplens.ready = true, then globalThis.pcaplensReady() when it
// is a function, then a "pcaplensReady" event on globalThis when it is an
// EventTarget.
func install() error {
	api, err := newObject()
	if err != nil {
		return err
	}
	set := func(name string, async bool, f func(args []safejs.Value) (any, error)) error {
		jf, err := fn(async, f)
		if err != nil {
			return err
		}
		funcs = append(funcs, jf)
		return api.Set(name, jf.Value())
	}
	if err := set("analyze", true, func(args []safejs.Value) (any, error) {
		return analyze(args, "")
	}); err != nil {
		return err
	}
	known := map[string]bool{}
	tools := []any{}
	for _, t := range engine.ToolNames() {
		known[t] = true
		tools = append(tools, t)
	}
	for _, sf := range seedFunctions {
		if !known[sf.tool] {
			continue
		}
		tool := sf.tool
		if err := set(sf.js, true, func(args []safejs.Value) (any, error) {
			return analyze(args, tool)
		}); err != nil {
			return err
		}
	}
	if err := set("open", false, openSession); err != nil {
		return err
	}
	if err := set("checkFilter", false, checkFilter); err != nil {
		return err
	}
	if err := set("plan", false, planFunc); err != nil {
		return err
	}
	if err := set("warmupCapture", false, warmupCapture); err != nil {
		return err
	}
	if err := api.Set("factories", factoryList()); err != nil {
		return err
	}
	if err := api.Set("tools", tools); err != nil {
		return err
	}
	// digestTools are the tools that report the file's digests: a caller that
	// runs none of them need not compute digests for externalDigests.
	digestTools := []any{}
	for _, f := range engine.Factories() {
		if f.Hashes {
			for _, t := range f.Tools {
				digestTools = append(digestTools, t)
			}
		}
	}
	if err := api.Set("digestTools", digestTools); err != nil {
		return err
	}
	if err := api.Set("version", version); err != nil {
		return err
	}
	if err := api.Set("ready", true); err != nil {
		return err
	}
	g := safejs.Global()
	if err := g.Set("pcaplens", api); err != nil {
		return err
	}
	if cb, err := g.Get("pcaplensReady"); err == nil && cb.Type() == safejs.TypeFunction {
		_, _ = cb.Invoke(api)
	}
	if de, err := g.Get("dispatchEvent"); err == nil && de.Type() == safejs.TypeFunction {
		if ctor, err := g.Get("Event"); err == nil && ctor.Type() == safejs.TypeFunction {
			if ev, err := ctor.New("pcaplensReady"); err == nil {
				_, _ = g.Call("dispatchEvent", ev)
			}
		}
	}
	return nil
}

func newObject() (safejs.Value, error) {
	ctor, err := safejs.Global().Get("Object")
	if err != nil {
		return safejs.Value{}, err
	}
	return ctor.New()
}

// copyBytes copies a Uint8Array (or ArrayBuffer) into Go memory: the one copy per chunk.
func copyBytes(v safejs.Value, what string) ([]byte, error) {
	return copyBytesInto(v, what, func(n int) []byte { return make([]byte, n) })
}

// copyBytesInto is copyBytes into the buffer of n bytes alloc returns.
func copyBytesInto(v safejs.Value, what string, alloc func(n int) []byte) ([]byte, error) {
	g := safejs.Global()
	u8, err := g.Get("Uint8Array")
	if err != nil {
		return nil, err
	}
	if ok, _ := v.InstanceOf(u8); !ok {
		ab, err := g.Get("ArrayBuffer")
		if err != nil {
			return nil, err
		}
		if ok, _ := v.InstanceOf(ab); !ok {
			return nil, errorf(codeBadOptions, "pcaplens: %s must be a Uint8Array or ArrayBuffer", what)
		}
		if v, err = u8.New(v); err != nil {
			return nil, err
		}
	}
	n, err := v.Length()
	if err != nil {
		return nil, err
	}
	buf := alloc(n)
	if _, err := safejs.CopyBytesToGo(buf, v); err != nil {
		return nil, err
	}
	return buf, nil
}

// parseOptions reads the JS options object (camelCase names of engine.Options).
func parseOptions(v safejs.Value) (*engine.Options, error) {
	o := &engine.Options{Threshold: defaultThreshold}
	if v.IsUndefined() || v.IsNull() {
		return o, nil
	}
	if v.Type() != safejs.TypeObject {
		return nil, errorf(codeBadOptions, "pcaplens: options must be an object")
	}
	get := func(name string) (safejs.Value, bool) {
		x, err := v.Get(name)
		if err != nil || x.IsUndefined() || x.IsNull() {
			return safejs.Value{}, false
		}
		return x, true
	}
	str := func(name string, dst *string) error {
		if x, ok := get(name); ok {
			if x.Type() != safejs.TypeString {
				return errorf(codeBadOptions, "pcaplens: option %s must be a string", name)
			}
			s, err := x.String()
			if err != nil {
				return err
			}
			*dst = s
		}
		return nil
	}
	number := func(name string) (float64, bool, error) {
		x, ok := get(name)
		if !ok {
			return 0, false, nil
		}
		if x.Type() != safejs.TypeNumber {
			return 0, false, errorf(codeBadOptions, "pcaplens: option %s must be a number", name)
		}
		f, err := x.Float()
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, errorf(codeBadOptions, "pcaplens: option %s must be a finite number", name)
		}
		return f, true, nil
	}
	integer := func(name string, max float64, dst *int) error {
		f, ok, err := number(name)
		if err != nil || !ok {
			return err
		}
		if f < 0 || f > max || f != math.Trunc(f) {
			return errorf(codeBadOptions, "pcaplens: option %s must be an integer from 0 to %v", name, max)
		}
		*dst = int(f)
		return nil
	}
	if x, ok := get("tools"); ok {
		switch x.Type() {
		case safejs.TypeString:
			s, _ := x.String()
			o.Tools = strings.Split(s, ",")
		case safejs.TypeObject:
			n, err := x.Length()
			if err != nil {
				return nil, errorf(codeBadOptions, "pcaplens: option tools must be an array of names")
			}
			for i := 0; i < n && i < 64; i++ {
				e, err := x.Index(i)
				if err != nil || e.Type() != safejs.TypeString {
					return nil, errorf(codeBadOptions, "pcaplens: option tools must be an array of names")
				}
				s, _ := e.String()
				o.Tools = append(o.Tools, s)
			}
		default:
			return nil, errorf(codeBadOptions, "pcaplens: option tools must be an array of names")
		}
	}
	if err := str("serverIp", &o.ServerIP); err != nil {
		return nil, err
	}
	if err := str("fileName", &o.FileName); err != nil {
		return nil, err
	}
	if err := integer("serverPort", 65535, &o.ServerPort); err != nil {
		return nil, err
	}
	if err := integer("maxPackets", math.MaxInt32, &o.MaxPackets); err != nil {
		return nil, err
	}
	if f, ok, err := number("threshold"); err != nil {
		return nil, err
	} else if ok {
		o.Threshold = f
	}
	if x, ok := get("detailed"); ok {
		if x.Type() != safejs.TypeBoolean {
			return nil, errorf(codeBadOptions, "pcaplens: option detailed must be a boolean")
		}
		o.Detailed, _ = x.Bool()
	}
	// Reject unknown tools now rather than after reading the bytes.
	if _, err := engine.Selected(o.Tools); err != nil {
		return nil, errorf(codeBadOptions, "%s", err.Error())
	}
	return o, nil
}

// boolOption reads an optional boolean option.
func boolOption(v safejs.Value, name string) (bool, error) {
	if v.Type() != safejs.TypeObject {
		return false, nil
	}
	x, err := v.Get(name)
	if err != nil || x.IsUndefined() || x.IsNull() {
		return false, nil
	}
	if x.Type() != safejs.TypeBoolean {
		return false, errorf(codeBadOptions, "pcaplens: option %s must be a boolean", name)
	}
	return x.Bool()
}

func arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

// reportJSON runs the engine and encodes the reports as `pcaplens analyze`
// prints them (compact, HTML characters not escaped, a final newline).
func reportJSON(ctx context.Context, r io.Reader, o *engine.Options) ([]byte, error) {
	rep, err := engine.Run(ctx, r, o)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// parseJSON turns JSON text into a JavaScript value with JSON.parse.
func parseJSON(b []byte) (safejs.Value, error) {
	j, err := safejs.Global().Get("JSON")
	if err != nil {
		return safejs.Value{}, err
	}
	return j.Call("parse", string(b))
}

// analyze implements analyze(bytes, options) and the per-tool functions
// (tool != ""), which resolve to that tool's report alone.
func analyze(args []safejs.Value, tool string) (any, error) {
	buf, err := copyBytes(arg(args, 0), "bytes")
	if err != nil {
		return nil, err
	}
	o, err := parseOptions(arg(args, 1))
	if err != nil {
		return nil, err
	}
	if tool != "" {
		o.Tools = []string{tool}
	}
	return promise(func() (any, error) {
		b, err := reportJSON(context.Background(), bytes.NewReader(buf), o)
		if err != nil {
			return nil, err
		}
		v, err := parseJSON(b)
		if err != nil || tool == "" {
			return v, err
		}
		return v.Get(tool)
	}), nil
}

// session is one streaming analysis: chunks written into a pipe that
// engine.Run reads in its own goroutine.
type session struct {
	pw     *io.PipeWriter
	cancel context.CancelFunc
	done   chan struct{} // closed when the engine has returned
	err    error
	// rep holds the reports once the engine has returned; they stay, for
	// the report calls (summary, rows, JSON, CSV), until dispose.
	rep *reportState

	written atomic.Int64
	read    atomic.Int64
	packets atomic.Int64
	// tcpStreams and udpStreams are the streams numbered so far.
	tcpStreams, udpStreams atomic.Int64
	// soFar are the findings known so far (engine.Progress.FindingsSoFar).
	soFar atomic.Pointer[[]finding.Finding]

	mu   sync.Mutex
	last chan struct{} // done when the previous write (or close) finished: writes apply in call order
	// digests are the input's SHA-256 and SHA-1 given to close, for a session
	// opened with externalDigests (read by the engine after the input ended).
	digests [2]string
	// free are buffers of earlier writes, for later ones (chunk).
	free [][]byte
	// later is set by closeSummary: digests not given by then come later
	// (setDigests), and the report does not wait for them.
	later   bool
	pending bool // the digests are still to come
	closed  bool
	jsObj   safejs.Value
	funcs   []safejs.Func

	// pk answers the packet calls, before and after the report, until dispose.
	pk      *packetState
	pkFuncs []safejs.Func
}

// openSession implements open(options) → session. Bad options do not throw
// (a Go callback cannot): the session's write and close reject with them.
func openSession(args []safejs.Value) (any, error) {
	o, optErr := parseOptions(arg(args, 0))
	if optErr != nil {
		o = &engine.Options{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &session{pw: pw, cancel: cancel, done: make(chan struct{}), last: make(chan struct{})}
	close(s.last)
	if optErr == nil {
		src, err := parseSource(arg(args, 0))
		if err != nil {
			optErr = err
		}
		s.pk = newPacketState(src)
	} else {
		s.pk = newPacketState(nil)
	}
	if optErr == nil {
		if ext, err := boolOption(arg(args, 0), "externalDigests"); err != nil {
			optErr = err
		} else if ext {
			o.Digests = func() (string, string) {
				s.mu.Lock()
				defer s.mu.Unlock()
				if s.later && (s.digests[0] == "" || s.digests[1] == "") {
					// Well-formed stand-ins, taken out of the report when it is
					// done (clearDigests) and replaced by setDigests.
					s.pending = true
					return strings.Repeat("0", 64), strings.Repeat("0", 40)
				}
				return s.digests[0], s.digests[1]
			}
		}
	}
	o.ProgressEvery = 256 << 10
	o.FindingsEvery = 8 << 20 // findings so far: at 0.25, 0.5, 1, 2, 4, 8 MiB, then every 8 MiB
	gc := newLean()
	o.Progress = func(p engine.Progress) {
		gc.check(p.Done)
		s.read.Store(p.Bytes)
		s.packets.Store(int64(p.Packets))
		s.tcpStreams.Store(int64(p.TCPStreams))
		s.udpStreams.Store(int64(p.UDPStreams))
		s.soFar.Store(&p.FindingsSoFar)
	}
	go func() {
		defer close(s.done)
		defer func() {
			if p := recover(); p != nil {
				s.err = recovered(p)
				pr.CloseWithError(s.err)
			}
		}()
		if optErr != nil {
			s.err = optErr
			pr.CloseWithError(optErr)
			return
		}
		var reps map[string]any
		reps, s.err = engine.Run(ctx, pr, o)
		if s.err == nil {
			rep := &reportState{reports: reps, views: map[string]*listView{}}
			s.mu.Lock()
			if s.pending {
				rep.setDigests("", "")
			}
			s.rep = rep
			s.mu.Unlock()
		}
		if s.err != nil {
			pr.CloseWithError(s.err) // pending and later writes fail with the engine's error
		} else {
			pr.Close()
		}
	}()
	return s.object()
}

func (s *session) object() (safejs.Value, error) {
	obj, err := newObject()
	if err != nil {
		return safejs.Value{}, err
	}
	set := func(name string, async bool, f func(args []safejs.Value) (any, error)) error {
		jf, err := fn(async, f)
		if err != nil {
			return err
		}
		s.funcs = append(s.funcs, jf)
		return obj.Set(name, jf.Value())
	}
	for _, m := range []struct {
		name  string
		async bool
		f     func([]safejs.Value) (any, error)
	}{
		{"write", true, s.write},
		{"close", true, func(a []safejs.Value) (any, error) { return s.close(a, closeReport) }},
		{"closeJSON", true, func(a []safejs.Value) (any, error) { return s.close(a, closeJSON) }},
		{"closeSummary", true, func(a []safejs.Value) (any, error) { return s.close(a, closeSummary) }},
		{"abort", false, s.abort},
		{"progress", false, s.progress},
	} {
		if err := set(m.name, m.async, m.f); err != nil {
			return safejs.Value{}, err
		}
	}
	// The packet calls outlive the report: released by dispose.
	for _, m := range []struct {
		name  string
		async bool
		f     func([]safejs.Value) (any, error)
	}{
		{"packets", true, s.pk.packets},
		{"frame", true, s.pk.frame},
		{"follow", true, s.pk.follow},
		{"export", true, s.pk.export},
		{"filterProgress", false, s.pk.filterProgress},
		{"rows", true, s.rows},
		{"reportJSON", true, s.reportJSON},
		{"reportMembers", true, s.reportMembers},
		{"toolFindings", true, s.toolFindingsFunc},
		{"mergeFindings", true, s.mergeFindingsFunc},
		{"csv", true, s.csv},
		{"setDigests", false, s.setDigests},
		{"dispose", false, s.dispose},
	} {
		jf, err := fn(m.async, m.f)
		if err != nil {
			return safejs.Value{}, err
		}
		s.pkFuncs = append(s.pkFuncs, jf)
		if err := obj.Set(m.name, jf.Value()); err != nil {
			return safejs.Value{}, err
		}
	}
	s.jsObj = obj
	return obj, nil
}

// next queues one step after the previous write or close.
func (s *session) next() (prev, mine chan struct{}) {
	prev, mine = s.last, make(chan struct{})
	s.last = mine
	return prev, mine
}

// write implements session.write(chunk) → Promise, settled when the engine has taken the chunk.
func (s *session) write(args []safejs.Value) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errorf(codeClosed, "pcaplens: write after close")
	}
	buf, err := copyBytesInto(arg(args, 0), "chunk", s.chunk)
	if err != nil {
		return nil, err
	}
	prev, mine := s.next()
	return promise(func() (any, error) {
		defer close(mine)
		<-prev
		_, err := s.pw.Write(buf)
		// The engine has read the chunk (a pipe's Write returns once its
		// reader has copied every byte): its buffer serves a later write.
		s.mu.Lock()
		if len(s.free) < maxFreeChunks {
			s.free = append(s.free, buf)
		}
		s.mu.Unlock()
		if err != nil {
			if err == io.ErrClosedPipe {
				return nil, errorf(codeClosed, "pcaplens: write after close")
			}
			return nil, err
		}
		s.written.Add(int64(len(buf)))
		return nil, nil
	}), nil
}

// maxFreeChunks bounds the buffers of earlier writes a session keeps for
// later ones (the page's worker has one write in flight at a time, its
// first slice smaller than the rest).
const maxFreeChunks = 2

// chunk returns a buffer of n bytes for a write's copy: an earlier write's,
// when one is free and large enough. Without it every 4 MiB slice of a file
// was a new allocation, about as many bytes as the analyses allocate in
// all, and the collector ran twice as often (docs/benchmarks.md).
// Called with s.mu held.
func (s *session) chunk(n int) []byte {
	for i := len(s.free) - 1; i >= 0; i-- {
		if b := s.free[i]; cap(b) >= n {
			s.free = append(s.free[:i], s.free[i+1:]...)
			return b[:n]
		}
	}
	return make([]byte, n)
}

// What close resolves to.
const (
	closeReport  = iota // the report, parsed
	closeJSON           // the report as JSON text
	closeSummary        // the summary as JSON text (reportState.summary)
)

// close implements session.close(digests?) → Promise<report> (closeJSON: the
// JSON text; closeSummary: the summary's JSON text, and the reports stay
// for the report calls). digests, {sha256, sha1} in hex, are the input's
// digests for a session opened with externalDigests; the engine checks
// them. closeSummary does not wait for digests it was not given: the
// report leaves them empty until setDigests.
func (s *session) close(args []safejs.Value, how int) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errorf(codeClosed, "pcaplens: session already closed")
	}
	s.closed = true
	if d := arg(args, 0); d.Type() == safejs.TypeObject {
		for i, name := range []string{"sha256", "sha1"} {
			if x, err := d.Get(name); err == nil && x.Type() == safejs.TypeString {
				s.digests[i], _ = x.String()
			}
		}
	}
	s.later = how == closeSummary
	prev, mine := s.next()
	return promise(func() (any, error) {
		defer close(mine)
		defer s.release()
		<-prev
		s.pw.Close()
		<-s.done
		if s.err != nil {
			return nil, s.err
		}
		if how == closeSummary {
			b, err := s.rep.summary()
			return string(b), err
		}
		// The whole report, as before: then the reports are not kept.
		s.mu.Lock()
		rep := s.rep
		s.rep = nil
		s.mu.Unlock()
		var buf bytes.Buffer
		err := rep.reportParts(func(b []byte) error {
			buf.Write(b)
			return nil
		})
		if err != nil {
			return nil, err
		}
		if how == closeJSON {
			return buf.String(), nil
		}
		return parseJSON(buf.Bytes())
	}), nil
}

// abort implements session.abort(): stops the analysis; pending promises reject with code "aborted".
func (s *session) abort([]safejs.Value) (any, error) {
	s.cancel()
	s.pw.CloseWithError(errorf(codeAborted, "pcaplens: analysis aborted"))
	s.mu.Lock()
	wasClosed := s.closed
	s.closed = true
	s.mu.Unlock()
	if !wasClosed {
		go func() {
			<-s.done
			s.release()
		}()
	}
	return nil, nil
}

// dispose implements session.dispose(): aborts an analysis still running,
// stops the packet calls and frees what the session holds. Later packet
// calls reject with code "closed".
func (s *session) dispose(a []safejs.Value) (any, error) {
	s.abort(a)
	s.pk.dispose()
	s.mu.Lock()
	s.rep = nil
	fs := s.pkFuncs
	s.pkFuncs = nil
	if s.jsObj.Type() == safejs.TypeObject {
		for _, name := range []string{"packets", "frame", "follow", "export", "rows", "reportJSON", "reportMembers", "toolFindings", "mergeFindings", "csv"} {
			_ = s.jsObj.Set(name, closedFunc.Value())
		}
		_ = s.jsObj.Set("filterProgress", closedSync.Value())
		_ = s.jsObj.Set("setDigests", closedSync.Value())
		_ = s.jsObj.Set("dispose", noopFunc.Value())
	}
	s.mu.Unlock()
	// Released after this call returns: a function must not free itself while running.
	go func() {
		for _, f := range fs {
			f.Release()
		}
	}()
	return nil, nil
}

// progress implements session.progress() → {bytes, packets, written,
// tcpStreams, udpStreams, findings}.
func (s *session) progress([]safejs.Value) (any, error) {
	return map[string]any{
		"bytes":      float64(s.read.Load()),
		"packets":    float64(s.packets.Load()),
		"written":    float64(s.written.Load()),
		"tcpStreams": float64(s.tcpStreams.Load()),
		"udpStreams": float64(s.udpStreams.Load()),
		"findings":   soFarJS(s.soFar.Load()),
	}, nil
}

// soFarJS is the findings known so far as JavaScript values: kind,
// severity, tool, summary and count of each (an empty array before any).
func soFarJS(fs *[]finding.Finding) []any {
	if fs == nil {
		return []any{}
	}
	out := make([]any, len(*fs))
	for i, f := range *fs {
		out[i] = map[string]any{"kind": f.Kind, "severity": string(f.Severity), "tool": f.Tool, "summary": f.Summary, "count": float64(f.Count)}
	}
	return out
}

// release frees the session's JavaScript functions after it has ended.
// Calling a released function from JavaScript afterwards throws, so the
// methods are replaced with ones that reject.
func (s *session) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := s.funcs
	s.funcs = nil
	for _, f := range fs {
		f.Release()
	}
	if s.jsObj.Type() == safejs.TypeObject {
		for _, name := range []string{"write", "close", "closeJSON"} {
			_ = s.jsObj.Set(name, closedFunc.Value())
		}
		_ = s.jsObj.Set("abort", noopFunc.Value())
		_ = s.jsObj.Set("progress", s.finalProgress())
	}
}

func (s *session) finalProgress() any {
	read, packets, written := float64(s.read.Load()), float64(s.packets.Load()), float64(s.written.Load())
	tcp, udp := float64(s.tcpStreams.Load()), float64(s.udpStreams.Load())
	soFar := s.soFar.Load()
	f, err := fn(false, func([]safejs.Value) (any, error) {
		return map[string]any{"bytes": read, "packets": packets, "written": written, "tcpStreams": tcp, "udpStreams": udp, "findings": soFarJS(soFar)}, nil
	})
	if err != nil {
		return nil
	}
	// One small function per finished session; it lives as long as the session object.
	return f.Value()
}

var closedSync = mustFn(false, func([]safejs.Value) (any, error) {
	return nil, errorf(codeClosed, "pcaplens: session disposed")
})

var closedFunc, noopFunc = mustFn(true, func([]safejs.Value) (any, error) {
	return nil, errorf(codeClosed, "pcaplens: session already closed")
}), mustFn(false, func([]safejs.Value) (any, error) { return nil, nil })

func mustFn(async bool, f func([]safejs.Value) (any, error)) safejs.Func {
	jf, err := fn(async, f)
	if err != nil {
		panic(err)
	}
	return jf
}
