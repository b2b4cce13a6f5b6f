// Package capture reads packet capture files (pcap, pcapng, either of them
// gzip-compressed) from a stream, recognising the format by content.
//
// A Reader consumes an io.Reader once, front to back. Memory does not grow
// with the size of the file: the record buffer is reused between packets and
// every length field is checked against a cap before anything is allocated.
//
// What is read, and where it follows Wireshark's wiretap rather than the
// letter of the specifications:
//   - pcap in both byte orders; microsecond, nanosecond, Kuznetzov-modified
//     (both record layouts, told apart by scoring the first records as
//     wiretap does), AIX and Ixia variants; versions before 2.4 with the
//     length fields the other way round. Records longer than MaxRecordLen
//     are errors; records longer than the snap length are not.
//   - pcapng: any number of sections, each with its own byte order and
//     interfaces (Record.Interface indexes all of them in file order);
//     enhanced, simple and obsolete packet blocks; interface statistics;
//     other blocks are skipped by streaming and counted. Block lengths that
//     are not a multiple of 4 are rounded up, as wiretap does.
//   - gzip around either (decompressed once, multi-member streams whole).
//
// Anything else is an *Error saying what the stream looks like.
package capture

// Format names, as used in FileInfo.Format.
const (
	FormatPcap   = "pcap"
	FormatPcapNG = "pcapng"
)

// Interface describes one capture interface: the single implicit one of a
// pcap file, or an Interface Description Block of a pcapng file.
type Interface struct {
	// Section is the index of the pcapng section the interface belongs to (0 for pcap).
	Section int `json:"section"`
	// LinkType is the LINKTYPE_ value (for example 1 for Ethernet).
	LinkType uint16 `json:"link_type"`
	// SnapLen is the snapshot length; 0 means no limit.
	SnapLen uint32 `json:"snap_len"`
	// TsResolution is the number of timestamp units per second (1e6 for microseconds).
	TsResolution uint64 `json:"ts_resolution"`
	// TsOffset is the if_tsoffset option in seconds, added to every timestamp.
	TsOffset    int64    `json:"ts_offset,omitempty"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Filter      string   `json:"filter,omitempty"`
	OS          string   `json:"os,omitempty"`
	Hardware    string   `json:"hardware,omitempty"`
	Comments    []string `json:"comments,omitempty"`
	// FCSLen is the length in bytes of the frame check sequence at the end of
	// each packet, when the file says (pcap link-type FCS bits, pcapng
	// if_fcslen); 0 when unknown or absent.
	FCSLen int `json:"fcs_len,omitempty"`
	// Packets is the number of packet records read on this interface so far.
	Packets int `json:"packets"`
	// Dropped and Received come from the last Interface Statistics Block, when present.
	Dropped  *uint64 `json:"dropped,omitempty"`
	Received *uint64 `json:"received,omitempty"`
	// Statistics is the number of Interface Statistics Blocks read for this interface.
	Statistics int `json:"statistics,omitempty"`
}

// Section describes one pcapng Section Header Block (pcap files have one implicit section).
type Section struct {
	ByteOrder   string   `json:"byte_order"`
	Version     string   `json:"version"`
	Hardware    string   `json:"hardware,omitempty"`
	OS          string   `json:"os,omitempty"`
	Application string   `json:"application,omitempty"`
	Comments    []string `json:"comments,omitempty"`
}

// FileInfo is what the reader learnt about the file itself. It grows as the
// file is read (pcapng may declare interfaces and sections at any point).
type FileInfo struct {
	// Format is FormatPcap or FormatPcapNG.
	Format string `json:"format"`
	// Variant is "" for the common pcap, "nanosecond" for the nanosecond-magic pcap,
	// "modified" for the Kuznetzov modified pcap (Wireshark's pcap-ss991029),
	// "modified-ss990915" for its other flavour, "aix" for AIX's pcap, "ixia-hw" and
	// "ixia-sw" for Ixia's lcap variants.
	Variant string `json:"variant,omitempty"`
	// Compression is "" or "gzip".
	Compression string      `json:"compression,omitempty"`
	Sections    []Section   `json:"sections"`
	Interfaces  []Interface `json:"interfaces"`
	// Skipped counts pcapng blocks of unknown or ignored types, by block type name
	// ("NRB", "DSB", "CB", "unknown 0x00000bad", …).
	Skipped map[string]int `json:"skipped_blocks,omitempty"`
	// Capped names the caps the file hit ("interfaces", "comments", …): what
	// went over them was not kept.
	Capped []string `json:"capped,omitempty"`
}

// Record is one packet record. The Reader reuses it and its Data buffer:
// nothing in it may be kept after the next call to Next.
type Record struct {
	// Data is the captured bytes (len(Data) is the captured length).
	Data []byte
	// OrigLen is the length of the packet on the wire.
	OrigLen int
	// TimeNs is the timestamp in nanoseconds since the Unix epoch, UTC.
	TimeNs int64
	// Interface indexes FileInfo.Interfaces.
	Interface int
	// LinkType is the link type of the record's interface.
	LinkType uint16
	// Comments are the packet's pcapng comments (opt_comment); usually empty.
	Comments []string
	// Offset is the byte offset of the record in the (decompressed) stream.
	Offset int64
	// NoTime is true when the record carries no timestamp (a pcapng Simple
	// Packet Block); TimeNs is then 0. Wireshark leaves such records out of
	// first/last packet times.
	NoTime bool
}

// Error is a problem with the file itself. Truncated says that the file ends
// in the middle of a header or a record (it was cut short); every record
// returned before the error is good.
type Error struct {
	// Offset is the byte offset in the (decompressed) stream where the problem is.
	Offset int64
	// Packet is the 1-based number of the packet being read, 0 when before the first.
	Packet int
	// Truncated is true when the file ends early.
	Truncated bool
	// Msg says what is wrong, lowercase, without the offset.
	Msg string
	// Err is the underlying error, if any (io.ErrUnexpectedEOF when Truncated).
	Err error
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Packet > 0 {
		return "capture: packet " + itoa(int64(e.Packet)) + " at byte " + itoa(e.Offset) + ": " + e.Msg
	}
	return "capture: at byte " + itoa(e.Offset) + ": " + e.Msg
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b [24]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// PseudoHeaderLen is the length of the pseudo-header that Wireshark's
// wiretap reads off the front of each record of these link types (pcap and
// pcapng) and does not count in the packet's lengths (capinfos' data size,
// frame.len, frame.cap_len). Measured with capinfos 4.0.17 on one record of
// each. Next strips it, so that every length pcaplens shows is Wireshark's.
func PseudoHeaderLen(lt uint16) int {
	switch lt {
	case 123: // LINKTYPE_SUNATM: SunATM pseudo-header (WTAP_ENCAP_ATM_PDUS)
		return 4
	case 139: // LINKTYPE_MTP2_WITH_PHDR
		return 4
	case 144: // LINKTYPE_IRDA: Linux cooked header
		return 16
	case 177: // LINKTYPE_LINUX_LAPD: Linux cooked header
		return 16
	case 196: // LINKTYPE_SITA
		return 5
	case 201: // LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR: direction
		return 4
	case 204: // LINKTYPE_PPP_WITH_DIR: direction
		return 1
	case 209: // LINKTYPE_I2C_LINUX
		return 5
	case 245: // LINKTYPE_NFC_LLCP
		return 2
	case 254: // LINKTYPE_BLUETOOTH_LINUX_MONITOR
		return 4
	}
	return 0
}
