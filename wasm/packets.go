//go:build js && wasm

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/packets"
	"pcaplens/analysis/query"
)

// More error codes of the packet calls.
const (
	codeBadFilter   = "bad_filter"  // the display filter does not compile (message and pos)
	codeUnavailable = "unavailable" // the session has no source to read the capture back from
)

// Limits of the packet calls.
const (
	defaultPageRows = 100
	maxPageRows     = 10000
	// maxCachedRows bounds the rows kept between calls (a row is ~200 bytes).
	maxCachedRows = 50000
	// maxCachedDetail bounds the bytes of the frame details kept between calls.
	maxCachedDetail = 8 << 20
	// readBlock is the size of one read from the source during a pass.
	readBlock = 8 << 20
)

// source reads the capture back: a Uint8Array (Node tests, bytes the page
// holds) or a JavaScript function readAt(offset, length, into) →
// Promise<Uint8Array> (the worker's File.slice).
//
// readAt is given, as into, a Uint8Array of at least length bytes that it
// may fill and answer a view of: the source reuses those (free). Go holds
// every JavaScript object it is answered until its next collection, so an
// array made afresh for each read (8 MiB during a pass) piles up meanwhile;
// a readAt that ignores into still works.
type source struct {
	size   int64
	u8     safejs.Value // a Uint8Array, or
	readAt safejs.Value // a function

	mu   sync.Mutex
	free []safejs.Value // into arrays no read is using
}

// maxFreeInto bounds the into arrays a source keeps (a pass and a frame's
// read may run at once).
const maxFreeInto = 2

// into returns a Uint8Array of at least n bytes for a read to fill.
func (s *source) into(n int64) (safejs.Value, error) {
	s.mu.Lock()
	for i := len(s.free) - 1; i >= 0; i-- {
		if l, err := s.free[i].Length(); err == nil && int64(l) >= n {
			v := s.free[i]
			s.free = append(s.free[:i], s.free[i+1:]...)
			s.mu.Unlock()
			return v, nil
		}
	}
	s.mu.Unlock()
	u8, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return safejs.Value{}, err
	}
	return u8.New(int(n))
}

// done gives an into array back once its read has been copied.
func (s *source) done(v safejs.Value) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.free) < maxFreeInto {
		s.free = append(s.free, v)
	}
}

// parseSource reads options.source: a Uint8Array or ArrayBuffer, or
// {size, readAt}. It returns nil when there is none.
func parseSource(v safejs.Value) (*source, error) {
	if v.Type() != safejs.TypeObject {
		return nil, nil
	}
	x, err := v.Get("source")
	if err != nil || x.IsUndefined() || x.IsNull() {
		return nil, nil
	}
	g := safejs.Global()
	u8, _ := g.Get("Uint8Array")
	ab, _ := g.Get("ArrayBuffer")
	if ok, _ := x.InstanceOf(ab); ok {
		if x, err = u8.New(x); err != nil {
			return nil, err
		}
	}
	if ok, _ := x.InstanceOf(u8); ok {
		n, err := x.Length()
		if err != nil {
			return nil, err
		}
		return &source{size: int64(n), u8: x}, nil
	}
	bad := errorf(codeBadOptions, "pcaplens: option source must be a Uint8Array or {size, readAt(offset, length)}")
	if x.Type() != safejs.TypeObject {
		return nil, bad
	}
	fnv, err := x.Get("readAt")
	if err != nil || fnv.Type() != safejs.TypeFunction {
		return nil, bad
	}
	sz, err := x.Get("size")
	if err != nil || sz.Type() != safejs.TypeNumber {
		return nil, bad
	}
	f, _ := sz.Float()
	if f < 0 || f > math.MaxInt64/2 || f != math.Trunc(f) {
		return nil, bad
	}
	// Bound to its object, so a method of a class works too.
	bound, err := fnv.Call("bind", x)
	if err != nil {
		return nil, err
	}
	return &source{size: int64(f), readAt: bound}, nil
}

