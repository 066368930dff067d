// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The writers the engine calls: identities (deduplicated by SHA-256), runs,
 * tests, one transaction per trial, status changes, events, artifacts and the
 * outbox. Each public writer is one store_write() operation with one audit row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/version.h"
#include "store/store-internal.h"

/* Identity rows. */

/*
 * An identity insert: the table, its SQL with the sha256 as parameter 1 and
 * created_utc as parameter 2, the other fields as 3.., and the key text
 * (table name + fields) whose SHA-256 deduplicates, unless @content_key.
 */
struct ident_ctx {
	const char *tbl;
	const char *ins_sql;
	const char *fields[12]; /* text fields bound from 3 */
	int n_fields;
	/* Optional non-text fields: bound by a callback after the text ones. */
	void (*bind_more)(sqlite3_stmt *s, int first, const void *arg);
	const void *arg;
	char sha_hex[BENCH_SHA256_HEX_LEN];
	int64_t id;
};

static int ident_key(struct ident_ctx *ic, const char *extra)
{
	uint8_t digest[BENCH_SHA256_LEN];
	struct bench_buf b = BENCH_BUF_INIT;
	int i, r;

	/* Same length-prefixed encoding as canonical rows: unambiguous. */
	r = bench_buf_appendf(&b, "%s\n", ic->tbl);
	for (i = 0; i < ic->n_fields && r == 0; i++) {
		if (ic->fields[i])
			r = bench_buf_appendf(&b, "%d=t%zu:%s\n", i, strlen(ic->fields[i]),
					      ic->fields[i]);
		else
			r = bench_buf_appendf(&b, "%d=\n", i);
	}
	if (r == 0 && extra)
		r = bench_buf_append_str(&b, extra);
	if (r == 0)
		r = bench_sha256(b.data, b.len, digest);
	bench_buf_free(&b);
	if (r < 0)
		return r;
	bench_sha256_hex(digest, ic->sha_hex);
	return 0;
}

