package dhcp

import (
	"pcaplens/analysis/finding"
	"pcaplens/analysis/report"
)

// Report is the "dhcp" tool's report. Keys of the seed's analyze_dhcp_packets
// stay (total_packets, dhcp_packets_found, dhcp_packets_analyzed, statistics,
// packets); the rest is pcaplens's.
type Report struct {
	File                string `json:"file"`
	TotalPackets        int    `json:"total_packets"`
	DHCPPacketsFound    int    `json:"dhcp_packets_found"`
	DHCPPacketsAnalyzed int    `json:"dhcp_packets_analyzed"`
	// Message says "No DHCP packets found" when there are none (v4 nor v6).
	Message      string        `json:"message,omitempty"`
	Statistics   Statistics    `json:"statistics"`
	Transactions []Transaction `json:"transactions"`
	Clients      []Client      `json:"clients"`
	Servers      []Server      `json:"servers"`
	// Findings are what deserves a look, DHCPv4 and DHCPv6 (kinds "dhcp.…"
	// and "dhcpv6.…", docs/reports.md lists them).
	Findings []finding.Finding `json:"findings"`
	DHCPv6   V6Report          `json:"dhcpv6"`
	Packets  []Packet          `json:"packets"`
	// Caps lists each cap that was hit (the table it limits is then
	// incomplete); each is also a warning.
	Caps     []report.Cap `json:"caps"`
	Warnings []string     `json:"warnings"`
}

// FindingList returns the report's findings (finding.Lister).
func (r *Report) FindingList() []finding.Finding { return r.Findings }

// Statistics are whole-capture DHCPv4 figures, comparable with tshark's.
type Statistics struct {
	// UniqueClients counts distinct client hardware addresses (tshark dhcp.hw.mac_addr).
	UniqueClients int `json:"unique_clients"`
	// UniqueServers counts distinct server identifiers (option 54, tshark dhcp.option.dhcp_server_id).
	UniqueServers int `json:"unique_servers"`
	// MessageTypes counts messages by option 53 (tshark dhcp.option.dhcp);
	// messages without it (plain BOOTP) count as TypeBOOTP, so the types add
	// up to the messages decoded.
	MessageTypes map[string]int `json:"message_types"`
	// Transactions counts distinct transaction IDs (tshark dhcp.id).
	Transactions int `json:"transactions"`
	// Relayed counts messages with a relay address (giaddr) or relay agent option 82.
	Relayed int `json:"relayed"`
	// TooShort counts messages shorter than the 236-byte BOOTP header (not decoded).
	TooShort int `json:"too_short"`
	// Malformed counts messages whose options run past their field.
	Malformed int `json:"malformed"`
}

// Packet is one DHCPv4 message, with the seed's keys.
type Packet struct {
	PacketNumber  int            `json:"packet_number"`
	Timestamp     float64        `json:"timestamp"`
	Time          string         `json:"time"`
	SrcIP         string         `json:"src_ip"`
	DstIP         string         `json:"dst_ip"`
	SrcPort       int            `json:"src_port"`
	DstPort       int            `json:"dst_port"`
	Op            int            `json:"op"`
	OpName        string         `json:"op_name"`
	TransactionID string         `json:"transaction_id"`
	ClientIP      string         `json:"client_ip"`
	YourIP        string         `json:"your_ip"`
	ServerIP      string         `json:"server_ip"`
	RelayIP       string         `json:"relay_ip"`
	ClientMAC     string         `json:"client_mac"`
	Hops          int            `json:"hops"`
	Secs          int            `json:"secs"`
	Broadcast     bool           `json:"broadcast"`
	MessageType   *string        `json:"message_type"`
	ServerID      *string        `json:"server_id"`
	LeaseTime     *uint32        `json:"lease_time"`
	RenewalTime   *uint32        `json:"renewal_time"`
	RebindingTime *uint32        `json:"rebinding_time"`
	RequestedIP   *string        `json:"requested_ip"`
	ClientID      *string        `json:"client_id"`
	HostName      *string        `json:"host_name"`
	Options       map[string]any `json:"options"`
	// Malformed says what was wrong with the message, if anything.
	Malformed string `json:"malformed,omitempty"`
}

// TxMessage is one message of a transaction.
type TxMessage struct {
	Frame     int     `json:"frame"`
	Time      string  `json:"time"`
	Timestamp float64 `json:"timestamp"`
	Type      string  `json:"type"`
	SrcIP     string  `json:"src_ip"`
	DstIP     string  `json:"dst_ip"`
	// Server is the server identifier (option 54) of a server message, or its source address.
	Server string `json:"server,omitempty"`
	// YourIP is yiaddr on OFFER and ACK.
	YourIP string `json:"your_ip,omitempty"`
}

