package icmp

import (
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Report is the "icmp" tool's report. The seed's analyze_icmp_packets keys stay
// (total_packets, icmp_packets_found, icmp_packets_analyzed, statistics with
// icmp_type_counts …, packets); they cover ICMP and ICMPv6 together, as the
// seed's per-packet ip_version does. The figures compared with tshark are
// per family: ICMPv4 in statistics (type_code_counts, echo_requests,
// echo_replies, unanswered_requests, rtt) and ICMPv6 in icmpv6.statistics.
type Report struct {
	File                string `json:"file"`
	TotalPackets        int    `json:"total_packets"`
	ICMPPacketsFound    int    `json:"icmp_packets_found"`
	ICMPPacketsAnalyzed int    `json:"icmp_packets_analyzed"`
	// Message says "No ICMP packets found" when there are none.
	Message    string     `json:"message,omitempty"`
	Statistics Statistics `json:"statistics"`
	ICMPv6     V6Section  `json:"icmpv6"`
	// Echo has the per-destination ping summaries and the unanswered requests.
	Echo EchoSection `json:"echo"`
	// Errors lists every ICMP error message with its quoted datagram decoded.
	Errors []ErrorMessage `json:"errors"`
	// Unreachables aggregates destination-unreachable messages by what was unreachable.
	Unreachables []Unreachable `json:"unreachables"`
	// PathMTU lists fragmentation-needed and packet-too-big messages.
	PathMTU []MTUEvent `json:"path_mtu"`
	// Redirects lists redirect messages with the gateway they point to.
	Redirects []Redirect `json:"redirects"`
	// Traceroutes are paths rebuilt from time-exceeded messages.
	Traceroutes []Traceroute      `json:"traceroutes"`
	Findings    []finding.Finding `json:"findings"`
	Packets     []Packet          `json:"packets"`
	// Caps are the tables whose cap was hit.
	Caps     []report.Cap `json:"caps"`
	Warnings []string     `json:"warnings"`
}

// FindingList returns the report's findings (finding.Lister).
func (r *Report) FindingList() []finding.Finding { return r.Findings }

// FamilyStats are the figures of one family (ICMPv4 or ICMPv6) compared with
// tshark: type_code_counts counts the outer ICMP message of each frame ("type/code").
type FamilyStats struct {
	Packets            int            `json:"packets"`
	TypeCodeCounts     map[string]int `json:"type_code_counts"`
	EchoRequests       int            `json:"echo_requests"`
	EchoReplies        int            `json:"echo_replies"`
	UnansweredRequests int            `json:"unanswered_requests"`
	DuplicateReplies   int            `json:"duplicate_replies"`
	UnmatchedReplies   int            `json:"unmatched_replies"`
	// RTT summarises the paired echoes' round-trip times in seconds (null when none).
	RTT *report.Spread `json:"rtt"`
}

// Statistics holds the seed's keys (ICMP and ICMPv6 together) and the ICMPv4 figures.
type Statistics struct {
	ICMPTypeCounts            map[string]int      `json:"icmp_type_counts"`
	UniqueSources             []string            `json:"unique_sources"`
	UniqueSourcesCount        int                 `json:"unique_sources_count"`
	UniqueDestinations        []string            `json:"unique_destinations"`
	UniqueDestinationsCount   int                 `json:"unique_destinations_count"`
	EchoSessions              int                 `json:"echo_sessions"`
	EchoPairs                 map[string]EchoPair `json:"echo_pairs"`
	UnreachableDestinations   []string            `json:"unreachable_destinations"`
	UnreachableDestinationsCt int                 `json:"unreachable_destinations_count"`
	FamilyStats
}

// EchoPair counts requests and replies of one echo identifier.
type EchoPair struct {
	Requests int `json:"requests"`
	Replies  int `json:"replies"`
}

// V6Section is the ICMPv6 part of the report.
type V6Section struct {
	Statistics        FamilyStats       `json:"statistics"`
	NeighborDiscovery NeighborDiscovery `json:"neighbor_discovery"`
	MLD               MLD               `json:"mld"`
}

// NeighborDiscovery summarises RFC 4861 messages and duplicate address detection (RFC 4862).
type NeighborDiscovery struct {
	RouterSolicitations    int              `json:"router_solicitations"`
	RouterAdvertisements   int              `json:"router_advertisements"`
	NeighborSolicitations  int              `json:"neighbor_solicitations"`
	NeighborAdvertisements int              `json:"neighbor_advertisements"`
	Redirects              int              `json:"redirects"`
	DADProbes              int              `json:"dad_probes"`
	DADTargets             []string         `json:"dad_targets"`
	Routers                []RouterAdvert   `json:"routers"`
	Neighbors              []NeighborRecord `json:"neighbors"`
}

// RouterAdvert describes one advertising router (its latest advertisement).
type RouterAdvert struct {
	Router         string   `json:"router"`
	MAC            string   `json:"mac,omitempty"`
	Advertisements int      `json:"advertisements"`
	Lifetime       int      `json:"router_lifetime"`
	CurHopLimit    int      `json:"cur_hop_limit"`
	Managed        bool     `json:"managed"`
	Other          bool     `json:"other_config"`
	Preference     string   `json:"preference"`
	MTU            int      `json:"mtu,omitempty"`
	Prefixes       []Prefix `json:"prefixes"`
	RDNSS          []string `json:"rdnss"`
}

// Prefix is a prefix information option (RFC 4861 section 4.6.2).
type Prefix struct {
	Prefix    string `json:"prefix"`
	OnLink    bool   `json:"on_link"`
	Auto      bool   `json:"autonomous"`
	Valid     uint32 `json:"valid_lifetime"`
	Preferred uint32 `json:"preferred_lifetime"`
}

// NeighborRecord is one target address seen in solicitations or advertisements.
type NeighborRecord struct {
	Target     string   `json:"target"`
	MACs       []string `json:"macs"`
	Solicited  int      `json:"solicitations"`
	Advertised int      `json:"advertisements"`
	IsRouter   bool     `json:"router"`
	DAD        bool     `json:"dad"`
}

// MLD summarises multicast listener discovery (RFC 2710, RFC 3810).
type MLD struct {
	Queries   int      `json:"queries"`
	ReportsV1 int      `json:"reports_v1"`
	ReportsV2 int      `json:"reports_v2"`
	Done      int      `json:"done"`
	Queriers  []string `json:"queriers"`
	Groups    []Group  `json:"groups"`
}

// Group is one multicast group with the listeners that reported it.
type Group struct {
	Group     string   `json:"group"`
	Listeners []string `json:"listeners"`
	Reports   int      `json:"reports"`
	Leaves    int      `json:"leaves"`
}

// EchoSection holds ping-style summaries.
type EchoSection struct {
	Destinations []Destination `json:"destinations"`
	// Unanswered are requests that nothing answered (lost pings).
	Unanswered []EchoRef `json:"unanswered"`
	// AnsweredByError are requests answered by an ICMP error quoting them
	// (time exceeded, unreachable, …) instead of a reply: traceroute probes,
	// unreachable hosts. They are not lost.
	AnsweredByError  []EchoRef `json:"answered_by_error"`
	DuplicateReplies []EchoRef `json:"duplicate_replies"`
}

// Destination is what ping would print for one source and destination.
type Destination struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	IPVersion   int    `json:"ip_version"`
	Transmitted int    `json:"transmitted"`
	Received    int    `json:"received"`
	Duplicates  int    `json:"duplicates"`
	// Errors counts ICMP errors quoting these echo requests (ping's "+N errors").
	Errors int `json:"errors"`
	// AnsweredByError counts requests answered by an ICMP error and no
	// reply; ErrorAnswers counts them by the error ("time exceeded": 8).
	AnsweredByError int            `json:"answered_by_error"`
	ErrorAnswers    map[string]int `json:"error_answers"`
	// LossPercent is the share of requests that nothing answered: neither a
	// reply nor an ICMP error.
	LossPercent float64 `json:"loss_percent"`
	RTTMin      float64 `json:"rtt_min"`
	RTTAvg      float64 `json:"rtt_avg"`
	RTTMax      float64 `json:"rtt_max"`
	RTTMdev     float64 `json:"rtt_mdev"`
	// Jitter is the mean absolute difference of consecutive round-trip times.
	Jitter  float64     `json:"jitter"`
	Samples []RTTSample `json:"samples"`
}

