package http

import "bytes"

// fileKind names what a body holds, recognised by its first bytes (not by
// the name or the declared content type), or "" when it is none of the
// executables and scripts pcaplens looks for.
func fileKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("MZ")):
		return "Windows executable (MZ)"
	case bytes.HasPrefix(b, []byte("\x7fELF")):
		return "ELF executable"
	case bytes.HasPrefix(b, []byte{0xfe, 0xed, 0xfa, 0xce}), bytes.HasPrefix(b, []byte{0xce, 0xfa, 0xed, 0xfe}),
		bytes.HasPrefix(b, []byte{0xfe, 0xed, 0xfa, 0xcf}), bytes.HasPrefix(b, []byte{0xcf, 0xfa, 0xed, 0xfe}):
		return "Mach-O executable"
	case bytes.HasPrefix(b, []byte{0xca, 0xfe, 0xba, 0xbe}):
		// Also a Java class file; both run code.
		return "Mach-O universal binary or Java class"
	case bytes.HasPrefix(b, []byte("#!")):
		return "script (#!)"
	case bytes.HasPrefix(b, []byte("dex\n")):
		return "Android DEX"
	case bytes.HasPrefix(b, []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}):
		return "OLE2 document (MSI, Office with macros)"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "ZIP archive (JAR, APK, Office)"
	case len(b) >= 4 && (b[0] == 'F' || b[0] == 'C' || b[0] == 'Z') && b[1] == 'W' && b[2] == 'S' && b[3] < 0x40:
		// FWS, CWS (zlib), ZWS (LZMA) and a version byte.
		return "Flash file (SWF, runs ActionScript)"
	case hasFoldPrefix(b, "<?php"):
		return "PHP script"
	case hasFoldPrefix(b, "@echo off"):
		return "batch script"
	}
	return ""
}

// hasFoldPrefix reports whether b starts with the lower-case ASCII s, ignoring case.
func hasFoldPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && eqFold(b[:len(s)], s)
}
