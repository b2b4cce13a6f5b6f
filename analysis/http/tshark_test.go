package http

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"pcaplens/analysis/engine"
	"pcaplens/analysis/internal/testrun"
)

const root = "../.."

// expected is what testdata/tshark/http.sh writes for one capture.
type expected struct {
	Capture     string         `json:"capture"`
	SHA256      string         `json:"sha256"`
	Methods     map[string]int `json:"methods"`
	StatusCodes map[string]int `json:"status_codes"`
	Hosts       map[string]int `json:"hosts"`
	Messages    []struct {
		Frame       int      `json:"frame"`
		Stream      int      `json:"stream"`
		Method      []string `json:"method"`
		URI         []string `json:"uri"`
		Host        []string `json:"host"`
		Code        []string `json:"code"`
		UserAgent   []string `json:"user_agent"`
		ContentType []string `json:"content_type"`
		Server      []string `json:"server"`
		Time        []string `json:"time"`
	} `json:"messages"`
}

func run(tb testing.TB, path string) *Report {
	tb.Helper()
	return testrun.Report[*Report](tb, path, &engine.Options{}, "http")
}

// capturePath resolves an expectation's capture path from this package.
func capturePath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

// perFrame collects, per frame, each field's values as our report gives them.
type perFrame map[int]map[string][]string

func (p perFrame) add(frame int, field, v string) {
	if p[frame] == nil {
		p[frame] = map[string][]string{}
	}
	p[frame][field] = append(p[frame][field], v)
}

func ours(r *Report) (perFrame, map[int]int) {
	p := perFrame{}
	streams := map[int]int{}
	for _, x := range r.Transactions.All() {
		if x.RequestFrame != 0 && !x.Interim {
			f := x.RequestFrame
			streams[f] = x.TCPStream
			p.add(f, "method", x.Method)
			p.add(f, "uri", x.URI)
			if x.Host != "" {
				p.add(f, "host", x.Host)
			}
			if x.UserAgent != "" {
				p.add(f, "user_agent", x.UserAgent)
			}
			if x.RequestContentType != "" {
				p.add(f, "content_type", x.RequestContentType)
			}
		}
		if x.ResponseFrame != 0 {
			f := x.ResponseFrame
			streams[f] = x.TCPStream
			p.add(f, "code", strconv.Itoa(x.Status))
			if x.ContentType != "" {
				p.add(f, "content_type", x.ContentType)
			}
			if x.ServerHeader != "" {
				p.add(f, "server", x.ServerHeader)
			}
			if x.ResponseTime != nil {
				p.add(f, "time", strconv.FormatFloat(*x.ResponseTime, 'f', 6, 64))
			}
		}
	}
	return p, streams
}

