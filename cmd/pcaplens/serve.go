package main

import (
	"flag"
	"fmt"
	"io"
)

func serve(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	_ = addr
	fmt.Fprintln(stderr, "pcaplens serve: not built yet")
	return 1
}
