// Package engine runs analyzers ("taps") over a capture in one streaming pass.
//
// The engine reads each record once, decodes it once into a frame.Frame and
// hands that frame to every enabled tap in turn. After the last packet each
// tap builds its reports. A panic in a tap is recovered: that tap is disabled,
// its report says why, and the other taps finish.
//
// A tap that implements Rebuilder can build its reports again after the
// pass under other options (a server filter, a threshold) from the state it
// kept: RunResult keeps those taps, and Result.Rebuild answers without the
// capture being read again.
package engine

import (
	"pcaplens/analysis/capture"
	"pcaplens/analysis/finding"
	"pcaplens/analysis/frame"
	"pcaplens/analysis/tcpstream"
)

// Options are shared by every tool; names follow the seed tools' parameters.
type Options struct {
	// Tools selects the tools (report keys) to run; empty means every tool.
	Tools []string `json:"tools,omitempty"`
	// ServerIP and ServerPort restrict TCP tools to one server (seed's server_ip, server_port).
	ServerIP   string `json:"server_ip,omitempty"`
	ServerPort int    `json:"server_port,omitempty"`
	// Threshold is the retransmission-rate threshold (seed default 0.02).
	Threshold float64 `json:"threshold,omitempty"`
	// Detailed lists every connection rather than the most interesting ones.
	Detailed bool `json:"detailed,omitempty"`
	// MaxPackets limits per-packet lists in reports (0: no limit). Statistics stay whole.
	MaxPackets int `json:"max_packets,omitempty"`
	// FileName is the name reported for the capture (no path is needed).
	FileName string `json:"file_name,omitempty"`
	// Progress, when set, is called from the engine goroutine about every
	// ProgressEvery bytes (default 1 MiB) and once at the end.
	Progress      func(Progress) `json:"-"`
	ProgressEvery int64          `json:"-"`
	// FindingsEvery spaces out the work of Progress.FindingsSoFar, which
	// asks every analyzer (on a 1 M-frame capture, every 256 KiB, it was 4 %
	// of the pass under WebAssembly): they are worked out again once the
	// bytes read have doubled since the last time, and at least every
	// FindingsEvery bytes; the calls between carry the last ones. 0 works
	// them out at every call; the last call always has them afresh.
	FindingsEvery int64 `json:"-"`
	// Digests, when set, supplies the input's SHA-256 and SHA-1 (lower-case
	// hex) instead of the engine hashing the input itself. It is called once,
	// after the input has ended. The browser uses it: its digests are
	// computed in a second worker beside the analysis, where pure-Go hashing
	// under WebAssembly would be on the analysis' own thread. A digest that is
	// not hex of the right length is dropped, with a warning.
	Digests func() (sha256, sha1 string) `json:"-"`
}

// Progress is how far the engine has read.
type Progress struct {
	Bytes   int64 `json:"bytes"`
	Packets int   `json:"packets"`
	// TCPStreams and UDPStreams count the TCP and UDP streams numbered so
	// far (tcp.stream and udp.stream), a running figure for progress.
	TCPStreams int `json:"tcp_streams"`
	UDPStreams int `json:"udp_streams"`
	// FindingsSoFar are the findings known so far, from the taps that can
	// tell them during the pass (Early), ranked (finding.Rank), at most
	// MaxEarly. Their counts and summaries cover the packets read so far
	// (Packets), not the whole capture: the report's findings replace them.
	// Never nil.
	FindingsSoFar []finding.Finding `json:"findings_so_far"`
	Done          bool              `json:"done"`
}

// MaxEarly is how many findings Progress.FindingsSoFar holds at most.
const MaxEarly = 5

// Early is a Tap that can tell during the pass the findings it knows so far:
// the findings its report would give for the packets read up to now, with
// the same kind, severity, tool and summary wording where they can be
// known without the work of Finish (counts kept as the packets go; a figure
// only Finish can give is left out of the summary). It is called from the
// engine goroutine between packets, at progress time only (about every
// Options.ProgressEvery bytes), never after Finish; it must be cheap: its
// cost grows with the number of kinds of findings, not with the packets or
// connections; it must only read the tap's state (a panic in it stops the
// tap's findings so far, with a warning, not its report). c is what the engine knows so
// far: Packets, Anomalies, AnomalyFrames, NotDecoded and Warnings up to now
// (the file-level warnings are known in the last call only, once the input
// has ended).
type Early interface {
	Early(c *Capture) []finding.Finding
}

