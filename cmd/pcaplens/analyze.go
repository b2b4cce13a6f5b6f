package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "pcaplens/analysis/all"
	"pcaplens/analysis/engine"
	"pcaplens/analysis/report"
)

// DefaultMaxPackets is --max-packets when it is not given: per-packet lists
// of 10,000 entries keep the printed report readable; 0 lists every packet.
const DefaultMaxPackets = 10_000

func analyze(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	toolsFlag := fs.String("tools", "", "comma-separated tools to run (default: every tool; see `pcaplens tools`)")
	serverIP := fs.String("server-ip", "", "restrict TCP tools to this server address (required by traffic_flow)")
	serverPort := fs.Int("server-port", 0, "restrict TCP tools to this server port")
	threshold := fs.Float64("threshold", 0.02, "retransmission-rate threshold")
	detailed := fs.Bool("detailed", false, "list every connection")
	maxPackets := fs.Int("max-packets", DefaultMaxPackets, "limit per-packet lists to N entries (0: no limit; statistics stay whole)")
	pretty := fs.Bool("pretty", false, "indent the JSON")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: pcaplens analyze [flags] FILE...\n\nPrints one JSON object with one key per tool; with several files, a JSON array of them.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "pcaplens analyze: no capture file given (use - for standard input)")
		return 2
	}
	opts := engine.Options{
		ServerIP: *serverIP, ServerPort: *serverPort, Threshold: *threshold,
		Detailed: *detailed, MaxPackets: *maxPackets,
	}
	if *toolsFlag != "" {
		opts.Tools = strings.Split(*toolsFlag, ",")
		if _, err := engine.Selected(opts.Tools); err != nil {
			fmt.Fprintf(stderr, "pcaplens analyze: %v\n", err)
			return 2
		}
	}
	var docs []map[string]any
	for _, name := range files {
		o := opts
		doc, err := analyzeOne(name, stdin, &o)
		if err != nil {
			fmt.Fprintf(stderr, "pcaplens: %s: %v\n", name, err)
			return 1
		}
		docs = append(docs, doc)
	}
	var out any = docs[0]
	if len(docs) > 1 {
		out = docs
	}
	var err error
	if *pretty {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(out)
	} else if err = report.WriteJSON(stdout, out); err == nil {
		// The same bytes as a json.Encoder's, its lists of rows written
		// as they are made rather than made whole first.
		_, err = io.WriteString(stdout, "\n")
	}
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens: writing output: %v\n", err)
		return 1
	}
	return 0
}

func analyzeOne(name string, stdin io.Reader, o *engine.Options) (map[string]any, error) {
	var r io.Reader
	if name == "-" {
		r = stdin
		o.FileName = "-"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, fmt.Errorf("is a directory")
		}
		r = f
		o.FileName = filepath.Base(name)
	}
	return engine.Run(context.Background(), r, o)
}

func tools(stdout io.Writer) int {
	for _, f := range engine.Factories() {
		fmt.Fprintf(stdout, "%s: %s\n", f.Name, strings.Join(f.Tools, ", "))
	}
	return 0
}