func theirs(e *expected) perFrame {
	p := perFrame{}
	for _, m := range e.Messages {
		for _, fv := range []struct {
			name string
			vals []string
		}{{"method", m.Method}, {"uri", m.URI}, {"host", m.Host}, {"code", m.Code}, {"user_agent", m.UserAgent},
			{"content_type", m.ContentType}, {"server", m.Server}, {"time", m.Time}} {
			for _, v := range fv.vals {
				if fv.name == "time" {
					f, _ := strconv.ParseFloat(v, 64)
					v = strconv.FormatFloat(f, 'f', 6, 64)
				}
				if fv.name == "user_agent" && v == "" {
					continue
				}
				p.add(m.Frame, fv.name, v)
			}
		}
	}
	return p
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// known lists the differences from tshark that are understood, by capture
// and frame: the http.time of those frames differs, for the reason given.
// Each must still differ, so that the list stays true.
var known = map[string]map[int]string{
	"pcaplens-http-8080.pcapng": {
		274: "pipelined requests (frames 268 and 270): tshark 4.0 pairs a response with the connection's latest request, pcaplens in order (RFC 9112 section 9.3)",
		278: "the same pipelined requests: tshark gives the second response no http.time",
		282: "the same pipelined requests: tshark gives the third response no http.time",
	},
}

// TestTshark compares every message with tshark 4.0's on every capture
// testdata/tshark/http.sh recorded, frame by frame and field by field.
func TestTshark(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(root, "testdata/expected/http/*.json"))
	if len(files) == 0 {
		t.Fatal("no expectations")
	}
	checked := 0
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var e expected
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		path := capturePath(e.Capture)
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Skip("capture not here:", path)
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != e.SHA256 {
				t.Skip("capture changed since http.sh ran:", path)
			}
			checked++
			r := run(t, path)
			if !sameCounts(r.Statistics.Methods, e.Methods) {
				t.Errorf("methods %v, tshark %v", r.Statistics.Methods, e.Methods)
			}
			if !sameCounts(r.Statistics.StatusCodes, e.StatusCodes) {
				t.Errorf("status codes %v, tshark %v", r.Statistics.StatusCodes, e.StatusCodes)
			}
			if !sameCounts(r.Statistics.Hosts, e.Hosts) {
				t.Errorf("hosts %v, tshark %v", r.Statistics.Hosts, e.Hosts)
			}
			if r.HTTPFrames != len(e.Messages) {
				t.Errorf("%d frames with HTTP messages, tshark %d", r.HTTPFrames, len(e.Messages))
			}
			got, streams := ours(r)
			want := theirs(&e)
			for _, m := range e.Messages {
				if s, ok := streams[m.Frame]; ok && s != m.Stream {
					t.Errorf("frame %d: tcp.stream %d, tshark %d", m.Frame, s, m.Stream)
				}
			}
			kn := known[filepath.Base(path)]
			for f := range kn {
				if closeTimes(got[f]["time"], want[f]["time"]) {
					t.Errorf("frame %d: listed as differing from tshark's http.time, but agrees", f)
				}
				delete(got[f], "time")
				delete(want[f], "time")
			}
			if d := diff(got, want); d != "" {
				t.Errorf("messages differ from tshark's (ours, then tshark's):\n%s", d)
			}
		})
	}
	t.Logf("%d captures compared with tshark", checked)
}

// diff lists the frames whose fields differ, at most 20.
func diff(got, want perFrame) string {
	frames := map[int]bool{}
	for f := range got {
		frames[f] = true
	}
	for f := range want {
		frames[f] = true
	}
	var keys []int
	for f := range frames {
		keys = append(keys, f)
	}
	sort.Ints(keys)
	var out []string
	for _, f := range keys {
		g, w := got[f], want[f]
		for _, field := range []string{"method", "uri", "host", "code", "user_agent", "content_type", "server", "time"} {
			a, b := append([]string(nil), g[field]...), append([]string(nil), w[field]...)
			sort.Strings(a)
			sort.Strings(b)
			if strings.Join(a, "\x00") != strings.Join(b, "\x00") {
				if field == "time" && closeTimes(a, b) {
					continue
				}
				out = append(out, fmt.Sprintf("frame %d %s: %q / %q", f, field, a, b))
			}
		}
		if len(out) >= 20 {
			break
		}
	}
	return strings.Join(out, "\n")
}

func closeTimes(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, _ := strconv.ParseFloat(a[i], 64)
		y, _ := strconv.ParseFloat(b[i], 64)
		if math.Abs(x-y) > 2e-6 {
			return false
		}
	}
	return true
}

// TestNoHTTP: on every capture of testdata/captures where tshark finds no
// HTTP message, pcaplens finds none either.
func TestNoHTTP(t *testing.T) {
	caps, _ := filepath.Glob(filepath.Join(root, "testdata/captures/*"))
	for _, c := range caps {
		if _, err := os.Stat(filepath.Join(root, "testdata/expected/http", filepath.Base(c)+".json")); err == nil {
			continue
		}
		t.Run(filepath.Base(c), func(t *testing.T) {
			r := runAny(t, c)
			if r == nil {
				return
			}
			if r.Requests+r.Responses != 0 {
				t.Errorf("%d requests and %d responses where tshark finds no HTTP", r.Requests, r.Responses)
			}
		})
	}
}

// runAny runs the tool, or returns nil when the file is not a capture.
func runAny(t *testing.T, path string) *Report {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := engine.Run(t.Context(), f, &engine.Options{Tools: []string{"http"}})
	if err != nil {
		return nil
	}
	r, _ := out["http"].(*Report)
	return r
}
