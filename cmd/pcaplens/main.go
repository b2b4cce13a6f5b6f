// Command pcaplens analyses packet captures.
//
//	pcaplens analyze [flags] FILE…   print the reports as JSON
//	pcaplens serve [--addr ADDR]     serve the web app
//	pcaplens mcp [--http ADDR]       serve the analyses over MCP
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time (-ldflags "-X main.version=…").
var version = "dev"

const usage = `pcaplens: analyse packet captures (pcap, pcapng, gzip) like Wireshark would.

Usage:
  pcaplens analyze [flags] FILE...   print one JSON document with one key per tool ("-" reads stdin)
  pcaplens packets [-Y FILTER] [--skip N] [--count N] [--fields f1,f2 | --json] FILE
                                     the packet list, as tshark prints it
  pcaplens packets --detail N FILE   frame N's layers, fields and bytes
  pcaplens packets -Y FILTER -w OUT.pcapng FILE   export the matching frames
  pcaplens follow tcp|udp STREAM [--ascii] FILE   a conversation, as tshark -z follow
  pcaplens serve [--addr 127.0.0.1:8080]   serve the web app
  pcaplens mcp [--http 127.0.0.1:8765]     serve the analyses to AI assistants (MCP, stdio or HTTP)
  pcaplens tools                     list the tools
  pcaplens version                   print the version

Run "pcaplens analyze -h" for the analysis flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "analyze", "analyse":
		return analyze(args[1:], stdin, stdout, stderr)
	case "packets":
		return packetsCmd(args[1:], stdin, stdout, stderr)
	case "follow":
		return followCmd(args[1:], stdin, stdout, stderr)
	case "serve":
		return serve(args[1:], stderr)
	case "mcp":
		return mcpCmd(args[1:], stdin, stdout, stderr)
	case "tools":
		return tools(stdout)
	case "version", "--version":
		fmt.Fprintln(stdout, "pcaplens", version)
		return 0
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "pcaplens: unknown command %q\n\n%s", args[0], usage)
	return 2
}
