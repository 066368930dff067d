/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 over OpenSSL's EVP interface, for artifacts, protocols, fixtures
 * and the audit chain. Digests are 32 raw bytes; the hex form is 64 lower-case
 * characters plus a NUL.
 */
#ifndef BENCH_COMMON_SHA256_H
#define BENCH_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_SHA256_LEN 32
#define BENCH_SHA256_HEX_LEN 65 /* 64 hex digits + NUL */

struct bench_sha256;

/* Return: 0, -ENOMEM, -EIO (OpenSSL refused). */
int bench_sha256_new(struct bench_sha256 **ret_ctx);
int bench_sha256_update(struct bench_sha256 *ctx, const void *data, size_t len);
/* Writes the digest; the context can be reused with bench_sha256_reset(). */
int bench_sha256_final(struct bench_sha256 *ctx, uint8_t out[BENCH_SHA256_LEN]);
int bench_sha256_reset(struct bench_sha256 *ctx);
/* Accepts NULL. */
void bench_sha256_free(struct bench_sha256 *ctx);

/* One-shot digest of a memory block. Return: 0, -ENOMEM, -EIO. */
int bench_sha256(const void *data, size_t len, uint8_t out[BENCH_SHA256_LEN]);

/**
 * bench_sha256_file() - digest of a whole file.
 * @path:     file to read.
 * @out:      receives the digest.
 * @ret_size: if not NULL, receives the file size in bytes.
 *
 * Return: 0, -errno from open/read (e.g. -ENOENT), -ENOMEM, -EIO.
 */
int bench_sha256_file(const char *path, uint8_t out[BENCH_SHA256_LEN], uint64_t *ret_size);

/* Writes 64 lower-case hex digits and a NUL into @hex. */
void bench_sha256_hex(const uint8_t digest[BENCH_SHA256_LEN], char hex[BENCH_SHA256_HEX_LEN]);

/* Parses 64 hex digits (either case). Return: 0 or -EINVAL. */
int bench_sha256_from_hex(const char *hex, uint8_t out[BENCH_SHA256_LEN]);

#endif /* BENCH_COMMON_SHA256_H */
