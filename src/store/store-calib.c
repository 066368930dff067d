// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The calibration reader; see store-calib.h. One indexed query per channel.
 */
#include "store/store-calib.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/store-internal.h"

static void copy_col(sqlite3_stmt *s, int i, char *dst, size_t size)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	snprintf(dst, size, "%s", v ? v : "");
}

static double col_or_nan(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

int bench_store_find_calibration(struct bench_store *st, const struct bench_store_instrument *in,
				 const char *channel, const char *method, const char *today,
				 struct bench_store_calibration_found *ret)
{
	static const char *const sql =
		"SELECT c.id, c.instrument_id, c.gain, c.offset, c.u_gain, c.u_offset, "
		"c.offset_unit, c.method, c.cal_date, c.due_date FROM calibration c "
		"JOIN instrument i ON i.id = c.instrument_id "
		"WHERE i.kind = ? AND i.model = ? AND i.serial = ? AND c.channel = ? "
		"AND (? IS NULL OR c.method = ?) AND (c.due_date IS NULL OR c.due_date >= ?) "
		"ORDER BY c.cal_date DESC, c.id DESC LIMIT 1";
	struct bench_store_calibration_found f;
	sqlite3_stmt *s;
	int r, rc;

	if (!st || !in || !in->kind || !in->model || !in->serial || !channel || !today || !ret)
		return -EINVAL;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	store_bind_text(s, 1, in->kind);
	store_bind_text(s, 2, in->model);
	store_bind_text(s, 3, in->serial);
	store_bind_text(s, 4, channel);
	store_bind_text(s, 5, method);
	store_bind_text(s, 6, method);
	store_bind_text(s, 7, today);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(&f, 0, sizeof(f));
		f.id = sqlite3_column_int64(s, 0);
		f.instrument_id = sqlite3_column_int64(s, 1);
		f.gain = sqlite3_column_double(s, 2);
		f.offset = sqlite3_column_double(s, 3);
		f.u_gain = col_or_nan(s, 4);
		f.u_offset = col_or_nan(s, 5);
		copy_col(s, 6, f.offset_unit, sizeof(f.offset_unit));
		copy_col(s, 7, f.method, sizeof(f.method));
		copy_col(s, 8, f.cal_date, sizeof(f.cal_date));
		copy_col(s, 9, f.due_date, sizeof(f.due_date));
		r = 0;
	} else {
		r = rc == SQLITE_DONE ? -ENOENT : store_errno(st, rc);
	}
	sqlite3_reset(s);
	if (r == 0)
		*ret = f;
	return r;
}
