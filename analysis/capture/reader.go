package capture

// TEMPORARY pcapgo-based reader, to be replaced by our own (helper-1).

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"

	"github.com/gopacket/gopacket/pcapgo"
)

// MaxRecordLen caps the captured length of one record (larger is a file error).
const MaxRecordLen = 256 << 10

// Reader reads packet records from a capture stream. Open detects the format.
type Reader struct {
	info FileInfo
	pr   *pcapgo.Reader
	ng   *pcapgo.NgReader
	n    int
}

// Open reads the start of r, recognises gzip, pcap or pcapng by content.
func Open(r io.Reader) (*Reader, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	rd := &Reader{}
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, &Error{Msg: "bad gzip: " + err.Error()}
		}
		br = bufio.NewReader(gz)
		rd.info.Compression = "gzip"
		head, _ = br.Peek(4)
	}
	if bytes.Equal(head, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, &Error{Msg: err.Error()}
		}
		rd.ng = ng
		rd.info.Format = FormatPcapNG
		rd.info.Sections = []Section{{}}
		for i := 0; i < ng.NInterfaces(); i++ {
			ifc, _ := ng.Interface(i)
			rd.info.Interfaces = append(rd.info.Interfaces, Interface{LinkType: uint16(ifc.LinkType), SnapLen: ifc.SnapLength, Name: ifc.Name})
		}
		return rd, nil
	}
	pr, err := pcapgo.NewReader(br)
	if err != nil {
		return nil, &Error{Msg: "not a capture file: " + err.Error()}
	}
	rd.pr = pr
	rd.info.Format = FormatPcap
	rd.info.Sections = []Section{{}}
	rd.info.Interfaces = []Interface{{LinkType: uint16(pr.LinkType()), SnapLen: pr.Snaplen()}}
	return rd, nil
}

// Info returns what is known about the file so far.
func (r *Reader) Info() *FileInfo { return &r.info }

// Next reads the next packet record into rec.
func (r *Reader) Next(rec *Record) error {
	var err error
	if r.pr != nil {
		data, ci, e := r.pr.ZeroCopyReadPacketData()
		err = e
		if e == nil {
			rec.Data = data
			rec.OrigLen = ci.Length
			rec.TimeNs = ci.Timestamp.UnixNano()
			rec.Interface = 0
			rec.LinkType = uint16(r.pr.LinkType())
		}
	} else {
		data, ci, e := r.ng.ZeroCopyReadPacketData()
		err = e
		if e == nil {
			rec.Data = data
			rec.OrigLen = ci.Length
			rec.TimeNs = ci.Timestamp.UnixNano()
			rec.Interface = ci.InterfaceIndex
			for len(r.info.Interfaces) < r.ng.NInterfaces() {
				ifc, _ := r.ng.Interface(len(r.info.Interfaces))
				r.info.Interfaces = append(r.info.Interfaces, Interface{LinkType: uint16(ifc.LinkType), SnapLen: ifc.SnapLength, Name: ifc.Name})
			}
			if ci.InterfaceIndex < len(r.info.Interfaces) {
				rec.LinkType = r.info.Interfaces[ci.InterfaceIndex].LinkType
			}
		}
	}
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return &Error{Packet: r.n + 1, Truncated: true, Msg: err.Error()}
		}
		return &Error{Packet: r.n + 1, Msg: err.Error()}
	}
	r.n++
	return nil
}
