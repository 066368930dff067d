// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/common: parsing, checked arithmetic, buffers, SHA-256
 * (against FIPS 180-2 vectors), units, clocks and the log hook.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/checked.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/sha256.h"
#include "common/units.h"

TestSuite(common);

Test(common, parse_i64_accepts_whole_numbers_only)
{
	int64_t v = 7;

	cr_expect_eq(bench_parse_i64(" -42 ", &v), 0);
	cr_expect_eq(v, -42);
	cr_expect_eq(bench_parse_i64("12abc", &v), -EINVAL);
	cr_expect_eq(bench_parse_i64("", &v), -EINVAL);
	cr_expect_eq(bench_parse_i64(NULL, &v), -EINVAL);
	cr_expect_eq(bench_parse_i64("99999999999999999999", &v), -ERANGE);
	cr_expect_eq(v, -42, "value must be untouched on failure");
}

Test(common, parse_u64_rejects_negative)
{
	uint64_t v;

	cr_expect_eq(bench_parse_u64("-1", &v), -ERANGE);
	cr_expect_eq(bench_parse_u64("18446744073709551615", &v), 0);
	cr_expect_eq(v, UINT64_MAX);
}

Test(common, parse_int_checks_int_range)
{
	int v;

	cr_expect_eq(bench_parse_int("2147483648", &v), -ERANGE);
	cr_expect_eq(bench_parse_int("2147483647", &v), 0);
	cr_expect_eq(v, 2147483647);
}

Test(common, parse_double_rejects_nan_and_garbage)
{
	double v = 0;

	cr_expect_eq(bench_parse_double("1.5e3", &v), 0);
	cr_expect_float_eq(v, 1500.0, 1e-12);
	cr_expect_eq(bench_parse_double("nan", &v), -EINVAL);
	cr_expect_eq(bench_parse_double("inf", &v), -EINVAL);
	cr_expect_eq(bench_parse_double("1.0 V", &v), -EINVAL);
	cr_expect_eq(bench_parse_double("1e999", &v), -EINVAL);
}

Test(common, checked_arithmetic_reports_overflow)
{
	size_t s = 1;
	int64_t i = 1;

	cr_expect_eq(bench_mul_size(SIZE_MAX / 2 + 1, 2, &s), -EOVERFLOW);
	cr_expect_eq(s, 1, "result untouched on overflow");
	cr_expect_eq(bench_add_size(SIZE_MAX, 1, &s), -EOVERFLOW);
	cr_expect_eq(bench_mul3_size(1024, 30000, 4, &s), 0);
	cr_expect_eq(s, (size_t)1024 * 30000 * 4);
	cr_expect_eq(bench_add_i64(INT64_MAX, 1, &i), -EOVERFLOW);
	cr_expect_eq(bench_mul_i64(-3, 4, &i), 0);
	cr_expect_eq(i, -12);
}

Test(common, buf_grows_and_stays_terminated)
{
	struct bench_buf b = BENCH_BUF_INIT;
	char *s;
	size_t len;
	int k;

	cr_expect_str_eq(bench_buf_str(&b), "");
	for (k = 0; k < 1000; k++)
		cr_assert_eq(bench_buf_appendf(&b, "%d,", k), 0);
	cr_expect_eq(strncmp(bench_buf_str(&b), "0,1,2,", 6), 0);
	cr_expect_eq(b.data[b.len], '\0');
	cr_expect_eq(strlen(bench_buf_str(&b)), b.len);
	bench_buf_clear(&b);
	cr_expect_eq(b.len, 0);
	cr_assert_eq(bench_buf_append_str(&b, "abc"), 0);
	s = bench_buf_steal(&b, &len);
	cr_expect_str_eq(s, "abc");
	cr_expect_eq(len, 3);
	cr_expect_null(b.data);
	free(s);
	bench_buf_free(&b);
}

