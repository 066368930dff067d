/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/sim (and the fuzz target): the iiod command-line parser.
 * One line of the libiio 0.24 text protocol (iiod-protocol.md §6), without its
 * line end, is split in place into a struct sim_cmd. Keywords are accepted in
 * all-upper or all-lower case, like the real iiod. No I/O, no allocation.
 */
#ifndef BENCH_SIM_PROTO_H
#define BENCH_SIM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest accepted command line (bytes, without the line end). */
#define SIM_PROTO_MAX_LINE 4096

enum sim_op {
	SIM_OP_EMPTY, /* empty line: no answer */
	SIM_OP_PRINT,
	SIM_OP_VERSION,
	SIM_OP_TIMEOUT,
	SIM_OP_READ,
	SIM_OP_WRITE,
	SIM_OP_GETTRIG,
	SIM_OP_SETTRIG,
	SIM_OP_BUFFERS_COUNT,
	SIM_OP_OPEN,
	SIM_OP_READBUF,
	SIM_OP_WRITEBUF,
	SIM_OP_CLOSE,
	SIM_OP_EXIT,
	SIM_OP_COUNT,
};

enum sim_attr_kind {
	SIM_ATTR_DEVICE,
	SIM_ATTR_INPUT,	 /* channel attribute of an input channel */
	SIM_ATTR_OUTPUT, /* channel attribute of an output channel */
	SIM_ATTR_BUFFER,
	SIM_ATTR_DEBUG,
	SIM_ATTR_KIND_COUNT,
};

struct sim_cmd {
	enum sim_op op;
	const char *dev; /* device word (id, name or label) */
	enum sim_attr_kind kind;
	const char *chan;    /* channel word for INPUT/OUTPUT */
	const char *attr;    /* attribute name; "" for read-all / write-all */
	uint64_t num;	     /* WRITE length, TIMEOUT ms, OPEN samples, READBUF/WRITEBUF bytes,
				BUFFERS_COUNT n */
	const char *mask;    /* OPEN: hex mask as sent */
	bool cyclic;	     /* OPEN ... CYCLIC */
	const char *trigger; /* SETTRIG: trigger word, NULL to detach */
};

/**
 * sim_proto_parse() - parse one command line.
 * @line:    NUL-terminated line without "\r\n"; modified in place (tokens are
 *           NUL-terminated inside it) and borrowed by @ret_cmd.
 * @ret_cmd: filled on success.
 *
 * Return: 0, or -EINVAL for anything that is not a well-formed command
 * (the server answers "-22"); -EINVAL also for ZPRINT, BINARY and HELP.
 */
int sim_proto_parse(char *line, struct sim_cmd *ret_cmd);

#endif /* BENCH_SIM_PROTO_H */