// RTTSample is one answered echo, for charts.
type RTTSample struct {
	Frame     int     `json:"frame"`
	Timestamp float64 `json:"timestamp"`
	Seq       int     `json:"seq"`
	RTT       float64 `json:"rtt"`
}

// EchoRef points at one echo message.
type EchoRef struct {
	Frame       int     `json:"frame"`
	Timestamp   float64 `json:"timestamp"`
	Source      string  `json:"source"`
	Destination string  `json:"destination"`
	ID          int     `json:"id"`
	Seq         int     `json:"seq"`
	// AnsweredBy says which ICMP error answered the request and who sent it
	// ("time exceeded from 192.0.2.1"), with the error's frame.
	AnsweredBy string `json:"answered_by,omitempty"`
	ErrorFrame int    `json:"error_frame,omitempty"`
}

// ErrorMessage is one ICMP error with the datagram it quotes.
type ErrorMessage struct {
	Frame     int     `json:"frame"`
	Time      string  `json:"time"`
	Timestamp float64 `json:"timestamp"`
	IPVersion int     `json:"ip_version"`
	// Reporter is the router or host that sent the error; To where it went.
	Reporter string `json:"reporter"`
	To       string `json:"to"`
	Type     int    `json:"type"`
	Code     int    `json:"code"`
	TypeName string `json:"type_name"`
	CodeName string `json:"code_name"`
	Quoted   Quoted `json:"quoted"`
	// Summary says what happened: "UDP 10.0.0.5:53 port unreachable".
	Summary string `json:"summary"`
	// MTU is the next-hop MTU of fragmentation-needed / packet-too-big.
	MTU     int    `json:"mtu,omitempty"`
	Gateway string `json:"gateway,omitempty"`
	Pointer *int   `json:"pointer,omitempty"`
}

