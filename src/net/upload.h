/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Upload of dossiers and results over HTTP(S) with libcurl, through the outbox of the results
 * database (src/store: table outbox). A file stays in the outbox until the server answered
 * 2xx for it, so a network outage loses nothing: the next `bcibench upload` (or the next run)
 * sends what is still pending.
 *
 * Each file is sent as one POST to the URL, body = the file's bytes, with headers
 *   Content-Type: application/octet-stream
 *   X-Bcibench-Filename: <base name>   X-Bcibench-Sha256: <hex>   X-Bcibench-Kind: <kind>
 * plus the caller's headers, plus "Authorization: Bearer <token>" when a token variable is
 * named: the token is read from the environment at send time and is never written to the
 * database, the log or an error message. TLS peer and host verification are always on; a
 * private CA is given as a PEM file (cacert). Retries: 5xx, 408, 429 and transport errors
 * are retried with exponential backoff (backoff_ms, 2x per retry); other 4xx are final.
 * Times: ms for backoff, s for timeouts.
 */
#ifndef BENCH_NET_UPLOAD_H
#define BENCH_NET_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_store;

struct bench_net_upload_opts {
	const char *url;	    /* http:// or https:// endpoint; required */
	const char *cacert;	    /* PEM CA bundle to trust, NULL = system store */
	const char *const *headers; /* "Name: value" lines, borrowed */
	size_t n_headers;
	const char *token_env;	/* environment variable holding a bearer token, or NULL */
	unsigned retries;	/* extra attempts after the first */
	unsigned backoff_ms;	/* delay before the first retry; doubles each retry */
	long connect_timeout_s; /* 0 = 10 s */
	long timeout_s;		/* whole transfer; 0 = 120 s */
};

/* Defaults: 3 retries, 500 ms first backoff, 10 s connect, 120 s transfer. */
void bench_net_upload_opts_init(struct bench_net_upload_opts *o, const char *url);

struct bench_net_result {
	long http_status;  /* last HTTP status, 0 if no response */
	unsigned attempts; /* requests made */
	char ack_ref[128]; /* first line of the 2xx response body (receipt), may be "" */
	char error[256];   /* why it failed, "" on success; never contains the token */
};

/**
 * bench_net_upload_file() - send one file, retrying as described above.
 * @o:          options.
 * @path:       the file.
 * @kind:       sent as X-Bcibench-Kind (e.g. "dossier-xml"); may be NULL.
 * @sha256_hex: expected SHA-256; the file is refused (-EBADMSG) if it differs. NULL: hash it.
 * @res:        receives status, attempts, receipt or error text.
 *
 * Return: 0 (acknowledged, 2xx); -ENOENT (no file); -EBADMSG (file changed since queued);
 * -EINVAL (bad URL or options, token variable unset); -EACCES (4xx other than 408/429:
 * refused); -EIO (5xx or transport error after all retries, TLS verification failure
 * included); -ENOMEM.
 */
int bench_net_upload_file(const struct bench_net_upload_opts *o, const char *path, const char *kind,
			  const char *sha256_hex, struct bench_net_result *res);

struct bench_net_flush_stats {
	unsigned sent;	 /* acknowledged in this flush */
	unsigned failed; /* still pending after this flush */
	char first_error[300];
};

/**
 * bench_net_outbox_flush() - send every pending outbox entry of @st, oldest first.
 * @st:      an open store (read-write).
 * @db_path: its file, to resolve outbox paths relative to the database folder.
 * @o:       options.
 * @stats:   receives counts and the first error.
 *
 * Each acknowledged entry is marked acked (with the receipt); each failure is recorded
 * (attempts + 1, last error) and stays pending. Return: 0 when every entry was tried (see
 * @stats), or a store error (-EIO, -EBUSY, -ENOSPC, -EROFS, -ENOMEM).
 */
int bench_net_outbox_flush(struct bench_store *st, const char *db_path,
			   const struct bench_net_upload_opts *o,
			   struct bench_net_flush_stats *stats);

#endif /* BENCH_NET_UPLOAD_H */
