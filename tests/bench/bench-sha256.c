// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark: SHA-256 throughput of bench_sha256_update() in 64 KiB blocks,
 * next to the sha256sum tool on the same 256 MiB in the same run. Prints the
 * figures; asserts nothing about time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/sha256.h"

int main(void)
{
	enum {
		BLOCK = 65536,
		TOTAL_MIB = 256
	};
	struct bench_sha256 *ctx;
	uint8_t *block, digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	int64_t t0, t1;
	FILE *p;
	int i;

	block = malloc(BLOCK);
	if (!block || bench_sha256_new(&ctx) < 0)
		return 2;
	memset(block, 0xa5, BLOCK);

	t0 = bench_clock_now_ns();
	for (i = 0; i < TOTAL_MIB * 1024 * 1024 / BLOCK; i++)
		bench_sha256_update(ctx, block, BLOCK);
	bench_sha256_final(ctx, digest);
	t1 = bench_clock_now_ns();
	bench_sha256_hex(digest, hex);
	printf("bench_sha256: %d MiB in %.3f s = %.0f MiB/s (%.16s...)\n", TOTAL_MIB,
	       (double)(t1 - t0) * 1e-9, TOTAL_MIB / ((double)(t1 - t0) * 1e-9), hex);

	/* Reference: coreutils sha256sum on the same bytes, same run. */
	t0 = bench_clock_now_ns();
	p = popen("head -c 268435456 /dev/zero | tr '\\000' '\\245' | sha256sum", "r");
	if (p) {
		char line[128] = "";

		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		pclose(p);
		t1 = bench_clock_now_ns();
		printf("sha256sum:    %d MiB in %.3f s = %.0f MiB/s (%.16s...)\n", TOTAL_MIB,
		       (double)(t1 - t0) * 1e-9, TOTAL_MIB / ((double)(t1 - t0) * 1e-9), line);
	}
	bench_sha256_free(ctx);
	free(block);
	return 0;
}
