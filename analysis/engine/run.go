package engine

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/tcpstream"
)

// countingReader counts and hashes the raw input bytes as they are read.
// With more than one processor the hashing runs in its own goroutine, over
// copies of what was read, beside the decoding and the taps.
type countingReader struct {
	r      io.Reader
	n      int64
	hashes []hash.Hash
	async  *asyncHash
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.async != nil {
			c.async.write(p[:n])
		} else {
			for _, h := range c.hashes {
				h.Write(p[:n])
			}
		}
	}
	return n, err
}

// hashBuffers is the number of chunks in flight to the hashing goroutine.
const hashBuffers = 4

// asyncHash feeds copies of the input to a goroutine that hashes them.
type asyncHash struct {
	work chan []byte
	free chan []byte
	done chan struct{}
}

func newAsyncHash(hashes []hash.Hash) *asyncHash {
	a := &asyncHash{work: make(chan []byte, hashBuffers), free: make(chan []byte, hashBuffers), done: make(chan struct{})}
	for range hashBuffers {
		a.free <- nil
	}
	go func() {
		defer close(a.done)
		for b := range a.work {
			for _, h := range hashes {
				h.Write(b)
			}
			a.free <- b
		}
	}()
	return a
}

// write hands a copy of p to the hashing goroutine.
func (a *asyncHash) write(p []byte) {
	b := <-a.free
	a.work <- append(b[:0], p...)
}

// wait stops the goroutine once it has hashed everything written; the
// hashes may be read after it returns. It may be called more than once.
func (a *asyncHash) wait() {
	select {
	case <-a.done:
		return
	default:
	}
	close(a.work)
	<-a.done
}

// running is one enabled tap in a run.
type running struct {
	f        Factory
	tap      Tap
	disabled string         // why the tap was stopped after a panic
	noEarly  bool           // Early panicked: it is not called again
	reps     map[string]any // what Finish or Rebuild returned
}

