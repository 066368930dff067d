// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verification of the record (docs/database.md "audit"): the audit hash
 * chain, every audited row against the hash its latest audit line lists, and
 * every artifact's content (file under the run folder, or inline blob)
 * against its stored SHA-256 and size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "store/store-internal.h"

static void fail(struct bench_store_verify_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#include <stdarg.h>

static void fail(struct bench_store_verify_result *res, const char *fmt, ...)
{
	va_list ap;

	if (!res->ok)
		return; /* keep the first failure */
	res->ok = false;
	va_start(ap, fmt);
	vsnprintf(res->what, sizeof(res->what), fmt, ap);
	va_end(ap);
}

static bool audited(const char *tbl)
{
	int i;

	for (i = 0; store_audited_tables[i]; i++)
		if (strcmp(store_audited_tables[i], tbl) == 0)
			return true;
	return false;
}

/* Records "tbl id hash" lines of one audit row in temp.verify_expect (latest wins). */
static int expect_lines(struct bench_store *st, sqlite3_stmt *ins, int64_t audit_id,
			const char *content, struct bench_store_verify_result *res)
{
	const char *line = content;
	char tbl[64], hash[80];
	long long id;
	int rc;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256];

		if (len >= sizeof(buf) || (snprintf(buf, sizeof(buf), "%.*s", (int)len, line),
					   sscanf(buf, "%63s %lld %79s", tbl, &id, hash) != 3)) {
			fail(res, "audit row %lld: malformed content line", (long long)audit_id);
			return 0;
		}
		if (audited(tbl)) {
			sqlite3_bind_text(ins, 1, tbl, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins, 2, id);
			sqlite3_bind_text(ins, 3, hash, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins, 4, audit_id);
			rc = sqlite3_step(ins);
			sqlite3_reset(ins);
			if (rc != SQLITE_DONE)
				return store_errno(st, rc);
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return 0;
}

static int check_chain(struct bench_store *st, sqlite3_stmt *ins,
		       struct bench_store_verify_result *res)
{
	static const char *const sel =
		"SELECT id, at_utc, who, action, tbl, row_id, why, content, prev_hash, hash "
		"FROM audit ORDER BY id";
	uint8_t prev[BENCH_SHA256_LEN], digest[BENCH_SHA256_LEN];
	char prev_hex[BENCH_SHA256_HEX_LEN], hex[BENCH_SHA256_HEX_LEN];
	int64_t expect_id = 1;
	sqlite3_stmt *s;
	int rc, r = 0;

	memset(prev, 0, sizeof(prev));
	bench_sha256_hex(prev, prev_hex);
	rc = sqlite3_prepare_v2(st->db, sel, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_errno(st, rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const char *stored_prev = (const char *)sqlite3_column_text(s, 8);
		const char *stored = (const char *)sqlite3_column_text(s, 9);
		const char *content = (const char *)sqlite3_column_text(s, 7);

		res->n_audit++;
		if (id != expect_id) {
			fail(res, "audit row %lld: expected row %lld (a row was removed)",
			     (long long)id, (long long)expect_id);
			break;
		}
		expect_id++;
		if (!stored_prev || strcmp(stored_prev, prev_hex) != 0) {
			fail(res, "audit row %lld: prev_hash does not link to audit row %lld",
			     (long long)id, (long long)(id - 1));
			break;
		}
		r = store_canon_row(st, s, "audit", 9);
		if (r == 0)
			r = bench_sha256_reset(st->sha);
		if (r == 0)
			r = bench_sha256_update(st->sha, prev, sizeof(prev));
		if (r == 0)
			r = bench_sha256_update(st->sha, st->canon.data, st->canon.len);
		if (r == 0)
			r = bench_sha256_final(st->sha, digest);
		if (r < 0)
			break;
		bench_sha256_hex(digest, hex);
		if (!stored || strcmp(stored, hex) != 0) {
			fail(res, "audit row %lld: hash does not match its content", (long long)id);
			break;
		}
		r = expect_lines(st, ins, id, content ? content : "", res);
		if (r < 0 || !res->ok)
			break;
		memcpy(prev, digest, sizeof(prev));
		memcpy(prev_hex, hex, sizeof(prev_hex));
	}
	if (r == 0 && res->ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = store_errno(st, rc);
	sqlite3_finalize(s);
	return r;
}

static int check_table(struct bench_store *st, const char *tbl, sqlite3_stmt *get,
		       struct bench_store_verify_result *res)
{
	uint8_t digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN], sql[200];
	int64_t n_rows = 0;
	sqlite3_stmt *s;
	int rc, r = 0;

	/* A table added by a later migration is absent from an older file opened read-only. */
	snprintf(sql, sizeof(sql),
		 "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND "
		 "name = '%s'",
		 tbl);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_errno(st, rc);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_errno(st, rc);
	snprintf(sql, sizeof(sql), "SELECT * FROM main.%s ORDER BY id", tbl);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_errno(st, rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		n_rows++;
		res->n_rows++;
		r = store_canon_row(st, s, tbl, -1);
		if (r == 0)
			r = store_canon_hash(st, digest);
		if (r < 0)
			break;
		bench_sha256_hex(digest, hex);
		sqlite3_bind_text(get, 1, tbl, -1, SQLITE_STATIC);
		sqlite3_bind_int64(get, 2, id);
		rc = sqlite3_step(get);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(get);
			fail(res, "%s row %lld is not in the audit chain (added outside bcibench)",
			     tbl, (long long)id);
			break;
		}
		if (rc != SQLITE_ROW) {
			sqlite3_reset(get);
			r = store_errno(st, rc);
			break;
		}
		if (strcmp((const char *)sqlite3_column_text(get, 0), hex) != 0) {
			fail(res,
			     "%s row %lld does not match audit row %lld (changed since recorded)",
			     tbl, (long long)id, (long long)sqlite3_column_int64(get, 1));
			sqlite3_reset(get);
			break;
		}
		sqlite3_reset(get);
	}
	if (r == 0 && res->ok && rc != SQLITE_DONE)
		r = store_errno(st, rc);
	sqlite3_finalize(s);
	if (r < 0 || !res->ok)
		return r;

	/* Rows the chain lists but the table no longer has. */
	snprintf(sql, sizeof(sql),
		 "SELECT e.id, e.audit_id FROM temp.verify_expect e WHERE e.tbl = ?1 AND NOT "
		 "EXISTS (SELECT 1 FROM main.%s x WHERE x.id = e.id) ORDER BY e.id LIMIT 1",
		 tbl);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_errno(st, rc);
	sqlite3_bind_text(s, 1, tbl, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		fail(res, "%s row %lld listed by audit row %lld is missing (deleted)", tbl,
		     (long long)sqlite3_column_int64(s, 0), (long long)sqlite3_column_int64(s, 1));
	else if (rc != SQLITE_DONE)
		r = store_errno(st, rc);
	sqlite3_finalize(s);
	return r;
}

static int check_artifacts(struct bench_store *st, struct bench_store_verify_result *res)
{
	static const char *const sel =
		"SELECT a.id, r.uuid, a.path, a.blob, a.sha256, a.size_bytes FROM artifact a "
		"JOIN run r ON r.id = a.run_id ORDER BY a.id";
	uint8_t digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	struct bench_buf path = BENCH_BUF_INIT;
	sqlite3_stmt *s;
	uint64_t size;
	int rc, r = 0;

	rc = sqlite3_prepare_v2(st->db, sel, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_errno(st, rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const char *rel = (const char *)sqlite3_column_text(s, 2);
		const char *want = (const char *)sqlite3_column_text(s, 4);
		int64_t want_size = sqlite3_column_int64(s, 5);

		res->n_artifacts++;
		if (rel) {
			bench_buf_clear(&path);
			r = bench_buf_appendf(&path, "%s.d/%s/%s", st->path,
					      (const char *)sqlite3_column_text(s, 1), rel);
			if (r < 0)
				break;
			r = bench_sha256_file(bench_buf_str(&path), digest, &size);
			if (r < 0) {
				fail(res, "artifact %lld: file %s: %s", (long long)id,
				     bench_buf_str(&path), strerror(-r));
				r = 0;
				break;
			}
		} else {
			const void *p = sqlite3_column_blob(s, 3);

			size = (uint64_t)sqlite3_column_bytes(s, 3);
			r = bench_sha256(p ? p : "", size, digest);
			if (r < 0)
				break;
		}
		bench_sha256_hex(digest, hex);
		if (!want || strcmp(want, hex) != 0 || (int64_t)size != want_size) {
			if (rel)
				fail(res,
				     "artifact %lld: file %s: SHA-256 or size differs from the "
				     "record",
				     (long long)id, bench_buf_str(&path));
			else
				fail(res,
				     "artifact %lld: inline blob: SHA-256 or size differs from "
				     "the record",
				     (long long)id);
			break;
		}
	}
	if (r == 0 && res->ok && rc != SQLITE_DONE)
		r = store_errno(st, rc);
	sqlite3_finalize(s);
	bench_buf_free(&path);
	return r;
}

int bench_store_verify(struct bench_store *st, struct bench_store_verify_result *ret)
{
	struct bench_store_verify_result res = { .ok = true };
	sqlite3_stmt *ins = NULL, *get = NULL;
	int i, r, rc;

	if (!st || !ret)
		return -EINVAL;
	/* A consistent snapshot while other writers go on. */
	r = store_exec(st, "BEGIN");
	if (r < 0)
		return r;
	r = store_exec(st, "CREATE TEMP TABLE IF NOT EXISTS verify_expect (tbl TEXT NOT NULL, "
			   "id INTEGER NOT NULL, hash TEXT NOT NULL, audit_id INTEGER NOT NULL, "
			   "PRIMARY KEY (tbl, id)); DELETE FROM temp.verify_expect");
	if (r < 0)
		goto out;
	rc = sqlite3_prepare_v2(
		st->db,
		"INSERT OR REPLACE INTO temp.verify_expect (tbl, id, hash, audit_id) "
		"VALUES (?, ?, ?, ?)",
		-1, &ins, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db,
					"SELECT hash, audit_id FROM temp.verify_expect "
					"WHERE tbl = ? AND id = ?",
					-1, &get, NULL);
	if (rc != SQLITE_OK) {
		r = store_errno(st, rc);
		goto out;
	}
	r = check_chain(st, ins, &res);
	for (i = 0; r == 0 && res.ok && store_audited_tables[i]; i++)
		r = check_table(st, store_audited_tables[i], get, &res);
	if (r == 0 && res.ok)
		r = check_artifacts(st, &res);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(get);
	store_exec(st, "ROLLBACK");
	if (r < 0)
		return r;
	*ret = res;
	return 0;
}
