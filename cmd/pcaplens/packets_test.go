package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPacketsLikeTshark: the default output is tshark -n -r's, line for
// line, on captures whose protocols are all decoded (tshark's lines from
// testdata/expected/packets, laid out as tshark prints them).
func TestPacketsLikeTshark(t *testing.T) {
	for _, name := range []string{"chrissanders--dns.pcap", "chrissanders--dhcp_nolease_initialization.pcapng", "chrissanders--tcp_handshake.pcapng", "chrissanders--icmp_echo.pcapng"} {
		code, out, stderr := runCLI(t, nil, "packets", "../../testdata/captures/"+name)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join("../../testdata/expected/packets", name+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			c := strings.Split(l, "\t")
			want.WriteString(padLeft(c[0], 5) + " " + padLeft(c[1], 10) + " " + padLeft(c[2], 12) + " → " + padRight(c[3], 12) + " " + c[4] + " " + c[5] + " " + c[6] + "\n")
		}
		if out != want.String() {
			t.Errorf("%s:\n got\n%s\n want\n%s", name, out, want.String())
		}
	}
}

func padLeft(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat(" ", n-len(s)) + s
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

func TestPacketsFlags(t *testing.T) {
	code, out, _ := runCLI(t, nil, "packets", "--skip", "2", "--count", "2", "--fields", "frame.number,ip.src,udp.srcport", sample)
	if code != 0 || out != "3\t4.2.2.1\t53\n4\t4.2.2.1\t53\n" {
		t.Fatalf("exit %d: %q", code, out)
	}
	// Every registry field, in tshark's text (hex dns.id, occurrences
	// joined by commas), with -Y and the fields read by one extraction.
	code, out, _ = runCLI(t, nil, "packets", "-Y", "dns.qry.name contains \"espn\"", "--count", "1", "--fields", "dns.id,dns.qry.name,dns.flags.response,ip.addr,dns.time,tcp.analysis.flags", sample)
	if code != 0 || out != "0xb10b\twww.espn.com\t1\t4.2.2.1,172.16.16.154\t\t\n" {
		t.Fatalf("fields: exit %d: %q", code, out)
	}
	code, out, _ = runCLI(t, nil, "packets", "--json", "-Y", "frame.number == 2", sample)
	var rows []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0]["protocol"] != "DNS" || rows[0]["no"].(float64) != 2 {
		t.Fatalf("json: exit %d: %s", code, out)
	}
	code, _, stderr := runCLI(t, nil, "packets", "-Y", "frame.number ==", sample)
	if code != 2 || !strings.Contains(stderr, "Unexpected end of filter expression") || !strings.Contains(stderr, "^") {
		t.Fatalf("bad filter: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "packets", "--fields", "tcp.nosuch", sample)
	if code != 2 || !strings.Contains(stderr, "tcp.nosuch") {
		t.Fatalf("bad field: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "packets", "--detail", "999", sample)
	if code != 1 || !strings.Contains(stderr, "frame 999 is not in the capture") {
		t.Fatalf("missing frame: exit %d: %s", code, stderr)
	}
	code, out, _ = runCLI(t, nil, "packets", "--detail", "2", sample)
	if code != 0 || !strings.Contains(out, "ip.src = 4.2.2.1 [26-30]") || !strings.Contains(out, "0000  78 31 c1 cb") {
		t.Fatalf("detail: exit %d: %s", code, out)
	}
	dst := filepath.Join(t.TempDir(), "out.pcapng")
	code, _, stderr = runCLI(t, nil, "packets", "-Y", "frame.number <= 3", "-w", dst, sample)
	if code != 0 || !strings.Contains(stderr, "3 frames written") {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	code, out, _ = runCLI(t, nil, "packets", dst)
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Fatalf("export read back: exit %d: %s", code, out)
	}
}

func TestFollowCLI(t *testing.T) {
	want, err := os.ReadFile("../../testdata/expected/follow/chrissanders--tcp_retransmissions.pcapng.tcp.0.ascii")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, nil, "follow", "tcp", "0", "--ascii", "../../testdata/captures/chrissanders--tcp_retransmissions.pcapng")
	if code != 0 || out != string(want) {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	code, _, stderr = runCLI(t, nil, "follow", "tcp", "42", sample)
	if code != 1 || !strings.Contains(stderr, "no tcp stream 42") {
		t.Fatalf("missing stream: exit %d: %s", code, stderr)
	}
}
