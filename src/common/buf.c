// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Growable byte buffer; see buf.h.
 */
#include "common/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"

int bench_buf_reserve(struct bench_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;
	int r;

	/* Room for the data plus the NUL terminator. */
	r = bench_add_size(b->len, extra, &need);
	if (r < 0)
		return r;
	r = bench_add_size(need, 1, &need);
	if (r < 0)
		return r;
	if (need <= b->cap)
		return 0;

	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		r = bench_mul_size(cap, 2, &cap);
		if (r < 0)
			return r;
	}
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int bench_buf_append(struct bench_buf *b, const void *p, size_t n)
{
	int r;

	r = bench_buf_reserve(b, n);
	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int bench_buf_append_str(struct bench_buf *b, const char *s)
{
	return bench_buf_append(b, s, strlen(s));
}

int bench_buf_appendf(struct bench_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;

	r = bench_buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;

	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void bench_buf_clear(struct bench_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void bench_buf_free(struct bench_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

const char *bench_buf_str(const struct bench_buf *b)
{
	return b->data ? (const char *)b->data : "";
}

char *bench_buf_steal(struct bench_buf *b, size_t *ret_len)
{
	char *p = (char *)b->data;

	if (ret_len)
		*ret_len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
