// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The store connection: open, migrations, dead-writer recovery, the SQLite
 * errno conversion, canonical row content and the audit chain writer.
 * Times are ns since the epoch (wall) rendered as ISO 8601 UTC text.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "store/store-internal.h"

/* Whole-transaction retries after the busy timeout expired. */
#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_BUSY_RETRIES 3

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

const char *const store_audited_tables[] = {
	"station",     "operator",  "instrument", "calibration",     "fixture", "dut",
	"protocol",    "limit_set", "run",	  "run_calibration", "test",	"trial",
	"measurement", "artifact",  "event",	  "rescore_input",   NULL,
};

int store_errno(struct bench_store *st, int rc)
{
	int sys;

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
	case SQLITE_TOOBIG:
		return -EINVAL;
	case SQLITE_NOTFOUND:
		return -ENOENT;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		/* The OS error behind an I/O failure says what really happened. */
		sys = st && st->db ? sqlite3_system_errno(st->db) : 0;
		if (sys == ENOSPC || sys == EDQUOT)
			return -ENOSPC;
		if (sys == EROFS)
			return -EROFS;
		if (sys == EACCES || sys == EPERM)
			return (rc & 0xff) == SQLITE_CANTOPEN ? -EACCES : -EROFS;
		if ((rc & 0xff) == SQLITE_CANTOPEN && sys == ENOENT)
			return -ENOENT;
		return -EIO;
	default:
		return -EIO;
	}
}

int store_exec(struct bench_store *st, const char *sql)
{
	int rc;

	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		bench_log(BENCH_LOG_DEBUG, "store", "exec failed: %s", sqlite3_errmsg(st->db));
		return store_errno(st, rc);
	}
	return 0;
}

int store_stmt(struct bench_store *st, const char *sql, sqlite3_stmt **ret_stmt)
{
	struct store_stmt *slot = NULL;
	int i, rc;

	for (i = 0; i < STORE_STMT_CACHE; i++) {
		struct store_stmt *c = &st->cache[i];

		if (!c->sql) {
			if (!slot)
				slot = c;
			continue;
		}
		if (c->sql == sql || strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			*ret_stmt = c->stmt;
			return 0;
		}
	}
	if (!slot) {
		/* Cache full: evict the last slot (only generated SQL gets here). */
		slot = &st->cache[STORE_STMT_CACHE - 1];
		sqlite3_finalize(slot->stmt);
		free((void *)slot->sql);
		slot->sql = NULL;
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt, NULL);
	if (rc != SQLITE_OK) {
		bench_log(BENCH_LOG_DEBUG, "store", "prepare failed: %s: %s",
			  sqlite3_errmsg(st->db), sql);
		return store_errno(st, rc);
	}
	slot->sql = strdup(sql);
	if (!slot->sql) {
		sqlite3_finalize(slot->stmt);
		slot->stmt = NULL;
		return -ENOMEM;
	}
	*ret_stmt = slot->stmt;
	return 0;
}

int store_step_done(struct bench_store *st, sqlite3_stmt *s)
{
	int rc;

	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	bench_log(BENCH_LOG_DEBUG, "store", "step failed: %s", sqlite3_errmsg(st->db));
	return store_errno(st, rc);
}

int store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int store_bind_double(sqlite3_stmt *s, int i, double v)
{
	if (v != v)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_double(s, i, v);
}

int store_bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id == 0)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_int64(s, i, id);
}

void store_utc(int64_t wall_ns, char out[40])
{
	if (wall_ns == 0)
		wall_ns = bench_clock_wall_ns();
	if (bench_clock_format_utc(wall_ns, out, 40) < 0)
		snprintf(out, 40, "1970-01-01T00:00:00.000Z");
}

/* Canonical encoding, docs/database.md "Canonical row content". */
static int canon_u64(struct bench_buf *b, char tag, uint64_t v, bool neg)
{
	char tmp[24];
	int n = (int)sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		tmp[--n] = '-';
	tmp[--n] = tag;
	return bench_buf_append(b, tmp + n, sizeof(tmp) - (size_t)n);
}

static int canon_key(struct bench_buf *b, const char *name)
{
	int r = bench_buf_append_str(b, name);

	return r < 0 ? r : bench_buf_append(b, "=", 1);
}

