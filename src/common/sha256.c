// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 over OpenSSL EVP; see sha256.h.
 *
 * The digest is fetched from the provider once per process (pthread_once) and reused:
 * EVP_DigestInit_ex() with EVP_sha256() looks the implementation up again on every call
 * (OpenSSL 3), which cost about half of bench_sha256_reset() + a short update.
 */
#include "common/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_fetched; /* kept for the life of the process */

static void md_fetch(void)
{
	md_fetched = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

/* The fetched SHA-256, or the implicit-fetch one if fetching failed. */
static const EVP_MD *md_sha256(void)
{
	if (pthread_once(&md_once, md_fetch) != 0 || !md_fetched)
		return EVP_sha256();
	return md_fetched;
}

struct bench_sha256 {
	EVP_MD_CTX *md;
};

int bench_sha256_new(struct bench_sha256 **ret_ctx)
{
	struct bench_sha256 *ctx;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->md = EVP_MD_CTX_new();
	if (!ctx->md) {
		free(ctx);
		return -ENOMEM;
	}
	if (EVP_DigestInit_ex(ctx->md, md_sha256(), NULL) != 1) {
		bench_sha256_free(ctx);
		return -EIO;
	}
	*ret_ctx = ctx;
	return 0;
}

int bench_sha256_update(struct bench_sha256 *ctx, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(ctx->md, data, len) != 1)
		return -EIO;
	return 0;
}

int bench_sha256_final(struct bench_sha256 *ctx, uint8_t out[BENCH_SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(ctx->md, out, &n) != 1 || n != BENCH_SHA256_LEN)
		return -EIO;
	return 0;
}

int bench_sha256_reset(struct bench_sha256 *ctx)
{
	if (EVP_DigestInit_ex(ctx->md, md_sha256(), NULL) != 1)
		return -EIO;
	return 0;
}

void bench_sha256_free(struct bench_sha256 *ctx)
{
	if (!ctx)
		return;
	EVP_MD_CTX_free(ctx->md);
	free(ctx);
}

int bench_sha256(const void *data, size_t len, uint8_t out[BENCH_SHA256_LEN])
{
	struct bench_sha256 *ctx;
	int r;

	r = bench_sha256_new(&ctx);
	if (r < 0)
		return r;
	r = bench_sha256_update(ctx, data, len);
	if (r == 0)
		r = bench_sha256_final(ctx, out);
	bench_sha256_free(ctx);
	return r;
}

int bench_sha256_file(const char *path, uint8_t out[BENCH_SHA256_LEN], uint64_t *ret_size)
{
	struct bench_sha256 *ctx;
	uint8_t block[65536];
	uint64_t size = 0;
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = bench_sha256_new(&ctx);
	if (r < 0)
		goto err_close_fd;

	for (;;) {
		n = read(fd, block, sizeof(block));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto err_free_ctx;
		}
		if (n == 0)
			break;
		r = bench_sha256_update(ctx, block, (size_t)n);
		if (r < 0)
			goto err_free_ctx;
		size += (uint64_t)n;
	}
	r = bench_sha256_final(ctx, out);
	if (r == 0 && ret_size)
		*ret_size = size;

err_free_ctx:
	bench_sha256_free(ctx);
err_close_fd:
	close(fd);
	return r;
}

void bench_sha256_hex(const uint8_t digest[BENCH_SHA256_LEN], char hex[BENCH_SHA256_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < BENCH_SHA256_LEN; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xf];
	}
	hex[2 * BENCH_SHA256_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int bench_sha256_from_hex(const char *hex, uint8_t out[BENCH_SHA256_LEN])
{
	unsigned i;
	int hi, lo;

	for (i = 0; i < BENCH_SHA256_LEN; i++) {
		hi = hexval(hex[2 * i]);
		if (hi < 0)
			return -EINVAL;
		lo = hexval(hex[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (hex[2 * BENCH_SHA256_LEN] != '\0')
		return -EINVAL;
	return 0;
}
