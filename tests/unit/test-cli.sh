#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLI contract: exit codes, --version, --help for every subcommand.
# Prints a 'N passed, N failed' line; exits non-zero on any failure.
BIN=${1:?usage: test-cli.sh BCIBENCH}
pass=0
fail=0

check() {	# check NAME EXPECTED_RC CMD...
	name=$1 want=$2
	shift 2
	"$@" >/tmp/bcibench-cli.$$ 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name: exit $rc, wanted $want"
		sed 's/^/    /' /tmp/bcibench-cli.$$
	fi
}

check "no arguments is a usage error" 64 "$BIN"
check "unknown command" 64 "$BIN" nonsense
check "unknown option" 64 "$BIN" --frobnicate
check "--help" 0 "$BIN" --help
check "--version" 0 "$BIN" --version

"$BIN" --version >/tmp/bcibench-cli.$$ 2>&1
for lib in libiio libgpiod SQLite libxml2 libcurl xmlsec1 OpenSSL FFTW cairo pango EDFlib; do
	if grep -q "^  $lib " /tmp/bcibench-cli.$$; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: --version does not list $lib"
	fi
done

"$BIN" nonsense 2>&1 | grep -q '^usage: bcibench' && pass=$((pass + 1)) || {
	fail=$((fail + 1))
	echo "FAIL: unknown command prints no usage line"
}

for cmd in $("$BIN" --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	check "$cmd --help" 0 "$BIN" "$cmd" --help
done

rm -f /tmp/bcibench-cli.$$
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