static int ident_insert(struct bench_store *st, void *ctx)
{
	struct ident_ctx *ic = ctx;
	char sql[128], at[40];
	sqlite3_stmt *s;
	int rc, r, i;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE sha256 = ?", ic->tbl);
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_text(s, 1, ic->sha_hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ic->id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		return -EALREADY;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_errno(st, rc);

	r = store_stmt(st, ic->ins_sql, &s);
	if (r < 0)
		return r;
	store_utc(0, at);
	sqlite3_bind_text(s, 1, ic->sha_hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
	for (i = 0; i < ic->n_fields; i++)
		store_bind_text(s, 3 + i, ic->fields[i]);
	if (ic->bind_more)
		ic->bind_more(s, 3 + ic->n_fields, ic->arg);
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	ic->id = sqlite3_last_insert_rowid(st->db);
	st->a_tbl = ic->tbl;
	st->a_row = ic->id;
	return store_audit_cover(st, ic->tbl, ic->id);
}

static int ident_run(struct bench_store *st, struct ident_ctx *ic, int64_t *ret_id)
{
	int r;

	r = store_write(st, ident_insert, ic);
	if (r == -EALREADY)
		r = 0;
	if (r == 0 && ret_id)
		*ret_id = ic->id;
	return r;
}

int bench_store_add_station(struct bench_store *st, const struct bench_store_station *s,
			    int64_t *ret_id)
{
	struct ident_ctx ic = {
		.tbl = "station",
		.ins_sql = "INSERT INTO station (sha256, created_utc, name, host, location, "
			   "description) VALUES (?, ?, ?, ?, ?, ?)",
		.fields = { s ? s->name : NULL, s ? s->host : NULL, s ? s->location : NULL,
			    s ? s->description : NULL },
		.n_fields = 4,
	};
	int r;

	if (!st || !s || !s->name)
		return -EINVAL;
	r = ident_key(&ic, NULL);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

int bench_store_add_operator(struct bench_store *st, const struct bench_store_operator *o,
			     int64_t *ret_id)
{
	struct ident_ctx ic = {
		.tbl = "operator",
		.ins_sql = "INSERT INTO operator (sha256, created_utc, login, name, role) "
			   "VALUES (?, ?, ?, ?, ?)",
		.fields = { o ? o->login : NULL, o ? o->name : NULL, o ? o->role : NULL },
		.n_fields = 3,
	};
	int r;

	if (!st || !o || !o->login)
		return -EINVAL;
	r = ident_key(&ic, NULL);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

static void bind_station(sqlite3_stmt *s, int first, const void *arg)
{
	store_bind_id(s, first, *(const int64_t *)arg);
}

int bench_store_add_instrument(struct bench_store *st, const struct bench_store_instrument *in,
			       int64_t *ret_id)
{
	struct ident_ctx ic = {
		.tbl = "instrument",
		.ins_sql = "INSERT INTO instrument (sha256, created_utc, kind, manufacturer, "
			   "model, serial, firmware, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		.fields = { in ? in->kind : NULL, in ? in->manufacturer : NULL,
			    in ? in->model : NULL, in ? in->serial : NULL,
			    in ? in->firmware : NULL },
		.n_fields = 5,
		.bind_more = bind_station,
		.arg = in ? &in->station_id : NULL,
	};
	char extra[40];
	int r;

	if (!st || !in || !in->kind || !in->model || !in->serial)
		return -EINVAL;
	snprintf(extra, sizeof(extra), "station=%lld\n", (long long)in->station_id);
	r = ident_key(&ic, extra);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

static void bind_calibration(sqlite3_stmt *s, int first, const void *arg)
{
	const struct bench_store_calibration *c = arg;

	sqlite3_bind_int64(s, first, c->instrument_id);
	store_bind_double(s, first + 1, c->gain);
	store_bind_double(s, first + 2, c->offset);
	store_bind_double(s, first + 3, c->u_gain);
	store_bind_double(s, first + 4, c->u_offset);
}

int bench_store_add_calibration(struct bench_store *st, const struct bench_store_calibration *c,
				int64_t *ret_id)
{
	struct ident_ctx ic = {
		.tbl = "calibration",
		.ins_sql =
			"INSERT INTO calibration (sha256, created_utc, channel, offset_unit, "
			"method, certificate, cal_date, due_date, instrument_id, gain, "
			"offset, u_gain, u_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		.fields = { c ? c->channel : NULL, c ? c->offset_unit : NULL, c ? c->method : NULL,
			    c ? c->certificate : NULL, c ? c->cal_date : NULL,
			    c ? c->due_date : NULL },
		.n_fields = 6,
		.bind_more = bind_calibration,
		.arg = c,
	};
	char extra[160];
	int r;

	if (!st || !c || !c->instrument_id || !c->channel || !c->offset_unit || !c->method ||
	    !c->cal_date || c->gain != c->gain || c->offset != c->offset)
		return -EINVAL;
	snprintf(extra, sizeof(extra), "instrument=%lld\n%a\n%a\n%a\n%a\n",
		 (long long)c->instrument_id, c->gain, c->offset, c->u_gain, c->u_offset);
	r = ident_key(&ic, extra);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

/* Content-keyed identities: the SHA-256 is that of the file content. */
static int content_sha(const char *content, size_t len, char hex[BENCH_SHA256_HEX_LEN])
{
	uint8_t digest[BENCH_SHA256_LEN];
	int r;

	r = bench_sha256(content, len, digest);
	if (r < 0)
		return r;
	bench_sha256_hex(digest, hex);
	return 0;
}

struct blob_arg {
	const char *p;
	size_t len;
};

static void bind_content(sqlite3_stmt *s, int first, const void *arg)
{
	const struct blob_arg *b = arg;

	sqlite3_bind_text64(s, first, b->p, b->len, SQLITE_STATIC, SQLITE_UTF8);
}

int bench_store_add_fixture(struct bench_store *st, const char *name, const char *content,
			    size_t len, int64_t *ret_id)
{
	struct blob_arg b = { content, len };
	struct ident_ctx ic = {
		.tbl = "fixture",
		.ins_sql = "INSERT INTO fixture (sha256, created_utc, name, content) "
			   "VALUES (?, ?, ?, ?)",
		.fields = { name },
		.n_fields = 1,
		.bind_more = bind_content,
		.arg = &b,
	};
	int r;

	if (!st || !name || !content)
		return -EINVAL;
	r = content_sha(content, len, ic.sha_hex);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

int bench_store_add_dut(struct bench_store *st, const struct bench_store_dut *d, int64_t *ret_id)
{
	struct ident_ctx ic = {
		.tbl = "dut",
		.ins_sql = "INSERT INTO dut (sha256, created_utc, manufacturer, model, serial, "
			   "firmware, hardware_rev) VALUES (?, ?, ?, ?, ?, ?, ?)",
		.fields = { d ? d->manufacturer : NULL, d ? d->model : NULL, d ? d->serial : NULL,
			    d ? d->firmware : NULL, d ? d->hardware_rev : NULL },
		.n_fields = 5,
	};
	int r;

	if (!st || !d || !d->model || !d->serial)
		return -EINVAL;
	r = ident_key(&ic, NULL);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

int bench_store_add_protocol(struct bench_store *st, const struct bench_store_protocol *p,
			     int64_t *ret_id)
{
	struct blob_arg b = { p ? p->xml : NULL, p ? p->xml_len : 0 };
	struct ident_ctx ic = {
		.tbl = "protocol",
		.ins_sql = "INSERT INTO protocol (sha256, created_utc, protocol_id, version, "
			   "title, standard, edition, clause, xml) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		.fields = { p ? p->protocol_id : NULL, p ? p->version : NULL, p ? p->title : NULL,
			    p ? p->standard : NULL, p ? p->edition : NULL, p ? p->clause : NULL },
		.n_fields = 6,
		.bind_more = bind_content,
		.arg = &b,
	};
	int r;

	if (!st || !p || !p->protocol_id || !p->version || !p->xml)
		return -EINVAL;
	r = content_sha(p->xml, p->xml_len, ic.sha_hex);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

int bench_store_add_limit_set(struct bench_store *st, const char *name, const char *version,
			      const char *content, size_t len, int64_t *ret_id)
{
	struct blob_arg b = { content, len };
	struct ident_ctx ic = {
		.tbl = "limit_set",
		.ins_sql = "INSERT INTO limit_set (sha256, created_utc, name, version, content) "
			   "VALUES (?, ?, ?, ?, ?)",
		.fields = { name, version },
		.n_fields = 2,
		.bind_more = bind_content,
		.arg = &b,
	};
	int r;

	if (!st || !name || !content)
		return -EINVAL;
	r = content_sha(content, len, ic.sha_hex);
	return r < 0 ? r : ident_run(st, &ic, ret_id);
}

/* Runs. */

static const char *const run_type_names[] = { "engineering", "production", "certification" };
static const char *const run_status_names[] = { "running", "passed",  "failed",
						"error",   "aborted", "interrupted" };

const char *bench_store_run_type_name(enum bench_store_run_type t)
{
	if ((unsigned)t >= BENCH_STORE_RUN_TYPE_COUNT)
		return NULL;
	return run_type_names[t];
}

const char *bench_store_run_status_name(enum bench_store_run_status s)
{
	if ((unsigned)s >= BENCH_STORE_RUN_STATUS_COUNT)
		return NULL;
	return run_status_names[s];
}

int bench_store_run_status_parse(const char *s, enum bench_store_run_status *ret_status)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < BENCH_STORE_RUN_STATUS_COUNT; i++) {
		if (strcmp(s, run_status_names[i]) == 0) {
			*ret_status = (enum bench_store_run_status)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int make_uuid(char out[BENCH_STORE_UUID_LEN])
{
	uint8_t u[16];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(u)) {
		n = getrandom(u + got, sizeof(u) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, BENCH_STORE_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	return 0;
}

/* This process's start time (dead-writer detection); NULL where /proc is missing. */
static void bind_start_ticks(sqlite3_stmt *s, int i)
{
	int64_t ticks = store_pid_start_ticks((int64_t)getpid());

	if (ticks >= 0)
		sqlite3_bind_int64(s, i, ticks);
	else
		sqlite3_bind_null(s, i);
}

struct run_ctx {
	const struct bench_store_run_info *info;
	const char *why;
	char uuid[BENCH_STORE_UUID_LEN];
	int64_t id;
};

static int run_insert(struct bench_store *st, void *ctx)
{
	static const char *const ins =
		"INSERT INTO run (uuid, run_type, status, start_utc, station_id, operator_id, "
		"dut_id, fixture_id, limit_set_id, suite, seed, software_version, build_id, host, "
		"pid, boot_id, slot, resumed_from, rescored_from, writer_start_ticks) VALUES (?1, ?2, "
		"'running', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
		"?19)";
	static const char *const ins_cal =
		"INSERT INTO run_calibration (run_id, calibration_id) VALUES (?, ?)";
	struct run_ctx *rc = ctx;
	const struct bench_store_run_info *in = rc->info;
	char at[40];
	sqlite3_stmt *s;
	size_t i;
	int r;

	r = store_stmt(st, ins, &s);
	if (r < 0)
		return r;
	store_utc(0, at);
	sqlite3_bind_text(s, 1, rc->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, run_type_names[in->run_type], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
	store_bind_id(s, 4, in->station_id);
	store_bind_id(s, 5, in->operator_id);
	store_bind_id(s, 6, in->dut_id);
	store_bind_id(s, 7, in->fixture_id);
	store_bind_id(s, 8, in->limit_set_id);
	store_bind_text(s, 9, in->suite);
	sqlite3_bind_int64(s, 10, (int64_t)in->seed);
	sqlite3_bind_text(s, 11, BENCH_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, BENCH_BUILD_ID, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, st->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 14, (int64_t)getpid());
	store_bind_text(s, 15, st->boot_id[0] ? st->boot_id : NULL);
	if (in->slot >= 0)
		sqlite3_bind_int(s, 16, in->slot);
	store_bind_id(s, 17, in->resumed_from);
	store_bind_id(s, 18, in->rescored_from);
	bind_start_ticks(s, 19);
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	rc->id = sqlite3_last_insert_rowid(st->db);
	st->a_tbl = "run";
	st->a_row = rc->id;
	if (rc->why)
		st->a_why = rc->why;
	r = store_audit_cover(st, "run", rc->id);
	for (i = 0; i < in->n_calibrations && r == 0; i++) {
		r = store_stmt(st, ins_cal, &s);
		if (r < 0)
			return r;
		sqlite3_bind_int64(s, 1, rc->id);
		sqlite3_bind_int64(s, 2, in->calibration_ids[i]);
		r = store_step_done(st, s);
		if (r == 0)
			r = store_audit_cover(st, "run_calibration",
					      sqlite3_last_insert_rowid(st->db));
	}
	return r;
}

static int set_sync_full(struct bench_store *st)
{
	int r;

	if (st->sync_full)
		return 0;
	/* A power cut during a certification run must keep every committed trial. */
	r = store_exec(st, "PRAGMA synchronous = FULL");
	if (r == 0)
		st->sync_full = true;
	return r;
}

static int run_begin_why(struct bench_store *st, const struct bench_store_run_info *info,
			 const char *why, int64_t *ret_run_id, char *ret_uuid)
{
	struct run_ctx rc = { .info = info, .why = why };
	int r;

	if (!st || !info || !ret_run_id || (unsigned)info->run_type >= BENCH_STORE_RUN_TYPE_COUNT ||
	    (info->n_calibrations && !info->calibration_ids))
		return -EINVAL;
	if (info->run_type == BENCH_STORE_RUN_CERTIFICATION) {
		r = set_sync_full(st);
		if (r < 0)
			return r;
	}
	r = make_uuid(rc.uuid);
	if (r < 0)
		return r;
	r = store_write(st, run_insert, &rc);
	if (r < 0)
		return r;
	*ret_run_id = rc.id;
	if (ret_uuid)
		memcpy(ret_uuid, rc.uuid, BENCH_STORE_UUID_LEN);
	return 0;
}

int bench_store_run_begin(struct bench_store *st, const struct bench_store_run_info *info,
			  int64_t *ret_run_id, char *ret_uuid)
{
	return run_begin_why(st, info, NULL, ret_run_id, ret_uuid);
}

int bench_store_rescore_begin(struct bench_store *st, int64_t src_run_id, const char *why,
			      int64_t *ret_run_id, char *ret_uuid)
{
	static const char *const sel =
		"SELECT run_type, status, station_id, operator_id, dut_id, fixture_id, "
		"limit_set_id, suite, seed, slot FROM run WHERE id = ?";
	static const char *const sel_cal =
		"SELECT calibration_id FROM run_calibration WHERE run_id = ? ORDER BY id";
	struct bench_store_run_info info = { .slot = -1, .rescored_from = src_run_id };
	int64_t *cals = NULL;
	char *suite = NULL;
	size_t n_cals = 0;
	sqlite3_stmt *s;
	int rc, r, i;

	if (!st || !ret_run_id)
		return -EINVAL;
	r = store_stmt(st, sel, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, src_run_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? -ENOENT : store_errno(st, rc);
	}
	r = -EINVAL;
	for (i = 0; i < BENCH_STORE_RUN_TYPE_COUNT; i++)
		if (strcmp((const char *)sqlite3_column_text(s, 0), run_type_names[i]) == 0) {
			info.run_type = (enum bench_store_run_type)i;
			r = 0;
		}
	if (strcmp((const char *)sqlite3_column_text(s, 1), "running") == 0)
		r = -EINVAL; /* its record is still being written */
	info.station_id = sqlite3_column_int64(s, 2);
	info.operator_id = sqlite3_column_int64(s, 3);
	info.dut_id = sqlite3_column_int64(s, 4);
	info.fixture_id = sqlite3_column_int64(s, 5);
	info.limit_set_id = sqlite3_column_int64(s, 6);
	if (r == 0 && sqlite3_column_type(s, 7) != SQLITE_NULL) {
		suite = strdup((const char *)sqlite3_column_text(s, 7));
		if (!suite)
			r = -ENOMEM;
	}
	info.suite = suite;
	info.seed = (uint64_t)sqlite3_column_int64(s, 8);
	if (sqlite3_column_type(s, 9) != SQLITE_NULL)
		info.slot = sqlite3_column_int(s, 9);
	sqlite3_reset(s);
	if (r == 0)
		r = store_stmt(st, sel_cal, &s);
	if (r == 0) {
		sqlite3_bind_int64(s, 1, src_run_id);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t *n = realloc(cals, (n_cals + 1) * sizeof(*cals));

			if (!n) {
				r = -ENOMEM;
				break;
			}
			cals = n;
			cals[n_cals++] = sqlite3_column_int64(s, 0);
		}
		if (r == 0 && rc != SQLITE_DONE)
			r = store_errno(st, rc);
		sqlite3_reset(s);
	}
	info.calibration_ids = cals;
	info.n_calibrations = n_cals;
	if (r == 0)
		r = run_begin_why(st, &info, why, ret_run_id, ret_uuid);
	free(cals);
	free(suite);
	return r;
}

struct status_ctx {
	int64_t run_id;
	enum bench_store_run_status status;
	const char *why;
	bool resume;
};

static int run_status_update(struct bench_store *st, void *ctx)
{
	static const char *const upd =
		"UPDATE run SET status = ?2, status_reason = ?3, "
		"end_utc = CASE WHEN ?4 THEN ?5 ELSE end_utc END WHERE id = ?1";
	static const char *const sel = "SELECT status FROM run WHERE id = ?";
	static const char *const upd_resume =
		"UPDATE run SET status = 'running', status_reason = ?2, end_utc = NULL, host = ?3, "
		"pid = ?4, boot_id = ?5, writer_start_ticks = ?6 WHERE id = ?1";
	static const char *const ev = "INSERT INTO event (run_id, t_utc, kind, source, message) "
				      "VALUES (?1, ?2, 'resumed', 'store', ?3)";
	struct status_ctx *sc = ctx;
	bool final = sc->status != BENCH_STORE_RUN_RUNNING &&
		     sc->status != BENCH_STORE_RUN_INTERRUPTED;
	char at[40];
	sqlite3_stmt *s;
	int rc, r;

	r = store_stmt(st, sel, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, sc->run_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? -ENOENT : store_errno(st, rc);
	}
	if (sc->resume && strcmp((const char *)sqlite3_column_text(s, 0), "interrupted") != 0) {
		sqlite3_reset(s);
		return -EINVAL;
	}
	sqlite3_reset(s);

	store_utc(0, at);
	if (sc->resume) {
		r = store_stmt(st, upd_resume, &s);
		if (r < 0)
			return r;
		sqlite3_bind_int64(s, 1, sc->run_id);
		store_bind_text(s, 2, sc->why);
		sqlite3_bind_text(s, 3, st->host, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, (int64_t)getpid());
		store_bind_text(s, 5, st->boot_id[0] ? st->boot_id : NULL);
		bind_start_ticks(s, 6);
	} else {
		r = store_stmt(st, upd, &s);
		if (r < 0)
			return r;
		sqlite3_bind_int64(s, 1, sc->run_id);
		sqlite3_bind_text(s, 2, run_status_names[sc->status], -1, SQLITE_STATIC);
		store_bind_text(s, 3, sc->why);
		sqlite3_bind_int(s, 4, final);
		sqlite3_bind_text(s, 5, at, -1, SQLITE_STATIC);
	}
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	st->a_action = sc->resume ? "resume" : "status";
	st->a_tbl = "run";
	st->a_row = sc->run_id;
	st->a_why = sc->why;
	r = store_audit_cover(st, "run", sc->run_id);
	if (r < 0 || !sc->resume)
		return r;
	r = store_stmt(st, ev, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, sc->run_id);
	sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
	store_bind_text(s, 3, sc->why);
	r = store_step_done(st, s);
	if (r == 0)
		r = store_audit_cover(st, "event", sqlite3_last_insert_rowid(st->db));
	return r;
}

int bench_store_run_set_status(struct bench_store *st, int64_t run_id,
			       enum bench_store_run_status status, const char *why)
{
	struct status_ctx sc = { run_id, status, why, false };

	if (!st || (unsigned)status >= BENCH_STORE_RUN_STATUS_COUNT)
		return -EINVAL;
	return store_write(st, run_status_update, &sc);
}

int bench_store_run_resume(struct bench_store *st, int64_t run_id, const char *why)
{
	static const char *const sel = "SELECT run_type FROM run WHERE id = ?";
	struct status_ctx sc = { run_id, BENCH_STORE_RUN_RUNNING, why, true };
	sqlite3_stmt *s;
	bool cert = false;
	int rc, r;

	if (!st)
		return -EINVAL;
	r = store_stmt(st, sel, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, run_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		cert = strcmp((const char *)sqlite3_column_text(s, 0), "certification") == 0;
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return -ENOENT;
	if (rc != SQLITE_ROW)
		return store_errno(st, rc);
	if (cert) {
		r = set_sync_full(st);
		if (r < 0)
			return r;
	}
	return store_write(st, run_status_update, &sc);
}

int bench_store_run_find(struct bench_store *st, const char *name, int64_t *ret_run_id)
{
	static const char *const by_id = "SELECT id FROM run WHERE id = ?";
	static const char *const by_prefix =
		"SELECT id FROM run WHERE substr(uuid, 1, length(?1)) = lower(?1) LIMIT 2";
	sqlite3_stmt *s;
	int64_t id = 0, v;
	int rc, r, n = 0;
	size_t i, len;

	if (!st || !name || !ret_run_id)
		return -EINVAL;
	len = strlen(name);
	for (i = 0; i < len; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f') ||
		      (name[i] >= 'A' && name[i] <= 'F') || name[i] == '-'))
			return -EINVAL;
	if (len == 0)
		return -EINVAL;
	if (len < 4 || strspn(name, "0123456789") == len) {
		/* A short or all-digit name is a row id (a 4+ digit prefix is tried too). */
		if (strspn(name, "0123456789") == len && len <= 18) {
			v = 0;
			for (i = 0; i < len; i++)
				v = v * 10 + (name[i] - '0');
			r = store_stmt(st, by_id, &s);
			if (r < 0)
				return r;
			sqlite3_bind_int64(s, 1, v);
			rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc == SQLITE_ROW) {
				*ret_run_id = v;
				return 0;
			}
			if (rc != SQLITE_DONE)
				return store_errno(st, rc);
		}
		if (len < 4)
			return -ENOENT;
	}
	r = store_stmt(st, by_prefix, &s);
	if (r < 0)
		return r;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_errno(st, rc);
	if (n == 0)
		return -ENOENT;
	if (n > 1)
		return -EINVAL;
	*ret_run_id = id;
	return 0;
}

int bench_store_run_dir(struct bench_store *st, int64_t run_id, struct bench_buf *out)
{
	char uuid[BENCH_STORE_UUID_LEN];
	int r;

	if (!st || !out)
		return -EINVAL;
	r = store_run_uuid(st, run_id, uuid);
	if (r < 0)
		return r;
	return bench_buf_appendf(out, "%s.d/%s", st->path, uuid);
}

int bench_store_run_dir_make(struct bench_store *st, int64_t run_id, struct bench_buf *out)
{
	struct bench_buf parent = BENCH_BUF_INIT;
	size_t start;
	int r;

	if (!st || !out)
		return -EINVAL;
	start = out->len;
	r = bench_store_run_dir(st, run_id, out);
	if (r < 0)
		return r;
	r = bench_buf_appendf(&parent, "%s.d", st->path);
	if (r == 0 && mkdir(bench_buf_str(&parent), 0755) < 0 && errno != EEXIST)
		r = -errno;
	if (r == 0 && mkdir(bench_buf_str(out) + start, 0755) < 0 && errno != EEXIST)
		r = -errno;
	bench_buf_free(&parent);
	return r;
}

/* Tests. */

struct test_ctx {
	int64_t run_id, protocol_row_id, id;
	int seq;
	const char *name;
	const char *verdict;
};

static int test_insert(struct bench_store *st, void *ctx)
{
	static const char *const ins = "INSERT INTO test (run_id, protocol_id, seq, name, "
				       "start_utc) VALUES (?, ?, ?, ?, ?)";
	struct test_ctx *tc = ctx;
	char at[40];
	sqlite3_stmt *s;
	int r;

	r = store_stmt(st, ins, &s);
	if (r < 0)
		return r;
	store_utc(0, at);
	sqlite3_bind_int64(s, 1, tc->run_id);
	sqlite3_bind_int64(s, 2, tc->protocol_row_id);
	sqlite3_bind_int(s, 3, tc->seq);
	sqlite3_bind_text(s, 4, tc->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, at, -1, SQLITE_STATIC);
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	tc->id = sqlite3_last_insert_rowid(st->db);
	st->a_tbl = "test";
	st->a_row = tc->id;
	return store_audit_cover(st, "test", tc->id);
}

int bench_store_test_begin(struct bench_store *st, int64_t run_id, int64_t protocol_row_id, int seq,
			   const char *name, int64_t *ret_test_id)
{
	struct test_ctx tc = { run_id, protocol_row_id, 0, seq, name, NULL };
	int r;

	if (!st || !name || seq < 0 || !ret_test_id)
		return -EINVAL;
	r = store_write(st, test_insert, &tc);
	if (r < 0)
		return r;
	*ret_test_id = tc.id;
	return 0;
}

static int test_update(struct bench_store *st, void *ctx)
{
	static const char *const upd = "UPDATE test SET verdict = ?2, end_utc = ?3 WHERE id = ?1";
	struct test_ctx *tc = ctx;
	char at[40];
	sqlite3_stmt *s;
	int r;

	r = store_stmt(st, upd, &s);
	if (r < 0)
		return r;
	store_utc(0, at);
	sqlite3_bind_int64(s, 1, tc->id);
	sqlite3_bind_text(s, 2, tc->verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	if (sqlite3_changes(st->db) == 0)
		return -ENOENT;
	st->a_action = "test_end";
	st->a_tbl = "test";
	st->a_row = tc->id;
	st->a_why = tc->verdict;
	return store_audit_cover(st, "test", tc->id);
}

int bench_store_test_end(struct bench_store *st, int64_t test_id, const char *verdict)
{
	struct test_ctx tc = { .id = test_id, .verdict = verdict };

	if (!st || !bench_store_verdict_valid(verdict))
		return -EINVAL;
	return store_write(st, test_update, &tc);
}

int bench_store_test_find(struct bench_store *st, int64_t run_id, int seq, int64_t *ret_test_id)
{
	static const char *const sel = "SELECT id FROM test WHERE run_id = ? AND seq = ?";
	sqlite3_stmt *s;
	int rc, r;

	if (!st || !ret_test_id)
		return -EINVAL;
	r = store_stmt(st, sel, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int(s, 2, seq);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*ret_test_id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : store_errno(st, rc);
}

/* Artifacts: files are hashed before the transaction. */

struct art_prep {
	const struct bench_store_artifact *a;
	char sha_hex[BENCH_SHA256_HEX_LEN];
	uint64_t size;
};

static bool path_ok(const char *p)
{
	const char *c = p;

	if (!p[0] || p[0] == '/')
		return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if ((n == 2 && c[0] == '.' && c[1] == '.') || n == 0)
			return false;
		c += n;
		if (*c == '/')
			c++;
	}
	return true;
}

static int art_prepare(struct bench_store *st, int64_t run_id,
		       const struct bench_store_artifact *arts, size_t n, struct art_prep *out)
{
	struct bench_buf path = BENCH_BUF_INIT;
	uint8_t digest[BENCH_SHA256_LEN];
	size_t i, base;
	int r = 0;

	for (i = 0; i < n; i++) {
		const struct bench_store_artifact *a = &arts[i];

		out[i].a = a;
		if (!a->kind || !a->media_type || (!a->path && !a->blob && a->blob_len) ||
		    (a->path && !path_ok(a->path)))
			return -EINVAL;
		if (a->path) {
			if (!path.len) {
				r = bench_store_run_dir(st, run_id, &path);
				if (r < 0)
					break;
				r = bench_buf_append(&path, "/", 1);
				if (r < 0)
					break;
			}
			base = path.len;
			r = bench_buf_append_str(&path, a->path);
			if (r == 0)
				r = bench_sha256_file(bench_buf_str(&path), digest, &out[i].size);
			path.len = base;
			if (r < 0) {
				bench_log(BENCH_LOG_DEBUG, "store", "artifact %s: %s", a->path,
					  strerror(-r));
				break;
			}
		} else {
			r = bench_sha256(a->blob ? a->blob : "", a->blob_len, digest);
			if (r < 0)
				break;
			out[i].size = a->blob_len;
		}
		bench_sha256_hex(digest, out[i].sha_hex);
	}
	bench_buf_free(&path);
	return r;
}

static int art_insert(struct bench_store *st, int64_t run_id, int64_t trial_id,
		      const struct art_prep *p)
{
	static const char *const ins =
		"INSERT INTO artifact (run_id, trial_id, kind, path, blob, media_type, sha256, "
		"size_bytes, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char at[40];
	sqlite3_stmt *s;
	int r;

	r = store_stmt(st, ins, &s);
	if (r < 0)
		return r;
	store_utc(0, at);
	sqlite3_bind_int64(s, 1, run_id);
	store_bind_id(s, 2, trial_id);
	sqlite3_bind_text(s, 3, p->a->kind, -1, SQLITE_STATIC);
	store_bind_text(s, 4, p->a->path);
	if (!p->a->path)
		sqlite3_bind_blob64(s, 5, p->a->blob ? p->a->blob : "", p->a->blob_len,
				    SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->a->media_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, p->sha_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, (int64_t)p->size);
	sqlite3_bind_text(s, 9, at, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

static int event_insert(struct bench_store *st, int64_t run_id, int64_t trial_id,
			const struct bench_store_event *e)
{
	static const char *const ins = "INSERT INTO event (run_id, trial_id, t_utc, t_ns, kind, "
				       "source, message) VALUES (?, ?, ?, ?, ?, ?, ?)";
	char at[40];
	sqlite3_stmt *s;
	int r;

	if (!e->kind)
		return -EINVAL;
	r = store_stmt(st, ins, &s);
	if (r < 0)
		return r;
	store_utc(e->t_wall_ns, at);
	sqlite3_bind_int64(s, 1, run_id);
	store_bind_id(s, 2, trial_id);
	sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
	if (e->t_ns != BENCH_STORE_NO_TIME)
		sqlite3_bind_int64(s, 4, e->t_ns);
	sqlite3_bind_text(s, 5, e->kind, -1, SQLITE_STATIC);
	store_bind_text(s, 6, e->source);
	store_bind_text(s, 7, e->message);
	return store_step_done(st, s);
}

/* Trials. */

struct trial_ctx {
	int64_t test_id, run_id, id;
	const struct bench_store_trial *t;
	const struct art_prep *arts;
};

/*
 * Measurements go in with multi-row INSERTs of MEAS_BATCH rows (then 8, then 1): one
 * statement step per 32 rows instead of per row. Row ids are contiguous (the write lock is
 * held, ids are max + 1), so the ids of a batch are last_insert_rowid - n + 1 .. last.
 */
#define MEAS_COLS 17
#define MEAS_BATCH 32
#define MV1 "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define MV2 MV1 "," MV1
#define MV4 MV2 "," MV2
#define MV8 MV4 "," MV4
#define MV16 MV8 "," MV8
#define MV32 MV16 "," MV16
#define INS_M                                                                             \
	"INSERT INTO measurement (trial_id, seq, name, value, unit, u, u_expanded, k, "   \
	"limit_low, limit_high, comparator, marginal_low, marginal_high, decision_rule, " \
	"verdict, evidence, clause) VALUES "

static const char *const ins_m_sql[] = { INS_M MV1, INS_M MV8, INS_M MV32 };
static const size_t ins_m_rows[] = { 1, 8, MEAS_BATCH };

/* Binds one measurement at parameters @base + 1 .. @base + MEAS_COLS. */
static void measurement_bind(sqlite3_stmt *s, int base, int64_t trial_id, int seq,
			     const struct bench_store_measurement *m)
{
	sqlite3_bind_int64(s, base + 1, trial_id);
	sqlite3_bind_int(s, base + 2, seq);
	sqlite3_bind_text(s, base + 3, m->name, -1, SQLITE_STATIC);
	store_bind_double(s, base + 4, m->value);
	sqlite3_bind_text(s, base + 5, m->unit, -1, SQLITE_STATIC);
	store_bind_double(s, base + 6, m->u);
	store_bind_double(s, base + 7, m->u_expanded);
	store_bind_double(s, base + 8, m->k);
	store_bind_double(s, base + 9, m->limit_low);
	store_bind_double(s, base + 10, m->limit_high);
	store_bind_text(s, base + 11, m->comparator);
	store_bind_double(s, base + 12, m->marginal_low);
	store_bind_double(s, base + 13, m->marginal_high);
	store_bind_text(s, base + 14, m->decision_rule);
	sqlite3_bind_text(s, base + 15, m->verdict, -1, SQLITE_STATIC);
	store_bind_text(s, base + 16, m->evidence);
	store_bind_text(s, base + 17, m->clause);
}

/* Canonical encoding written straight into a reserved buffer (the hot path). */
static char *put_key(char *p, const char *key, size_t n)
{
	memcpy(p, key, n);
	p[n] = '=';
	return p + n + 1;
}

static char *put_int(char *p, const char *key, size_t klen, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--n] = '-';
	p = put_key(p, key, klen);
	*p++ = 'i';
	memcpy(p, tmp + n, sizeof(tmp) - n);
	p += sizeof(tmp) - n;
	*p++ = '\n';
	return p;
}

static char *put_real(char *p, const char *key, size_t klen, double d)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t u;
	int k;

	if (d != d)
		return p; /* NULL: left out */
	if (d == 0.0)
		d = 0.0; /* -0.0 reads back as 0.0 */
	memcpy(&u, &d, sizeof(u));
	p = put_key(p, key, klen);
	*p++ = 'r';
	for (k = 0; k < 16; k++)
		*p++ = hex[(u >> (60 - 4 * k)) & 0xf];
	*p++ = '\n';
	return p;
}

static char *put_text(char *p, const char *key, size_t klen, const char *v, size_t n)
{
	char tmp[24];
	size_t d = sizeof(tmp), len = n;

	if (!v)
		return p;
	do {
		tmp[--d] = (char)('0' + len % 10);
		len /= 10;
	} while (len);
	p = put_key(p, key, klen);
	*p++ = 't';
	memcpy(p, tmp + d, sizeof(tmp) - d);
	p += sizeof(tmp) - d;
	*p++ = ':';
	memcpy(p, v, n);
	p += n;
	*p++ = '\n';
	return p;
}

#define KEY(s) s, sizeof(s) - 1
#define SLEN(s) ((s) ? strlen(s) : 0)

/*
 * Canonical content of the measurement row just inserted, from the values
 * bound (same order and encoding as reading it back: schemas/sql/0001,
 * docs/database.md; the verify tests compare both). Saves one query per
 * measurement.
 */
static int measurement_cover(struct bench_store *st, int64_t id, int64_t trial_id, int seq,
			     const struct bench_store_measurement *m)
{
	size_t l_name = strlen(m->name), l_unit = strlen(m->unit), l_cmp = SLEN(m->comparator);
	size_t l_rule = SLEN(m->decision_rule), l_verdict = strlen(m->verdict);
	size_t l_ev = SLEN(m->evidence), l_clause = SLEN(m->clause);
	char *p, *p0;
	int r;

	/* 18 fields of at most 64 bytes besides the text itself. */
	bench_buf_clear(&st->canon);
	r = bench_buf_reserve(&st->canon, 12 + 18 * 64 + l_name + l_unit + l_cmp + l_rule +
						  l_verdict + l_ev + l_clause);
	if (r < 0)
		return r;
	p0 = p = (char *)st->canon.data;
	memcpy(p, "measurement\n", 12);
	p += 12;
	p = put_int(p, KEY("id"), id);
	p = put_int(p, KEY("trial_id"), trial_id);
	p = put_int(p, KEY("seq"), seq);
	p = put_text(p, KEY("name"), m->name, l_name);
	p = put_real(p, KEY("value"), m->value);
	p = put_text(p, KEY("unit"), m->unit, l_unit);
	p = put_real(p, KEY("u"), m->u);
	p = put_real(p, KEY("u_expanded"), m->u_expanded);
	p = put_real(p, KEY("k"), m->k);
	p = put_real(p, KEY("limit_low"), m->limit_low);
	p = put_real(p, KEY("limit_high"), m->limit_high);
	p = put_text(p, KEY("comparator"), m->comparator, l_cmp);
	p = put_real(p, KEY("marginal_low"), m->marginal_low);
	p = put_real(p, KEY("marginal_high"), m->marginal_high);
	p = put_text(p, KEY("decision_rule"), m->decision_rule, l_rule);
	p = put_text(p, KEY("verdict"), m->verdict, l_verdict);
	p = put_text(p, KEY("evidence"), m->evidence, l_ev);
	p = put_text(p, KEY("clause"), m->clause, l_clause);
	*p = '\0';
	st->canon.len = (size_t)(p - p0);
	return store_canon_cover(st, "measurement", id);
}

/* Inserts and covers the measurements of trial @trial_id. */
static int measurements_insert(struct bench_store *st, int64_t trial_id,
			       const struct bench_store_measurement *ms, size_t n)
{
	size_t i = 0, j, k;
	sqlite3_stmt *s;
	int64_t last;
	int rc, r;

	while (i < n) {
		for (k = BENCH_ARRAY_SIZE(ins_m_rows) - 1; k > 0 && n - i < ins_m_rows[k]; k--)
			;
		r = store_stmt(st, ins_m_sql[k], &s);
		if (r < 0)
			return r;
		for (j = 0; j < ins_m_rows[k]; j++)
			measurement_bind(s, (int)(j * MEAS_COLS), trial_id, (int)(i + j),
					 &ms[i + j]);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return store_errno(st, rc);
		last = sqlite3_last_insert_rowid(st->db);
		for (j = 0; j < ins_m_rows[k]; j++) {
			r = measurement_cover(st, last - (int64_t)ins_m_rows[k] + 1 + (int64_t)j,
					      trial_id, (int)(i + j), &ms[i + j]);
			if (r < 0)
				return r;
		}
		i += ins_m_rows[k];
	}
	return 0;
}

/* rescore_input rows of a re-scored trial; each artifact must belong to the source trial. */
static int sources_insert(struct bench_store *st, int64_t trial_id,
			  const struct bench_store_trial *t)
{
	static const char *const ins =
		"INSERT INTO rescore_input (trial_id, source_trial_id, artifact_id, sha256) "
		"SELECT ?1, ?2, id, sha256 FROM artifact WHERE id = ?3 AND trial_id = ?2";
	int64_t first = 0, last = 0;
	sqlite3_stmt *s;
	size_t i;
	int r;

	for (i = 0; i < t->n_source_artifacts; i++) {
		r = store_stmt(st, ins, &s);
		if (r < 0)
			return r;
		sqlite3_bind_int64(s, 1, trial_id);
		sqlite3_bind_int64(s, 2, t->source_trial_id);
		sqlite3_bind_int64(s, 3, t->source_artifact_ids[i]);
		r = store_step_done(st, s);
		if (r < 0)
			return r;
		if (sqlite3_changes(st->db) != 1)
			return -EINVAL; /* not an artifact of the source trial */
		last = sqlite3_last_insert_rowid(st->db);
		if (i == 0)
			first = last;
	}
	return store_audit_cover_range(st, "rescore_input", first, last);
}

static int trial_insert(struct bench_store *st, void *ctx)
{
	static const char *const ins =
		"INSERT INTO trial (test_id, seq, attempt, seed, status, start_utc, end_utc, note) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct trial_ctx *tc = ctx;
	const struct bench_store_trial *t = tc->t;
	int64_t first[3] = { 0 }, last[3] = { 0 };
	char t0[40], t1[40];
	sqlite3_stmt *s;
	size_t i;
	int r;

	r = store_stmt(st, ins, &s);
	if (r < 0)
		return r;
	store_utc(t->start_wall_ns, t0);
	store_utc(t->end_wall_ns, t1);
	sqlite3_bind_int64(s, 1, tc->test_id);
	sqlite3_bind_int(s, 2, t->seq);
	sqlite3_bind_int(s, 3, t->attempt);
	sqlite3_bind_int64(s, 4, (int64_t)t->seed);
	sqlite3_bind_text(s, 5, t->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, t0, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, t1, -1, SQLITE_STATIC);
	store_bind_text(s, 8, t->note);
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	tc->id = sqlite3_last_insert_rowid(st->db);

	st->a_tbl = "trial";
	st->a_row = tc->id;
	/* The trial row's canonical content from the values bound, as for measurements. */
	store_canon_begin(st, "trial");
	r = store_canon_int(st, "id", tc->id);
	if (r == 0)
		r = store_canon_int(st, "test_id", tc->test_id);
	if (r == 0)
		r = store_canon_int(st, "seq", t->seq);
	if (r == 0)
		r = store_canon_int(st, "attempt", t->attempt);
	if (r == 0)
		r = store_canon_int(st, "seed", (int64_t)t->seed);
	if (r == 0)
		r = store_canon_text(st, "status", t->status);
	if (r == 0)
		r = store_canon_text(st, "start_utc", t0);
	if (r == 0)
		r = store_canon_text(st, "end_utc", t1);
	if (r == 0)
		r = store_canon_text(st, "note", t->note);
	if (r == 0)
		r = store_canon_cover(st, "trial", tc->id);
	if (r == 0)
		r = measurements_insert(st, tc->id, t->measurements, t->n_measurements);
	if (r < 0)
		return r;
	for (i = 0; i < t->n_artifacts; i++) {
		r = art_insert(st, tc->run_id, tc->id, &tc->arts[i]);
		if (r < 0)
			return r;
		last[1] = sqlite3_last_insert_rowid(st->db);
		if (i == 0)
			first[1] = last[1];
	}
	for (i = 0; i < t->n_events; i++) {
		r = event_insert(st, tc->run_id, tc->id, &t->events[i]);
		if (r < 0)
			return r;
		last[2] = sqlite3_last_insert_rowid(st->db);
		if (i == 0)
			first[2] = last[2];
	}
	if (t->n_artifacts)
		r = store_audit_cover_range(st, "artifact", first[1], last[1]);
	if (r == 0 && t->n_events)
		r = store_audit_cover_range(st, "event", first[2], last[2]);
	if (r == 0 && t->n_source_artifacts)
		r = sources_insert(st, tc->id, t);
	return r;
}

static int run_of_test(struct bench_store *st, int64_t test_id, int64_t *ret_run_id)
{
	static const char *const sel = "SELECT run_id FROM test WHERE id = ?";
	sqlite3_stmt *s;
	int rc, r;

	if (test_id > 0 && test_id == st->last_test_id) {
		*ret_run_id = st->last_test_run;
		return 0;
	}
	r = store_stmt(st, sel, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, test_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ret_run_id = sqlite3_column_int64(s, 0);
		st->last_test_id = test_id;
		st->last_test_run = *ret_run_id;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -EINVAL : store_errno(st, rc);
}

int bench_store_trial_commit(struct bench_store *st, int64_t test_id,
			     const struct bench_store_trial *trial, int64_t *ret_trial_id)
{
	struct trial_ctx tc = { .test_id = test_id, .t = trial };
	struct art_prep *arts = NULL;
	size_t i;
	int r;

	if (!st || !trial || trial->seq < BENCH_STORE_TRIAL_POOLED || trial->attempt < 1 ||
	    !bench_store_verdict_valid(trial->status) ||
	    (trial->n_measurements && !trial->measurements) ||
	    (trial->n_artifacts && !trial->artifacts) || (trial->n_events && !trial->events) ||
	    (trial->n_source_artifacts && (!trial->source_artifact_ids || !trial->source_trial_id)))
		return -EINVAL;
	for (i = 0; i < trial->n_measurements; i++) {
		const struct bench_store_measurement *m = &trial->measurements[i];

		if (!m->name || !m->unit || !bench_store_verdict_valid(m->verdict))
			return -EINVAL;
	}
	if (st->readonly)
		return -EROFS;
	r = run_of_test(st, test_id, &tc.run_id);
	if (r < 0)
		return r;
	if (trial->n_artifacts) {
		arts = calloc(trial->n_artifacts, sizeof(*arts));
		if (!arts)
			return -ENOMEM;
		r = art_prepare(st, tc.run_id, trial->artifacts, trial->n_artifacts, arts);
		if (r < 0)
			goto out;
	}
	tc.arts = arts;
	r = store_write(st, trial_insert, &tc);
	if (r == 0 && ret_trial_id)
		*ret_trial_id = tc.id;
out:
	free(arts);
	return r;
}

struct add_ctx {
	int64_t run_id, trial_id, id;
	const struct art_prep *art;
	const struct bench_store_event *ev;
};

static int artifact_add_op(struct bench_store *st, void *ctx)
{
	struct add_ctx *ac = ctx;
	int r;

	r = art_insert(st, ac->run_id, ac->trial_id, ac->art);
	if (r < 0)
		return r;
	ac->id = sqlite3_last_insert_rowid(st->db);
	st->a_tbl = "artifact";
	st->a_row = ac->id;
	return store_audit_cover(st, "artifact", ac->id);
}

int bench_store_artifact_add(struct bench_store *st, int64_t run_id, int64_t trial_id,
			     const struct bench_store_artifact *a, int64_t *ret_id)
{
	struct art_prep prep;
	struct add_ctx ac = { run_id, trial_id, 0, &prep, NULL };
	int r;

	if (!st || !a)
		return -EINVAL;
	r = art_prepare(st, run_id, a, 1, &prep);
	if (r < 0)
		return r;
	r = store_write(st, artifact_add_op, &ac);
	if (r == 0 && ret_id)
		*ret_id = ac.id;
	return r;
}

static int event_add_op(struct bench_store *st, void *ctx)
{
	struct add_ctx *ac = ctx;
	int r;

	r = event_insert(st, ac->run_id, ac->trial_id, ac->ev);
	if (r < 0)
		return r;
	ac->id = sqlite3_last_insert_rowid(st->db);
	st->a_tbl = "event";
	st->a_row = ac->id;
	return store_audit_cover(st, "event", ac->id);
}

int bench_store_event_add(struct bench_store *st, int64_t run_id, int64_t trial_id,
			  const struct bench_store_event *e, int64_t *ret_id)
{
	struct add_ctx ac = { run_id, trial_id, 0, NULL, e };
	int r;

	if (!st || !e || !e->kind)
		return -EINVAL;
	r = store_write(st, event_add_op, &ac);
	if (r == 0 && ret_id)
		*ret_id = ac.id;
	return r;
}

/* Outbox: queue state outside the audit chain, plain transactions. */

int bench_store_outbox_add(struct bench_store *st, int64_t run_id, const char *path,
			   const char *kind, int64_t *ret_id)
{
	static const char *const ins =
		"INSERT INTO outbox (run_id, path, kind, sha256, size_bytes, created_utc) "
		"VALUES (?, ?, ?, ?, ?, ?)";
	uint8_t digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN], at[40];
	sqlite3_stmt *s;
	uint64_t size;
	int r;

	if (!st || !path || !kind)
		return -EINVAL;
	if (st->readonly)
		return -EROFS;
	r = bench_sha256_file(path, digest, &size);
	if (r < 0)
		return r;
	bench_sha256_hex(digest, hex);
	r = store_stmt(st, ins, &s);
	if (r < 0)
		return r;
	store_utc(0, at);
	store_bind_id(s, 1, run_id);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)size);
	sqlite3_bind_text(s, 6, at, -1, SQLITE_STATIC);
	r = store_step_done(st, s);
	if (r == 0 && ret_id)
		*ret_id = sqlite3_last_insert_rowid(st->db);
	return r;
}

static int outbox_update(struct bench_store *st, const char *sql, int64_t id, const char *text)
{
	char at[40];
	sqlite3_stmt *s;
	int r;

	if (!st)
		return -EINVAL;
	if (st->readonly)
		return -EROFS;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	store_utc(0, at);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
	store_bind_text(s, 3, text);
	r = store_step_done(st, s);
	if (r == 0 && sqlite3_changes(st->db) == 0)
		r = -ENOENT;
	return r;
}

int bench_store_outbox_failed(struct bench_store *st, int64_t id, const char *error)
{
	return outbox_update(st,
			     "UPDATE outbox SET attempts = attempts + 1, last_attempt_utc = ?2, "
			     "last_error = ?3 WHERE id = ?1",
			     id, error);
}

int bench_store_outbox_ack(struct bench_store *st, int64_t id, const char *ack_ref)
{
	return outbox_update(st,
			     "UPDATE outbox SET attempts = attempts + 1, last_attempt_utc = ?2, "
			     "acked_utc = ?2, ack_ref = ?3 WHERE id = ?1 AND acked_utc IS NULL",
			     id, ack_ref);
}
