package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"pcaplens/analysis/filter"
	"pcaplens/analysis/packets"
	"pcaplens/analysis/report"
)

// permute moves flags in front of the positional arguments, so that
// "follow tcp 0 --ascii FILE" parses as Go's flag package expects. value
// names the flags that take a value.
func permute(args []string, value map[string]bool) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && value[name] && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func openCapture(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

func packetsCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("packets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	expr := fs.String("Y", "", "display filter (Wireshark syntax): only the frames it selects")
	skip := fs.Int("skip", 0, "skip the first N matching frames")
	count := fs.Int("count", 0, "print at most N frames (0: all)")
	fields := fs.String("fields", "", "comma-separated fields to print, tab-separated, as tshark -T fields -e …")
	asJSON := fs.Bool("json", false, "print the rows as JSON (one array)")
	detail := fs.Int("detail", 0, "print frame N's layers, fields and bytes")
	out := fs.String("w", "", "write the matching frames to this pcapng file")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: pcaplens packets [-Y FILTER] [--skip N] [--count N] [--fields f1,f2 | --json] FILE\n"+
			"       pcaplens packets --detail N FILE\n       pcaplens packets -Y FILTER -w OUT.pcapng FILE\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(permute(args, map[string]bool{"Y": true, "skip": true, "count": true, "fields": true, "detail": true, "w": true})); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "pcaplens packets: give one capture file (- for standard input)")
		return 2
	}
	m, err := packets.NewMatcher(*expr)
	if err != nil {
		var fe *filter.Error
		if errors.As(err, &fe) {
			fmt.Fprintf(stderr, "pcaplens packets: bad filter: %v\n  %s\n  %s^\n", err, *expr, strings.Repeat(" ", utf8.RuneCountInString((*expr)[:min(max(fe.Pos, 0), len(*expr))])))
		} else {
			fmt.Fprintf(stderr, "pcaplens packets: bad filter: %v\n", err)
		}
		return 2
	}
	var ids []filter.FieldID
	if *fields != "" {
		if ids, err = packets.CheckFields(strings.Split(*fields, ",")); err != nil {
			fmt.Fprintf(stderr, "pcaplens packets: %v\n", err)
			return 2
		}
	}
	in, done, err := openCapture(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens packets: %v\n", err)
		return 1
	}
	defer done()
	s, err := packets.NewScanner(in, 0)
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens packets: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	s.Want(ids...)
	w := bufio.NewWriterSize(stdout, 64<<10)
	defer w.Flush()

	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "pcaplens packets: %v\n", err)
			return 1
		}
		n, err := packets.Export(s, m, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(stderr, "pcaplens packets: %v (%d frames written)\n", err, n)
			return 1
		}
		fmt.Fprintf(stderr, "%d frames written to %s\n", n, *out)
		return 0
	}

	if *detail != 0 {
		for {
			f, err := s.Next()
			if err != nil {
				if errors.Is(err, io.EOF) {
					fmt.Fprintf(stderr, "pcaplens packets: frame %d is not in the capture (%d frames)\n", *detail, s.Index().Frames())
				} else {
					fmt.Fprintf(stderr, "pcaplens packets: frame %d not read: %v\n", *detail, err)
				}
				return 1
			}
			if f.Number == *detail {
				break
			}
		}
		d := s.Detail()
		if *asJSON {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return check(enc.Encode(d), stderr)
		}
		r := d.Row
		fmt.Fprintf(w, "Frame %d: %d bytes on wire, %d bytes captured; %s %s → %s %s\n", r.No, r.Length, len(d.Bytes), r.Time, r.Source, r.Destination, r.Protocol)
		for _, l := range d.Layers {
			where := ""
			if l.InDatagram {
				where = " of the reassembled datagram"
			}
			fmt.Fprintf(w, "%s [bytes %d-%d%s]\n", l.Name, l.Off, l.Off+l.Len, where)
			for _, fl := range l.Fields {
				if fl.Len > 0 {
					fmt.Fprintf(w, "    %s = %s [%d-%d]\n", fl.Name, fl.Value, fl.Off, fl.Off+fl.Len)
				} else {
					fmt.Fprintf(w, "    %s = %s\n", fl.Name, fl.Value)
				}
			}
		}
		fmt.Fprintln(w)
		fmt.Fprint(w, packets.Hexdump(d.Bytes))
		if len(d.Datagram) > 0 {
			fmt.Fprintf(w, "\nReassembled datagram (%d bytes):\n", len(d.Datagram))
			fmt.Fprint(w, packets.Hexdump(d.Datagram))
		}
		return 0
	}

	var rows []packets.Row
	var line []byte
	matched, printed := 0, 0
	for {
		f, err := s.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(stderr, "pcaplens packets: %v\n", err)
			}
			break
		}
		if !m.Match(f) {
			continue
		}
		matched++
		if matched <= *skip {
			continue
		}
		if *count > 0 && printed >= *count {
			break
		}
		printed++
		switch {
		case ids != nil:
			line = append(s.AppendFields(line[:0], ids), '\n')
			w.Write(line)
		case *asJSON:
			rows = append(rows, s.Row())
		default:
			writeRow(w, s.Row())
		}
	}
	if *asJSON {
		return check(json.NewEncoder(w).Encode(report.NonNil(rows)), stderr)
	}
	return 0
}

// writeRow prints a row as tshark's default one-line output.
func writeRow(w *bufio.Writer, r packets.Row) {
	fmt.Fprintf(w, "%5d %10s %12s → %-12s %s %d %s\n", r.No, r.Time, r.Source, r.Destination, r.Protocol, r.Length, r.Info)
}

func check(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens: %v\n", err)
		return 1
	}
	return 0
}

func followCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("follow", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ascii := fs.Bool("ascii", false, "print the data as text (tshark's follow,…,ascii) instead of hex")
	asJSON := fs.Bool("json", false, "print the conversation as JSON")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: pcaplens follow tcp|udp STREAM [--ascii] FILE\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(permute(args, nil)); err != nil {
		return 2
	}
	if fs.NArg() != 3 {
		fs.Usage()
		return 2
	}
	kind := fs.Arg(0)
	stream, err := strconv.Atoi(fs.Arg(1))
	if err != nil || stream < 0 || (kind != "tcp" && kind != "udp") {
		fmt.Fprintf(stderr, "pcaplens follow: want tcp or udp and a stream number, got %q %q\n", fs.Arg(0), fs.Arg(1))
		return 2
	}
	in, done, err := openCapture(fs.Arg(2), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens follow: %v\n", err)
		return 1
	}
	defer done()
	s, err := packets.NewScanner(in, 0)
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens follow: %s: %v\n", fs.Arg(2), err)
		return 1
	}
	c, err := packets.Follow(s, kind, stream, 0)
	if err != nil {
		fmt.Fprintf(stderr, "pcaplens follow: %v\n", err)
		return 1
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	if *asJSON {
		return check(json.NewEncoder(w).Encode(c), stderr)
	}
	return check(c.Write(w, *ascii), stderr)
}
