package frame

// Anomaly names a decoding problem of a frame, as Zeek names its "weirds":
// a header cut short by the capture (truncated_*) or one that cannot be
// right (bad_*). The names are stable: reports count frames by them.
type Anomaly string

// The anomalies the decoder records.
const (
	AnomalyNone                   Anomaly = ""
	AnomalyBadIPVersion           Anomaly = "bad_ip_version"
	AnomalyBadIPv4Header          Anomaly = "bad_ipv4_header"
	AnomalyBadIPv6Header          Anomaly = "bad_ipv6_header"
	AnomalyBadPKTAPLength         Anomaly = "bad_pktap_length"
	AnomalyBadRadiotapLength      Anomaly = "bad_radiotap_length"
	AnomalyBadTCPHeader           Anomaly = "bad_tcp_header"
	AnomalyBadUDPHeader           Anomaly = "bad_udp_header"
	AnomalyTruncated80211         Anomaly = "truncated_80211"
	AnomalyTruncatedARCNET        Anomaly = "truncated_arcnet"
	AnomalyTruncatedCHDLC         Anomaly = "truncated_chdlc"
	AnomalyTruncatedEthernet      Anomaly = "truncated_ethernet"
	AnomalyTruncatedICMP          Anomaly = "truncated_icmp"
	AnomalyTruncatedICMPv6        Anomaly = "truncated_icmpv6"
	AnomalyTruncatedIP            Anomaly = "truncated_ip"
	AnomalyTruncatedIPNET         Anomaly = "truncated_ipnet"
	AnomalyTruncatedIPoIB         Anomaly = "truncated_ipoib"
	AnomalyTruncatedIPv6Extension Anomaly = "truncated_ipv6_extension"
	AnomalyTruncatedLLC           Anomaly = "truncated_llc"
	AnomalyTruncatedLoopback      Anomaly = "truncated_loopback"
	AnomalyTruncatedMPLS          Anomaly = "truncated_mpls"
	AnomalyTruncatedNFLOG         Anomaly = "truncated_nflog"
	AnomalyTruncatedPKTAP         Anomaly = "truncated_pktap"
	AnomalyTruncatedPPP           Anomaly = "truncated_ppp"
	AnomalyTruncatedPPPoE         Anomaly = "truncated_pppoe"
	AnomalyTruncatedRadiotap      Anomaly = "truncated_radiotap"
	AnomalyTruncatedSLL           Anomaly = "truncated_sll"
	AnomalyTruncatedSLL2          Anomaly = "truncated_sll2"
	AnomalyTruncatedTCP           Anomaly = "truncated_tcp"
	AnomalyTruncatedUDP           Anomaly = "truncated_udp"
	AnomalyTruncatedVLAN          Anomaly = "truncated_vlan"
	AnomalyUnknownIPVersion       Anomaly = "unknown_ip_version"
)
