package capinfos

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"pcaplens/analysis/internal/testrun"
	"strconv"
	"strings"
	"testing"
	"time"
)

const capturesDir = "../../testdata/captures"
const expectedDir = "../../testdata/expected/capinfos"

// parseCapinfos reads capinfos -M output into "key" → values (keys repeat
// for interfaces, so each key keeps every value in order).
func parseCapinfos(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "capinfos:") {
			continue
		}
		sep := ":"
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(line, " ") && strings.Contains(trimmed, " = ") {
			sep = " = "
		}
		k, v, ok := strings.Cut(trimmed, sep)
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		m[k] = append(m[k], v)
	}
	return m
}

func run(t testing.TB, path string) *Report {
	t.Helper()
	return testrun.Report[*Report](t, path, nil, Tool)
}

// decimals returns how many digits follow the point in s's first number.
func decimals(s string) int {
	num, _, _ := strings.Cut(s, " ")
	if _, frac, ok := strings.Cut(num, "."); ok {
		return len(frac)
	}
	return 0
}

func fmtTime(ns int64, digits int) string {
	tm := time.Unix(0, ns).UTC()
	s := tm.Format("2006-01-02 15:04:05")
	if digits > 0 {
		frac := fmt.Sprintf("%09d", tm.Nanosecond())[:digits]
		s += "." + frac
	}
	return s
}

// TestMatchesCapinfos compares every figure capinfos printed for every
// capture in testdata/captures with our report.
func TestMatchesCapinfos(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(capturesDir, "*"))
	if len(files) == 0 {
		t.Fatal("no captures in testdata/captures")
	}
	checked := 0
	for _, path := range files {
		name := filepath.Base(path)
		exp := filepath.Join(expectedDir, name+".txt")
		if _, err := os.Stat(exp); err != nil {
			t.Errorf("%s: no capinfos expectation (run testdata/tshark/capinfos.sh)", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			want := parseCapinfos(t, exp)
			if len(want["Number of packets"]) == 0 {
				t.Skip("capinfos could not read this file")
			}
			r := run(t, path)
			checked++
			eq := func(key, got string) {
				t.Helper()
				w, ok := want[key]
				if !ok {
					return
				}
				if w[0] != got {
					t.Errorf("%s: capinfos %q, pcaplens %q", key, w[0], got)
				}
			}
			eq("File type", r.FileType)
			eq("File encapsulation", r.FileEncapsulation)
			eq("Number of packets", strconv.Itoa(r.PacketCount))
			eq("File size", fmt.Sprintf("%d bytes", r.FileSizeBytes))
			eq("Data size", fmt.Sprintf("%d bytes", r.DataSizeBytes))
			eq("SHA256", r.SHA256)
			eq("SHA1", r.SHA1)
			order := "Unknown"
			if r.StrictTimeOrder != nil {
				order = map[bool]string{true: "True", false: "False"}[*r.StrictTimeOrder]
			}
			eq("Strict time order", order)
			eq("File timestamp precision", r.TimestampPrecision)
			if r.PacketCount > 0 {
				if w := want["Capture duration"]; len(w) > 0 {
					d := fmt.Sprintf("%d.%09d", r.CaptureDurationNs/1e9, r.CaptureDurationNs%1e9)
					d = d[:len(d)-9+decimals(w[0])]
					eq("Capture duration", strings.TrimSuffix(d, ".")+" seconds")
				}
				if w := want["First packet time"]; len(w) > 0 {
					eq("First packet time", fmtTime(r.FirstPacketTimeNs, decimals(strings.TrimPrefix(w[0], w[0][:11]))))
				}
				if w := want["Last packet time"]; len(w) > 0 {
					eq("Last packet time", fmtTime(r.LastPacketTimeNs, decimals(strings.TrimPrefix(w[0], w[0][:11]))))
				}
				if r.CaptureDurationSeconds > 0 {
					eq("Data byte rate", fmt.Sprintf("%.2f bytes/sec", r.DataRateBytes))
					eq("Data bit rate", fmt.Sprintf("%.2f bits/sec", r.DataRateBits))
					eq("Average packet rate", fmt.Sprintf("%.2f packets/sec", r.AveragePacketRate))
				}
				eq("Average packet size", fmt.Sprintf("%.2f bytes", r.AveragePacketSizeBytes))
			}
			// Packet size limit: the file header line, then the inferred one.
			var limits []string
			if r.SnapLength != nil {
				limits = append(limits, fmt.Sprintf("file hdr: %d bytes", *r.SnapLength))
			} else {
				limits = append(limits, "file hdr: (not set)")
			}
			if r.SnapLengthInferredMin != nil {
				if *r.SnapLengthInferredMin == *r.SnapLengthInferredMax {
					limits = append(limits, fmt.Sprintf("inferred: %d bytes", *r.SnapLengthInferredMin))
				} else {
					limits = append(limits, fmt.Sprintf("inferred: %d bytes - %d bytes (range)", *r.SnapLengthInferredMin, *r.SnapLengthInferredMax))
				}
			}
			if w := want["Packet size limit"]; len(w) > 0 && strings.Join(w, "|") != strings.Join(limits, "|") {
				t.Errorf("Packet size limit: capinfos %q, pcaplens %q", w, limits)
			}
			// capinfos 4.0 lists the interfaces of a file with several sections
			// twice and counts packets by section-local interface id; we list
			// each interface once with its own packets, so those lines are
			// compared only for single-section files.
			if w := want["Number of interfaces in file"]; len(w) > 0 && len(r.Sections) == 1 {
				eq("Number of interfaces in file", strconv.Itoa(len(r.Interfaces)))
				var encs, lens, precs, ticks, pkts []string
				for _, ifc := range r.Interfaces {
					encs = append(encs, fmt.Sprintf("%s (%d - %s)", ifc.EncapsulationName, encapNumber(ifc.LinkType), ifc.Encapsulation))
					lens = append(lens, strconv.Itoa(int(ifc.CaptureLength)))
					precs = append(precs, ifc.TimePrecision)
					ticks = append(ticks, strconv.FormatUint(ifc.TicksPerSecond, 10))
					pkts = append(pkts, strconv.Itoa(ifc.Packets))
				}
				list := func(key string, got []string) {
					t.Helper()
					if w := want[key]; strings.Join(w, "|") != strings.Join(got, "|") {
						t.Errorf("interfaces %s: capinfos %q, pcaplens %q", key, w, got)
					}
				}
				list("Encapsulation", encs)
				list("Capture length", lens)
				list("Time precision", precs)
				list("Time ticks per second", ticks)
				list("Number of packets", append([]string{strconv.Itoa(r.PacketCount)}, pkts...))
			}
			if w := want["Capture comment"]; strings.Join(w, "|") != strings.Join(r.CaptureComments, "|") {
				t.Errorf("capture comments: capinfos %q, pcaplens %q", w, r.CaptureComments)
			}
			eq("Capture hardware", r.CaptureHardware)
			eq("Capture oper-sys", r.CaptureOS)
			eq("Capture application", r.CaptureApplication)
		})
	}
}

