// Package capinfos reports what Wireshark's capinfos says about a capture.
package capinfos
