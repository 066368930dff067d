// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Process-wide log hook; see log.h.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

static bench_log_fn log_fn;
static void *log_ctx;
static enum bench_log_level log_max = BENCH_LOG_WARNING;

void bench_log_set_handler(bench_log_fn fn, void *ctx, enum bench_log_level max_level)
{
	log_fn = fn;
	log_ctx = ctx;
	log_max = max_level;
}

void bench_log(enum bench_log_level level, const char *module, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!log_fn || level > log_max)
		return;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(log_ctx, level, module ? module : "-", msg);
}

const char *bench_log_level_name(enum bench_log_level level)
{
	static const char *const names[BENCH_LOG_LEVEL_COUNT] = {
		[BENCH_LOG_ERROR] = "error",
		[BENCH_LOG_WARNING] = "warning",
		[BENCH_LOG_INFO] = "info",
		[BENCH_LOG_DEBUG] = "debug",
	};

	if ((unsigned)level >= BENCH_LOG_LEVEL_COUNT)
		return "?";
	return names[level];
}