// Tap is an analyzer. Packet is called once per frame, in order; it must be
// cheap and must not keep the frame or any slice of it. Finish is called once
// after the last frame and returns one report per tool the tap produces,
// keyed by tool name.
type Tap interface {
	Packet(f *frame.Frame)
	Finish(c *Capture) map[string]any
}

// TCPReader is a Tap that reads the bytes of TCP connections
// (analysis/tcpstream). The taps of a run share one tcpstream.Reassembler,
// which the engine feeds each frame once: before the first frame the
// engine calls ShareTCP once, and the tap registers its Handler with add,
// which returns the tap's Consumer (its caps and counts), or nil when the
// Reassembler serves no more consumers (the tap then reads with a
// Reassembler of its own). A tap that registered must not feed frames to a
// Reassembler itself: the engine feeds each frame to the shared one before
// it calls the taps' Packet, so the Handler's calls for a frame come before
// Packet(f) (during them, Consumer.Frame is f). A panic in the Handler
// stops the tap as one in Packet does.
type TCPReader interface {
	ShareTCP(add func(h tcpstream.Handler) *tcpstream.Consumer)
}

// Factory registers an analyzer with the engine.
type Factory struct {
	// Name is the analyzer's stable name (its package name).
	Name string
	// Tools are the report keys the analyzer produces.
	Tools []string
	// New makes a fresh tap for one run.
	New func(o *Options) Tap
	// Hashes asks the engine to hash the input (Capture.SHA256, SHA1); the
	// engine skips hashing when no enabled analyzer asks for it.
	Hashes bool
	// Reports gives, for each tool in Tools, a zero value of the Go type of
	// its report (a struct, not a pointer). The engine does not use it: it
	// tells the TypeScript generator (build/tsgen) what each tool's report
	// looks like, so the page's types come from these Go types. Besides its
	// report, any tool may report an ErrorReport.
	Reports map[string]any
	// Descriptions gives, for each tool in Tools, a few plain sentences
	// saying what its report holds and when to read it (the MCP server's
	// tool descriptions). A tool without one gets a generic description.
	Descriptions map[string]string
}

// Capture is what the engine knows about the capture when taps finish.
type Capture struct {
	// File is what the reader learnt about the file.
	File *capture.FileInfo
	// FileName is Options.FileName.
	FileName string
	// FileSize is the number of bytes read from the input (compressed size for gzip).
	FileSize int64
	// SHA256 and SHA1 are hex digests of the input bytes (empty unless an
	// enabled analyzer's Factory.Hashes is set).
	SHA256, SHA1 string
	// Packets is the number of packet records read.
	Packets int
	// NotDecoded counts frames whose link type pcaplens does not decode, by link type name.
	NotDecoded map[string]int
	// Anomalies counts frames by frame.Frame.Anomaly.
	Anomalies map[string]int
	// AnomalyFrames lists, per anomaly, the first frame numbers that had it
	// (at most finding.MaxFrames, ascending).
	AnomalyFrames map[string][]int
	// Reassembly counts what IP fragment reassembly did: datagrams
	// reassembled, dropped at a cap, never completed.
	Reassembly frame.ReassemblyStats
	// Streams counts the TCP and UDP streams numbered (frame.Frame's
	// TCPStream and UDPStream, assigned before the taps see each frame).
	Streams frame.StreamStats
	// Warnings are problems with the file (cut short, damaged record,
	// fragments dropped or never reassembled): every report should include
	// them in its own "warnings".
	Warnings []string
	// Options are the run's options.
	Options *Options
}

// ErrorReport is the value a tool reports instead of its report when it
// cannot run (seed-compatible: {"error": ..., "file": ...}).
type ErrorReport struct {
	Error string `json:"error"`
	File  string `json:"file"`
}
