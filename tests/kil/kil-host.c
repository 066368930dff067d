// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel-in-the-loop program run on the HOST while the guest's real iiod
 * serves the kernel's iio_dummy: the libiio network backend (the same path
 * the bench uses for the emulated rig) against the real daemon, reached
 * through qemu's hostfwd on 127.0.0.1. Usage: kil-host URI (ip:127.0.0.1:PORT).
 */
#include <errno.h>
#include <iio.h>
#include <stdio.h>
#include <string.h>

#include "kil-check.h"
#include "kil-iio.h"

int main(int argc, char **argv)
{
	struct iio_context *ctx;
	char uri[256];

	if (argc != 2 || strncmp(argv[1], "ip:", 3) != 0) {
		fprintf(stderr, "usage: kil-host ip:HOST:PORT\n");
		return 64;
	}
	/* libiio 0.24 cuts the port off the string it is given: pass a copy. */
	snprintf(uri, sizeof(uri), "%s", argv[1]);
	ctx = iio_create_context_from_uri(uri);
	if (KIL_CHECK(ctx, "connect to the guest's iiod at %s (errno %d)", argv[1],
		      ctx ? 0 : errno)) {
		KIL_CHECK(strcmp(iio_context_get_name(ctx), "network") == 0,
			  "context backend is network: %s", iio_context_get_name(ctx));
		kil_iio_checks(ctx, 256);
		iio_context_destroy(ctx);
	}
	return kil_summary("kil-host");
}