// Selected returns the factories that produce at least one of the tools (all when empty),
// or an error naming an unknown tool.
func Selected(tools []string) ([]Factory, error) {
	all := Factories()
	if len(tools) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, t := range tools {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		found := false
		for _, f := range all {
			for _, ft := range f.Tools {
				if ft == t {
					found = true
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("engine: unknown tool %q (known: %s)", t, strings.Join(ToolNames(), ", "))
		}
		want[t] = true
	}
	var out []Factory
	for _, f := range all {
		for _, ft := range f.Tools {
			if want[ft] {
				out = append(out, f)
				break
			}
		}
	}
	return out, nil
}

// Run reads the capture from r in one pass and returns the reports keyed by
// tool name. It returns an error only when the input cannot be read as a
// capture at all, or when ctx is cancelled; damage later in the file becomes
// a warning and the reports cover what was read before it.
func Run(ctx context.Context, r io.Reader, o *Options) (map[string]any, error) {
	res, err := RunResult(ctx, r, o)
	if err != nil {
		return nil, err
	}
	return res.Reports, nil
}

// RunResult is Run, keeping besides the reports the taps that can build
// theirs again under other options (Rebuilder), for Result.Rebuild.
func RunResult(ctx context.Context, r io.Reader, o *Options) (*Result, error) {
	if o == nil {
		o = &Options{}
	}
	facts, err := Selected(o.Tools)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, t := range o.Tools {
		want[strings.TrimSpace(t)] = true
	}
	cr := &countingReader{r: r}
	var s256, s1 hash.Hash
	external := false
	for _, f := range facts {
		if f.Hashes && o.Digests != nil {
			external = true
			break
		}
		if f.Hashes {
			s256, s1 = sha256.New(), sha1.New()
			cr.hashes = []hash.Hash{s256, s1}
			if runtime.GOMAXPROCS(0) > 1 {
				cr.async = newAsyncHash(cr.hashes)
				defer cr.async.wait()
			}
			break
		}
	}

	rd, err := capture.Open(cr)
	if err != nil {
		return nil, err
	}
	var fr frame.Frame
	taps := make([]*running, 0, len(facts))
	for _, f := range facts {
		taps = append(taps, &running{f: f, tap: f.New(o)})
	}
	tcp := shareTCP(taps, &fr)
	c := &Capture{
		File:          rd.Info(),
		FileName:      o.FileName,
		NotDecoded:    map[string]int{},
		Anomalies:     map[string]int{},
		AnomalyFrames: map[string][]int{},
		Options:       o,
	}
	every := o.ProgressEvery
	if every <= 0 {
		every = 1 << 20
	}
	nextProgress := every
	// The findings so far are worked out again once the bytes read have
	// doubled, and at least every FindingsEvery bytes; the progress calls
	// between carry the last (Options.FindingsEvery).
	var soFar []finding.Finding
	nextEarly := int64(0)

	anomalyFrames := map[frame.Anomaly]*finding.Frames{}
	var rec capture.Record
	dec := frame.NewDecoder()
	reasm := frame.NewReassembler(frame.ReassemblyLimits{})
	streams := frame.NewStreamAssigner(0)
	for {
		if c.Packets&1023 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		err := rd.Next(&rec)
		if err != nil {
			if err == io.EOF {
				break
			}
			var ce *capture.Error
			if errors.As(err, &ce) {
				if ce.Truncated {
					c.Warnings = append(c.Warnings, fmt.Sprintf("file cut short: %s; the %d packets read before it are analysed", ce.Error(), c.Packets))
				} else {
					c.Warnings = append(c.Warnings, fmt.Sprintf("damaged file: %s; the %d packets read before it are analysed", ce.Error(), c.Packets))
				}
				break
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				c.Warnings = append(c.Warnings, fmt.Sprintf("file cut short after %d packets: %v", c.Packets, err))
				break
			}
			c.Warnings = append(c.Warnings, fmt.Sprintf("read error after %d packets: %v", c.Packets, err))
			break
		}
		c.Packets++
		dec.Decode(&rec, c.Packets, &fr)
		reasm.Add(&fr)
		streams.Assign(&fr)
		if !fr.LinkDecoded {
			c.NotDecoded[LinkTypeName(fr.LinkType)]++
		}
		if fr.Anomaly != frame.AnomalyNone {
			c.Anomalies[string(fr.Anomaly)]++
			af := anomalyFrames[fr.Anomaly]
			if af == nil {
				af = &finding.Frames{}
				anomalyFrames[fr.Anomaly] = af
			}
			af.Add(fr.Number)
		}
		if tcp != nil {
			tcp.Feed(&fr)
		}
		for i := 0; i < len(taps); {
			i = packetFrom(taps, i, &fr)
		}
		if o.Progress != nil && cr.n >= nextProgress {
			nextProgress = cr.n + every
			if cr.n >= nextEarly {
				soFar = early(taps, c, anomalyFrames)
				nextEarly = cr.n + max(0, min(cr.n, o.FindingsEvery))
			}
			st := streams.Stats()
			o.Progress(Progress{Bytes: cr.n, Packets: c.Packets, TCPStreams: st.TCP, UDPStreams: st.UDP, FindingsSoFar: soFar})
		}
	}
	// Drain so that the size and hashes cover the whole input (a truncated
	// gzip member or trailing bytes still count as file bytes).
	io.Copy(io.Discard, cr)
	c.FileSize = cr.n
	if cr.async != nil {
		cr.async.wait()
	}
	if s256 != nil {
		c.SHA256 = hex.EncodeToString(s256.Sum(nil))
		c.SHA1 = hex.EncodeToString(s1.Sum(nil))
	}
	if external {
		a, b := o.Digests()
		if isHex(a, sha256.Size) && isHex(b, sha1.Size) {
			c.SHA256, c.SHA1 = a, b
		} else {
			c.Warnings = append(c.Warnings, "the file's SHA256 and SHA1 were not computed (the digests supplied beside the analysis were missing or malformed)")
		}
	}
	for k, af := range anomalyFrames {
		c.AnomalyFrames[string(k)] = af.List()
	}
	c.Reassembly = reasm.Finish()
	c.Warnings = append(c.Warnings, reassemblyWarnings(&c.Reassembly)...)
	c.Streams = streams.Stats()
	if c.Streams.Forgotten > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("stream numbering: more than %d TCP or UDP address and port pairs at once; the %d idle the longest were forgotten, and a later packet of one of them starts a new stream number (Wireshark keeps every pair)", c.Streams.Max/2, c.Streams.Forgotten))
	}
	for _, what := range c.File.Capped {
		c.Warnings = append(c.Warnings, "capture: too many "+what+" in the file: the ones over the cap were not kept")
	}
	if len(c.NotDecoded) > 0 {
		names := make([]string, 0, len(c.NotDecoded))
		for n := range c.NotDecoded {
			names = append(names, n)
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = fmt.Sprintf("%s (%d packets)", n, c.NotDecoded[n])
		}
		c.Warnings = append(c.Warnings, "not decoded: "+strings.Join(parts, ", "))
	}
	if o.Progress != nil {
		o.Progress(Progress{Bytes: cr.n, Packets: c.Packets, TCPStreams: c.Streams.TCP, UDPStreams: c.Streams.UDP, FindingsSoFar: early(taps, c, anomalyFrames), Done: true})
	}

	res := &Result{capture: c}
	for _, t := range taps {
		if t.disabled == "" {
			t.reps = t.finish(c)
		}
		if _, ok := t.tap.(Rebuilder); ok && t.disabled == "" {
			res.rebuilders = append(res.rebuilders, t)
		}
	}
	res.Reports = gather(taps, want, o.FileName)
	for _, t := range taps {
		t.reps = nil
	}
	return res, nil
}

