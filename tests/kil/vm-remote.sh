# SPDX-License-Identifier: GPL-2.0-or-later
# Run INSIDE the kil guest (kil.run=/mnt/host/vm-remote.sh): set up the rig,
# start the real iiod, tell the host "KIL-HOST-GO" once iiod listens on TCP
# 30431 (forwarded to 127.0.0.1:PORT on the host), then wait for the host's
# "STOP <rc>" line on the console. Exit 0 only if the host checks passed
# (rc 0) and iiod was still running when they ended.
. /mnt/host/vm-setup.sh
iiod >/tmp/iiod.log 2>&1 &
iiod_pid=$!
# iiod's readiness is its listening socket (port 30431 = 0x76DF, state 0A).
n=0
until grep -q ':76DF 0\{8,32\}:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
	n=$((n + 1))
	[ $n -le 1200 ] && kill -0 $iiod_pid 2>/dev/null || {
		cat /tmp/iiod.log
		kil_fail "iiod is not listening"
	}
	usleep 50000
done
echo "KIL-HOST-GO iiod pid $iiod_pid"
read -t 600 -r word host_rc || kil_fail "no STOP from the host"
rc=0
if [ "$word" != STOP ] || [ "$host_rc" != 0 ]; then
	echo "KIL: host checks failed ($word $host_rc)"
	rc=1
fi
kill -0 $iiod_pid 2>/dev/null || { echo "KIL: iiod died"; cat /tmp/iiod.log; rc=1; }
# iiod's SIGTERM path waits about a minute for its Avahi thread (no Avahi
# daemon in the guest); its state does not matter any more, so SIGKILL.
kill -KILL $iiod_pid
wait $iiod_pid 2>/dev/null
kil_teardown || rc=1
exit $rc