// Transaction groups the messages of one exchange (same xid and client).
type Transaction struct {
	TransactionID string `json:"transaction_id"`
	ClientMAC     string `json:"client_mac"`
	// Outcome: leased, renewed, informed, refused, declined, released, offered
	// (offer never taken up), no answer, bootp reply, "leasequery: active" (unknown,
	// unassigned, done) or forcerenew: the last message decides.
	Outcome   string      `json:"outcome"`
	Messages  []TxMessage `json:"messages"`
	StartTime string      `json:"start_time"`
	EndTime   string      `json:"end_time"`
	// OfferedBy lists the servers that sent an OFFER.
	OfferedBy []string `json:"offered_by"`
	// Server is the server that sent the final ACK or NAK.
	Server         string  `json:"server,omitempty"`
	AddressGranted string  `json:"address_granted,omitempty"`
	LeaseTime      *uint32 `json:"lease_time"`
	// DiscoverToAck is the time from the first DISCOVER to the ACK, in
	// seconds; null without both.
	DiscoverToAck *float64 `json:"discover_to_ack"`
	Relayed       bool     `json:"relayed"`
}

// Client summarises one client hardware address.
type Client struct {
	MAC               string         `json:"mac"`
	HostNames         []string       `json:"host_names"`
	VendorClasses     []string       `json:"vendor_classes"`
	ClientIDs         []string       `json:"client_ids"`
	AddressesObtained []string       `json:"addresses_obtained"`
	RequestedAddrs    []string       `json:"requested_addresses"`
	LeaseTimes        []uint32       `json:"lease_times"`
	Transactions      int            `json:"transactions"`
	Messages          map[string]int `json:"messages"`
	FirstSeen         string         `json:"first_seen"`
	LastSeen          string         `json:"last_seen"`
}

// Server summarises one DHCP server (by server identifier, else source address).
type Server struct {
	ServerID      string   `json:"server_id"`
	IPs           []string `json:"ips"`
	MACs          []string `json:"macs"`
	Offers        int      `json:"offers"`
	ACKs          int      `json:"acks"`
	NAKs          int      `json:"naks"`
	Other         int      `json:"other"`
	Addresses     []string `json:"addresses_handed_out"`
	SubnetMasks   []string `json:"subnet_masks"`
	Routers       []string `json:"routers"`
	DNSServers    []string `json:"dns_servers"`
	DomainNames   []string `json:"domain_names"`
	LeaseTimes    []uint32 `json:"lease_times"`
	Clients       int      `json:"clients"`
	FirstSeen     string   `json:"first_seen"`
	ViaRelayCount int      `json:"via_relay"`
}

// V6Report summarises DHCPv6 (UDP 546/547).
type V6Report struct {
	PacketsFound int `json:"packets_found"`
	// MessageTypes counts message types, relay wrappers and inner messages alike
	// (as tshark's dhcpv6.msgtype).
	MessageTypes map[string]int `json:"message_types"`
	// Transactions counts distinct transaction IDs (tshark dhcpv6.xid).
	Transactions     int             `json:"transactions"`
	UniqueClients    int             `json:"unique_clients"`
	UniqueServers    int             `json:"unique_servers"`
	Relayed          int             `json:"relayed"`
	Malformed        int             `json:"malformed"`
	TransactionsList []V6Transaction `json:"transactions_list"`
	Clients          []V6Client      `json:"clients"`
	Servers          []V6Server      `json:"servers"`
}

// V6Transaction is one DHCPv6 exchange (same xid and client DUID).
type V6Transaction struct {
	TransactionID string      `json:"transaction_id"`
	ClientDUID    string      `json:"client_duid"`
	Outcome       string      `json:"outcome"`
	Messages      []TxMessage `json:"messages"`
	Addresses     []V6Lease   `json:"addresses"`
	Prefixes      []V6Lease   `json:"prefixes"`
	Server        string      `json:"server,omitempty"`
	Status        string      `json:"status,omitempty"`
	// SolicitToReply is the time from SOLICIT to the final REPLY, in seconds.
	SolicitToReply *float64 `json:"solicit_to_reply"`
}

// V6Client is one client DUID.
type V6Client struct {
	DUID      string         `json:"duid"`
	MAC       string         `json:"mac,omitempty"`
	IPs       []string       `json:"ips"`
	Addresses []string       `json:"addresses"`
	Prefixes  []string       `json:"prefixes"`
	Messages  map[string]int `json:"messages"`
}

// V6Server is one server DUID.
type V6Server struct {
	DUID       string   `json:"duid"`
	IPs        []string `json:"ips"`
	Advertises int      `json:"advertises"`
	Replies    int      `json:"replies"`
	Addresses  []string `json:"addresses_assigned"`
	Prefixes   []string `json:"prefixes_delegated"`
	DNSServers []string `json:"dns_servers"`
	Domains    []string `json:"domains"`
}