// ReadAt reads len(p) bytes at off (io.ReaderAt). From a readAt function it
// waits for the promise in this goroutine: the JavaScript event loop runs on.
func (s *source) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	want := int64(len(p))
	if off+want > s.size {
		want = s.size - off
	}
	var chunk, into safejs.Value
	var err error
	if s.readAt.IsUndefined() {
		chunk, err = s.u8.Call("subarray", off, off+want)
	} else {
		if into, err = s.into(want); err != nil {
			return 0, err
		}
		chunk, err = awaitPromise(s.readAt, float64(off), float64(want), into)
	}
	if err != nil {
		return 0, err
	}
	n, err := safejs.CopyBytesToGo(p[:want], chunk)
	if !into.IsUndefined() {
		s.done(into)
	}
	if err != nil {
		return n, err
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// awaitPromise calls f(args…) and waits for the promise it returns.
func awaitPromise(f safejs.Value, args ...any) (safejs.Value, error) {
	p, err := f.Invoke(args...)
	if err != nil {
		return safejs.Value{}, err
	}
	type result struct {
		v   safejs.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr safejs.Func
	release := func() {
		onOK.Release()
		onErr.Release()
	}
	onOK, err = safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
		ch <- result{v: arg(a, 0)}
		release()
		return nil
	})
	if err != nil {
		return safejs.Value{}, err
	}
	onErr, err = safejs.FuncOf(func(_ safejs.Value, a []safejs.Value) any {
		msg := "pcaplens: reading the capture back failed"
		if m, e := arg(a, 0).Get("message"); e == nil && m.Type() == safejs.TypeString {
			s, _ := m.String()
			msg += ": " + s
		}
		ch <- result{err: errorf(codeBadInput, "%s", msg)}
		release()
		return nil
	})
	if err != nil {
		onOK.Release()
		return safejs.Value{}, err
	}
	if _, err := p.Call("then", onOK, onErr); err != nil {
		release()
		return safejs.Value{}, errorf(codeBadOptions, "pcaplens: readAt must return a Promise")
	}
	r := <-ch
	return r.v, r.err
}

// reader reads the source from its first byte, in blocks of readBlock,
// until ctx is cancelled.
func (s *source) reader(ctx context.Context) io.Reader {
	return capture.ContextReader(ctx, bufio.NewReaderSize(io.NewSectionReader(s, 0, s.size), readBlock))
}

// scanner starts a pass over the source from its first byte.
func (s *source) scanner(ctx context.Context) (*packets.Scanner, error) {
	return packets.NewScanner(s.reader(ctx), 0)
}

