// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Label tables for the PDF dossier, English and Simplified Chinese. Each row is
 * { English, Chinese }; the static assertion keeps the table and the enum in step.
 */
#include <errno.h>
#include <string.h>

#include "common/error.h"
#include "reports/i18n.h"

static const char *const labels[][BENCH_REPORT_LANG_COUNT] = {
	[BENCH_L_DOC_TITLE] = { "Certification test report", "认证测试报告" },
	[BENCH_L_REPORT_ID] = { "Report ID", "报告编号" },
	[BENCH_L_RUN] = { "Run", "运行编号" },
	[BENCH_L_DUT] = { "Device under test", "被测设备" },
	[BENCH_L_MANUFACTURER] = { "Manufacturer", "制造商" },
	[BENCH_L_MODEL] = { "Model", "型号" },
	[BENCH_L_SERIAL] = { "Serial number", "序列号" },
	[BENCH_L_HW_REV] = { "Hardware revision", "硬件版本" },
	[BENCH_L_FW_REV] = { "Firmware revision", "固件版本" },
	[BENCH_L_OVERALL] = { "Overall verdict", "总体结论" },
	[BENCH_L_LAB] = { "Laboratory", "实验室" },
	[BENCH_L_ADDRESS] = { "Address", "地址" },
	[BENCH_L_STATION] = { "Test station", "测试工位" },
	[BENCH_L_OPERATOR] = { "Operator", "操作员" },
	[BENCH_L_START] = { "Start", "开始时间" },
	[BENCH_L_END] = { "End", "结束时间" },
	[BENCH_L_ISSUED] = { "Issued", "签发时间" },
	[BENCH_L_SIGNATURE] = { "Signing certificate (SHA-256 fingerprint)",
				"签名证书指纹 (SHA-256)" },
	[BENCH_L_UNSIGNED] = { "not signed", "未签名" },
	[BENCH_L_SUMMARY] = { "Summary of results", "结果汇总" },
	[BENCH_L_TEST] = { "Test", "测试项" },
	[BENCH_L_TITLE] = { "Title", "名称" },
	[BENCH_L_PROTOCOL] = { "Protocol", "测试规程" },
	[BENCH_L_STANDARD] = { "Standard", "标准" },
	[BENCH_L_CLAUSE] = { "Clause", "条款" },
	[BENCH_L_VERDICT] = { "Verdict", "结论" },
	[BENCH_L_METHOD] = { "Method", "测试方法" },
	[BENCH_L_STIMULUS] = { "Stimulus", "激励参数" },
	[BENCH_L_SEED] = { "Seed", "随机种子" },
	[BENCH_L_MEASUREMENTS] = { "Measurements", "测量结果" },
	[BENCH_L_QUANTITY] = { "Quantity", "被测量" },
	[BENCH_L_VALUE] = { "Value", "测量值" },
	[BENCH_L_UNCERTAINTY] = { "U (k)", "扩展不确定度 U (k)" },
	[BENCH_L_LIMIT] = { "Limit", "限值" },
	[BENCH_L_RULE] = { "Decision rule", "判定规则" },
	[BENCH_L_EVIDENCE] = { "Evidence", "依据" },
	[BENCH_L_ATTEMPTS] = { "Attempts", "尝试次数" },
	[BENCH_L_FIGURE] = { "Figure", "图" },
	[BENCH_L_ANNEX] = { "Annex A: Traceability", "附录 A：溯源信息" },
	[BENCH_L_INSTRUMENTS] = { "Instruments and calibration", "仪器与校准" },
	[BENCH_L_CAL_CERT] = { "Calibration certificate", "校准证书" },
	[BENCH_L_CAL_DUE] = { "Calibration due", "校准到期日" },
	[BENCH_L_CAL_STATUS] = { "Calibration status", "校准状态" },
	[BENCH_L_SOFTWARE] = { "Software", "软件" },
	[BENCH_L_VERSION] = { "Version", "版本" },
	[BENCH_L_BUILD] = { "Build", "构建标识" },
	[BENCH_L_FIXTURE] = { "Fixture", "测试夹具" },
	[BENCH_L_HASHES] = { "Protocol files (SHA-256)", "测试规程文件 (SHA-256)" },
	[BENCH_L_ARTIFACTS] = { "Raw data files (SHA-256)", "原始数据文件 (SHA-256)" },
	[BENCH_L_EVENTS] = { "Events", "事件记录" },
	[BENCH_L_NO_EVENTS] = { "No events recorded.", "无事件记录。" },
	[BENCH_L_CONFORMITY] = { "Statement of conformity", "符合性声明" },
	[BENCH_L_COUNTS] = { "Tests", "测试项数" },
	[BENCH_L_PAGE] = { "Page", "第" },
	[BENCH_L_PAGE_OF] = { "of", "页，共" },
	[BENCH_L_END_OF_REPORT] = { "End of report", "报告结束" },
	[BENCH_L_TIME] = { "Time (UTC)", "时间 (UTC)" },
	[BENCH_L_KIND] = { "Kind", "类型" },
	[BENCH_L_MESSAGE] = { "Message", "内容" },
	[BENCH_L_SIZE] = { "Size / bytes", "大小 / 字节" },
	[BENCH_L_PATH] = { "File", "文件" },
	[BENCH_L_TEST_ONLY_NOTE] = { "Results relate only to the item tested.",
				     "本报告结果仅对所测样品有效。" },
	[BENCH_L_RULE_SIMPLE] = { "simple", "简单接受" },
	[BENCH_L_RULE_GUARDED] = { "guarded", "保护带接受" },
	[BENCH_L_NO_LIMIT] = { "information only", "仅供参考" },
};

