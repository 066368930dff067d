/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/store: the connection object, the statement cache, the one
 * SQLite-to-errno conversion, canonical row content and the audit writer.
 */
#ifndef BENCH_STORE_STORE_INTERNAL_H
#define BENCH_STORE_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "store/store.h"

#define STORE_STMT_CACHE 64

struct store_stmt {
	const char *sql; /* static string; compared by address, then content */
	sqlite3_stmt *stmt;
};

struct bench_store {
	sqlite3 *db;
	char *path;
	char *actor;
	bool readonly;
	bool sync_full;
	char host[256];
	char boot_id[64];
	struct bench_sha256 *sha;
	struct bench_buf canon;	  /* scratch: canonical row content */
	struct bench_buf content; /* audit content of the open write operation */
	/* Audit header of the open write operation. */
	const char *a_action;
	const char *a_tbl;
	int64_t a_row;
	const char *a_why;
	struct store_stmt cache[STORE_STMT_CACHE];
	/* Last test -> run resolved by a trial commit (a test never changes run). */
	int64_t last_test_id, last_test_run;
};

/* One embedded migration (generated from schemas/sql by meson). */
struct store_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct store_migration bench_store_migrations[];
extern const int bench_store_n_migrations;

/* The one conversion from SQLite result codes to negative errno. */
int store_errno(struct bench_store *st, int rc);

/* Runs SQL without results. Return: 0 or negative errno. */
int store_exec(struct bench_store *st, const char *sql);

/* Cached prepared statement for a static SQL string, reset and unbound. */
int store_stmt(struct bench_store *st, const char *sql, sqlite3_stmt **ret_stmt);

/* Steps a statement expected to finish (SQLITE_DONE). Resets it either way. */
int store_step_done(struct bench_store *st, sqlite3_stmt *s);

/* Binds text or NULL; double or NULL for NaN; int64 or NULL for 0 when @zero_null. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
int store_bind_double(sqlite3_stmt *s, int i, double v);
int store_bind_id(sqlite3_stmt *s, int i, int64_t id);

/* Current wall-clock time, or @wall_ns if non-zero, as ISO 8601 UTC. */
void store_utc(int64_t wall_ns, char out[40]);

/*
 * Canonical content of the current row of @s (docs/database.md), prefixed by
 * @tbl; column @skip_col (or -1) is left out. Leaves the bytes in st->canon.
 */
int store_canon_row(struct bench_store *st, sqlite3_stmt *s, const char *tbl, int skip_col);

/*
 * Building the same canonical content from values in hand (the trial write
 * path, to avoid reading each row back): begin, then one call per column in
 * declared order (NaN / NULL values are left out, as SQLite stores them as
 * NULL), then store_canon_cover().
 */
void store_canon_begin(struct bench_store *st, const char *tbl);
int store_canon_int(struct bench_store *st, const char *name, int64_t v);
int store_canon_real(struct bench_store *st, const char *name, double v);
int store_canon_text(struct bench_store *st, const char *name, const char *v);

/* Hashes st->canon and adds "<tbl> <id> <hash>" to the audit content. */
int store_canon_cover(struct bench_store *st, const char *tbl, int64_t row_id);

/* SHA-256 of st->canon. */
int store_canon_hash(struct bench_store *st, uint8_t out[BENCH_SHA256_LEN]);

/*
 * A write operation: @fn runs inside BEGIN IMMEDIATE ... COMMIT, sets the
 * audit header fields of @st and covers the rows it wrote with
 * store_audit_cover*(); store_write appends the audit row and commits.
 * The whole operation is retried when the database stays busy.
 */
typedef int (*store_write_fn)(struct bench_store *st, void *ctx);
int store_write(struct bench_store *st, store_write_fn fn, void *ctx);

/* Adds "<tbl> <id> <hash>" for the row @id of @tbl to the audit content. */
int store_audit_cover(struct bench_store *st, const char *tbl, int64_t id);

/*
 * Same for every row of @tbl with @first_id <= id <= @last_id, in id order:
 * the rows one operation inserted (the write lock makes them contiguous).
 */
int store_audit_cover_range(struct bench_store *st, const char *tbl, int64_t first_id,
			    int64_t last_id);

/* Applies migrations up to @target (<= BENCH_STORE_SCHEMA_VERSION). */
int store_migrate(struct bench_store *st, int target);

/* Start time of process @pid in clock ticks since boot (/proc), or -1. */
int64_t store_pid_start_ticks(int64_t pid);

/* Marks runs of dead writers interrupted. */
int store_recover(struct bench_store *st);

/* Tables whose rows the audit chain covers, NULL-terminated. */
extern const char *const store_audited_tables[];

/* Run uuid of @run_id into @uuid. Return: 0, -ENOENT. */
int store_run_uuid(struct bench_store *st, int64_t run_id, char uuid[BENCH_STORE_UUID_LEN]);

#endif /* BENCH_STORE_STORE_INTERNAL_H */
