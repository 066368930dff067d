// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The iiod command-line parser (see proto.h). Tokens are separated by runs of
 * spaces or tabs; trailing blanks are part of the line end. Numbers are
 * decimal; the OPEN mask is kept as text for the server to check.
 */
#include <errno.h>
#include <string.h>

#include "common/parse.h"
#include "sim/proto.h"

#define MAX_TOK 8

/* Matches a keyword written all upper case or all lower case. */
static bool kw(const char *tok, const char *upper)
{
	size_t i;
	bool up = true, low = true;

	for (i = 0; upper[i]; i++) {
		if (tok[i] != upper[i])
			up = false;
		if (tok[i] != (char)(upper[i] >= 'A' && upper[i] <= 'Z' ? upper[i] + 32 : upper[i]))
			low = false;
		if (!tok[i])
			return false;
	}
	return tok[i] == '\0' && (up || low);
}

static int num(const char *s, uint64_t *ret)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	return bench_parse_u64(s, ret);
}

static int tokenize(char *line, char **tok, int *ret_n)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == MAX_TOK)
			return -EINVAL;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	*ret_n = n;
	return 0;
}

/* READ/WRITE: tok[1] device, then kind words; @has_len: last token is the length. */
static int parse_attr_cmd(char **tok, int n, bool has_len, struct sim_cmd *c)
{
	int rest;

	if (n < 2)
		return -EINVAL;
	c->dev = tok[1];
	if (has_len) {
		if (n < 3 || num(tok[n - 1], &c->num) < 0)
			return -EINVAL;
		n--;
	}
	rest = n - 2; /* words after the device */
	c->attr = "";
	c->kind = SIM_ATTR_DEVICE;
	if (rest >= 1 && (kw(tok[2], "INPUT") || kw(tok[2], "OUTPUT"))) {
		c->kind = kw(tok[2], "INPUT") ? SIM_ATTR_INPUT : SIM_ATTR_OUTPUT;
		if (rest < 2 || rest > 3)
			return -EINVAL;
		c->chan = tok[3];
		if (rest == 3)
			c->attr = tok[4];
		return 0;
	}
	if (rest >= 1 && (kw(tok[2], "BUFFER") || kw(tok[2], "DEBUG"))) {
		c->kind = kw(tok[2], "BUFFER") ? SIM_ATTR_BUFFER : SIM_ATTR_DEBUG;
		if (rest > 2)
			return -EINVAL;
		if (rest == 2)
			c->attr = tok[3];
		return 0;
	}
	if (rest > 1)
		return -EINVAL;
	if (rest == 1)
		c->attr = tok[2];
	return 0;
}

int sim_proto_parse(char *line, struct sim_cmd *ret_cmd)
{
	struct sim_cmd c;
	char *tok[MAX_TOK];
	size_t i;
	int n;

	memset(&c, 0, sizeof(c));
	for (i = 0; line[i]; i++) {
		unsigned char ch = (unsigned char)line[i];

		if (ch < 0x20 && ch != '\t')
			return -EINVAL; /* control bytes never appear in a command */
		if (ch >= 0x7f)
			return -EINVAL;
	}
	if (i > SIM_PROTO_MAX_LINE)
		return -EINVAL;
	if (tokenize(line, tok, &n) < 0)
		return -EINVAL;
	if (n == 0) {
		c.op = SIM_OP_EMPTY;
		*ret_cmd = c;
		return 0;
	}
	if (kw(tok[0], "PRINT") && n == 1) {
		c.op = SIM_OP_PRINT;
	} else if (kw(tok[0], "VERSION") && n == 1) {
		c.op = SIM_OP_VERSION;
	} else if ((kw(tok[0], "EXIT") || kw(tok[0], "QUIT")) && n == 1) {
		c.op = SIM_OP_EXIT;
	} else if (kw(tok[0], "TIMEOUT") && n == 2) {
		c.op = SIM_OP_TIMEOUT;
		if (num(tok[1], &c.num) < 0)
			return -EINVAL;
	} else if (kw(tok[0], "READ")) {
		c.op = SIM_OP_READ;
		if (parse_attr_cmd(tok, n, false, &c) < 0)
			return -EINVAL;
	} else if (kw(tok[0], "WRITE")) {
		c.op = SIM_OP_WRITE;
		if (parse_attr_cmd(tok, n, true, &c) < 0)
			return -EINVAL;
	} else if (kw(tok[0], "GETTRIG") && n == 2) {
		c.op = SIM_OP_GETTRIG;
		c.dev = tok[1];
	} else if (kw(tok[0], "SETTRIG") && (n == 2 || n == 3)) {
		c.op = SIM_OP_SETTRIG;
		c.dev = tok[1];
		c.trigger = n == 3 ? tok[2] : NULL;
	} else if (kw(tok[0], "SET") && n == 4 && kw(tok[2], "BUFFERS_COUNT")) {
		c.op = SIM_OP_BUFFERS_COUNT;
		c.dev = tok[1];
		if (num(tok[3], &c.num) < 0)
			return -EINVAL;
	} else if (kw(tok[0], "OPEN") && (n == 4 || n == 5)) {
		c.op = SIM_OP_OPEN;
		c.dev = tok[1];
		if (num(tok[2], &c.num) < 0)
			return -EINVAL;
		c.mask = tok[3];
		if (n == 5) {
			if (!kw(tok[4], "CYCLIC"))
				return -EINVAL;
			c.cyclic = true;
		}
	} else if ((kw(tok[0], "READBUF") || kw(tok[0], "WRITEBUF")) && n == 3) {
		c.op = kw(tok[0], "READBUF") ? SIM_OP_READBUF : SIM_OP_WRITEBUF;
		c.dev = tok[1];
		if (num(tok[2], &c.num) < 0)
			return -EINVAL;
	} else if (kw(tok[0], "CLOSE") && n == 2) {
		c.op = SIM_OP_CLOSE;
		c.dev = tok[1];
	} else {
		return -EINVAL;
	}
	*ret_cmd = c;
	return 0;
}