_Static_assert(BENCH_ARRAY_SIZE(labels) == BENCH_L_COUNT, "one row per label");

static const char *const verdicts[][BENCH_REPORT_LANG_COUNT] = {
	[BENCH_DOSSIER_PASS] = { "PASS", "通过 PASS" },
	[BENCH_DOSSIER_MARGINAL] = { "MARGINAL", "临界 MARGINAL" },
	[BENCH_DOSSIER_FAIL] = { "FAIL", "不通过 FAIL" },
	[BENCH_DOSSIER_ERROR] = { "ERROR", "错误 ERROR" },
	[BENCH_DOSSIER_NOT_RUN] = { "NOT RUN", "未执行 NOT RUN" },
};

_Static_assert(BENCH_ARRAY_SIZE(verdicts) == BENCH_DOSSIER_VERDICT_COUNT, "verdicts");

static const char *const cals[][BENCH_REPORT_LANG_COUNT] = {
	[BENCH_DOSSIER_CAL_VALID] = { "valid", "有效" },
	[BENCH_DOSSIER_CAL_EXPIRED] = { "EXPIRED", "已过期" },
	[BENCH_DOSSIER_CAL_NONE] = { "not calibrated", "未校准" },
};

_Static_assert(BENCH_ARRAY_SIZE(cals) == BENCH_DOSSIER_CAL_COUNT, "cal");

static const char *const plots[][BENCH_REPORT_LANG_COUNT] = {
	[BENCH_DOSSIER_PLOT_OVERLAY] = { "Stimulus and response", "激励与响应" },
	[BENCH_DOSSIER_PLOT_PSD] = { "Power spectral density", "功率谱密度" },
	[BENCH_DOSSIER_PLOT_BODE] = { "Bode plot (magnitude, phase)", "波特图（幅值、相位）" },
	[BENCH_DOSSIER_PLOT_HISTOGRAM] = { "Histogram", "直方图" },
	[BENCH_DOSSIER_PLOT_CONFUSION] = { "Confusion matrix", "混淆矩阵" },
	[BENCH_DOSSIER_PLOT_RASTER] = { "Spike raster (truth and detected)",
					"锋电位栅格图（真值与检出）" },
	[BENCH_DOSSIER_PLOT_CHARGE] = { "Charge per pulse", "每脉冲电荷" },
};

_Static_assert(BENCH_ARRAY_SIZE(plots) == BENCH_DOSSIER_PLOT_KIND_COUNT, "plots");