// TestFindings checks the capture's findings: one per decoding anomaly with
// its first frames, and one per file-level problem.
func TestFindings(t *testing.T) {
	r := run(t, filepath.Join(capturesDir, "kday3.pcap"))
	if len(r.Findings) != 1 {
		t.Fatalf("kday3: findings %+v", r.Findings)
	}
	f := r.Findings[0]
	// Frame 2 is a version 6 header behind EtherType IPv4: Wireshark's
	// "Bogus IPv4 version" (an Error), then decoded as IPv6.
	if f.Kind != "capture.bad_ip_version" || f.Severity != "high" || f.Count != 1 || len(f.Frames) != 1 || f.Frames[0] != 2 ||
		!strings.HasPrefix(f.Summary, "1 packet has an IP header whose version does not match") || f.Tool != Tool {
		t.Errorf("kday3: %+v", f)
	}
	r = run(t, filepath.Join(capturesDir, "truncated.pcap"))
	if len(r.Findings) != 1 || r.Findings[0].Kind != "capture.file_cut_short" || !strings.HasPrefix(r.Findings[0].Summary, "File cut short: ") {
		t.Errorf("truncated.pcap: %+v", r.Findings)
	}
	if got := anomalyFinding("truncated_ipv4", 12, []int{3, 5}); got.Summary != "12 packets have a truncated IPv4 header (cut short by the capture)." || got.Severity != "low" {
		t.Errorf("%+v", got)
	}
	if r := run(t, filepath.Join(capturesDir, "chrissanders--http_espn.pcapng")); r.Findings == nil || len(r.Findings) != 0 || r.Caps == nil {
		t.Errorf("clean capture: findings %#v caps %#v, want empty lists", r.Findings, r.Caps)
	}
}
