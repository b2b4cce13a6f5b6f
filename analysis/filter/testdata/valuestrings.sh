#!/bin/sh
# Writes ../valuestrings_gen.go: the value strings (names of numeric values,
# e.g. ip.proto's "UDP") and boolean strings (tcp.flags.syn's "Set"/"Not set")
# that tshark 4.0 accepts as literals for the registry's fields, taken from
# `tshark -G values`. Run after adding a field to the registry.
set -eu
cd "$(dirname "$0")"
tshark -G values 2>/dev/null | go run ./gen > ../valuestrings_gen.go.new
mv ../valuestrings_gen.go.new ../valuestrings_gen.go
