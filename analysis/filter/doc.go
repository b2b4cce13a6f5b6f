// Package filter compiles and evaluates Wireshark display filters: the part
// of the language people use daily, with Wireshark 4.0's semantics
// (wireshark-filter(4) and the User's Guide, "Building Display Filter
// Expressions"), checked against tshark 4.0 by testdata/record.sh.
//
// A filter is compiled once (Compile) and matched against frames through a
// Source, which gives the occurrences of a field in the current frame.
// Filter.Fields tells which fields and protocols a filter reads, so that the
// engine runs only the analyses they need (the TCP tracker for
// tcp.analysis.*). The names and types are those of the registry (Lookup,
// Registry), one table shared with the packet detail and field extraction.
//
// The language:
//   - comparisons == != ~= === > >= < <= and their word forms eq ne any_ne
//     all_eq gt ge lt le (also any_eq, all_ne, !==), contains, matches,
//     in {a, b, lo..hi} and not in {…}; and/&&, or/||, not/!, parentheses;
//     "and" binds tighter than "or", as in 4.0;
//   - a bare field or protocol tests its presence;
//   - slices of byte strings, strings, MAC and IP addresses and the frame:
//     field[i:j] (j bytes from offset i), [i-j] (i to j), [i], [:j], [i:],
//     negative offsets from the end (layer.go's syntax, offsets from 0),
//     several ranges joined ([0:2,4]); a slice is a byte string, compared
//     with byte strings or quoted strings; each occurrence has one, the
//     bytes of its ranges up to the first that does not fit (so possibly
//     none: ip.src[4:] == ""), and a slice alone tests for bytes;
//   - the functions len(), count(), upper() and lower() (function.go);
//   - the layer operator: field#n reads the field in the n-th header of its
//     protocol only (ip.src#2, the inner source address of a tunnel; #1
//     the outermost), field#[ranges] in several, with the range syntax of
//     slices (#[2:], #[1-2], #[-1] for the last, #[1,3]) and Wireshark
//     4.0's reading of it (layer.go); on either side of a comparison, in
//     a set test or a presence test;
//   - chained comparisons: "a == b == c" is "a == b and b == c"; the left
//     side of each must be a field;
//   - a field compared with a field of a compatible type (ip.src == ip.dst,
//     tcp.srcport > tcp.dstport);
//   - literals: integers in decimal, 0x hex, 0 octal and 0b binary; value
//     strings of integer fields, case-insensitively (ip.proto == UDP,
//     dhcp.option.dhcp == Discover), as tshark -G values lists them
//     (testdata/valuestrings.sh generates the table); booleans as numbers
//     (any non-zero is true), True/TRUE/False/FALSE or the field's own words
//     (tcp.flags.syn == Set); times as seconds with up to nine decimals;
//     IPv4 and IPv6 addresses with /prefix; MAC addresses as aa:bb:cc:dd:ee:ff,
//     aa-bb-…, aabb.ccdd.eeff or aabbccddeeff; byte strings aa:bb:cc;
//     quoted strings with C escapes (\n, \xHH, \NNN, …) and raw strings r"…".
//
// Semantics choices, as tshark 4.0 behaves:
//   - a field that occurs several times (ip.addr, tcp.port, the inner and
//     outer header of a tunnel) matches ==, >, <, contains, matches and in
//     when any occurrence does;
//   - != is "no occurrence equals" (since 3.6 "a != b" is "!(a == b)");
//     ~= (any_ne) is "some occurrence differs" and === (all_eq) "every
//     occurrence equals"; a comparison with an absent field is false
//     (so ipv6.addr != ::1 is false on an IPv4 frame), "not in" is the
//     negation of "in";
//   - an address compared with a CIDR literal compares both masked to the
//     prefix (ip.addr == 10.0.0.0/8, ip.addr > 10.0.0.0/8);
//   - matches is case-insensitive unless the pattern says (?-i); contains,
//     == and the orderings on strings are case-sensitive byte comparisons;
//   - a negative number compared with an unsigned field is accepted and no
//     occurrence ever equals or orders against it (so != is true);
//   - regular expressions are Go's (RE2, linear time), not PCRE2:
//     backreferences and lookaround are refused with a message.
//
// Refused, each with a message in tshark's words and the byte offset of the
// fault (*Error): unknown names ("tcp.foo is neither a field nor a protocol
// name."), syntax errors ("\"443\" was unexpected in this context."), type
// errors ("ip.src (type=IPv4 address) cannot participate in contains
// comparison.") and bad literals; nothing is silently false. Not supported
// yet, and refused with a message saying so: slices of protocols other
// than frame, the functions
// string(), max(), min() and abs(), arithmetic (+ - * / %), bitwise and
// (&), field references (${ip.src}) and raw fields (@ip.src).
//
// Hostile filters are bounded: MaxLength bytes of text, MaxDepth nested
// parentheses and nots, MaxSetMembers members per set, and regular
// expressions of at most MaxRegexLength bytes and MaxRegexInsts compiled
// instructions. Match allocates nothing in steady state; a Filter holds
// scratch buffers, so each goroutine uses its own (Clone).
package filter