// gather keys the reports of taps by tool, keeping the tools in want
// (every tool when empty), and adds the ranked findings.
func gather(taps []*running, want map[string]bool, fileName string) map[string]any {
	out := map[string]any{}
	for _, t := range taps {
		for _, name := range t.f.Tools {
			if len(want) > 0 && !want[name] {
				continue
			}
			if t.disabled != "" {
				out[name] = ErrorReport{Error: t.disabled, File: fileName}
				continue
			}
			if rep, ok := t.reps[name]; ok {
				out[name] = rep
			}
		}
	}
	out[FindingsKey] = Findings(out)
	return out
}

// Rebuilder is a Tap that can build its reports again after the pass,
// under other options than the run's (o.Tools and o.MaxPackets aside),
// from the state it kept, without the capture being read again. Rebuild
// returns the reports a run with o would have given, or nil when the tap
// cannot give them (the caller then runs another pass). It is called after
// Finish, never concurrently with itself.
type Rebuilder interface {
	Rebuild(o *Options, c *Capture) map[string]any
}

// Result is what RunResult returns: the reports, and what can build some
// of them again under other options.
type Result struct {
	// Reports are Run's reports.
	Reports map[string]any

	capture    *Capture
	mu         sync.Mutex
	rebuilders []*running
}

// Rebuild returns the reports of the tools o.Tools selects under o, built
// again by their taps (Rebuilder) from the state the run kept, with the
// ranked findings of those reports; they are what Run(ctx, r, o) on the
// same capture gives. ok is false when a tool's tap is not a Rebuilder, or
// cannot rebuild under o: run another pass then. It is safe for
// concurrent use; o.MaxPackets must be the run's.
func (r *Result) Rebuild(o *Options) (reports map[string]any, ok bool) {
	facts, err := Selected(o.Tools)
	if err != nil || o.MaxPackets != r.capture.Options.MaxPackets {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c := *r.capture
	c.Options, c.FileName = o, o.FileName
	var taps []*running
	for _, f := range facts {
		var t *running
		for _, x := range r.rebuilders {
			if x.f.Name == f.Name {
				t = x
			}
		}
		if t == nil {
			return nil, false
		}
		reps, failed := t.rebuild(o, &c)
		if reps == nil || failed {
			return nil, false
		}
		taps = append(taps, &running{f: t.f, reps: reps})
	}
	want := map[string]bool{}
	for _, t := range o.Tools {
		want[strings.TrimSpace(t)] = true
	}
	return gather(taps, want, o.FileName), true
}

// FindingsKey is the key of the ranked findings in Run's result, beside the tools' reports.
const FindingsKey = "findings"

// Findings gathers the findings of every report in reports (tools in name
// order) and ranks them, most deserving of a look first. It is never nil.
func Findings(reports map[string]any) []finding.Finding {
	names := make([]string, 0, len(reports))
	for name := range reports {
		names = append(names, name)
	}
	sort.Strings(names)
	all := []finding.Finding{}
	for _, name := range names {
		if l, ok := reports[name].(finding.Lister); ok {
			for _, f := range l.FindingList() {
				all = append(all, finding.Normalize(f))
			}
		}
	}
	finding.Rank(all)
	return all
}

// isHex reports whether s is n bytes in lower-case hex.
func isHex(s string, n int) bool {
	if len(s) != 2*n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// early gathers the findings known so far of the taps that implement
// Early, ranked and cut to MaxEarly (never nil). A tap that panics in Early
// is not asked again, and the capture's warnings say so; its report is not
// lost (Early only reads its state).
func early(taps []*running, c *Capture, anomalyFrames map[frame.Anomaly]*finding.Frames) []finding.Finding {
	for k, af := range anomalyFrames {
		c.AnomalyFrames[string(k)] = af.List()
	}
	all := []finding.Finding{}
	for _, t := range taps {
		if t.disabled == "" {
			all = append(all, t.early(c)...)
		}
	}
	for i := range all {
		all[i] = finding.Normalize(all[i])
	}
	finding.Rank(all)
	return all[:min(len(all), MaxEarly)]
}

func (t *running) early(c *Capture) (fs []finding.Finding) {
	e, ok := t.tap.(Early)
	if !ok || t.noEarly {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			t.noEarly = true
			c.Warnings = append(c.Warnings, fmt.Sprintf("internal error in analyzer %s while telling its findings so far at packet %d (its report is whole): %v", t.f.Name, c.Packets, p))
			fs = nil
		}
	}()
	return e.Early(c)
}

// shareTCP gives the taps that read TCP connections (TCPReader) one
// Reassembler, which it returns (nil when no tap reads them). fr is the
// frame the engine decodes each record into.
func shareTCP(taps []*running, fr *frame.Frame) *tcpstream.Reassembler {
	var r *tcpstream.Reassembler
	for _, t := range taps {
		tr, ok := t.tap.(TCPReader)
		if !ok {
			continue
		}
		if r == nil {
			r = tcpstream.New(tcpstream.Limits{})
			r.EveryFrame() // run feeds it every frame
		}
		tr.ShareTCP(func(h tcpstream.Handler) *tcpstream.Consumer {
			return r.Add(&guarded{t: t, h: h, fr: fr})
		})
	}
	return r
}

// guarded is a tap's Handler as the shared Reassembler calls it: not
// called once the tap is stopped, and a panic in it stops the tap.
type guarded struct {
	t  *running
	h  tcpstream.Handler
	fr *frame.Frame
}

func (g *guarded) catch() {
	if p := recover(); p != nil {
		g.t.disabled = fmt.Sprintf("internal error in analyzer %s at frame %d: %v\n%s", g.t.f.Name, g.fr.Number, p, debug.Stack())
	}
}

func (g *guarded) Accept(f *frame.Frame) bool {
	if g.t.disabled != "" {
		return false
	}
	defer g.catch()
	return g.h.Accept(f)
}

func (g *guarded) Data(s *tcpstream.Segment) {
	if g.t.disabled == "" {
		defer g.catch()
		g.h.Data(s)
	}
}

func (g *guarded) Gap(s *tcpstream.Segment) {
	if g.t.disabled == "" {
		defer g.catch()
		g.h.Gap(s)
	}
}

func (g *guarded) End(stream int) {
	if g.t.disabled == "" {
		defer g.catch()
		g.h.End(stream)
	}
}

// packetFrom gives f to the taps from taps[i] on, and returns len(taps);
// when one panics, it stops that tap and returns the index of the next, for
// the caller to go on from there. One deferred recovery a frame, not one a
// tap: under WebAssembly eleven of them a frame were 1.5 % of the pass.
func packetFrom(taps []*running, i int, f *frame.Frame) (next int) {
	defer func() {
		if p := recover(); p != nil {
			t := taps[next]
			t.disabled = fmt.Sprintf("internal error in analyzer %s at frame %d: %v\n%s", t.f.Name, f.Number, p, debug.Stack())
			next++
		}
	}()
	for next = i; next < len(taps); next++ {
		if t := taps[next]; t.disabled == "" {
			t.tap.Packet(f)
		}
	}
	return next
}

func (t *running) finish(c *Capture) (reps map[string]any) {
	defer func() {
		if p := recover(); p != nil {
			t.disabled = fmt.Sprintf("internal error in analyzer %s while building its report: %v\n%s", t.f.Name, p, debug.Stack())
			reps = nil
		}
	}()
	return t.tap.Finish(c)
}

// rebuild calls the tap's Rebuild; failed is set when it panicked.
func (t *running) rebuild(o *Options, c *Capture) (reps map[string]any, failed bool) {
	defer func() {
		if p := recover(); p != nil {
			reps, failed = nil, true
		}
	}()
	return t.tap.(Rebuilder).Rebuild(o, c), false
}

// reassemblyWarnings says what IP reassembly could not do.
func reassemblyWarnings(s *frame.ReassemblyStats) []string {
	var w []string
	if s.Evicted > 0 {
		w = append(w, fmt.Sprintf("ip reassembly: %d fragmented datagrams dropped at the cap (%d in progress, %d MiB held): their fragments are not reassembled", s.Evicted, s.MaxPending, s.MaxBytes>>20))
	}
	if s.Oversize > 0 {
		w = append(w, fmt.Sprintf("ip reassembly: %d fragmented datagrams longer than %d bytes or in more than %d fragments are not reassembled", s.Oversize, frame.MaxDatagram, frame.MaxDatagramFragments))
	}
	if s.Incomplete > 0 {
		w = append(w, fmt.Sprintf("ip reassembly: %d fragmented datagrams never completed (%d fragments; the others were not captured, or captured short): their fragments count as IP data, as in Wireshark", s.Incomplete, s.IncompleteFragments))
	}
	return w
}
