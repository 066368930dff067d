/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable byte buffer. The struct is public so it can live on the stack
 * or inside another object; initialise with BENCH_BUF_INIT or zero.
 * The data is always NUL-terminated past len (so text can be used as a C
 * string), and the terminator is not counted in len.
 */
#ifndef BENCH_COMMON_BUF_H
#define BENCH_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

struct bench_buf {
	uint8_t *data; /* owned; NULL until the first append */
	size_t len;    /* bytes in use */
	size_t cap;    /* bytes allocated (excluding nothing: includes the NUL) */
};

#define BENCH_BUF_INIT     \
	{                  \
		NULL, 0, 0 \
	}

/* Ensures room for @extra more bytes. Return: 0, -ENOMEM, -EOVERFLOW. */
int bench_buf_reserve(struct bench_buf *b, size_t extra);

/* Appends @n bytes from @p (borrowed). Return: 0, -ENOMEM, -EOVERFLOW. */
int bench_buf_append(struct bench_buf *b, const void *p, size_t n);

/* Appends a C string without its NUL. */
int bench_buf_append_str(struct bench_buf *b, const char *s);

/* Appends printf-formatted text. Return: 0, -ENOMEM, -EOVERFLOW, -EINVAL. */
int bench_buf_appendf(struct bench_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Drops the contents, keeps the allocation for reuse. */
void bench_buf_clear(struct bench_buf *b);

/* Releases the allocation; @b is empty and reusable afterwards. */
void bench_buf_free(struct bench_buf *b);

/* Text view; "" for an empty buffer. Valid until the next change. */
const char *bench_buf_str(const struct bench_buf *b);

/**
 * bench_buf_steal() - hand the allocation to the caller.
 *
 * Return: the NUL-terminated data (caller frees with free()), or NULL if the
 * buffer was never allocated. @b is empty afterwards.
 */
char *bench_buf_steal(struct bench_buf *b, size_t *ret_len);

#endif /* BENCH_COMMON_BUF_H */
