/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translations of every fixed label of the PDF dossier: English and Simplified Chinese
 * (NMPA submissions are in Chinese). Data from the record (titles, names, units) is printed
 * as recorded; tests may carry a Chinese title (struct bench_dossier_test.title_zh).
 * Strings are UTF-8 and static.
 */
#ifndef BENCH_REPORTS_I18N_H
#define BENCH_REPORTS_I18N_H

#include "reports/dossier.h"

enum bench_report_lang {
	BENCH_REPORT_LANG_EN,
	BENCH_REPORT_LANG_ZH_CN,
	BENCH_REPORT_LANG_COUNT,
};

enum bench_report_label {
	BENCH_L_DOC_TITLE,
	BENCH_L_REPORT_ID,
	BENCH_L_RUN,
	BENCH_L_DUT,
	BENCH_L_MANUFACTURER,
	BENCH_L_MODEL,
	BENCH_L_SERIAL,
	BENCH_L_HW_REV,
	BENCH_L_FW_REV,
	BENCH_L_OVERALL,
	BENCH_L_LAB,
	BENCH_L_ADDRESS,
	BENCH_L_STATION,
	BENCH_L_OPERATOR,
	BENCH_L_START,
	BENCH_L_END,
	BENCH_L_ISSUED,
	BENCH_L_SIGNATURE,
	BENCH_L_UNSIGNED,
	BENCH_L_SUMMARY,
	BENCH_L_TEST,
	BENCH_L_TITLE,
	BENCH_L_PROTOCOL,
	BENCH_L_STANDARD,
	BENCH_L_CLAUSE,
	BENCH_L_VERDICT,
	BENCH_L_METHOD,
	BENCH_L_STIMULUS,
	BENCH_L_SEED,
	BENCH_L_MEASUREMENTS,
	BENCH_L_QUANTITY,
	BENCH_L_VALUE,
	BENCH_L_UNCERTAINTY,
	BENCH_L_LIMIT,
	BENCH_L_RULE,
	BENCH_L_EVIDENCE,
	BENCH_L_ATTEMPTS,
	BENCH_L_FIGURE,
	BENCH_L_ANNEX,
	BENCH_L_INSTRUMENTS,
	BENCH_L_CAL_CERT,
	BENCH_L_CAL_DUE,
	BENCH_L_CAL_STATUS,
	BENCH_L_SOFTWARE,
	BENCH_L_VERSION,
	BENCH_L_BUILD,
	BENCH_L_FIXTURE,
	BENCH_L_HASHES,
	BENCH_L_ARTIFACTS,
	BENCH_L_EVENTS,
	BENCH_L_NO_EVENTS,
	BENCH_L_CONFORMITY,
	BENCH_L_COUNTS,
	BENCH_L_PAGE,
	BENCH_L_PAGE_OF,
	BENCH_L_END_OF_REPORT,
	BENCH_L_TIME,
	BENCH_L_KIND,
	BENCH_L_MESSAGE,
	BENCH_L_SIZE,
	BENCH_L_PATH,
	BENCH_L_TEST_ONLY_NOTE,
	BENCH_L_RULE_SIMPLE,
	BENCH_L_RULE_GUARDED,
	BENCH_L_NO_LIMIT,
	BENCH_L_COUNT,
};

/* Parses "en" or "zh-CN" (also "zh", "zh_CN"). Return: 0 or -EINVAL. */
int bench_report_lang_parse(const char *s, enum bench_report_lang *ret_lang);

/* BCP 47 tag of @lang ("en", "zh-CN"). */
const char *bench_report_lang_tag(enum bench_report_lang lang);

/* The label in @lang; never NULL. */
const char *bench_report_label(enum bench_report_lang lang, enum bench_report_label key);

/* Verdict text: English "PASS"; Chinese "通过 PASS" (both, so nobody misreads it). */
const char *bench_report_verdict_label(enum bench_report_lang lang, enum bench_dossier_verdict v);

/* Calibration status text ("valid" / "有效", ...). */
const char *bench_report_cal_label(enum bench_report_lang lang, enum bench_dossier_cal c);

/* Caption of a plot kind ("Power spectral density" / "功率谱密度", ...). */
const char *bench_report_plot_label(enum bench_report_lang lang, enum bench_dossier_plot_kind k);

/*
 * An axis label or series name of a plot stored by the engine (src/engine/plots.h), e.g.
 * "time / s" -> "时间 / s" in zh-CN. Unknown text, NULL and English are returned as given.
 */
const char *bench_report_plot_text(enum bench_report_lang lang, const char *s);

/* Font family list for pango in @lang (Noto Sans CJK SC for zh-CN). */
const char *bench_report_font_family(enum bench_report_lang lang);

#endif /* BENCH_REPORTS_I18N_H */
