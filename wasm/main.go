//go:build js && wasm

// Command wasm is pcaplens compiled to WebAssembly: it installs
// globalThis.pcaplens and waits for calls from JavaScript.
//
// Build: GOOS=js GOARCH=wasm go build -o web/dist/pcaplens.wasm ./wasm
// (make wasm), and load it with Go's wasm_exec.js.
//
// The JavaScript API (every call goes through github.com/hack-pad/safejs):
//
//	pcaplens.ready                     true once installed; then globalThis.pcaplensReady(pcaplens)
//	                                   is called if it is a function, and a "pcaplensReady" event is
//	                                   dispatched on globalThis if it is an EventTarget
//	pcaplens.version, pcaplens.tools   build version; the tool names the engine knows
//	pcaplens.digestTools               the tools that report the file's SHA256 and SHA1
//	pcaplens.factories                 [{name, tools, cost}]: the analyzers, the tools each gives
//	                                   from one pass, and what each costs (wasm/plan.go)
//	pcaplens.plan(options, workers)    → string[][]: options.tools (every tool when none) split into
//	                                   groups for at most that many workers over the same file,
//	                                   cheapest first, by the analyzers' measured costs
//	pcaplens.warmupCapture(conversations?) → Uint8Array: a synthetic pcap of that many conversations
//	                                   (default 200, about 5,000 frames, every analyzer's protocols;
//	                                   analysis/synth), which the page analyses while idle
//	                                   so that the engine's code is optimised before a file comes
//	pcaplens.analyze(bytes, options?)  → Promise<report>: every tool, or options.tools
//	pcaplens.analyzeCapinfos(bytes, options?) → Promise<capinfos report>, and likewise
//	  analyzeDnsPackets (dns), analyzeDhcpPackets (dhcp), analyzeIcmpPackets (icmp),
//	  analyzeTcpConnections (tcp_connections), analyzeTcpAnomalies (tcp_anomalies),
//	  analyzeTcpRetransmissions (tcp_retransmissions), analyzeTrafficFlow (traffic_flow),
//	  analyzeSipPackets (sip): each installed only when the engine has that tool
//	pcaplens.open(options?)            → session, for a file fed in slices:
//	  session.write(chunk)             → Promise, settled when the engine has taken the chunk
//	                                     (writes apply in call order; await them for backpressure)
//	  session.close(digests?)          → Promise<report>
//	  session.closeJSON(digests?)      → Promise<string>: the report as `pcaplens analyze` prints it
//	                                     digests, {sha256, sha1} in lower-case hex, are the input's
//	                                     digests for a session opened with externalDigests: true
//	                                     (the engine then does not hash; missing or malformed
//	                                     digests are left out of the report, with a warning)
//	  session.abort()                  stops the analysis; pending promises reject ("aborted")
//	  session.progress()               → {bytes, packets, written, tcpStreams, udpStreams, findings}:
//	                                     bytes and packets the engine has read, bytes written so far,
//	                                     TCP and UDP streams numbered so far, and the findings known so
//	                                     far (at most 5, ranked: {kind, severity, tool, summary, count},
//	                                     counts and summaries over the packets read so far)
//	  session.closeSummary(digests?)   → Promise<string>: the summary, {report, lists}: every report
//	                                     with each list of rows longer than 100 cut to its first 100
//	                                     rows, lists the cut lists' lengths by path; the reports stay
//	                                     (until dispose) for the report calls; digests not given are
//	                                     left out until setDigests (the report does not wait for them)
//	  session.rows({path, sort, desc, filter, where, overlap, skip, limit, frames, subjects, span})
//	                                   → Promise<{rows, total, matched, skip, indexes, hits?, hit_indexes?}>:
//	                                     a page of a kept report's list (wasm/reports.go)
//	  session.reportJSON()             → Promise<Uint8Array[]>: the report as `pcaplens analyze`
//	                                     prints it, one part per tool
//	  session.reportMembers()          → Promise<{name, member}[]>: each report as a member of that
//	                                     document ("name":value, a Uint8Array), in name order
//	  session.toolFindings()           → Promise<{[tool]: Finding[]}>: each report's own findings
//	  session.mergeFindings(others)    → Promise<Finding[]>: the findings of these reports and of other
//	                                     sessions' toolFindings over the same capture, ranked as one
//	                                     run ranks them; the kept report's findings from then on
//	  session.csv(query, [{key, path}]) → Promise<Uint8Array[]>: a list as CSV, in parts
//	  session.setDigests({sha256, sha1}) puts the file's digests in the kept capinfos report
//	  For a session opened with options.source (a Uint8Array, or {size, readAt(offset, length,
//	  into) → Promise<Uint8Array>}; into is an array of at least length bytes, reused by the
//	  bridge, that readAt may fill and answer a view of), these stay after close, until dispose:
//	  session.packets({filter, skip, limit}) → Promise<{rows, matched, scanned, done}>: a page of
//	                                     the rows the display filter selects (pcaplens packets --json);
//	                                     resolves when its page is found; a newer call supersedes it
//	  session.filterProgress()         → {filter, matched, scanned, done} of the current filter pass
//	  session.frame(n)                 → Promise<Detail>: layers, fields with byte ranges, bytes
//	  session.follow(kind, stream, {limit}) → Promise<Conversation> (chunks' data as Uint8Array)
//	  session.export(filter)           → Promise<Uint8Array>: the selected frames as pcapng
//	  session.dispose()                stops and frees the session
//	pcaplens.checkFilter(expr)         → {ok: true} or {ok: false, message, pos, len}
//
// bytes and chunk are Uint8Array (or ArrayBuffer), copied once into Go memory.
// options: {tools: string[], serverIp, serverPort, threshold (default 0.02, as
// the CLI), detailed, maxPackets, fileName}. The report has the CLI's shape: one
// key per tool. Errors reject with an Error whose code is "bad_input" (not a
// capture), "bad_options", "bad_filter" (with pos and len), "unavailable" (no source),
// "aborted", "closed" or "internal" (a recovered panic:
// the next call still works). Work runs in goroutines behind Promises, never on
// the JavaScript event loop.
package main

import (
	_ "pcaplens/analysis/all" // every analyzer registers with the engine
)

func main() {
	if err := install(); err != nil {
		println("pcaplens: cannot install the JavaScript API:", err.Error())
		return
	}
	select {}
}