// endOfPass tells a pass's end from a failure: io.EOF and a damaged file
// after its readable frames end it; cancellation and others fail it.
func endOfPass(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ce *capture.Error
	if errors.Is(err, io.EOF) || errors.As(err, &ce) && !errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// bitsMatcher serves a finished pass's matches as a Matcher (export of an
// already filtered list).
type bitsMatcher struct{ b *query.Bitset }

func (m bitsMatcher) Match(f *frame.Frame) bool { return m.b.Has(f.Number) }

// filterPass is one pass of a display filter over the capture: the
// matching frame numbers as a bitset, kept for paging through them.
type filterPass struct {
	expr   string
	cancel context.CancelFunc

	mu      sync.Mutex
	bits    query.Bitset
	matched int
	scanned int
	done    bool
	err     error
	wake    chan struct{} // closed (and replaced) when the figures above change
}

// progress publishes the figures and wakes the calls waiting on them.
func (p *filterPass) progress(matched, scanned int, done bool, err error) {
	p.mu.Lock()
	p.matched, p.scanned, p.done, p.err = matched, scanned, done, err
	close(p.wake)
	p.wake = make(chan struct{})
	p.mu.Unlock()
}

// packetState is what a session keeps after its report to answer packet
// calls: the source, the current filter pass and caches of rows and
// details, each bounded.
type packetState struct {
	src *source

	mu       sync.Mutex
	pass     *filterPass
	call     context.CancelFunc // the running packets() call: a new one supersedes it
	frameJob context.CancelFunc // the running frame() call
	disposed bool

	// replay builds any frame's row or detail from that frame alone, once
	// a pass has gone through the whole capture (nil before); rmu guards it.
	rmu    sync.Mutex
	replay *packets.Replayer

	cache sync.Mutex
	rows  map[int]packets.Row
	// details are kept for the frames of the last pages (bounded by bytes).
	details     map[int]*packets.Detail
	detailBytes int
}

func newPacketState(src *source) *packetState {
	return &packetState{src: src, rows: map[int]packets.Row{}, details: map[int]*packets.Detail{}}
}

// keep caches the current frame's row and, when asked, its detail.
func (ps *packetState) keep(s *packets.Scanner, n int, detail bool) {
	ps.cache.Lock()
	defer ps.cache.Unlock()
	if _, ok := ps.rows[n]; !ok {
		if len(ps.rows) >= maxCachedRows {
			clear(ps.rows)
		}
		ps.rows[n] = s.Row()
	}
	if detail {
		if _, ok := ps.details[n]; !ok {
			d := s.Detail()
			sz := len(d.Bytes) + len(d.Datagram) + 512
			if ps.detailBytes+sz > maxCachedDetail {
				clear(ps.details)
				ps.detailBytes = 0
			}
			ps.details[n] = d
			ps.detailBytes += sz
		}
	}
}

func (ps *packetState) ready() error {
	if ps == nil || ps.src == nil {
		return errorf(codeUnavailable, "pcaplens: this session was opened without a source: packets cannot be read back")
	}
	if ps.disposed {
		return errorf(codeClosed, "pcaplens: session disposed")
	}
	return nil
}

// compile compiles a filter, a syntax error coded "bad_filter" with its position.
func compile(expr string) (packets.Matcher, error) {
	m, err := packets.NewMatcher(expr)
	if err != nil {
		return nil, filterError(err)
	}
	return m, nil
}

// filterErr is a bad filter: the message, and where in the filter (byte offset, length; -1 when unknown).
type filterErr struct {
	msg      string
	pos, len int
}

func (e *filterErr) Error() string { return e.msg }

func filterError(err error) error {
	fe := &filterErr{msg: err.Error(), pos: -1}
	var pe *filter.Error
	if errors.As(err, &pe) {
		fe.pos, fe.len = pe.Pos, pe.Len
	}
	return fe
}

// prefillRows is how many matches a new filter pass builds rows for itself
// (the first page, shown while the pass goes on).
const prefillRows = 200

// startPass starts the pass of a filter; ps.mu is held.
func (ps *packetState) startPass(expr string, m packets.Matcher, skip, limit int) *filterPass {
	if ps.pass != nil {
		ps.pass.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &filterPass{expr: expr, cancel: cancel, wake: make(chan struct{})}
	ps.pass = p
	lo, hi := skip, skip+max(limit, prefillRows)
	go func() {
		defer cancel()
		var err error
		var matched, scanned int
		defer func() {
			if r := recover(); r != nil {
				err = recovered(r)
			}
			p.progress(matched, scanned, true, err)
		}()
		if ps.replayer() != nil {
			// Rows and details come from the Replayer: the pass only
			// selects frames, the light way.
			selectPasses.Add(1)
			e := packets.Select(ps.src.reader(ctx), m, func(f *frame.Frame, ok bool) error {
				scanned++
				if ok {
					p.mu.Lock()
					p.bits.Set(f.Number)
					p.mu.Unlock()
					matched++
				}
				if scanned&4095 == 0 || ok && matched == hi {
					p.progress(matched, scanned, false, nil)
				}
				return nil
			})
			err = endOfPass(ctx, e)
			return
		}
		s, err := ps.src.scanner(ctx)
		if err != nil {
			return
		}
		s.Record()
		for {
			f, e := s.Next()
			if e != nil {
				err = endOfPass(ctx, e)
				if err == nil {
					ps.setReplay(s)
				}
				return
			}
			scanned++
			if m.Match(f) {
				p.mu.Lock()
				p.bits.Set(f.Number)
				p.mu.Unlock()
				if matched >= lo && matched < hi {
					ps.keep(s, f.Number, matched < skip+limit)
				}
				matched++
			}
			if scanned&4095 == 0 || matched == hi {
				p.progress(matched, scanned, false, nil)
			}
		}
	}()
	return p
}

// selectPasses counts the filter passes that only selected frames
// (packets.Select; the tests check that passes after a full one do).
var selectPasses atomic.Int64

// replayer returns the session's Replayer, nil until a pass has gone
// through the whole capture.
func (ps *packetState) replayer() *packets.Replayer {
	ps.rmu.Lock()
	defer ps.rmu.Unlock()
	return ps.replay
}

// setReplay keeps the replay state of a pass that reached the end of the
// capture (when its state is complete: else rows keep being built by a
// pass from the start).
func (ps *packetState) setReplay(s *packets.Scanner) {
	st := s.State()
	if !st.Complete() {
		return
	}
	r, err := packets.NewReplayer(st, s.Index(), ps.src, ps.src.size)
	if err != nil {
		return
	}
	ps.rmu.Lock()
	if ps.replay == nil {
		ps.replay = r
	}
	ps.rmu.Unlock()
}

// replayedFrames counts the rows and details built by a Replayer (the
// tests check that pages after a full pass take that path).
var replayedFrames atomic.Int64

// replayed builds frame n's row (and detail when asked) with the session's
// Replayer, and caches them; ok is false when there is no Replayer yet.
func (ps *packetState) replayed(n int, detail bool) (row packets.Row, d *packets.Detail, ok bool, err error) {
	ps.rmu.Lock()
	defer ps.rmu.Unlock()
	r := ps.replay
	if r == nil {
		return row, nil, false, nil
	}
	if detail {
		d, err = r.DetailAt(n)
		if err == nil {
			row = d.Row
		}
	} else {
		row, err = r.RowAt(n)
	}
	if err != nil {
		return row, nil, true, err
	}
	replayedFrames.Add(1)
	ps.cache.Lock()
	defer ps.cache.Unlock()
	if len(ps.rows) >= maxCachedRows {
		clear(ps.rows)
	}
	ps.rows[n] = row
	if d != nil {
		sz := len(d.Bytes) + len(d.Datagram) + 512
		if ps.detailBytes+sz > maxCachedDetail {
			clear(ps.details)
			ps.detailBytes = 0
		}
		ps.details[n] = d
		ps.detailBytes += sz
	}
	return row, d, true, nil
}

// pageOptions reads {filter, skip, limit}.
func pageOptions(v safejs.Value) (expr string, skip, limit int, err error) {
	limit = defaultPageRows
	if v.IsUndefined() || v.IsNull() {
		return "", 0, limit, nil
	}
	if v.Type() != safejs.TypeObject {
		return "", 0, 0, errorf(codeBadOptions, "pcaplens: packets options must be an object")
	}
	if x, e := v.Get("filter"); e == nil && !x.IsUndefined() && !x.IsNull() {
		if x.Type() != safejs.TypeString {
			return "", 0, 0, errorf(codeBadOptions, "pcaplens: option filter must be a string")
		}
		expr, _ = x.String()
	}
	num := func(name string, max int, dst *int) error {
		x, e := v.Get(name)
		if e != nil || x.IsUndefined() || x.IsNull() {
			return nil
		}
		f, _ := x.Float()
		if x.Type() != safejs.TypeNumber || f < 0 || f > float64(max) || f != math.Trunc(f) {
			return errorf(codeBadOptions, "pcaplens: option %s must be an integer from 0 to %d", name, max)
		}
		*dst = int(f)
		return nil
	}
	if err = num("skip", math.MaxInt32, &skip); err == nil {
		err = num("limit", maxPageRows, &limit)
	}
	return expr, skip, limit, err
}

// packets implements session.packets({filter, skip, limit}) →
// Promise<{rows, matched, scanned, done}>.
func (ps *packetState) packets(args []safejs.Value) (any, error) {
	if err := ps.ready(); err != nil {
		return nil, err
	}
	expr, skip, limit, err := pageOptions(arg(args, 0))
	if err != nil {
		return nil, err
	}
	expr = strings.TrimSpace(expr)
	m, err := compile(expr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	ps.mu.Lock()
	if ps.call != nil {
		ps.call()
	}
	ps.call = cancel
	p := ps.pass
	if p == nil || p.expr != expr {
		p = ps.startPass(expr, m, skip, limit)
	}
	ps.mu.Unlock()
	return promise(func() (any, error) {
		defer cancel()
		superseded := errorf(codeAborted, "pcaplens: superseded by a newer packets call")
		// Wait for the page's matches, or the end of the pass.
		for {
			if ctx.Err() != nil {
				return nil, superseded
			}
			p.mu.Lock()
			enough := p.done || p.matched >= skip+limit
			wake, perr := p.wake, p.err
			p.mu.Unlock()
			if perr != nil {
				return nil, perr
			}
			if enough {
				break
			}
			select {
			case <-wake:
			case <-ctx.Done():
				return nil, superseded
			}
		}
		p.mu.Lock()
		want := p.bits.Pick(skip, limit)
		// Neighbouring pages are built by the same pass, for scrolling.
		near := p.bits.Pick(max(skip-limit, 0), 3*limit)
		p.mu.Unlock()
		rows, err := ps.rowsOf(ctx, want, near)
		if err != nil {
			if ctx.Err() != nil {
				return nil, superseded
			}
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, superseded
		}
		p.mu.Lock()
		out := struct {
			Rows    []packets.Row `json:"rows"`
			Matched int           `json:"matched"`
			Scanned int           `json:"scanned"`
			Done    bool          `json:"done"`
		}{rows, p.matched, p.scanned, p.done}
		p.mu.Unlock()
		return jsonValue(out)
	}), nil
}

// rowsOf returns the rows of frames want (ascending), from the cache or
// by a pass from the start that stops after the last one; that pass also
// keeps the rows of near and the details of want.
func (ps *packetState) rowsOf(ctx context.Context, want, near []int) ([]packets.Row, error) {
	rows := make([]packets.Row, 0, len(want))
	ps.cache.Lock()
	missing := false
	for _, n := range want {
		r, ok := ps.rows[n]
		if !ok {
			missing = true
			break
		}
		rows = append(rows, r)
	}
	ps.cache.Unlock()
	if !missing {
		return rows, nil
	}
	// After a full pass: one read of each frame missing, through the index.
	if ps.replayer() != nil {
		rows = rows[:0]
		for _, n := range want {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			ps.cache.Lock()
			r, ok := ps.rows[n]
			ps.cache.Unlock()
			if !ok {
				var err error
				if r, _, ok, err = ps.replayed(n, false); err != nil || !ok {
					break // a frame the state cannot rebuild: the pass below
				}
			}
			rows = append(rows, r)
		}
		if len(rows) == len(want) {
			return rows, nil
		}
	}
	wanted := map[int]bool{}
	last := 0
	for _, n := range want {
		wanted[n] = true
		last = max(last, n)
	}
	nearby := map[int]bool{}
	for _, n := range near {
		nearby[n] = true
		last = max(last, n)
	}
	s, err := ps.src.scanner(ctx)
	if err != nil {
		return nil, err
	}
	for {
		f, e := s.Next()
		if e != nil {
			if err := endOfPass(ctx, e); err != nil {
				return nil, err
			}
			break
		}
		if wanted[f.Number] || nearby[f.Number] {
			ps.keep(s, f.Number, wanted[f.Number])
		}
		if f.Number >= last {
			break
		}
	}
	rows = rows[:0]
	ps.cache.Lock()
	defer ps.cache.Unlock()
	for _, n := range want {
		if r, ok := ps.rows[n]; ok {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// filterProgress implements session.filterProgress() → {filter, matched,
// scanned, done}: the current filter pass, without waiting.
func (ps *packetState) filterProgress([]safejs.Value) (any, error) {
	if err := ps.ready(); err != nil {
		return nil, err
	}
	ps.mu.Lock()
	p := ps.pass
	ps.mu.Unlock()
	if p == nil {
		return map[string]any{"filter": nil, "matched": 0, "scanned": 0, "done": false}, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return map[string]any{"filter": p.expr, "matched": float64(p.matched), "scanned": float64(p.scanned), "done": p.done}, nil
}

// frame implements session.frame(n) → Promise<Detail>: the frame's row,
// layers with their fields' byte ranges, and its bytes (Uint8Array).
func (ps *packetState) frame(args []safejs.Value) (any, error) {
	if err := ps.ready(); err != nil {
		return nil, err
	}
	nv := arg(args, 0)
	f, _ := nv.Float()
	if nv.Type() != safejs.TypeNumber || f < 1 || f > math.MaxInt32 || f != math.Trunc(f) {
		return nil, errorf(codeBadOptions, "pcaplens: frame wants a frame number from 1")
	}
	n := int(f)
	ctx, cancel := context.WithCancel(context.Background())
	ps.mu.Lock()
	if ps.frameJob != nil {
		ps.frameJob()
	}
	ps.frameJob = cancel
	ps.mu.Unlock()
	return promise(func() (any, error) {
		defer cancel()
		ps.cache.Lock()
		d := ps.details[n]
		ps.cache.Unlock()
		if d == nil && ps.replayer() != nil {
			if n > ps.replayer().Frames() {
				return nil, errorf(codeBadOptions, "pcaplens: frame %d is not in the capture (%d frames)", n, ps.replayer().Frames())
			}
			_, d, _, _ = ps.replayed(n, true) // on failure, the pass below

		}
		if d == nil {
			s, err := ps.src.scanner(ctx)
			if err != nil {
				return nil, err
			}
			for {
				fr, e := s.Next()
				if e != nil {
					if err := endOfPass(ctx, e); err != nil {
						return nil, err
					}
					return nil, errorf(codeBadOptions, "pcaplens: frame %d is not in the capture (%d frames)", n, s.Index().Frames())
				}
				if fr.Number == n {
					break
				}
			}
			ps.keep(s, n, true)
			ps.cache.Lock()
			d = ps.details[n]
			ps.cache.Unlock()
		}
		v, err := jsonValue(d)
		if err != nil {
			return nil, err
		}
		if err := setBytes(v, "bytes", d.Bytes); err != nil {
			return nil, err
		}
		if len(d.Datagram) > 0 {
			if err := setBytes(v, "datagram", d.Datagram); err != nil {
				return nil, err
			}
		}
		return v, nil
	}), nil
}

// follow implements session.follow(kind, stream, {limit}) → Promise<Conversation>
// with each chunk's data as a Uint8Array.
func (ps *packetState) follow(args []safejs.Value) (any, error) {
	if err := ps.ready(); err != nil {
		return nil, err
	}
	kind, _ := arg(args, 0).String()
	sv := arg(args, 1)
	sf, _ := sv.Float()
	if (kind != packets.FollowTCP && kind != packets.FollowUDP) || sv.Type() != safejs.TypeNumber || sf < 0 || sf > math.MaxInt32 || sf != math.Trunc(sf) {
		return nil, errorf(codeBadOptions, "pcaplens: follow wants \"tcp\" or \"udp\" and a stream number")
	}
	limit := 0
	if o := arg(args, 2); o.Type() == safejs.TypeObject {
		if x, err := o.Get("limit"); err == nil && x.Type() == safejs.TypeNumber {
			f, _ := x.Float()
			if f >= 0 && f <= packets.MaxFollowBytes {
				limit = int(f)
			}
		}
	}
	return promise(func() (any, error) {
		s, err := ps.src.scanner(context.Background())
		if err != nil {
			return nil, err
		}
		c, err := packets.Follow(s, kind, int(sf), limit)
		if err != nil {
			return nil, errorf(codeBadOptions, "%s", err.Error())
		}
		data := make([][]byte, len(c.Chunks))
		for i := range c.Chunks {
			data[i], c.Chunks[i].Data = c.Chunks[i].Data, nil
		}
		v, err := jsonValue(c)
		if err != nil {
			return nil, err
		}
		chunks, err := v.Get("chunks")
		if err != nil {
			return nil, err
		}
		for i, d := range data {
			ch, err := chunks.Index(i)
			if err != nil {
				return nil, err
			}
			if err := setBytes(ch, "data", d); err != nil {
				return nil, err
			}
		}
		return v, nil
	}), nil
}

// export implements session.export(filter) → Promise<Uint8Array>: the
// matching frames as pcapng. The bitset of a finished pass of the same
// filter selects them without evaluating the filter again.
func (ps *packetState) export(args []safejs.Value) (any, error) {
	if err := ps.ready(); err != nil {
		return nil, err
	}
	expr := ""
	if x := arg(args, 0); x.Type() == safejs.TypeString {
		expr, _ = x.String()
	} else if !x.IsUndefined() && !x.IsNull() {
		return nil, errorf(codeBadOptions, "pcaplens: export wants a filter string")
	}
	expr = strings.TrimSpace(expr)
	m, err := compile(expr)
	if err != nil {
		return nil, err
	}
	ps.mu.Lock()
	if p := ps.pass; p != nil && p.expr == expr {
		p.mu.Lock()
		if p.done && p.err == nil {
			m = bitsMatcher{&p.bits} // done: no longer written
		}
		p.mu.Unlock()
	}
	ps.mu.Unlock()
	return promise(func() (any, error) {
		s, err := ps.src.scanner(context.Background())
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if _, err := packets.Export(s, m, &buf); err != nil {
			var ce *capture.Error
			if !errors.As(err, &ce) {
				return nil, err
			}
		}
		return jsBytes(buf.Bytes())
	}), nil
}

// dispose implements session.dispose(): stops the packet calls and drops
// the source and caches; later calls reject with code "closed".
func (ps *packetState) dispose() {
	ps.mu.Lock()
	ps.disposed = true
	if ps.pass != nil {
		ps.pass.cancel()
	}
	if ps.call != nil {
		ps.call()
	}
	if ps.frameJob != nil {
		ps.frameJob()
	}
	ps.mu.Unlock()
	ps.cache.Lock()
	clear(ps.rows)
	clear(ps.details)
	ps.cache.Unlock()
}

// checkFilter implements pcaplens.checkFilter(expr) → {ok: true} or
// {ok: false, message, pos, len}: compiles a display filter, synchronously.
func checkFilter(args []safejs.Value) (any, error) {
	expr, _ := arg(args, 0).String()
	if _, err := compile(strings.TrimSpace(expr)); err != nil {
		fe := err.(*filterErr)
		pos := fe.pos
		if pos >= 0 {
			// The position in the untrimmed text the caller holds.
			pos += len(expr) - len(strings.TrimLeft(expr, " \t\r\n"))
		}
		return map[string]any{"ok": false, "message": fe.msg, "pos": pos, "len": fe.len}, nil
	}
	return map[string]any{"ok": true}, nil
}

// jsonValue encodes v as JSON and parses it into a JavaScript value.
func jsonValue(v any) (safejs.Value, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return safejs.Value{}, err
	}
	return parseJSON(buf.Bytes())
}

func jsBytes(b []byte) (safejs.Value, error) {
	u8, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return safejs.Value{}, err
	}
	a, err := u8.New(len(b))
	if err != nil {
		return safejs.Value{}, err
	}
	if _, err := safejs.CopyBytesToJS(a, b); err != nil {
		return safejs.Value{}, err
	}
	return a, nil
}

func setBytes(obj safejs.Value, name string, b []byte) error {
	a, err := jsBytes(b)
	if err != nil {
		return err
	}
	return obj.Set(name, a)
}
