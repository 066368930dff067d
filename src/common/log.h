/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The logging hook. Library code never prints: it calls bench_log(), which
 * formats the message and hands it to the handler installed by the program
 * (src/cli installs one that writes to stderr). With no handler installed,
 * messages are dropped. Messages are single lines without a trailing newline.
 */
#ifndef BENCH_COMMON_LOG_H
#define BENCH_COMMON_LOG_H

enum bench_log_level {
	BENCH_LOG_ERROR,
	BENCH_LOG_WARNING,
	BENCH_LOG_INFO,
	BENCH_LOG_DEBUG,
	BENCH_LOG_LEVEL_COUNT,
};

/*
 * Receives one formatted message. @module is a short static string such as
 * "hw" or "store"; @msg is borrowed for the duration of the call. May be called
 * from any thread; the handler must be thread-safe.
 */
typedef void (*bench_log_fn)(void *ctx, enum bench_log_level level, const char *module,
			     const char *msg);

/**
 * bench_log_set_handler() - install the process-wide log handler.
 * @fn:        handler, or NULL to drop every message.
 * @ctx:       passed back to @fn; must outlive the installation.
 * @max_level: messages above this level are not formatted at all.
 *
 * Call before starting threads that log.
 */
void bench_log_set_handler(bench_log_fn fn, void *ctx, enum bench_log_level max_level);

/* Formats with vsnprintf (messages longer than 1 KiB are truncated). */
void bench_log(enum bench_log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *bench_log_level_name(enum bench_log_level level);

#endif /* BENCH_COMMON_LOG_H */