int bench_report_lang_parse(const char *s, enum bench_report_lang *ret_lang)
{
	if (!s)
		return -EINVAL;
	if (strcmp(s, "en") == 0 || strcmp(s, "en-US") == 0 || strcmp(s, "en-GB") == 0) {
		*ret_lang = BENCH_REPORT_LANG_EN;
		return 0;
	}
	if (strcmp(s, "zh-CN") == 0 || strcmp(s, "zh") == 0 || strcmp(s, "zh_CN") == 0) {
		*ret_lang = BENCH_REPORT_LANG_ZH_CN;
		return 0;
	}
	return -EINVAL;
}

const char *bench_report_lang_tag(enum bench_report_lang lang)
{
	return lang == BENCH_REPORT_LANG_ZH_CN ? "zh-CN" : "en";
}

static unsigned lang_index(enum bench_report_lang lang)
{
	return (unsigned)lang < BENCH_REPORT_LANG_COUNT ? (unsigned)lang : 0;
}

const char *bench_report_label(enum bench_report_lang lang, enum bench_report_label key)
{
	if ((unsigned)key >= BENCH_L_COUNT)
		return "?";
	return labels[key][lang_index(lang)];
}

const char *bench_report_verdict_label(enum bench_report_lang lang, enum bench_dossier_verdict v)
{
	if ((unsigned)v >= BENCH_DOSSIER_VERDICT_COUNT)
		return "?";
	return verdicts[v][lang_index(lang)];
}

const char *bench_report_cal_label(enum bench_report_lang lang, enum bench_dossier_cal c)
{
	if ((unsigned)c >= BENCH_DOSSIER_CAL_COUNT)
		return "?";
	return cals[c][lang_index(lang)];
}

const char *bench_report_plot_label(enum bench_report_lang lang, enum bench_dossier_plot_kind k)
{
	if ((unsigned)k >= BENCH_DOSSIER_PLOT_KIND_COUNT)
		return "?";
	return plots[k][lang_index(lang)];
}

/* The axis labels and series names src/engine/plots.c writes, with their translations. */
static const char *const plot_texts[][2] = {
	{ "time / s", "时间 / s" },
	{ "voltage / uV", "电压 / uV" },
	{ "current / uA", "电流 / uA" },
	{ "frequency / Hz", "频率 / Hz" },
	{ "PSD / dB re 1 uV^2/Hz", "功率谱密度 / dB re 1 uV^2/Hz" },
	{ "PSD / dB re 1 uA^2/Hz", "功率谱密度 / dB re 1 uA^2/Hz" },
	{ "magnitude / dB", "幅值 / dB" },
	{ "phase / deg", "相位 / 度" },
	{ "latency / ms", "延迟 / ms" },
	{ "events", "事件数" },
	{ "predicted class", "预测类别" },
	{ "true class", "真实类别" },
	{ "channel", "通道" },
	{ "pulse", "脉冲序号" },
	{ "net charge / nC", "净电荷 / nC" },
	{ "charge / nC", "电荷 / nC" },
	{ "cathodic", "阴极相" },
	{ "net", "净电荷" },
	{ "stimulus", "刺激" },
	{ "response", "响应" },
	{ "output", "输出" },
	{ "truth", "真值" },
	{ "detected", "检出" },
	{ "matched", "匹配" },
	{ "latency", "延迟" },
	{ "net charge", "净电荷" },
};

const char *bench_report_plot_text(enum bench_report_lang lang, const char *s)
{
	size_t i;

	if (!s || lang != BENCH_REPORT_LANG_ZH_CN)
		return s;
	for (i = 0; i < sizeof(plot_texts) / sizeof(plot_texts[0]); i++)
		if (strcmp(plot_texts[i][0], s) == 0)
			return plot_texts[i][1];
	return s;
}

const char *bench_report_font_family(enum bench_report_lang lang)
{
	/* Noto Sans CJK SC covers Latin too; DejaVu Sans is the fallback for symbols. */
	return lang == BENCH_REPORT_LANG_ZH_CN ? "Noto Sans CJK SC, DejaVu Sans" :
						 "DejaVu Sans, Noto Sans CJK SC";
}