static int canon_real_value(struct bench_buf *b, double d)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[18];
	uint64_t u;
	int k;

	/* SQLite stores an integral REAL as an integer: -0.0 comes back as 0.0. */
	if (d == 0.0)
		d = 0.0;
	/* The IEEE-754 bit pattern: exact and much faster than %.17g. */
	memcpy(&u, &d, sizeof(u));
	tmp[0] = 'r';
	for (k = 0; k < 16; k++)
		tmp[1 + k] = hex[(u >> (60 - 4 * k)) & 0xf];
	tmp[17] = '\n';
	return bench_buf_append(b, tmp, sizeof(tmp));
}

static int canon_int_value(struct bench_buf *b, int64_t i)
{
	int r;

	if (i < 0)
		r = canon_u64(b, 'i', (uint64_t)0 - (uint64_t)i, true);
	else
		r = canon_u64(b, 'i', (uint64_t)i, false);
	return r < 0 ? r : bench_buf_append(b, "\n", 1);
}

static int canon_text_value(struct bench_buf *b, const void *p, size_t n)
{
	int r;

	r = canon_u64(b, 't', (uint64_t)n, false);
	if (r == 0)
		r = bench_buf_append(b, ":", 1);
	if (r == 0)
		r = bench_buf_append(b, p, n);
	if (r == 0)
		r = bench_buf_append(b, "\n", 1);
	return r;
}

static int canon_value(struct bench_store *st, sqlite3_stmt *s, int col)
{
	struct bench_buf *b = &st->canon;
	uint8_t digest[BENCH_SHA256_LEN];
	char dhex[BENCH_SHA256_HEX_LEN];
	const void *p;
	int n, r;

	switch (sqlite3_column_type(s, col)) {
	case SQLITE_INTEGER:
		return canon_int_value(b, sqlite3_column_int64(s, col));
	case SQLITE_FLOAT:
		return canon_real_value(b, sqlite3_column_double(s, col));
	case SQLITE_TEXT:
		p = sqlite3_column_text(s, col);
		n = sqlite3_column_bytes(s, col);
		if (!p)
			return -ENOMEM;
		return canon_text_value(b, p, (size_t)n);
	case SQLITE_BLOB:
		p = sqlite3_column_blob(s, col);
		n = sqlite3_column_bytes(s, col);
		r = bench_sha256(p ? p : "", (size_t)n, digest);
		if (r < 0)
			return r;
		bench_sha256_hex(digest, dhex);
		r = canon_u64(b, 'b', (uint64_t)n, false);
		if (r == 0)
			r = bench_buf_append(b, ":", 1);
		if (r == 0)
			r = bench_buf_append(b, dhex, BENCH_SHA256_HEX_LEN - 1);
		if (r == 0)
			r = bench_buf_append(b, "\n", 1);
		return r;
	default:
		return 0;
	}
}

int store_canon_row(struct bench_store *st, sqlite3_stmt *s, const char *tbl, int skip_col)
{
	int i, n, r;

	store_canon_begin(st, tbl);
	r = st->canon.len ? 0 : -ENOMEM;
	n = sqlite3_column_count(s);
	for (i = 0; i < n && r == 0; i++) {
		if (i == skip_col || sqlite3_column_type(s, i) == SQLITE_NULL)
			continue;
		r = canon_key(&st->canon, sqlite3_column_name(s, i));
		if (r == 0)
			r = canon_value(st, s, i);
	}
	return r;
}

void store_canon_begin(struct bench_store *st, const char *tbl)
{
	bench_buf_clear(&st->canon);
	if (bench_buf_append_str(&st->canon, tbl) < 0 || bench_buf_append(&st->canon, "\n", 1) < 0)
		bench_buf_clear(&st->canon);
}

int store_canon_int(struct bench_store *st, const char *name, int64_t v)
{
	int r = canon_key(&st->canon, name);

	return r < 0 ? r : canon_int_value(&st->canon, v);
}

int store_canon_real(struct bench_store *st, const char *name, double v)
{
	int r;

	if (v != v)
		return 0; /* NaN is stored as NULL: left out */
	r = canon_key(&st->canon, name);
	return r < 0 ? r : canon_real_value(&st->canon, v);
}

