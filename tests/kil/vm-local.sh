# SPDX-License-Identifier: GPL-2.0-or-later
# Run INSIDE the kil guest (kil.run=/mnt/host/vm-local.sh): set up the rig,
# run the in-guest checks from the share, tear down. Exit 0 only if all pass.
. /mnt/host/vm-setup.sh
export LD_LIBRARY_PATH=/mnt/host/lib
BCIBENCH_SCHEMA_DIR=/mnt/host/schemas /mnt/host/kil-vm /mnt/host/kil-rig.fixture.xml
rc=$?
kil_teardown || rc=1
exit $rc
