// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP(S) upload with libcurl and the outbox flush (see upload.h). libcurl's global state is
 * initialised once (pthread_once); each upload uses its own easy handle. Backoff sleeps use
 * nanosleep on the real clock (the delay is the point: the server needs time to recover).
 */
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/sha256.h"
#include "net/upload.h"
#include "store/store.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void bench_net_upload_opts_init(struct bench_net_upload_opts *o, const char *url)
{
	memset(o, 0, sizeof(*o));
	o->url = url;
	o->retries = 3;
	o->backoff_ms = 500;
	o->connect_timeout_s = 10;
	o->timeout_s = 120;
}

struct body {
	char data[4096];
	size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t bytes = size * n, room = sizeof(b->data) - 1 - b->len;

	memcpy(b->data + b->len, p, bytes < room ? bytes : room);
	b->len += bytes < room ? bytes : room;
	b->data[b->len] = '\0';
	return bytes;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool retryable_status(long status)
{
	return status >= 500 || status == 408 || status == 429;
}

static bool retryable_curl(CURLcode c)
{
	switch (c) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_LOGIN_DENIED:
		return false; /* configuration problems: retrying cannot help */
	default:
		return true;
	}
}

static int build_headers(const struct bench_net_upload_opts *o, const char *path, const char *kind,
			 const char *hex, struct curl_slist **ret, struct bench_net_result *res)
{
	struct curl_slist *h = NULL, *n;
	struct bench_buf line = BENCH_BUF_INIT;
	char *copy = strdup(path);
	size_t i;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	r = bench_buf_appendf(&line, "X-Bcibench-Filename: %s", basename(copy));
	free(copy);
	if (r == 0 && (n = curl_slist_append(h, bench_buf_str(&line))))
		h = n;
	else
		r = -ENOMEM;
	bench_buf_clear(&line);
	if (r == 0 && bench_buf_appendf(&line, "X-Bcibench-Sha256: %s", hex) == 0 &&
	    (n = curl_slist_append(h, bench_buf_str(&line))))
		h = n;
	else if (r == 0)
		r = -ENOMEM;
	bench_buf_clear(&line);
	if (r == 0 && kind) {
		if (bench_buf_appendf(&line, "X-Bcibench-Kind: %s", kind) == 0 &&
		    (n = curl_slist_append(h, bench_buf_str(&line))))
			h = n;
		else
			r = -ENOMEM;
	}
	if (r == 0 && (n = curl_slist_append(h, "Content-Type: application/octet-stream")))
		h = n;
	else if (r == 0)
		r = -ENOMEM;
	/* no "Expect: 100-continue" round trip */
	if (r == 0 && (n = curl_slist_append(h, "Expect:")))
		h = n;
	else if (r == 0)
		r = -ENOMEM;
	for (i = 0; r == 0 && i < o->n_headers; i++) {
		if (!strchr(o->headers[i], ':')) {
			snprintf(res->error, sizeof(res->error), "header '%s' has no ':'",
				 o->headers[i]);
			r = -EINVAL;
		} else if ((n = curl_slist_append(h, o->headers[i]))) {
			h = n;
		} else {
			r = -ENOMEM;
		}
	}
	if (r == 0 && o->token_env) {
		const char *tok = getenv(o->token_env);

		bench_buf_clear(&line);
		if (!tok || !tok[0]) {
			snprintf(res->error, sizeof(res->error), "token variable %s is not set",
				 o->token_env);
			r = -EINVAL;
		} else if (bench_buf_appendf(&line, "Authorization: Bearer %s", tok) == 0 &&
			   (n = curl_slist_append(h, bench_buf_str(&line)))) {
			h = n;
		} else {
			r = -ENOMEM;
		}
		/* do not leave the token in freed heap memory */
		if (line.data)
			memset(line.data, 0, line.cap);
	}
	bench_buf_free(&line);
	if (r < 0) {
		curl_slist_free_all(h);
		return r;
	}
	*ret = h;
	return 0;
}