int store_canon_text(struct bench_store *st, const char *name, const char *v)
{
	int r;

	if (!v)
		return 0;
	r = canon_key(&st->canon, name);
	return r < 0 ? r : canon_text_value(&st->canon, v, strlen(v));
}

int store_canon_hash(struct bench_store *st, uint8_t out[BENCH_SHA256_LEN])
{
	int r;

	r = bench_sha256_reset(st->sha);
	if (r == 0)
		r = bench_sha256_update(st->sha, st->canon.data ? st->canon.data : (uint8_t *)"",
					st->canon.len);
	if (r == 0)
		r = bench_sha256_final(st->sha, out);
	return r;
}

int store_canon_cover(struct bench_store *st, const char *tbl, int64_t row_id)
{
	uint8_t digest[BENCH_SHA256_LEN];
	uint64_t id = (uint64_t)row_id;
	size_t tlen = strlen(tbl), n, len;
	char line[160], num[24];
	int r;

	if (tlen > 64 || row_id < 0)
		return -EINVAL;
	r = store_canon_hash(st, digest);
	if (r < 0)
		return r;
	/* "<tbl> <id> <hex>\n", built by hand: this runs once per measurement. */
	n = sizeof(num);
	do {
		num[--n] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	memcpy(line, tbl, tlen);
	len = tlen;
	line[len++] = ' ';
	memcpy(line + len, num + n, sizeof(num) - n);
	len += sizeof(num) - n;
	line[len++] = ' ';
	bench_sha256_hex(digest, line + len);
	len += BENCH_SHA256_HEX_LEN - 1;
	line[len++] = '\n';
	return bench_buf_append(&st->content, line, len);
}

static int cover_stmt(struct bench_store *st, sqlite3_stmt *s, const char *tbl)
{
	int rc, r = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = store_canon_row(st, s, tbl, -1);
		if (r == 0)
			r = store_canon_cover(st, tbl, sqlite3_column_int64(s, 0));
		if (r < 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_errno(st, rc);
	sqlite3_reset(s);
	return r;
}

int store_audit_cover(struct bench_store *st, const char *tbl, int64_t id)
{
	char sql[128];
	sqlite3_stmt *s;
	int r;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE id = ?", tbl);
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, id);
	return cover_stmt(st, s, tbl);
}

int store_audit_cover_range(struct bench_store *st, const char *tbl, int64_t first_id,
			    int64_t last_id)
{
	char sql[160];
	sqlite3_stmt *s;
	int r;

	/* A rowid range scan: no index lookup, no sort. */
	snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE id BETWEEN ? AND ?", tbl);
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, first_id);
	sqlite3_bind_int64(s, 2, last_id);
	return cover_stmt(st, s, tbl);
}

