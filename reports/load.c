// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dossier loader (see load.h): read-only SQL over the schema of docs/database.md. Each
 * section of the dossier is one query; SQLite errors are converted here, once.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sqlite3.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/parse.h"
#include "reports/load.h"
#include "store/store.h"

/* The loader reads the store's tables directly; it follows the store's schema version. */
#define SUPPORTED_SCHEMA BENCH_STORE_SCHEMA_VERSION

struct loader {
	sqlite3 *db;
	struct bench_dossier *d;
	const char *db_path;
	int64_t run_id;
	char *uuid;
	struct bench_buf run_dir;
};

static int sql_err(struct loader *l, int rc)
{
	bench_log(BENCH_LOG_ERROR, "reports", "%s: %s", l->db_path, sqlite3_errmsg(l->db));
	switch (rc) {
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static int prep(struct loader *l, const char *sql, sqlite3_stmt **ret)
{
	int rc = sqlite3_prepare_v2(l->db, sql, -1, ret, NULL);

	return rc == SQLITE_OK ? 0 : sql_err(l, rc);
}

/* Column text copied into the dossier; NULL stays NULL. */
static char *col(struct loader *l, sqlite3_stmt *s, int i)
{
	return bench_dossier_strdup(l->d, (const char *)sqlite3_column_text(s, i));
}

static const char *col_raw(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static double col_double(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static int64_t col_time(sqlite3_stmt *s, int i)
{
	int64_t ns = 0;

	if (sqlite3_column_type(s, i) == SQLITE_NULL ||
	    bench_report_parse_utc(col_raw(s, i), &ns) < 0)
		return 0;
	return ns;
}

int bench_report_parse_utc(const char *s, int64_t *ret_ns)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	int64_t frac_ns = 0, scale = 100000000;
	struct tm tm;
	time_t t;
	const char *p;

	if (!s)
		return -EINVAL;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -EINVAL;
	p = s + n;
	if (*p == 'T') {
		if (sscanf(p, "T%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3)
			return -EINVAL;
		p += n;
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++) {
				frac_ns += (*p - '0') * scale;
				scale /= 10;
			}
		}
		if (*p != 'Z' || p[1] != '\0')
			return -EINVAL;
	} else if (*p != '\0') {
		return -EINVAL;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*ret_ns = (int64_t)t * 1000000000 + frac_ns;
	return 0;
}

static int find_run(struct loader *l, const char *run)
{
	sqlite3_stmt *s;
	size_t len = strlen(run);
	int rc, r, n = 0;
	int64_t id;

	if (len == 0 || strspn(run, "0123456789abcdefABCDEF-") != len) {
		bench_log(BENCH_LOG_ERROR, "reports", "'%s' is not a run id or uuid prefix", run);
		return -EINVAL;
	}
	if (strspn(run, "0123456789") == len && bench_parse_i64(run, &id) == 0) {
		r = prep(l, "SELECT id, uuid FROM run WHERE id = ?", &s);
		if (r < 0)
			return r;
		sqlite3_bind_int64(s, 1, id);
	} else {
		if (len < 4) {
			bench_log(BENCH_LOG_ERROR, "reports", "run uuid prefix '%s' too short",
				  run);
			return -EINVAL;
		}
		r = prep(l,
			 "SELECT id, uuid FROM run WHERE substr(uuid, 1, length(?1)) = lower(?1) "
			 "LIMIT 2",
			 &s);
		if (r < 0)
			return r;
		sqlite3_bind_text(s, 1, run, -1, SQLITE_TRANSIENT);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		l->run_id = sqlite3_column_int64(s, 0);
		l->uuid = col(l, s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sql_err(l, rc);
	if (n == 0) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: no run '%s'", l->db_path, run);
		return -ENOENT;
	}
	if (n > 1) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: run prefix '%s' is ambiguous",
			  l->db_path, run);
		return -EINVAL;
	}
	return 0;
}

static enum bench_dossier_verdict map_verdict(const char *v)
{
	if (!v)
		return BENCH_DOSSIER_ERROR; /* never ended: incomplete */
	if (strcmp(v, "PASS") == 0)
		return BENCH_DOSSIER_PASS;
	if (strcmp(v, "MARGINAL") == 0)
		return BENCH_DOSSIER_MARGINAL;
	if (strcmp(v, "FAIL") == 0)
		return BENCH_DOSSIER_FAIL;
	if (strcmp(v, "SKIPPED") == 0)
		return BENCH_DOSSIER_NOT_RUN;
	return BENCH_DOSSIER_ERROR; /* ERROR, ABORTED */
}

static int load_header(struct loader *l)
{
	struct bench_dossier *d = l->d;
	sqlite3_stmt *s;
	int rc, r;

	r = prep(l,
		 "SELECT r.uuid, r.status, r.start_utc, r.end_utc, r.software_version, r.build_id,"
		 " st.name, st.location, st.description, o.login, o.name,"
		 " du.manufacturer, du.model, du.serial, du.hardware_rev, du.firmware,"
		 " f.name, f.sha256, r.seed"
		 " FROM run r LEFT JOIN station st ON st.id = r.station_id"
		 " LEFT JOIN operator o ON o.id = r.operator_id"
		 " LEFT JOIN dut du ON du.id = r.dut_id"
		 " LEFT JOIN fixture f ON f.id = r.fixture_id WHERE r.id = ?",
		 &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, l->run_id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? -ENOENT : sql_err(l, rc);
	}
	d->run_id = l->run_id;
	d->report_id = bench_dossier_strdupf(d, "BCB-%s", col_raw(s, 0));
	{
		const char *status = col_raw(s, 1);

		/* an unfinished or failed-to-complete run is never PASS */
		if (status && strcmp(status, "failed") == 0)
			d->verdict = BENCH_DOSSIER_FAIL;
		else if (!status || strcmp(status, "passed") != 0)
			d->verdict = BENCH_DOSSIER_ERROR;
		else
			d->verdict = BENCH_DOSSIER_PASS;
	}
	d->start_ns = col_time(s, 2);
	d->end_ns = col_time(s, 3);
	d->software_name = bench_dossier_strdup(d, "bcibench");
	d->software_version = col(l, s, 4);
	d->software_build_id = col(l, s, 5);
	d->station_id = sqlite3_column_type(s, 6) != SQLITE_NULL ?
				col(l, s, 6) :
				bench_dossier_strdup(d, "not recorded");
	if (sqlite3_column_type(s, 7) != SQLITE_NULL)
		d->lab_name = col(l, s, 7);
	else
		d->lab_name = bench_dossier_strdup(d, "not recorded");
	d->lab_address = col(l, s, 8);
	if (sqlite3_column_type(s, 10) != SQLITE_NULL)
		d->operator_name = bench_dossier_strdupf(d, "%s (%s)", col_raw(s, 10),
							 col_raw(s, 9));
	else if (sqlite3_column_type(s, 9) != SQLITE_NULL)
		d->operator_name = col(l, s, 9);
	else
		d->operator_name = bench_dossier_strdup(d, "not recorded");
	d->dut_manufacturer = col(l, s, 11);
	d->dut_model = col(l, s, 12);
	d->dut_serial = col(l, s, 13);
	d->dut_hw_rev = col(l, s, 14);
	d->dut_fw_rev = col(l, s, 15);
	d->fixture_id = sqlite3_column_type(s, 16) != SQLITE_NULL ?
				col(l, s, 16) :
				bench_dossier_strdup(d, "not recorded");
	d->fixture_sha256_hex = col(l, s, 17);
	sqlite3_finalize(s);
	return 0;
}

static int load_instruments(struct loader *l)
{
	struct bench_dossier *d = l->d;
	sqlite3_stmt *s;
	int rc, r;

	/* calibrations in force for the run, plus instruments of the station without one */
	r = prep(l,
		 "SELECT i.kind, i.manufacturer, i.model, i.serial, c.channel, c.method,"
		 " c.certificate, c.due_date, r.start_utc"
		 " FROM run_calibration rc JOIN calibration c ON c.id = rc.calibration_id"
		 " JOIN instrument i ON i.id = c.instrument_id JOIN run r ON r.id = rc.run_id"
		 " WHERE rc.run_id = ?1"
		 " UNION ALL"
		 " SELECT i.kind, i.manufacturer, i.model, i.serial, NULL, NULL, NULL, NULL, NULL"
		 " FROM instrument i JOIN run r ON r.station_id = i.station_id WHERE r.id = ?1"
		 " AND i.id NOT IN (SELECT c.instrument_id FROM run_calibration rc"
		 "  JOIN calibration c ON c.id = rc.calibration_id WHERE rc.run_id = ?1)",
		 &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, l->run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct bench_dossier_instrument *in = bench_dossier_add_instrument(d);
		const char *due = col_raw(s, 7), *start = col_raw(s, 8);

		if (!in) {
			sqlite3_finalize(s);
			return -ENOMEM;
		}
		in->id = sqlite3_column_type(s, 4) != SQLITE_NULL ?
				 bench_dossier_strdupf(d, "%s/%s", col_raw(s, 0), col_raw(s, 4)) :
				 col(l, s, 0);
		in->description = col(l, s, 0);
		in->model = sqlite3_column_type(s, 1) != SQLITE_NULL ?
				    bench_dossier_strdupf(d, "%s %s", col_raw(s, 1),
							  col_raw(s, 2)) :
				    col(l, s, 2);
		in->serial = col(l, s, 3);
		if (sqlite3_column_type(s, 5) == SQLITE_NULL) {
			in->cal_status = BENCH_DOSSIER_CAL_NONE;
		} else {
			in->cal_cert = sqlite3_column_type(s, 6) != SQLITE_NULL ?
					       col(l, s, 6) :
					       bench_dossier_strdupf(d, "%s", col_raw(s, 5));
			/* xs:date wants exactly YYYY-MM-DD */
			if (due && strlen(due) >= 10)
				in->cal_due = bench_dossier_strdupf(d, "%.10s", due);
			in->cal_status = due && start && strncmp(start, due, 10) > 0 ?
						 BENCH_DOSSIER_CAL_EXPIRED :
						 BENCH_DOSSIER_CAL_VALID;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_err(l, rc);
}

/* Method and stimulus parameters from the protocol XML stored in the record. */
static int protocol_xml(struct loader *l, struct bench_dossier_protocol *p, const char *xml)
{
	xmlDocPtr doc;
	xmlNodePtr root, n, c;
	xmlAttrPtr a;

	if (!xml)
		return 0;
	doc = xmlReadMemory(xml, (int)strlen(xml), "protocol.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return 0; /* not XML: the hash still identifies it */
	root = xmlDocGetRootElement(doc);
	for (n = root ? root->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(n->name, BAD_CAST "title") == 0) {
			xmlChar *t = xmlNodeGetContent(n), *lang = xmlNodeGetLang(n);

			if (!lang && !p->title)
				p->title = bench_dossier_strdup(l->d, (const char *)t);
			else if (lang && xmlStrcmp(lang, BAD_CAST "zh-CN") == 0 && !p->title_zh)
				p->title_zh = bench_dossier_strdup(l->d, (const char *)t);
			xmlFree(t);
			xmlFree(lang);
		} else if (xmlStrcmp(n->name, BAD_CAST "description") == 0 && !p->method) {
			xmlChar *t = xmlNodeGetContent(n);

			p->method = bench_dossier_strdup(l->d, (const char *)t);
			xmlFree(t);
		} else if (xmlStrcmp(n->name, BAD_CAST "stimulus") == 0) {
			/* the stimulus element's attributes, then its children's */
			for (c = n; c; c = c == n ? n->children : c->next) {
				if (c->type != XML_ELEMENT_NODE)
					continue;
				for (a = c->properties; a; a = a->next) {
					struct bench_dossier_param *sp =
						bench_dossier_add_stimulus(l->d, p);
					xmlChar *v = xmlNodeListGetString(doc, a->children, 1);

					if (!sp) {
						xmlFree(v);
						xmlFreeDoc(doc);
						return -ENOMEM;
					}
					sp->name = c == n ? bench_dossier_strdup(
								    l->d, (const char *)a->name) :
							    bench_dossier_strdupf(
								    l->d, "%s.%s",
								    (const char *)c->name,
								    (const char *)a->name);
					sp->value = bench_dossier_strdup(l->d,
									 v ? (const char *)v : "");
					xmlFree(v);
				}
			}
		}
	}
	xmlFreeDoc(doc);
	return 0;
}

static int load_protocols(struct loader *l)
{
	struct bench_dossier *d = l->d;
	sqlite3_stmt *s;
	int rc, r;

	r = prep(l,
		 "SELECT p.protocol_id, p.version, p.sha256, p.standard, p.edition, p.clause,"
		 " p.xml, p.title,"
		 " (SELECT tr.seed FROM trial tr JOIN test t2 ON t2.id = tr.test_id"
		 "   WHERE t2.run_id = ?1 AND t2.protocol_id = p.id ORDER BY t2.seq, tr.seq,"
		 "   tr.attempt LIMIT 1), r.seed"
		 " FROM protocol p JOIN run r ON r.id = ?1"
		 " WHERE p.id IN (SELECT protocol_id FROM test WHERE run_id = ?1) ORDER BY"
		 " (SELECT min(seq) FROM test WHERE run_id = ?1 AND protocol_id = p.id)",
		 &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, l->run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct bench_dossier_protocol *p = bench_dossier_add_protocol(d);

		if (!p) {
			sqlite3_finalize(s);
			return -ENOMEM;
		}
		p->id = col(l, s, 0);
		p->version = col(l, s, 1);
		p->sha256_hex = col(l, s, 2);
		if (sqlite3_column_type(s, 3) == SQLITE_NULL)
			p->standard = bench_dossier_strdup(d, "not stated");
		else if (sqlite3_column_type(s, 4) != SQLITE_NULL)
			p->standard = bench_dossier_strdupf(d, "%s:%s", col_raw(s, 3),
							    col_raw(s, 4));
		else
			p->standard = col(l, s, 3);
		p->clause = sqlite3_column_type(s, 5) != SQLITE_NULL ?
				    col(l, s, 5) :
				    bench_dossier_strdup(d, "not stated");
		p->seed = (uint64_t)
			sqlite3_column_int64(s, sqlite3_column_type(s, 8) != SQLITE_NULL ? 8 : 9);
		r = protocol_xml(l, p, col_raw(s, 6));
		if (r < 0) {
			sqlite3_finalize(s);
			return r;
		}
		if (!p->method)
			p->method = sqlite3_column_type(s, 7) != SQLITE_NULL ?
					    col(l, s, 7) :
					    bench_dossier_strdup(d, "");
		if (!p->title && sqlite3_column_type(s, 7) != SQLITE_NULL)
			p->title = col(l, s, 7); /* the English title the engine recorded */
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_err(l, rc);
}

static int map_cmp(const char *c, bool has_low, bool has_high, enum bench_dossier_cmp *ret)
{
	if (!c || strcmp(c, "LOG") == 0) {
		/* no comparator recorded: derive from the limits present */
		*ret = has_low && has_high ? BENCH_DOSSIER_CMP_GELE :
		       has_low		   ? BENCH_DOSSIER_CMP_GE :
		       has_high		   ? BENCH_DOSSIER_CMP_LE :
					     BENCH_DOSSIER_CMP_NONE;
		return 0;
	}
	return bench_dossier_cmp_parse(c, ret);
}

/*
 * A test's titles. The engine names a test after its protocol id, with the condition in
 * brackets ("id[cond]"): such a test shows its protocol's title (English, and Chinese when
 * the protocol has one) followed by the condition in parentheses. Any other name is a
 * display name chosen by whoever recorded the test, shown as it is, as is the name when
 * the protocol has no title in the record.
 */
static int test_titles(struct bench_dossier *d, struct bench_dossier_test *t, const char *name)
{
	const struct bench_dossier_protocol *p = NULL;
	size_t i, idlen = t->protocol_id ? strlen(t->protocol_id) : 0;
	bool engine_name = name && idlen && strncmp(name, t->protocol_id, idlen) == 0 &&
			   (name[idlen] == '\0' || name[idlen] == '[');
	const char *cond = engine_name && name[idlen] == '[' ? name + idlen : NULL;
	int clen = 0;

	for (i = 0; i < d->n_protocols && t->protocol_id; i++)
		if (strcmp(d->protocols[i].id, t->protocol_id) == 0)
			p = &d->protocols[i];
	if (cond && name[strlen(name) - 1] == ']') {
		cond++;
		clen = (int)(strlen(cond) - 1);
	} else {
		cond = NULL;
	}
	if (!p || !p->title || !engine_name) {
		t->title = bench_dossier_strdup(d, name ? name : "untitled");
		return t->title ? 0 : -ENOMEM;
	}
	t->title = cond ? bench_dossier_strdupf(d, "%s (%.*s)", p->title, clen, cond) :
			  bench_dossier_strdup(d, p->title);
	if (!t->title)
		return -ENOMEM;
	if (p->title_zh) {
		t->title_zh = cond ? bench_dossier_strdupf(d, "%s (%.*s)", p->title_zh, clen,
							   cond) :
				     bench_dossier_strdup(d, p->title_zh);
		if (!t->title_zh)
			return -ENOMEM;
	}
	return 0;
}

static int load_tests(struct loader *l)
{
	struct bench_dossier *d = l->d;
	sqlite3_stmt *s, *m;
	int rc, r;

	r = prep(l,
		 "SELECT t.id, t.seq, t.name, p.protocol_id, t.start_utc, t.end_utc, t.verdict,"
		 " (SELECT max(attempt) FROM trial WHERE test_id = t.id),"
		 " (SELECT count(DISTINCT seq) FROM trial WHERE test_id = t.id AND seq >= 0)"
		 " FROM test t JOIN protocol p ON p.id = t.protocol_id WHERE t.run_id = ?"
		 " ORDER BY t.seq",
		 &s);
	if (r < 0)
		return r;
	/* the last attempt of every trial of the test; the pooled row (seq -1) first */
	r = prep(l,
		 "SELECT m.name, m.value, m.unit, m.u, m.u_expanded, m.k, m.limit_low,"
		 " m.limit_high, m.comparator, m.decision_rule, m.verdict, m.evidence, tr.seq"
		 " FROM trial tr JOIN measurement m ON m.trial_id = tr.id WHERE tr.test_id = ?"
		 " AND tr.attempt = (SELECT max(attempt) FROM trial t2"
		 "  WHERE t2.test_id = tr.test_id AND t2.seq = tr.seq)"
		 " ORDER BY tr.seq, m.seq",
		 &m);
	if (r < 0) {
		sqlite3_finalize(s);
		return r;
	}
	sqlite3_bind_int64(s, 1, l->run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct bench_dossier_test *t = bench_dossier_add_test(d);
		int64_t trials = sqlite3_column_int64(s, 8);

		if (!t) {
			r = -ENOMEM;
			goto out;
		}
		t->id = bench_dossier_strdupf(d, "T%02d", sqlite3_column_int(s, 1) + 1);
		t->protocol_id = col(l, s, 3);
		r = test_titles(d, t, col_raw(s, 2));
		if (r < 0)
			goto out;
		t->start_ns = col_time(s, 4);
		t->end_ns = col_time(s, 5);
		t->verdict = map_verdict(col_raw(s, 6));
		t->attempts = sqlite3_column_type(s, 7) == SQLITE_NULL ?
				      1 :
				      (unsigned)sqlite3_column_int(s, 7);
		if (t->attempts < 1)
			t->attempts = 1;

		sqlite3_reset(m);
		sqlite3_bind_int64(m, 1, sqlite3_column_int64(s, 0));
		while ((rc = sqlite3_step(m)) == SQLITE_ROW) {
			struct bench_dossier_measurement *me = bench_dossier_add_meas(d, t);

			if (!me) {
				r = -ENOMEM;
				goto out;
			}
			if (sqlite3_column_int(m, 12) < 0) /* over the trials (src/engine/pool.h) */
				me->name = bench_dossier_strdupf(d, "%s (pooled over %lld trials)",
								 col_raw(m, 0), (long long)trials);
			else
				me->name = trials > 1 ?
						   bench_dossier_strdupf(d, "%s (trial %d)",
									 col_raw(m, 0),
									 sqlite3_column_int(m, 12) +
										 1) :
						   col(l, m, 0);
			me->value = col_double(m, 1);
			me->unit = col(l, m, 2);
			me->u = col_double(m, 3);
			me->u_expanded = col_double(m, 4);
			me->k = sqlite3_column_type(m, 5) == SQLITE_NULL ? 2.0 : col_double(m, 5);
			me->has_low = sqlite3_column_type(m, 6) != SQLITE_NULL;
			me->has_high = sqlite3_column_type(m, 7) != SQLITE_NULL;
			me->low = col_double(m, 6);
			me->high = col_double(m, 7);
			if (map_cmp(col_raw(m, 8), me->has_low, me->has_high, &me->cmp) < 0) {
				bench_log(BENCH_LOG_ERROR, "reports",
					  "%s: run %" PRId64 ", test %s: comparator '%s' cannot be "
					  "expressed in a dossier",
					  l->db_path, l->run_id, t->id, col_raw(m, 8));
				r = -EINVAL;
				goto out;
			}
			me->rule = col_raw(m, 9) && strcmp(col_raw(m, 9), "guarded") == 0 ?
					   BENCH_DOSSIER_RULE_GUARDED :
					   BENCH_DOSSIER_RULE_SIMPLE;
			me->verdict = map_verdict(col_raw(m, 10));
			me->evidence = col(l, m, 11);
		}
		if (rc != SQLITE_DONE) {
			r = sql_err(l, rc);
			goto out;
		}
		d->verdict = bench_dossier_verdict_worst(d->verdict, t->verdict);
	}
	r = rc == SQLITE_DONE ? 0 : sql_err(l, rc);
out:
	sqlite3_finalize(m);
	sqlite3_finalize(s);
	return r;
}

static struct bench_dossier_test *test_by_seq(struct bench_dossier *d, int seq)
{
	char id[16];
	size_t i;

	snprintf(id, sizeof(id), "T%02d", seq + 1);
	for (i = 0; i < d->n_tests; i++)
		if (strcmp(d->tests[i].id, id) == 0)
			return &d->tests[i];
	return NULL;
}

static void drop_plot(struct bench_dossier_test *t, size_t i)
{
	free(t->plots[i].series);
	memmove(&t->plots[i], &t->plots[i + 1], (t->n_plots - i - 1) * sizeof(*t->plots));
	t->n_plots--;
}

/*
 * One plot per kind and test, from its last attempt: the plot just added (the last one)
 * replaces an earlier attempt's plot of its kind. Within one attempt the first trial's plot
 * is kept, except confusion matrices of the same size, which are summed over the trials
 * (a classification test often has one decision per trial); the summed plot keeps the
 * artifact SHA-256 of its first trial.
 */
static void merge_plot(struct bench_dossier_test *t)
{
	struct bench_dossier_plot *np = &t->plots[t->n_plots - 1];
	size_t i, j;

	for (i = 0; i + 1 < t->n_plots; i++) {
		struct bench_dossier_plot *op = &t->plots[i];

		if (op->kind != np->kind)
			continue;
		if (op->attempt < np->attempt) {
			drop_plot(t, i);
			return;
		}
		if (np->kind == BENCH_DOSSIER_PLOT_CONFUSION && op->attempt == np->attempt &&
		    op->n_series && np->n_series && op->classes == np->classes &&
		    op->series[0].n == np->series[0].n)
			for (j = 0; j < op->series[0].n; j++)
				op->series[0].y[j] += np->series[0].y[j];
		drop_plot(t, t->n_plots - 1);
		return;
	}
}

/*
 * A confusion matrix as stored: (cell index, count) points, row-major, cells left out are 0;
 * the largest index present is k*k - 1 (the engine always writes the last cell). Rebuilt as
 * one dense series of k*k counts (x = NULL). A malformed matrix leaves the plot without
 * series (dropped by the caller). Return: 0, -ENOMEM.
 */
static int confusion_dense(struct loader *l, struct bench_dossier_plot *p, const char *sha)
{
	const struct bench_dossier_series *s = &p->series[0];
	struct bench_dossier_series *ns;
	double *dense, top = -1;
	size_t i, cells;
	unsigned k;

	for (i = 0; i < s->n; i++)
		top = s->x && s->x[i] > top ? s->x[i] : top;
	if (!s->x)
		top = (double)s->n - 1;
	k = (unsigned)llround(sqrt(top + 1));
	cells = (size_t)k * k;
	p->n_series = 0; /* the sparse series' arrays stay in the dossier's arena */
	if (k < 2 || k > 64 || (double)cells != top + 1)
		return 0;
	dense = calloc(cells, sizeof(*dense));
	if (!dense)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		double x = s->x ? s->x[i] : (double)i;

		if (x >= 0 && x < (double)cells && x == floor(x) && isfinite(s->y[i]))
			dense[(size_t)x] += s->y[i];
	}
	ns = bench_dossier_plot_add_series(l->d, p, "counts", cells, NULL, dense);
	free(dense);
	if (!ns)
		return -ENOMEM;
	ns->artifact_sha256_hex = bench_dossier_strdup(l->d, sha);
	p->classes = k;
	return 0;
}

/*
 * A "plot-<kind>" artifact: CSV lines "series,x,y" (header line optional; for a confusion
 * matrix "counts,i,count" with k*k rows). Bad lines are skipped; the artifact stays listed.
 * A header "series,<x label>,<y label>" names the axes ("series,x,y" names nothing).
 */
static int plot_from_csv(struct loader *l, struct bench_dossier_test *t, const char *kind,
			 const char *text, size_t len, const char *sha, int64_t art_id,
			 unsigned attempt)
{
	enum bench_dossier_plot_kind k;
	struct bench_dossier_plot *p;
	struct bench_buf xs = BENCH_BUF_INIT, ys = BENCH_BUF_INIT;
	char name[64] = "", cur[64] = "";
	size_t pos = 0, n = 0;
	int r = 0;

	if (bench_dossier_plot_kind_parse(kind, &k) < 0)
		return 0;
	p = bench_dossier_add_plot(l->d, t);
	if (!p)
		return -ENOMEM;
	p->kind = k;
	p->attempt = attempt;
	p->id = bench_dossier_strdupf(l->d, "P%" PRId64, art_id);
	p->title = bench_dossier_strdup(l->d, t->title);
	while (pos < len && r == 0) {
		size_t e = pos;
		char line[256], *c1, *c2;
		double x, y;

		while (e < len && text[e] != '\n')
			e++;
		snprintf(line, sizeof(line), "%.*s", (int)(e - pos), text + pos);
		pos = e + 1;
		c1 = strchr(line, ',');
		c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c2)
			continue;
		*c1 = '\0';
		*c2 = '\0';
		line[63] = '\0'; /* series names are at most 63 bytes */
		if (bench_parse_double(c1 + 1, &x) < 0 || bench_parse_double(c2 + 1, &y) < 0) {
			/* the header line names the axes */
			if (strcmp(line, "series") == 0 && !p->x_label && c1[1] &&
			    strcmp(c1 + 1, "x") != 0) {
				p->x_label = bench_dossier_strdup(l->d, c1 + 1);
				p->y_label = bench_dossier_strdup(l->d, c2 + 1);
			}
			continue; /* header or malformed line */
		}
		if (strcmp(line, cur) != 0 && n > 0) {
			struct bench_dossier_series *se = bench_dossier_plot_add_series(
				l->d, p, cur, n, (const double *)xs.data, (const double *)ys.data);

			if (!se)
				r = -ENOMEM;
			else
				se->artifact_sha256_hex = bench_dossier_strdup(l->d, sha);
			bench_buf_clear(&xs);
			bench_buf_clear(&ys);
			n = 0;
		}
		snprintf(cur, sizeof(cur), "%.63s", line);
		snprintf(name, sizeof(name), "%.63s", line);
		if (r == 0)
			r = bench_buf_append(&xs, &x, sizeof(x));
		if (r == 0)
			r = bench_buf_append(&ys, &y, sizeof(y));
		n++;
	}
	if (r == 0 && n > 0) {
		struct bench_dossier_series *se = bench_dossier_plot_add_series(
			l->d, p, name, n, (const double *)xs.data, (const double *)ys.data);

		if (!se)
			r = -ENOMEM;
		else
			se->artifact_sha256_hex = bench_dossier_strdup(l->d, sha);
	}
	if (r == 0 && k == BENCH_DOSSIER_PLOT_CONFUSION && p->n_series)
		r = confusion_dense(l, p, sha);
	if (r == 0 && p->n_series == 0) {
		/* nothing usable: drop the plot, keep the artifact */
		t->n_plots--;
	} else if (r == 0) {
		merge_plot(t);
	}
	bench_buf_free(&xs);
	bench_buf_free(&ys);
	return r;
}

static int read_file(const char *path, struct bench_buf *out)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (bench_buf_append(out, chunk, n) < 0) {
			fclose(f);
			return -ENOMEM;
		}
	}
	fclose(f);
	return 0;
}

static int load_artifacts(struct loader *l)
{
	struct bench_dossier *d = l->d;
	sqlite3_stmt *s;
	int rc, r;

	r = prep(l,
		 "SELECT a.id, a.kind, a.path, a.blob, a.media_type, a.sha256, a.size_bytes,"
		 " (SELECT t.seq FROM trial tr JOIN test t ON t.id = tr.test_id"
		 "   WHERE tr.id = a.trial_id),"
		 " (SELECT tr.attempt FROM trial tr WHERE tr.id = a.trial_id)"
		 " FROM artifact a WHERE a.run_id = ? ORDER BY a.id",
		 &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, l->run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct bench_dossier_artifact *a = bench_dossier_add_artifact(d);
		struct bench_dossier_test *t = NULL;
		const char *kind = col_raw(s, 1);
		int64_t id = sqlite3_column_int64(s, 0);

		if (!a) {
			sqlite3_finalize(s);
			return -ENOMEM;
		}
		a->id = bench_dossier_strdupf(d, "A%" PRId64, id);
		a->media_type = col(l, s, 4);
		a->sha256_hex = col(l, s, 5);
		a->size_bytes = (uint64_t)sqlite3_column_int64(s, 6);
		if (sqlite3_column_type(s, 2) != SQLITE_NULL)
			a->path = bench_dossier_strdupf(d, "%s/%s", bench_buf_str(&l->run_dir),
							col_raw(s, 2));
		else
			a->path = bench_dossier_strdupf(d, "db:artifact/%" PRId64, id);
		if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
			t = test_by_seq(d, sqlite3_column_int(s, 7));
			if (t) {
				r = bench_dossier_test_add_artifact(d, t, a->id);
				if (r < 0) {
					sqlite3_finalize(s);
					return r;
				}
			}
		}
		if (t && kind && strncmp(kind, "plot-", 5) == 0) {
			struct bench_buf data = BENCH_BUF_INIT;
			char sha[BENCH_SHA256_HEX_LEN];

			snprintf(sha, sizeof(sha), "%s", a->sha256_hex ? a->sha256_hex : "");
			if (sqlite3_column_type(s, 3) != SQLITE_NULL)
				r = bench_buf_append(&data, sqlite3_column_blob(s, 3),
						     (size_t)sqlite3_column_bytes(s, 3));
			else
				r = read_file(a->path, &data);
			if (r == 0)
				r = plot_from_csv(l, t, kind + 5, (const char *)data.data, data.len,
						  sha, id, (unsigned)sqlite3_column_int(s, 8));
			else if (r != -ENOMEM)
				r = 0; /* missing file: verify reports it; no plot */
			bench_buf_free(&data);
			if (r < 0) {
				sqlite3_finalize(s);
				return r;
			}
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_err(l, rc);
}

static const char *map_event(const char *kind)
{
	if (!kind)
		return "note";
	if (strcmp(kind, "safe_state") == 0)
		return "safe-state";
	if (strcmp(kind, "fault") == 0 || strcmp(kind, "underflow") == 0 ||
	    strcmp(kind, "overflow") == 0)
		return "fault";
	if (strcmp(kind, "interrupted") == 0)
		return "abort";
	return "note";
}

static int load_events(struct loader *l)
{
	struct bench_dossier *d = l->d;
	sqlite3_stmt *s;
	int rc, r;

	/* recorded events, and one "retest" event per superseded attempt */
	r = prep(l,
		 "SELECT e.t_utc, e.kind, e.source, e.message,"
		 " (SELECT t.seq FROM trial tr JOIN test t ON t.id = tr.test_id"
		 "   WHERE tr.id = e.trial_id), 0 AS retest, e.id"
		 " FROM event e WHERE e.run_id = ?1"
		 " UNION ALL"
		 " SELECT tr.start_utc, 'retest', NULL, 'trial ' || (tr.seq + 1) || ' attempt '"
		 "  || tr.attempt || ' after ' || (SELECT status FROM trial p WHERE"
		 "  p.test_id = tr.test_id AND p.seq = tr.seq AND p.attempt = tr.attempt - 1),"
		 "  t.seq, 1, tr.id FROM trial tr JOIN test t ON t.id = tr.test_id"
		 " WHERE t.run_id = ?1 AND tr.attempt > 1 AND tr.seq >= 0"
		 " ORDER BY 1, 6, 7",
		 &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, l->run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct bench_dossier_event *e = bench_dossier_add_event(d);
		const char *kind = col_raw(s, 1), *src = col_raw(s, 2), *msg = col_raw(s, 3);

		if (!e) {
			sqlite3_finalize(s);
			return -ENOMEM;
		}
		e->time_ns = col_time(s, 0);
		e->kind = bench_dossier_strdup(d, sqlite3_column_int(s, 5) ? "retest" :
									     map_event(kind));
		if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
			struct bench_dossier_test *t = test_by_seq(d, sqlite3_column_int(s, 4));

			e->test_id = t ? t->id : NULL;
		}
		if (sqlite3_column_int(s, 5))
			e->message = bench_dossier_strdup(d, msg ? msg : "retest");
		else
			e->message = bench_dossier_strdupf(d, "%s%s%s%s: %s", kind ? kind : "?",
							   src ? " [" : "", src ? src : "",
							   src ? "]" : "", msg ? msg : "");
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_err(l, rc);
}

static void decision_statement(struct bench_dossier *d)
{
	size_t i, j, simple = 0, guarded = 0;

	for (i = 0; i < d->n_tests; i++)
		for (j = 0; j < d->tests[i].n_meas; j++) {
			if (d->tests[i].meas[j].cmp == BENCH_DOSSIER_CMP_NONE)
				continue;
			if (d->tests[i].meas[j].rule == BENCH_DOSSIER_RULE_GUARDED)
				guarded++;
			else
				simple++;
		}
	d->decision_rule = bench_dossier_strdupf(
		d,
		"Statements of conformity follow ISO/IEC 17025:2017 7.8.6 and ILAC-G8. Simple "
		"acceptance (%zu measurements): the measured value is compared with the limit and the "
		"expanded uncertainty U is reported beside it. Guarded acceptance (%zu measurements): "
		"the acceptance zone is the limit reduced by U (coverage factor k as stated, about "
		"95 %% coverage for k = 2); a value inside the limit but within U of it is reported "
		"MARGINAL. A test that could not be measured or recorded is ERROR; an incomplete run "
		"is never reported as PASS.",
		simple, guarded);
}

static int check_schema(struct loader *l)
{
	sqlite3_stmt *s;
	int r, rc, v = -1;

	r = prep(l, "PRAGMA user_version", &s);
	if (r < 0)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return sql_err(l, rc);
	if (v > SUPPORTED_SCHEMA) {
		bench_log(BENCH_LOG_ERROR, "reports",
			  "%s: schema version %d is newer than this build (%d)", l->db_path, v,
			  SUPPORTED_SCHEMA);
		return -EPROTO;
	}
	if (v < 1) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: not a bcibench results database",
			  l->db_path);
		return -EINVAL;
	}
	return 0;
}

int bench_report_load(const char *db_path, const char *run, int64_t issued_ns,
		      struct bench_dossier **ret)
{
	struct loader l;
	int rc, r;

	memset(&l, 0, sizeof(l));
	l.db_path = db_path;
	if (!db_path || !run)
		return -EINVAL;
	rc = sqlite3_open_v2(db_path, &l.db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: cannot open: %s", db_path,
			  l.db ? sqlite3_errmsg(l.db) : "out of memory");
		sqlite3_close(l.db);
		return rc == SQLITE_CANTOPEN ? -ENOENT : -EIO;
	}
	sqlite3_busy_timeout(l.db, 5000);
	r = bench_dossier_new(&l.d);
	if (r < 0)
		goto out;
	r = check_schema(&l);
	if (r == 0)
		r = find_run(&l, run);
	if (r < 0)
		goto out;
	/* the run folder: "<db>.d/<uuid>/" (docs/database.md) */
	{
		/* absolute, so the dossier can be verified from any folder */
		char *abs = realpath(db_path, NULL);

		r = bench_buf_appendf(&l.run_dir, "%s.d/%s", abs ? abs : db_path, l.uuid);
		free(abs);
	}
	if (r < 0)
		goto out;
	/* one consistent snapshot for every query */
	rc = sqlite3_exec(l.db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		r = sql_err(&l, rc);
		goto out;
	}
	r = load_header(&l);
	if (r == 0)
		r = load_instruments(&l);
	if (r == 0)
		r = load_protocols(&l);
	if (r == 0)
		r = load_tests(&l);
	if (r == 0)
		r = load_artifacts(&l);
	if (r == 0)
		r = load_events(&l);
	sqlite3_exec(l.db, "COMMIT", NULL, NULL, NULL);
	if (r < 0)
		goto out;
	l.d->issued_ns = issued_ns;
	decision_statement(l.d);
	*ret = l.d;
	l.d = NULL;
out:
	bench_dossier_free(l.d);
	bench_buf_free(&l.run_dir);
	sqlite3_close(l.db);
	return r;
}
