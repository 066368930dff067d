#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/protocols.md must be what src/protocol renders from the XML library.
# Usage: test-protocol-docs.sh PROTOCOL_DOCS SRCROOT
GEN=${1:?} SRC=${2:?}
out=$(mktemp)
"$GEN" "$SRC/protocols" >"$out" || { rm -f "$out"; echo "FAIL: protocol-docs failed"; exit 1; }
if diff -u "$SRC/docs/protocols.md" "$out"; then
	rm -f "$out"
	echo "docs/protocols.md agrees with the XML"
	exit 0
fi
rm -f "$out"
echo "FAIL: docs/protocols.md differs from the XML; run: ninja -C build protocol-docs-update"
exit 1