int bench_net_upload_file(const struct bench_net_upload_opts *o, const char *path, const char *kind,
			  const char *sha256_hex, struct bench_net_result *res)
{
	uint8_t digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN], errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdr = NULL;
	struct body body;
	uint64_t size;
	unsigned attempt, delay;
	CURL *c = NULL;
	FILE *f = NULL;
	int r;

	memset(res, 0, sizeof(*res));
	if (!o || !o->url || !path)
		return -EINVAL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return -EIO;
	r = bench_sha256_file(path, digest, &size);
	if (r < 0) {
		snprintf(res->error, sizeof(res->error), "%s: %s", path, strerror(-r));
		return r;
	}
	bench_sha256_hex(digest, hex);
	if (sha256_hex && strcmp(sha256_hex, hex) != 0) {
		snprintf(res->error, sizeof(res->error), "%s changed since it was queued", path);
		return -EBADMSG;
	}
	r = build_headers(o, path, kind, hex, &hdr, res);
	if (r < 0)
		return r;
	f = fopen(path, "rbe");
	c = curl_easy_init();
	if (!f || !c) {
		r = f ? -ENOMEM : -errno;
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, o->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_READDATA, f);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
			 o->connect_timeout_s ? o->connect_timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s ? o->timeout_s : 120L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "bcibench-upload/1");
	if (o->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);

	r = -EIO;
	delay = o->backoff_ms;
	for (attempt = 0; attempt <= o->retries; attempt++) {
		CURLcode cc;
		long status = 0;

		if (attempt > 0) {
			bench_log(BENCH_LOG_INFO, "net", "%s: retry %u in %u ms (%s)", path,
				  attempt, delay, res->error);
			sleep_ms(delay);
			delay = delay > 60000 ? 120000 : delay * 2;
		}
		rewind(f);
		body.len = 0;
		body.data[0] = '\0';
		errbuf[0] = '\0';
		res->attempts++;
		cc = curl_easy_perform(c);
		if (cc != CURLE_OK) {
			snprintf(res->error, sizeof(res->error), "%s",
				 errbuf[0] ? errbuf : curl_easy_strerror(cc));
			if (!retryable_curl(cc))
				break;
			continue;
		}
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		res->http_status = status;
		if (status >= 200 && status < 300) {
			size_t n = strcspn(body.data, "\r\n");

			snprintf(res->ack_ref, sizeof(res->ack_ref), "%.*s",
				 (int)(n < sizeof(res->ack_ref) - 1 ? n : sizeof(res->ack_ref) - 1),
				 body.data);
			res->error[0] = '\0';
			r = 0;
			break;
		}
		snprintf(res->error, sizeof(res->error), "HTTP %ld from the server", status);
		if (!retryable_status(status)) {
			r = -EACCES;
			break;
		}
	}
	if (r < 0)
		bench_log(BENCH_LOG_WARNING, "net", "%s: not uploaded after %u attempt(s): %s",
			  path, res->attempts, res->error);
out:
	if (c)
		curl_easy_cleanup(c);
	if (f)
		fclose(f);
	curl_slist_free_all(hdr);
	return r;
}

struct pending {
	int64_t id;
	char *path, *kind, *sha;
};

struct pending_list {
	struct pending *v;
	size_t n, cap;
};

static int collect(void *ctx, const struct bench_store_outbox_row *row)
{
	struct pending_list *l = ctx;
	struct pending *p;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct pending *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	p = &l->v[l->n];
	p->id = row->id;
	p->path = strdup(row->path);
	p->kind = strdup(row->kind);
	p->sha = strdup(row->sha256);
	if (!p->path || !p->kind || !p->sha) {
		free(p->path);
		free(p->kind);
		free(p->sha);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

int bench_net_outbox_flush(struct bench_store *st, const char *db_path,
			   const struct bench_net_upload_opts *o,
			   struct bench_net_flush_stats *stats)
{
	struct pending_list l = { NULL, 0, 0 };
	char *dbcopy = db_path ? strdup(db_path) : NULL;
	const char *dir = dbcopy ? dirname(dbcopy) : ".";
	size_t i;
	int r;

	memset(stats, 0, sizeof(*stats));
	if (db_path && !dbcopy)
		return -ENOMEM;
	r = bench_store_outbox_pending(st, collect, &l);
	for (i = 0; r == 0 && i < l.n; i++) {
		struct bench_net_result res;
		struct bench_buf full = BENCH_BUF_INIT;
		int u;

		if (l.v[i].path[0] == '/')
			r = bench_buf_append_str(&full, l.v[i].path);
		else
			r = bench_buf_appendf(&full, "%s/%s", dir, l.v[i].path);
		if (r < 0)
			break;
		u = bench_net_upload_file(o, bench_buf_str(&full), l.v[i].kind, l.v[i].sha, &res);
		bench_buf_free(&full);
		if (u == -ENOMEM) {
			r = u;
			break;
		}
		if (u == 0) {
			r = bench_store_outbox_ack(st, l.v[i].id,
						   res.ack_ref[0] ? res.ack_ref : NULL);
			if (r == 0)
				stats->sent++;
		} else {
			r = bench_store_outbox_failed(st, l.v[i].id, res.error);
			stats->failed++;
			if (!stats->first_error[0])
				snprintf(stats->first_error, sizeof(stats->first_error), "%s: %s",
					 l.v[i].path, res.error);
		}
	}
	for (i = 0; i < l.n; i++) {
		free(l.v[i].path);
		free(l.v[i].kind);
		free(l.v[i].sha);
	}
	free(l.v);
	free(dbcopy);
	return r;
}
