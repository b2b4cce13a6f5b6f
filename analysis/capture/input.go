package capture

import (
	"errors"
	"io"
)

// windowSize is the largest size of the read window. Every pcap record
// (header plus at most MaxRecordLen bytes) and most pcapng blocks fit in it,
// so records are handed out as slices of the window without a copy. The
// window starts at initialWindow and doubles only when it is full of bytes
// that arrived and a record needs more.
const (
	windowSize    = 1 << 20
	initialWindow = 64 << 10
)

// input is a forward-only buffered reader over the (decompressed) stream
// that keeps track of the stream offset. Bytes between r and w are
// available; off is the stream offset of buf[r].
type input struct {
	src  io.Reader
	buf  []byte
	r, w int
	off  int64
	err  error // sticky error from src (io.EOF at the end)
}

func newInput(src io.Reader) *input {
	return &input{src: src, buf: make([]byte, initialWindow)}
}

// avail is the number of buffered bytes.
func (in *input) avail() int { return in.w - in.r }

// fill tries to make n bytes available (n <= windowSize). It returns nil
// when they are; otherwise the source's error (io.EOF when the stream ended,
// in which case fewer than n bytes are available).
func (in *input) fill(n int) error {
	if in.w-in.r >= n {
		return nil
	}
	if in.r+n > len(in.buf) {
		copy(in.buf, in.buf[in.r:in.w])
		in.w -= in.r
		in.r = 0
	}
	empty := 0
	for in.w-in.r < n {
		if in.err != nil {
			return in.err
		}
		if in.w == len(in.buf) {
			// Full of bytes that arrived, and still short: grow.
			nb := make([]byte, min(2*len(in.buf), windowSize))
			copy(nb, in.buf[in.r:in.w])
			in.w -= in.r
			in.r = 0
			in.buf = nb
		}
		m, err := in.src.Read(in.buf[in.w:])
		if m < 0 || m > len(in.buf)-in.w {
			in.err = errors.New("invalid read count")
			return in.err
		}
		in.w += m
		if err != nil {
			in.err = err
		} else if m == 0 {
			empty++
			if empty > 100 {
				in.err = io.ErrNoProgress
			}
		}
	}
	return nil
}

// peek returns the next n available bytes (call fill first).
func (in *input) peek(n int) []byte { return in.buf[in.r : in.r+n : in.r+n] }

// advance consumes n available bytes.
func (in *input) advance(n int) {
	in.r += n
	in.off += int64(n)
}

// readFull reads exactly len(p) bytes into p. It returns the number read
// and, when short, the source's error.
func (in *input) readFull(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		if in.avail() == 0 {
			want := len(p) - done
			if want > len(in.buf) {
				want = len(in.buf)
			}
			if err := in.fill(want); err != nil && in.avail() == 0 {
				return done, err
			}
		}
		n := copy(p[done:], in.buf[in.r:in.w])
		in.advance(n)
		done += n
	}
	return done, nil
}

// discard skips n bytes by streaming; it never allocates. It returns the
// number skipped and, when short, the source's error.
func (in *input) discard(n int64) (int64, error) {
	var done int64
	for done < n {
		if in.avail() == 0 {
			want := n - done
			if want > int64(len(in.buf)) {
				want = int64(len(in.buf))
			}
			if err := in.fill(int(want)); err != nil && in.avail() == 0 {
				return done, err
			}
		}
		k := int64(in.avail())
		if k > n-done {
			k = n - done
		}
		in.advance(int(k))
		done += k
	}
	return done, nil
}

// readGrow reads n bytes into *dst (reused), growing it no faster than bytes
// arrive, so a lying length on a short stream never allocates much more than
// the stream holds.
func (in *input) readGrow(dst *[]byte, n int) ([]byte, error) {
	b := (*dst)[:0]
	for len(b) < n {
		chunk := n - len(b)
		if max := len(b) + 64<<10; chunk > max {
			chunk = max
		}
		if cap(b)-len(b) < chunk {
			nb := make([]byte, len(b), len(b)+chunk)
			copy(nb, b)
			b = nb
		}
		k, err := in.readFull(b[len(b) : len(b)+chunk])
		b = b[:len(b)+k]
		if err != nil {
			*dst = b
			return b, err
		}
	}
	*dst = b
	return b, nil
}
