package capture

import (
	"context"
	"io"
)

// ContextReader returns r, stopping with ctx's error once ctx is done: a
// pass over it ends when its call is cancelled. The check is once per read
// block, so it costs nothing per frame.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
