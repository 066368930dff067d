// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the emulated rig's iiod command parser
 * (src/sim/proto.c): the input is split into lines as the server does, each
 * line is parsed, and the result is checked for internal consistency (every
 * token points inside the line, numbers only where the grammar has them).
 * Built with -fsanitize=fuzzer when the compiler is clang; replay.c runs the
 * same function over the corpus with any compiler (suite 'fuzz').
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_in(const char *p, const char *line, size_t len)
{
	if (p && !(p >= line && p <= line + len) && strcmp(p, "") != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[SIM_PROTO_MAX_LINE + 1];
	size_t start = 0, i;

	for (i = 0; i <= size; i++) {
		struct sim_cmd c;
		size_t n;

		if (i < size && data[i] != '\n')
			continue;
		n = i - start;
		if (n <= SIM_PROTO_MAX_LINE) {
			memcpy(line, data + start, n);
			line[n] = '\0';
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
			if (sim_proto_parse(line, &c) == 0) {
				size_t len = sizeof(line);

				if (c.op >= SIM_OP_COUNT || c.kind >= SIM_ATTR_KIND_COUNT)
					abort();
				check_in(c.dev, line, len);
				check_in(c.chan, line, len);
				check_in(c.attr, line, len);
				check_in(c.mask, line, len);
				check_in(c.trigger, line, len);
				if ((c.op == SIM_OP_READ || c.op == SIM_OP_WRITE) && !c.attr)
					abort();
			}
		}
		start = i + 1;
	}
	return 0;
}