/* Appends the audit row for the open operation (write lock held). */
static int audit_append(struct bench_store *st)
{
	static const char *const sel_last = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";
	static const char *const ins =
		"INSERT INTO audit (id, at_utc, who, action, tbl, row_id, why, content, "
		"prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	uint8_t prev[BENCH_SHA256_LEN], digest[BENCH_SHA256_LEN];
	char prev_hex[BENCH_SHA256_HEX_LEN], hex[BENCH_SHA256_HEX_LEN];
	char at[40];
	sqlite3_stmt *s;
	int64_t id = 1;
	int rc, r;

	r = store_stmt(st, sel_last, &s);
	if (r < 0)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0) + 1;
		snprintf(prev_hex, sizeof(prev_hex), "%s", (const char *)sqlite3_column_text(s, 1));
	} else if (rc == SQLITE_DONE) {
		snprintf(prev_hex, sizeof(prev_hex), "%s", zero_hash);
	} else {
		sqlite3_reset(s);
		return store_errno(st, rc);
	}
	sqlite3_reset(s);
	if (bench_sha256_from_hex(prev_hex, prev) < 0)
		return -EIO;

	store_utc(0, at);
	/*
	 * Canonical content of the audit row without its hash, from the values about to be
	 * bound: integers and text only, so it is what verify reads back (the store tests
	 * verify every kind of write).
	 */
	store_canon_begin(st, "audit");
	r = store_canon_int(st, "id", id);
	if (r == 0)
		r = store_canon_text(st, "at_utc", at);
	if (r == 0)
		r = store_canon_text(st, "who", st->actor);
	if (r == 0)
		r = store_canon_text(st, "action", st->a_action);
	if (r == 0)
		r = store_canon_text(st, "tbl", st->a_tbl);
	if (r == 0 && st->a_row != 0)
		r = store_canon_int(st, "row_id", st->a_row);
	if (r == 0)
		r = store_canon_text(st, "why", st->a_why);
	if (r == 0)
		r = store_canon_text(st, "content", bench_buf_str(&st->content));
	if (r == 0)
		r = store_canon_text(st, "prev_hash", prev_hex);
	if (r == 0)
		r = bench_sha256_reset(st->sha);
	if (r == 0)
		r = bench_sha256_update(st->sha, prev, sizeof(prev));
	if (r == 0)
		r = bench_sha256_update(st->sha, st->canon.data, st->canon.len);
	if (r == 0)
		r = bench_sha256_final(st->sha, digest);
	if (r < 0)
		return r;
	bench_sha256_hex(digest, hex);
	r = store_stmt(st, ins, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
	store_bind_text(s, 3, st->actor);
	store_bind_text(s, 4, st->a_action);
	store_bind_text(s, 5, st->a_tbl);
	store_bind_id(s, 6, st->a_row);
	store_bind_text(s, 7, st->a_why);
	sqlite3_bind_text(s, 8, bench_buf_str(&st->content), (int)st->content.len, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, prev_hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, hex, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

static void rollback(struct bench_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_write(struct bench_store *st, store_write_fn fn, void *ctx)
{
	int attempt, r = -EBUSY;

	if (st->readonly)
		return -EROFS;
	for (attempt = 0; attempt < STORE_BUSY_RETRIES; attempt++) {
		st->a_action = "insert";
		st->a_tbl = "";
		st->a_row = 0;
		st->a_why = NULL;
		bench_buf_clear(&st->content);
		r = store_exec(st, "BEGIN IMMEDIATE");
		if (r == 0)
			r = fn(st, ctx);
		if (r == 0)
			r = audit_append(st);
		if (r == 0)
			r = store_exec(st, "COMMIT");
		if (r == 0)
			return 0;
		rollback(st);
		if (r != -EBUSY)
			break;
		bench_log(BENCH_LOG_DEBUG, "store", "database busy, retrying the transaction");
	}
	bench_log(BENCH_LOG_DEBUG, "store", "write failed: %s", strerror(-r));
	return r;
}

/* Migrations. */
struct migrate_ctx {
	const struct store_migration *m;
	bool applied;
};

static int get_user_version(struct bench_store *st, int *ret_v)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_errno(st, rc);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_errno(st, rc);
	}
	*ret_v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static int migrate_one(struct bench_store *st, void *ctx)
{
	struct migrate_ctx *mc = ctx;
	uint8_t digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	char pragma[64];
	int v, r;

	/* Another process may have migrated while we waited for the lock. */
	r = get_user_version(st, &v);
	if (r < 0)
		return r;
	if (v >= mc->m->version) {
		mc->applied = false;
		return -EALREADY;
	}
	r = store_exec(st, mc->m->sql);
	if (r < 0)
		return r;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", mc->m->version);
	r = store_exec(st, pragma);
	if (r < 0)
		return r;
	r = bench_sha256(mc->m->sql, strlen(mc->m->sql), digest);
	if (r < 0)
		return r;
	bench_sha256_hex(digest, hex);
	st->a_action = "migrate";
	st->a_tbl = "schema";
	st->a_row = mc->m->version;
	st->a_why = mc->m->name;
	mc->applied = true;
	return bench_buf_appendf(&st->content, "schema %d %s\n", mc->m->version, hex);
}

int store_migrate(struct bench_store *st, int target)
{
	struct migrate_ctx mc;
	int v, i, r;

	r = get_user_version(st, &v);
	if (r < 0)
		return r;
	if (v > BENCH_STORE_SCHEMA_VERSION) {
		bench_log(BENCH_LOG_ERROR, "store",
			  "%s: schema version %d is newer than this bcibench (%d)", st->path, v,
			  BENCH_STORE_SCHEMA_VERSION);
		return -EPROTO;
	}
	for (i = 0; i < bench_store_n_migrations; i++) {
		mc.m = &bench_store_migrations[i];
		if (mc.m->version <= v || mc.m->version > target)
			continue;
		r = store_write(st, migrate_one, &mc);
		if (r == -EALREADY)
			continue;
		if (r < 0)
			return r;
		bench_log(BENCH_LOG_INFO, "store", "%s: applied migration %s", st->path,
			  mc.m->name);
	}
	return 0;
}

/* Dead-writer detection. */
static void read_boot_id(char *out, size_t size)
{
	FILE *f;

	out[0] = '\0';
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return;
	if (!fgets(out, (int)size, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

int64_t store_pid_start_ticks(int64_t pid)
{
	char path[64], buf[1024];
	const char *p;
	long long ticks;
	size_t n;
	FILE *f;
	int field;

	if (pid <= 0 || pid > INT32_MAX)
		return -1;
	snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may contain spaces: count fields after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	p++;
	for (field = 2; field < 21 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %lld", &ticks) != 1)
		return -1;
	return ticks;
}

static bool pid_alive(int64_t pid)
{
	char path[64], buf[512];
	const char *p;
	FILE *f;
	size_t n;

	if (pid <= 0 || pid > INT32_MAX)
		return false;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return false;
	/* A killed child not yet reaped is a zombie: dead for our purpose. */
	snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
		return false;
	return true;
}

struct interrupt_ctx {
	int64_t run_id;
	char why[160];
	bool changed;
};

static int interrupt_one(struct bench_store *st, void *ctx)
{
	static const char *const upd = "UPDATE run SET status = 'interrupted', status_reason = ?2 "
				       "WHERE id = ?1 AND status = 'running'";
	static const char *const ev = "INSERT INTO event (run_id, t_utc, kind, source, message) "
				      "VALUES (?1, ?2, 'interrupted', 'store', ?3)";
	struct interrupt_ctx *ic = ctx;
	char at[40];
	sqlite3_stmt *s;
	int r;

	r = store_stmt(st, upd, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, ic->run_id);
	sqlite3_bind_text(s, 2, ic->why, -1, SQLITE_STATIC);
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	if (sqlite3_changes(st->db) == 0) {
		ic->changed = false;
		return -EALREADY; /* someone else got there first */
	}
	ic->changed = true;
	store_utc(0, at);
	r = store_stmt(st, ev, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, ic->run_id);
	sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ic->why, -1, SQLITE_STATIC);
	r = store_step_done(st, s);
	if (r < 0)
		return r;
	st->a_action = "status";
	st->a_tbl = "run";
	st->a_row = ic->run_id;
	st->a_why = ic->why;
	r = store_audit_cover(st, "run", ic->run_id);
	if (r == 0)
		r = store_audit_cover(st, "event", sqlite3_last_insert_rowid(st->db));
	return r;
}

int store_recover(struct bench_store *st)
{
	static const char *const sel =
		"SELECT id, host, pid, boot_id, writer_start_ticks FROM run WHERE status = 'running' "
		"ORDER BY id";
	struct interrupt_ctx ic;
	int64_t *dead = NULL, *tmp;
	size_t n_dead = 0, i;
	sqlite3_stmt *s;
	int rc, r;

	r = store_stmt(st, sel, &s);
	if (r < 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(s, 1);
		const char *boot = (const char *)sqlite3_column_text(s, 3);
		int64_t pid = sqlite3_column_int64(s, 2);
		bool is_dead;

		/* A writer on another host cannot be checked from here. */
		if (!host || strcmp(host, st->host) != 0)
			continue;
		if (boot && st->boot_id[0] && strcmp(boot, st->boot_id) != 0)
			is_dead = true;
		else
			is_dead = !pid_alive(pid);
		/* Same pid, another process: the writer is gone and its pid reused. */
		if (!is_dead && sqlite3_column_type(s, 4) == SQLITE_INTEGER &&
		    sqlite3_column_int64(s, 4) != store_pid_start_ticks(pid))
			is_dead = true;
		if (!is_dead)
			continue;
		tmp = realloc(dead, (n_dead + 1) * sizeof(*dead));
		if (!tmp) {
			free(dead);
			sqlite3_reset(s);
			return -ENOMEM;
		}
		dead = tmp;
		dead[n_dead++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(dead);
		return store_errno(st, rc);
	}
	for (i = 0; i < n_dead; i++) {
		memset(&ic, 0, sizeof(ic));
		ic.run_id = dead[i];
		snprintf(ic.why, sizeof(ic.why), "writer process on %.100s is gone (found at open)",
			 st->host);
		r = store_write(st, interrupt_one, &ic);
		if (r == -EALREADY)
			continue;
		if (r < 0) {
			free(dead);
			return r;
		}
		bench_log(BENCH_LOG_WARNING, "store", "run %lld was left running: interrupted",
			  (long long)dead[i]);
	}
	free(dead);
	return 0;
}

static int default_actor(struct bench_store *st)
{
	struct passwd *pw = getpwuid(geteuid());
	struct bench_buf b = BENCH_BUF_INIT;
	int r;

	r = bench_buf_appendf(&b, "%s@%s", pw && pw->pw_name ? pw->pw_name : "unknown", st->host);
	if (r < 0) {
		bench_buf_free(&b);
		return r;
	}
	free(st->actor);
	st->actor = bench_buf_steal(&b, NULL);
	return st->actor ? 0 : -ENOMEM;
}

int bench_store_set_busy_timeout(struct bench_store *st, int timeout_ms)
{
	if (!st || timeout_ms < 0)
		return -EINVAL;
	sqlite3_busy_timeout(st->db, timeout_ms);
	return 0;
}

int bench_store_set_actor(struct bench_store *st, const char *who)
{
	char *copy;

	if (!who)
		return default_actor(st);
	copy = strdup(who);
	if (!copy)
		return -ENOMEM;
	free(st->actor);
	st->actor = copy;
	return 0;
}

/*
 * SQLite reports a WAL database on a read-only file system as "cannot open"
 * (it cannot create the -wal/-shm files), with whatever errno the last
 * system call left: say what it really is.
 */
static bool fs_readonly(const char *path)
{
	struct statvfs sv;

	return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

/*
 * A WAL database on a read-only medium (archive, read-only mount) cannot be
 * read normally: SQLite needs to create the -shm file. When no -wal file is
 * left (the last writer closed cleanly), nothing is lost by opening it as
 * immutable. With a -wal file left behind, say -EROFS rather than silently
 * miss its committed transactions.
 */
static int open_readonly_medium(struct bench_store *st, const char *path)
{
	struct bench_buf uri = BENCH_BUF_INIT;
	struct stat sb;
	const char *p;
	int v, r, rc;

	if (get_user_version(st, &v) == 0 || !fs_readonly(path))
		return 0; /* readable, or a failure of another kind: reported later */
	bench_buf_clear(&uri);
	r = bench_buf_appendf(&uri, "%s-wal", path);
	if (r < 0)
		return r;
	if (stat(bench_buf_str(&uri), &sb) == 0 && sb.st_size > 0) {
		bench_log(BENCH_LOG_ERROR, "store",
			  "%s: on a read-only file system with an unmerged -wal file", path);
		bench_buf_free(&uri);
		return -EROFS;
	}
	bench_buf_clear(&uri);
	r = bench_buf_append_str(&uri, "file:");
	for (p = path; *p && r == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-", *p))
			r = bench_buf_append(&uri, p, 1);
		else
			r = bench_buf_appendf(&uri, "%%%02X", (unsigned char)*p);
	}
	if (r == 0)
		r = bench_buf_append_str(&uri, "?immutable=1");
	if (r < 0) {
		bench_buf_free(&uri);
		return r;
	}
	sqlite3_close(st->db);
	st->db = NULL;
	rc = sqlite3_open_v2(bench_buf_str(&uri), &st->db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
	bench_buf_free(&uri);
	return rc == SQLITE_OK ? 0 : store_errno(st, rc);
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/*
 * Process-wide SQLite settings, before its first use: no memory statistics (they take a
 * global mutex on every allocation of every connection; the store never reads them). If
 * SQLite was already initialised by other code the call is refused and changes nothing.
 */
static void sqlite_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_common(const char *path, unsigned flags, int target_version,
		       struct bench_store **ret_store)
{
	struct bench_store *st;
	int oflags, rc, r;
	struct stat sb;

	if (!path || !ret_store)
		return -EINVAL;
	if ((flags & (BENCH_STORE_OPEN_READONLY | BENCH_STORE_OPEN_EXISTING)) &&
	    stat(path, &sb) < 0)
		return -errno;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->readonly = flags & BENCH_STORE_OPEN_READONLY;
	st->path = strdup(path);
	if (!st->path) {
		r = -ENOMEM;
		goto err_free;
	}
	if (gethostname(st->host, sizeof(st->host) - 1) < 0)
		snprintf(st->host, sizeof(st->host), "localhost");
	read_boot_id(st->boot_id, sizeof(st->boot_id));
	r = bench_sha256_new(&st->sha);
	if (r < 0)
		goto err_free;
	r = default_actor(st);
	if (r < 0)
		goto err_free;

	pthread_once(&sqlite_once, sqlite_config);
	oflags = st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	/* SQLite usually hands back a handle even when open fails. */
	rc = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = store_errno(st, rc);
		goto err_close_db;
	}
	if (st->readonly) {
		r = open_readonly_medium(st, path);
		if (r < 0)
			goto err_close_db;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);

	r = store_exec(st, "PRAGMA foreign_keys = ON");
	if (r < 0)
		goto err_close_db;
	if (!st->readonly) {
		/*
		 * WAL: readers never block the writer and a crash loses at most
		 * the open transaction. NORMAL is durable against a process
		 * crash; certification runs switch to FULL (power cut).
		 */
		r = store_exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
		if (r < 0)
			goto err_close_db;
		r = store_migrate(st, target_version);
		if (r < 0)
			goto err_close_db;
		if (!(flags & BENCH_STORE_OPEN_NO_RECOVER) &&
		    target_version == BENCH_STORE_SCHEMA_VERSION) {
			r = store_recover(st);
			if (r < 0)
				goto err_close_db;
		}
	} else {
		int v;

		/* Touch the file: a non-database fails here, not later. */
		r = get_user_version(st, &v);
		if (r < 0)
			goto err_close_db;
		if (v > BENCH_STORE_SCHEMA_VERSION) {
			r = -EPROTO;
			goto err_close_db;
		}
	}
	*ret_store = st;
	return 0;

err_close_db:
	if (!st->readonly && r != -ENOMEM && fs_readonly(path))
		r = -EROFS;
	bench_store_close(st);
	return r;
err_free:
	bench_sha256_free(st->sha);
	free(st->actor);
	free(st->path);
	free(st);
	return r;
}

int bench_store_open(const char *path, unsigned flags, struct bench_store **ret_store)
{
	return open_common(path, flags, BENCH_STORE_SCHEMA_VERSION, ret_store);
}

int bench_store_create_at_version(const char *path, int version)
{
	struct bench_store *st;
	struct stat sb;
	int r;

	if (!path || version < 0 || version > BENCH_STORE_SCHEMA_VERSION)
		return -EINVAL;
	if (stat(path, &sb) == 0)
		return -EEXIST;
	r = open_common(path, 0, version, &st);
	if (r < 0)
		return r;
	bench_store_close(st);
	return 0;
}

void bench_store_close(struct bench_store *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < STORE_STMT_CACHE; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free((void *)st->cache[i].sql);
	}
	sqlite3_close(st->db);
	bench_sha256_free(st->sha);
	bench_buf_free(&st->canon);
	bench_buf_free(&st->content);
	free(st->actor);
	free(st->path);
	free(st);
}

int bench_store_schema_version(struct bench_store *st)
{
	int v = 0, r;

	r = get_user_version(st, &v);
	return r < 0 ? r : v;
}

bool bench_store_verdict_valid(const char *s)
{
	static const char *const v[] = { "PASS", "MARGINAL", "FAIL", "ERROR", "SKIPPED", "ABORTED" };
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(s, v[i]) == 0)
			return true;
	return false;
}

int store_run_uuid(struct bench_store *st, int64_t run_id, char uuid[BENCH_STORE_UUID_LEN])
{
	static const char *const sel = "SELECT uuid FROM run WHERE id = ?";
	sqlite3_stmt *s;
	int rc, r;

	r = store_stmt(st, sel, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, run_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(uuid, BENCH_STORE_UUID_LEN, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return -ENOENT;
	return store_errno(st, rc);
}
