// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel-in-the-loop program run on the HOST while the guest's real iiod
 * serves the kernel's iio_dummy, reached through qemu's hostfwd on
 * 127.0.0.1: the bench opens fixtures/kil/kil-rig.fixture.xml with the URI
 * overridden to the network (the same path as against the emulated rig) and
 * captures through its stream engine; then the raw libiio checks.
 * Usage: kil-host FIXTURE ip:127.0.0.1:PORT
 *        kil-host FIXTURE   (only load and check the fixture: no guest needed)
 */
#include <errno.h>
#include <iio.h>
#include <stdio.h>
#include <string.h>

#include "fixture/fixture.h"
#include "hw/rig.h"
#include "kil-bench.h"
#include "kil-check.h"
#include "kil-iio.h"

static void check_bench(const char *fixture_path, const char *uri)
{
	struct bench_fixture_error err = { .text = "" };
	struct bench_fixture *fx = kil_load_fixture(fixture_path);
	struct bench_rig *rig = NULL;
	int r;

	if (!fx)
		return;
	r = bench_rig_open(fx, uri, BENCH_RIG_NO_LINES, &rig, &err);
	if (KIL_CHECK(r == 0, "bench_rig_open(%s) without lines: %d %s", uri, r, err.text)) {
		KIL_CHECK(strcmp(bench_rig_uri(rig), uri) == 0, "rig uses %s", bench_rig_uri(rig));
		kil_capture_checks(rig, 256);
		bench_rig_close(rig);
	}
	bench_fixture_free(fx);
}

static void check_raw(const char *uri)
{
	struct iio_context *ctx;
	char copy[256];

	/* libiio 0.24 cuts the port off the string it is given: pass a copy. */
	snprintf(copy, sizeof(copy), "%s", uri);
	ctx = iio_create_context_from_uri(copy);
	if (!KIL_CHECK(ctx, "connect to the guest's iiod at %s (errno %d)", uri, ctx ? 0 : errno))
		return;
	KIL_CHECK(strcmp(iio_context_get_name(ctx), "network") == 0,
		  "context backend is network: %s", iio_context_get_name(ctx));
	kil_iio_checks(ctx, 256);
	iio_context_destroy(ctx);
}

int main(int argc, char **argv)
{
	if (argc == 2) {
		bench_fixture_free(kil_load_fixture(argv[1]));
		return kil_summary("kil-host");
	}
	if (argc != 3 || strncmp(argv[2], "ip:", 3) != 0) {
		fprintf(stderr, "usage: kil-host FIXTURE [ip:HOST:PORT]\n");
		return 64;
	}
	check_bench(argv[1], argv[2]);
	check_raw(argv[2]);
	return kil_summary("kil-host");
}
