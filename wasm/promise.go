//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/hack-pad/safejs"

	"pcaplens/analysis/capture"
)

// Error codes carried by rejected promises (err.code on the JS side).
const (
	codeBadInput   = "bad_input"   // the bytes are not a capture pcaplens can read
	codeBadOptions = "bad_options" // an argument or option is wrong
	codeAborted    = "aborted"     // the session was aborted
	codeClosed     = "closed"      // the session is already closed
	codeInternal   = "internal"    // a bug in pcaplens (a recovered panic)
)

// bridgeError is an error with a code for JavaScript.
type bridgeError struct {
	code string
	msg  string
}

func (e *bridgeError) Error() string { return e.msg }

func errorf(code, format string, args ...any) error {
	return &bridgeError{code: code, msg: fmt.Sprintf(format, args...)}
}

// classify gives an error its code.
func classify(err error) (code, msg string) {
	var be *bridgeError
	var ce *capture.Error
	var fe *filterErr
	switch {
	case errors.As(err, &fe):
		return codeBadFilter, fe.msg
	case errors.As(err, &be):
		return be.code, be.msg
	case errors.Is(err, context.Canceled):
		return codeAborted, "pcaplens: analysis aborted"
	case errors.As(err, &ce):
		return codeBadInput, err.Error()
	default:
		return codeBadInput, err.Error()
	}
}

// jsError makes a JavaScript Error with message and code.
func jsError(err error) safejs.Value {
	code, msg := classify(err)
	ctor, e := safejs.Global().Get("Error")
	if e != nil {
		v, _ := safejs.ValueOf(map[string]any{"code": code, "message": msg})
		return v
	}
	v, e := ctor.New(msg)
	if e != nil {
		v, _ = safejs.ValueOf(map[string]any{"code": code, "message": msg})
		return v
	}
	_ = v.Set("code", code)
	if fe := (*filterErr)(nil); errors.As(err, &fe) {
		_ = v.Set("pos", fe.pos)
		_ = v.Set("len", fe.len)
	}
	return v
}

// recovered turns a recovered panic value into an internal error with its stack.
func recovered(p any) error {
	return errorf(codeInternal, "pcaplens: internal error: %v\n%s", p, debug.Stack())
}

// promise returns a JavaScript Promise settled by work, which runs in its own
// goroutine so that the JavaScript event loop is never blocked. A panic in
// work rejects the promise.
func promise(work func() (any, error)) safejs.Value {
	ctor, err := safejs.Global().Get("Promise")
	if err != nil {
		return safejs.Undefined()
	}
	var executor safejs.Func
	executor, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		executor.Release()
		resolve, reject := args[0], args[1]
		go func() {
			v, err := func() (v any, err error) {
				defer func() {
					if p := recover(); p != nil {
						err = recovered(p)
					}
				}()
				return work()
			}()
			if err != nil {
				_, _ = reject.Invoke(jsError(err))
				return
			}
			_, _ = resolve.Invoke(v)
		}()
		return nil
	})
	if err != nil {
		return safejs.Undefined()
	}
	p, err := ctor.New(executor)
	if err != nil {
		return safejs.Undefined()
	}
	return p
}

// rejected returns a Promise already rejected with err.
func rejected(err error) safejs.Value {
	return promise(func() (any, error) { return nil, err })
}

// fn wraps a Go function as a JavaScript function. The wrapper is the one
// place where panics in synchronous bridge code are recovered: a panic
// becomes a rejected Promise (for async functions) or a thrown-free error
// value, and the runtime keeps running.
func fn(async bool, f func(args []safejs.Value) (any, error)) (safejs.Func, error) {
	return safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (ret any) {
		defer func() {
			if p := recover(); p != nil {
				err := recovered(p)
				if async {
					ret = rejected(err)
				} else {
					ret = jsError(err)
				}
			}
		}()
		v, err := f(args)
		if err != nil {
			if async {
				return rejected(err)
			}
			return jsError(err)
		}
		return v
	})
}
