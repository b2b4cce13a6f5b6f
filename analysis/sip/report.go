package sip

import (
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Report is the "sip" tool's report: the seed's analyze_sip_packets keys, then
// calls, registrations, RTP streams and observations.
type Report struct {
	File               string `json:"file"`
	TotalPacketsInFile int    `json:"total_packets_in_file"`
	// SIPPacketsFound counts frames that carried at least one SIP message.
	SIPPacketsFound int `json:"sip_packets_found"`
	// SIPPacketsAnalyzed is the number of rows in Packets.
	SIPPacketsAnalyzed int `json:"sip_packets_analyzed"`
	// SIPMessages counts SIP messages (a TCP segment can carry several).
	SIPMessages   int               `json:"sip_messages"`
	Statistics    Statistics        `json:"statistics"`
	Calls         []*Call           `json:"calls"`
	Registrations []Registration    `json:"registrations"`
	RTPStreams    []RTPStream       `json:"rtp_streams"`
	Findings      []finding.Finding `json:"findings"`
	Malformed     []Malformed       `json:"malformed"`
	// MalformedTotal counts every malformed message (Malformed lists the first 1,000).
	MalformedTotal int      `json:"malformed_total"`
	Packets        []Packet `json:"packets"`
	// Caps are the tables that reached their cap (their figures are then partial).
	Caps     []report.Cap `json:"caps"`
	Message  string       `json:"message,omitempty"`
	Warnings []string     `json:"warnings"`
}

// FindingList returns the report's findings (finding.Lister).
func (r *Report) FindingList() []finding.Finding { return r.Findings }

// Statistics counts messages as Wireshark's SIP statistics do.
type Statistics struct {
	Requests  int `json:"requests"`
	Responses int `json:"responses"`
	// Methods counts requests by method (tshark's sip.Method).
	Methods map[string]int `json:"methods"`
	// StatusCodes counts responses by code ("200"; tshark's sip.Status-Code).
	StatusCodes map[string]int `json:"status_codes"`
	// ResponseClasses counts responses by class ("2xx").
	ResponseClasses map[string]int `json:"response_classes"`
	UserAgents      map[string]int `json:"user_agents"`
	Servers         map[string]int `json:"servers"`
	// Transports counts messages by transport ("UDP", "TCP").
	Transports map[string]int `json:"transports"`
	// CallIDs is the number of distinct Call-ID values.
	CallIDs int `json:"call_ids"`
	// Calls counts INVITE dialogs, CallStates them by state.
	Calls         int            `json:"calls"`
	CallStates    map[string]int `json:"call_states"`
	Registrations int            `json:"registrations"`
	RTPStreams    int            `json:"rtp_streams"`
	RTPPackets    int            `json:"rtp_packets"`
}

// Call is one INVITE dialog, keyed by Call-ID.
type Call struct {
	CallID string `json:"call_id"`
	// From and To are the header values of the initial INVITE; Caller and
	// Callee their URIs.
	From          string `json:"from"`
	To            string `json:"to"`
	Caller        string `json:"caller"`
	Callee        string `json:"callee"`
	CallerAddress string `json:"caller_address"`
	CalleeAddress string `json:"callee_address"`
	Transport     string `json:"transport"`
	UserAgent     string `json:"user_agent,omitempty"`
	// State is answered, rejected, cancelled, unanswered (no answer beyond
	// 100 Trying) or in_progress (ringing, no final response).
	State string `json:"state"`
	// StatusCode and Reason are the INVITE's final response (0 when none).
	StatusCode int     `json:"status_code"`
	Reason     string  `json:"reason,omitempty"`
	StartTime  float64 `json:"start_time"`
	StartUTC   string  `json:"start_time_utc"`
	FirstFrame int     `json:"first_frame"`
	// PostDialDelayMs is INVITE → first 18x; AnswerTimeMs INVITE → first 2xx
	// (from the INVITE that succeeded, after any 401/407 challenge);
	// DurationMs first 2xx → BYE (null when not seen).
	PostDialDelayMs *float64 `json:"post_dial_delay_ms"`
	AnswerTimeMs    *float64 `json:"answer_time_ms"`
	DurationMs      *float64 `json:"duration_ms"`
	// AuthChallenges counts INVITEs answered 401/407 and sent again; the
	// delays are measured from the last INVITE.
	AuthChallenges int `json:"auth_challenges"`
	// HungUpBy is caller or callee (who sent the BYE), "" when no BYE.
	HungUpBy      string         `json:"hung_up_by"`
	MediaOffered  []MediaSummary `json:"media_offered"`
	MediaAnswered []MediaSummary `json:"media_answered"`
	// RTPStreams indexes Report.RTPStreams; RTPPackets sums their packets,
	// WorstLostPercent and WorstMeanJitterMs are the worst of them.
	RTPStreams        []int   `json:"rtp_streams"`
	RTPPackets        int     `json:"rtp_packets"`
	WorstLostPercent  float64 `json:"worst_lost_percent"`
	WorstMeanJitterMs float64 `json:"worst_mean_jitter_ms"`
	// Flow is the call's messages in order (the first 200).
	Flow          []FlowEntry `json:"flow"`
	FlowTruncated bool        `json:"flow_truncated"`
}

// MediaSummary is one SDP media line.
type MediaSummary struct {
	Type      string   `json:"type"`
	Address   string   `json:"address"`
	Port      int      `json:"port"`
	Direction string   `json:"direction"`
	Codecs    []string `json:"codecs"`
}

// FlowEntry is one message of a call flow (one arrow of a ladder diagram).
type FlowEntry struct {
	Frame    int     `json:"frame"`
	Time     float64 `json:"time"`
	OffsetMs float64 `json:"offset_ms"`
	Src      string  `json:"src"`
	Dst      string  `json:"dst"`
	// Label is "INVITE", "180 Ringing", with " (SDP)" when a body is SDP.
	Label string `json:"label"`
	CSeq  string `json:"cseq"`
}

// Registration sums up the REGISTERs of one address of record.
type Registration struct {
	AOR        string `json:"aor"`
	Contact    string `json:"contact,omitempty"`
	Source     string `json:"source"`
	Registrar  string `json:"registrar"`
	UserAgent  string `json:"user_agent,omitempty"`
	Attempts   int    `json:"attempts"`
	Challenges int    `json:"challenges"`
	// Outcome is registered, failed, challenged (401/407 not answered) or no_response.
	Outcome    string  `json:"outcome"`
	StatusCode int     `json:"status_code"`
	Failures   int     `json:"failures"`
	Expires    *int    `json:"expires"`
	FirstFrame int     `json:"first_frame"`
	FirstTime  float64 `json:"first_time"`
	LastTime   float64 `json:"last_time"`
}

// RTPStream is one RTP stream (source, destination, SSRC) on an SDP-announced
// port, with Wireshark's RTP stream analysis figures.
type RTPStream struct {
	Src         string  `json:"src"`
	SrcPort     int     `json:"src_port"`
	Dst         string  `json:"dst"`
	DstPort     int     `json:"dst_port"`
	SSRC        string  `json:"ssrc"`
	PayloadType int     `json:"payload_type"`
	Payload     string  `json:"payload"`
	ClockRate   int     `json:"clock_rate"`
	Packets     int     `json:"packets"`
	Expected    int     `json:"expected"`
	Lost        int     `json:"lost"`
	LostPercent float64 `json:"lost_percent"`
	// SequenceErrors is Wireshark's "Seq errs"; OutOfOrder counts packets
	// older than the highest sequence number seen.
	SequenceErrors int     `json:"sequence_errors"`
	OutOfOrder     int     `json:"out_of_order"`
	MaxDeltaMs     float64 `json:"max_delta_ms"`
	MeanDeltaMs    float64 `json:"mean_delta_ms"`
	MaxJitterMs    float64 `json:"max_jitter_ms"`
	MeanJitterMs   float64 `json:"mean_jitter_ms"`
	FirstFrame     int     `json:"first_frame"`
	LastFrame      int     `json:"last_frame"`
	StartTime      float64 `json:"start_time"`
	DurationS      float64 `json:"duration_s"`
	CallID         string  `json:"call_id"`
}

// Malformed is a message that could not be parsed.
type Malformed struct {
	Frame  int    `json:"frame"`
	Src    string `json:"src"`
	Dst    string `json:"dst"`
	Reason string `json:"reason"`
}

// Packet is one SIP message in the per-packet list (seed keys).
type Packet struct {
	PacketNumber    int      `json:"packet_number"`
	Timestamp       float64  `json:"timestamp"`
	TimestampUTC    string   `json:"timestamp_utc"`
	SourceIP        string   `json:"source_ip"`
	DestinationIP   string   `json:"destination_ip"`
	SourcePort      int      `json:"source_port"`
	DestinationPort int      `json:"destination_port"`
	Transport       string   `json:"transport"`
	MessageType     string   `json:"message_type"`
	StartLine       string   `json:"start_line"`
	Method          string   `json:"method,omitempty"`
	RequestURI      string   `json:"request_uri,omitempty"`
	SIPVersion      string   `json:"sip_version"`
	StatusCode      int      `json:"status_code,omitempty"`
	ReasonPhrase    string   `json:"reason_phrase,omitempty"`
	CallID          string   `json:"call_id"`
	CSeq            string   `json:"cseq"`
	From            string   `json:"from"`
	To              string   `json:"to"`
	Contact         string   `json:"contact,omitempty"`
	UserAgent       string   `json:"user_agent,omitempty"`
	Server          string   `json:"server,omitempty"`
	Via             []string `json:"via"`
	ContentType     string   `json:"content_type,omitempty"`
	ContentLength   int      `json:"content_length"`
	BodyLength      int      `json:"body_length"`
	KnownSIPPort    bool     `json:"known_sip_port"`
	Headers         []Header `json:"headers"`
	SDP             *SDP     `json:"sdp,omitempty"`
}