Test(common, sha256_matches_fips_vectors)
{
	uint8_t d[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];

	cr_assert_eq(bench_sha256("abc", 3, d), 0);
	bench_sha256_hex(d, hex);
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_assert_eq(bench_sha256("", 0, d), 0);
	bench_sha256_hex(d, hex);
	cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(common, sha256_streaming_equals_one_shot)
{
	static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	struct bench_sha256 *ctx;
	uint8_t a[BENCH_SHA256_LEN], b[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	size_t i;

	cr_assert_eq(bench_sha256_new(&ctx), 0);
	for (i = 0; i < strlen(msg); i++)
		cr_assert_eq(bench_sha256_update(ctx, msg + i, 1), 0);
	cr_assert_eq(bench_sha256_final(ctx, a), 0);
	bench_sha256_free(ctx);
	cr_assert_eq(bench_sha256(msg, strlen(msg), b), 0);
	cr_expect_eq(memcmp(a, b, sizeof(a)), 0);
	bench_sha256_hex(a, hex);
	cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(common, sha256_file_and_hex_roundtrip)
{
	char path[] = "/tmp/bcibench-sha-XXXXXX";
	uint8_t d[BENCH_SHA256_LEN], back[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	uint64_t size = 0;
	int fd;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "abc", 3), 3);
	close(fd);
	cr_assert_eq(bench_sha256_file(path, d, &size), 0);
	unlink(path);
	cr_expect_eq(size, 3);
	bench_sha256_hex(d, hex);
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_expect_eq(bench_sha256_from_hex(hex, back), 0);
	cr_expect_eq(memcmp(d, back, sizeof(d)), 0);
	cr_expect_eq(bench_sha256_from_hex("zz", back), -EINVAL);
	cr_expect_eq(bench_sha256_file("/nonexistent/file", d, NULL), -ENOENT);
}

Test(common, units_roundtrip_and_names)
{
	enum bench_unit u;

	cr_expect_float_eq(bench_uv_from_v(1.5), 1.5e6, 1e-6);
	cr_expect_eq(bench_ns_from_s(1.5), INT64_C(1500000000));
	cr_expect_eq(bench_ns_from_frames(30000, 30000.0), INT64_C(1000000000));
	cr_expect_float_eq(bench_db_from_ratio(10.0), 20.0, 1e-12);
	cr_expect_float_eq(bench_ppm(10.001, 10.0), 100.0, 1e-6);
	cr_expect_eq(bench_unit_parse("uV", &u), 0);
	cr_expect_eq(u, BENCH_UNIT_UV);
	cr_expect_eq(bench_unit_parse("\xc2\xb5V", &u), 0);
	cr_expect_eq(u, BENCH_UNIT_UV);
	cr_expect_eq(bench_unit_parse("furlong", &u), -EINVAL);
	cr_expect_str_eq(bench_unit_name(BENCH_UNIT_MV), "mV");
}

Test(common, manual_clock_moves_only_when_told)
{
	struct bench_clock clk;
	int64_t a, b;

	bench_clock_manual_init(&clk, 1000);
	cr_expect_eq(bench_clock_read_ns(&clk), 1000);
	bench_clock_advance(&clk, 500);
	cr_expect_eq(bench_clock_read_ns(&clk), 1500);
	a = bench_clock_read_ns(NULL);
	b = bench_clock_now_ns();
	cr_expect_geq(b, a, "monotonic clock must not go backwards");
}

Test(common, format_utc_is_iso8601)
{
	char buf[32];

	cr_assert_eq(bench_clock_format_utc(INT64_C(1700000000123000000), buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "2023-11-14T22:13:20.123Z");
	cr_expect_eq(bench_clock_format_utc(0, buf, 8), -EINVAL);
}

static int seen;
static char last_msg[64];

static void capture(void *ctx, enum bench_log_level level, const char *module, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)module;
	seen++;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

Test(common, log_hook_filters_by_level)
{
	seen = 0;
	bench_log(BENCH_LOG_ERROR, "t", "dropped without handler");
	cr_expect_eq(seen, 0);
	bench_log_set_handler(capture, NULL, BENCH_LOG_INFO);
	bench_log(BENCH_LOG_DEBUG, "t", "too verbose");
	cr_expect_eq(seen, 0);
	bench_log(BENCH_LOG_WARNING, "t", "value %d", 42);
	cr_expect_eq(seen, 1);
	cr_expect_str_eq(last_msg, "value 42");
	bench_log_set_handler(NULL, NULL, BENCH_LOG_WARNING);
}

Test(common, strerror_names_project_errors)
{
	cr_expect_str_eq(bench_strerror(-ERANGE),
			 "value out of range (safety envelope or unit range)");
	cr_expect_not_null(bench_strerror(-12345));
}
