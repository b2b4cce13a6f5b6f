package query

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcaplens/analysis/capture"
	"pcaplens/analysis/filter"
	"pcaplens/analysis/frame"
)

const fieldsDir = "../../testdata/expected/fields"

// fieldCapturesSkipped are captures whose -T fields output cannot be
// compared frame by frame, with the reason.
var fieldCapturesSkipped = map[string]string{
	"pcapng-oddities.pcapng": "tshark lists a custom block as a frame: its frame numbers are one ahead of ours from frame 4",
}

// fieldDifferences lists, by capture and then field, where AppendText
// differs from tshark -T fields, with the reason. Each must still differ:
// a listed difference that now agrees fails the test, so the list stays
// true; a difference not listed fails it.
var fieldDifferences = map[string]map[string]string{
	"chrissanders--tcp_dupack.pcapng": {
		"http": "frames 2 and 4: a capture started mid-connection, binary body data on port 80 ahead of a hole; tshark shows the http protocol from frame 6 only, pcaplens on each segment that starts no message",
	},
	"pcaplens-icmp-truncated.pcap": {
		"icmp":        "frames 7, 11, 12: an ICMP header shorter than the frame decoder reads (8 bytes, ICMPv6 4) has no ICMP layer in the frame; the icmp analyzer counts it as tshark does",
		"icmp.type":   "frames 7, 11, 12: an ICMP header shorter than the frame decoder reads (8 bytes, ICMPv6 4) has no ICMP layer in the frame; the icmp analyzer counts it as tshark does",
		"icmp.code":   "frames 7, 11, 12: an ICMP header shorter than the frame decoder reads (8 bytes, ICMPv6 4) has no ICMP layer in the frame; the icmp analyzer counts it as tshark does",
		"icmpv6":      "frames 7, 11, 12: an ICMP header shorter than the frame decoder reads (8 bytes, ICMPv6 4) has no ICMP layer in the frame; the icmp analyzer counts it as tshark does",
		"icmpv6.type": "frames 7, 11, 12: an ICMP header shorter than the frame decoder reads (8 bytes, ICMPv6 4) has no ICMP layer in the frame; the icmp analyzer counts it as tshark does",
		"icmpv6.code": "frames 7, 11, 12: an ICMP header shorter than the frame decoder reads (8 bytes, ICMPv6 4) has no ICMP layer in the frame; the icmp analyzer counts it as tshark does",
	},
	"chrissanders--tcp_zerowindowdead.pcapng": {
		"http": "frame 1: the capture starts mid-connection with body data on port 80; tshark shows no http on it, pcaplens does",
	},
}

// readFieldsTSV reads one expectation: the field names, then per frame the
// tshark text of each field.
func readFieldsTSV(t *testing.T, path string) ([]filter.FieldID, [][]string) {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	var ids []filter.FieldID
	var rows [][]string
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if ids == nil {
			for _, n := range c {
				f, ok := filter.Lookup(n)
				if !ok {
					t.Fatalf("%s: unknown field %q", path, n)
				}
				ids = append(ids, f.ID)
			}
			continue
		}
		if len(c) != len(ids) {
			t.Fatalf("%s: %d columns, want %d", path, len(c), len(ids))
		}
		rows = append(rows, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ids, rows
}

// TestFieldsTshark compares the text of every registry field, frame by
// frame, with what tshark -T fields printed (testdata/tshark/fields.sh).
func TestFieldsTshark(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(fieldsDir, "*.tsv"))
	if len(paths) < 20 {
		t.Fatalf("only %d expectations in %s", len(paths), fieldsDir)
	}
	diffs := map[string]map[string][]int{} // capture -> field -> frames
	var cells, equal int
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".tsv")
		if fieldCapturesSkipped[name] != "" {
			continue
		}
		ids, want := readFieldsTSV(t, p)
		file, err := os.Open(filepath.Join(capturesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMatcher("")
		if err != nil {
			t.Fatal(err)
		}
		m.WantAll()
		var buf []byte
		read := 0
		err = m.Run(context.Background(), file, func(f *frame.Frame) error {
			if f.Number > len(want) {
				return fmt.Errorf("frame %d: tshark has %d frames", f.Number, len(want))
			}
			read = f.Number
			row := want[f.Number-1]
			for i, id := range ids {
				buf = m.AppendText(buf[:0], id)
				got := string(buf)
				if id.Field().Type == filter.TypeProtocol && got != "" {
					got = "1" // fields.sh keeps only a protocol's presence
				}
				cells++
				if got == row[i] {
					equal++
					continue
				}
				if diffs[name] == nil {
					diffs[name] = map[string][]int{}
				}
				fr := diffs[name][id.String()]
				diffs[name][id.String()] = append(fr, f.Number)
				if len(fr) < 3 && fieldDifferences[name][id.String()] == "" {
					t.Logf("%s #%d %s: got %q, tshark %q", name, f.Number, id, got, row[i])
				}
			}
			return nil
		})
		file.Close()
		var ce *capture.Error
		if err != nil && !errors.As(err, &ce) {
			t.Errorf("%s: %v", name, err)
		}
		if read != len(want) {
			t.Errorf("%s: %d frames read, tshark printed %d (%v)", name, read, len(want), err)
		}
	}
	for c, fs := range diffs {
		for fl, frames := range fs {
			if fieldDifferences[c][fl] == "" {
				t.Errorf("%s: %s differs from tshark's in %d frames, first %d", c, fl, len(frames), frames[0])
			}
		}
	}
	for c, fs := range fieldDifferences {
		for fl := range fs {
			if len(diffs[c][fl]) == 0 {
				t.Errorf("%s: %s now agrees with tshark: remove it from fieldDifferences", c, fl)
			}
		}
	}
	t.Logf("%d of %d values agree with tshark", equal, cells)
}

// TestSIPOverTCPWithDNSTime is the regression test of a filter reading both
// dns.time and sip: the DNS transaction upkeep classified a TCP segment
// before the SIP framing had parsed it, so SIP over TCP was never found.
func TestSIPOverTCPWithDNSTime(t *testing.T) {
	for _, expr := range []string{"sip", "dns.time or sip"} {
		file, err := os.Open(filepath.Join(capturesDir, "sip-call-tcp.pcap"))
		if err != nil {
			t.Fatal(err)
		}
		bs, _, err := Count(context.Background(), file, expr)
		file.Close()
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for n := 1; n <= 20; n++ {
			if bs.Has(n) {
				got = append(got, n)
			}
		}
		if fmt.Sprint(got) != "[4 6 8 10 12 14]" {
			t.Errorf("%s: frames %v, tshark 4 6 8 10 12 14", expr, got)
		}
	}
}