// Unreachable aggregates destination-unreachable messages.
type Unreachable struct {
	Reporter    string `json:"reporter"`
	Unreachable string `json:"unreachable"`
	Reason      string `json:"reason"`
	Code        int    `json:"code"`
	IPVersion   int    `json:"ip_version"`
	Count       int    `json:"count"`
	FirstFrame  int    `json:"first_frame"`
	LastFrame   int    `json:"last_frame"`
}

// MTUEvent is one fragmentation-needed or packet-too-big message.
type MTUEvent struct {
	Frame       int    `json:"frame"`
	Reporter    string `json:"reporter"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
	MTU         int    `json:"mtu"`
	IPVersion   int    `json:"ip_version"`
}

// Redirect is one redirect message.
type Redirect struct {
	Frame       int    `json:"frame"`
	Router      string `json:"router"`
	Host        string `json:"host"`
	Destination string `json:"destination"`
	Gateway     string `json:"gateway"`
	Code        string `json:"code"`
}

// Traceroute is a path from one source to one destination.
type Traceroute struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Protocol    string `json:"protocol"`
	Hops        []Hop  `json:"hops"`
	// Reached is true when the destination itself answered; ReachedTTL the probe TTL then.
	Reached    bool `json:"reached"`
	ReachedTTL int  `json:"reached_ttl,omitempty"`
}

// Hop is one TTL of a traceroute with the routers that answered.
type Hop struct {
	TTL     int        `json:"ttl"`
	Routers []HopRoute `json:"routers"`
}

// HopRoute is one answering router at a hop.
type HopRoute struct {
	Address string  `json:"address"`
	Replies int     `json:"replies"`
	RTTMin  float64 `json:"rtt_min"`
	RTTAvg  float64 `json:"rtt_avg"`
	RTTMax  float64 `json:"rtt_max"`
	// Matched counts replies whose probe was seen (the others have no RTT).
	Matched int `json:"probes_matched"`
}

// Packet is one ICMP message, with the seed's keys.
type Packet struct {
	PacketNumber int     `json:"packet_number"`
	Timestamp    float64 `json:"timestamp"`
	Time         string  `json:"time"`
	SrcIP        string  `json:"src_ip"`
	DstIP        string  `json:"dst_ip"`
	IPVersion    int     `json:"ip_version"`
	TTL          *int    `json:"ttl,omitempty"`
	HopLimit     *int    `json:"hop_limit,omitempty"`
	PacketSize   int     `json:"packet_size"`
	ICMPType     int     `json:"icmp_type"`
	ICMPCode     int     `json:"icmp_code"`
	TypeName     string  `json:"icmp_type_name"`
	CodeName     string  `json:"icmp_code_name"`
	ID           *int    `json:"icmp_id"`
	Seq          *int    `json:"icmp_seq"`
	Checksum     string  `json:"checksum"`
	// ResponseIn / ResponseTo / ResponseTime pair echoes as tshark does (seconds).
	ResponseIn   int      `json:"response_in,omitempty"`
	ResponseTo   int      `json:"response_to,omitempty"`
	ResponseTime *float64 `json:"response_time,omitempty"`
	// Summary describes an error message's quoted datagram.
	Summary string `json:"summary,omitempty"`
}
