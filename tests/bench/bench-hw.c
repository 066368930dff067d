// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Streaming benchmark against the emulated rig (neural-recorder-256: 256 DUT
 * channels at 30 kS/s, 16 bit), `bcibench sim` run as a separate process:
 *
 *  1. capture throughput of the bench's stream path (libiio refill -> code
 *     conversion -> uV ring -> reader) against `iio_readdev` (raw bytes to
 *     /dev/null) on the same device of the same server in the same run, fast
 *     pace, 5 interleaved runs of each (BENCH_HW_FRAMES frames, default 300000), every run,
 *     the best of each and the median of the paired ratios printed
 *     side by side: wall time, frames/s and client CPU;
 *  2. realtime pace: stimulus on all 8 DAC channels and capture of the DUT and
 *     the bench ADC for BENCH_HW_SECONDS (default 60) s, stream threads with
 *     rt_priority (BENCH_HW_RT_PRIORITY=0: without); every 10 s a monitor
 *     thread prints the sim's DAC underflow and capture overflow counters (own
 *     libiio context), the bench's resident memory (it must stay flat) and the
 *     load average; at the end the stream's own counters.
 *
 * Prints figures only; never asserts on time. Environment: BCIBENCH (the
 * bcibench binary), BCIBENCH_SOURCE_ROOT, BENCH_HW_FRAMES, BENCH_HW_SECONDS, BENCH_HW_RIG,
 * BENCH_HW_SKIP_THROUGHPUT, BENCH_HW_SKIP_REALTIME, BENCH_HW_RT_PRIORITY.
 */
#include <errno.h>
#include <fcntl.h>
#include <iio.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/parse.h"
#include "common/units.h"
#include "fixture/fixture.h"
#include "hw/rig.h"
#include "hw/stream.h"

extern char **environ;

static pid_t sim_pid;
static char uri[64];
static const char *rig_name = "neural-recorder-256";

static int start_sim(const char *pace)
{
	const char *bin = getenv("BCIBENCH");
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	char rig[512];
	/* Realtime: the clock thread under SCHED_RR when allowed (docs/sim.md). */
	char *argv[] = {
		(char *)bin, "sim",	   "--rig",
		rig,	     "--port",	   "0",
		"--pace",    (char *)pace, strcmp(pace, "realtime") ? NULL : "--rt-priority",
		NULL
	};
	posix_spawn_file_actions_t fa;
	char line[128];
	size_t n = 0;
	int p[2];

	if (!bin || pipe(p) < 0)
		return -EINVAL;
	snprintf(rig, sizeof(rig), "%s/fixtures/sim/%s.rig.xml", root ? root : ".", rig_name);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	if (posix_spawn(&sim_pid, bin, &fa, NULL, argv, environ) != 0)
		return -errno;
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	while (n < sizeof(line) - 1 && read(p[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	close(p[0]);
	if (sscanf(line, "listening %63s", uri) != 1)
		return -EIO;
	return 0;
}

static void stop_sim(void)
{
	if (sim_pid > 0) {
		kill(sim_pid, SIGTERM);
		waitpid(sim_pid, NULL, 0);
		sim_pid = 0;
	}
}

/* CPU seconds of the client side of the last run (iio_readdev, or this process). */
static double last_client_cpu;
/* Of the bench's: rig open (context, attributes of every channel), stream open and start. */
static double last_setup_cpu;

static double self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/* iio_readdev -b FRAMES -s N dut > /dev/null; returns seconds. */
static double run_readdev(unsigned frames, unsigned long n)
{
	char b[32], s[32];
	char *argv[] = { "/usr/bin/iio_readdev", "-u", uri, "-b", b, "-s", s, "dut", NULL };
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	int64_t t0;
	pid_t pid;
	int st;

	snprintf(b, sizeof(b), "%u", frames);
	snprintf(s, sizeof(s), "%lu", n);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = bench_clock_now_ns();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		return NAN;
	posix_spawn_file_actions_destroy(&fa);
	wait4(pid, &st, 0, &ru);
	last_client_cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
			  (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return NAN;
	return bench_s_from_ns(bench_clock_now_ns() - t0);
}

/* The bench's capture path on the dut device for @n frames; returns seconds. */
static double run_bench_capture(const struct bench_fixture *fx, unsigned long n)
{
	struct bench_stream_config cfg = { .capture_mask = 0x2, .ring_buffers = 4 };
	struct bench_stream *s = NULL;
	struct bench_rig *rig = NULL;
	unsigned long got = 0;
	size_t w, k;
	float *buf;
	int64_t t0;
	double sink = 0, secs, cpu0 = self_cpu();

	if (bench_rig_open(fx, uri, BENCH_RIG_PROBE, &rig, NULL) < 0)
		return NAN;
	if (bench_stream_open(rig, &cfg, &s) < 0) {
		bench_rig_close(rig);
		return NAN;
	}
	w = bench_stream_capture_width(s, 1);
	buf = malloc(1000 * w * sizeof(float));
	t0 = bench_clock_now_ns();
	if (!buf || bench_stream_start(s) < 0)
		got = n + 1;
	last_setup_cpu = self_cpu() - cpu0;
	while (got < n) {
		size_t m = 0;

		if (bench_stream_read(s, 1, buf, NULL, 1000, 5 * BENCH_NS_PER_S, &m) < 0)
			break;
		for (k = 0; k < m; k += 997)
			sink += buf[k * w];
		got += m;
	}
	bench_stream_close(s);
	secs = bench_s_from_ns(bench_clock_now_ns() - t0);
	bench_rig_close(rig);
	last_client_cpu = self_cpu() - cpu0;
	free(buf);
	(void)sink;
	return got >= n ? secs : NAN;
}

/* utime + stime of process @pid (0 = this process), s. */
static double cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	int k;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid ? (long)pid : (long)getpid());
	f = fopen(path, "r");
	if (!f)
		return NAN;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NAN;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* after ")": state is field 3; utime and stime are fields 14 and 15 */
	for (k = 3; p && k < 14; k++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu %lu", &ut, &st) != 2)
		return NAN;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static double load_avg(void)
{
	double l = NAN;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = NAN;
		fclose(f);
	}
	return l;
}

struct rt {
	uint64_t frame, total;
	double rate_hz;
	uint64_t captured;
};

static int rt_fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct rt *r = ctx;
	size_t n = 0, c;

	while (n < max_frames && r->frame < r->total) {
		double t = (double)r->frame / r->rate_hz;

		for (c = 0; c < 8; c++)
			uv[n * 8 + c] = (float)(500.0 * sin(2 * M_PI * (100.0 + 50 * c) * t));
		r->frame++;
		n++;
	}
	*ret_frames = n;
	return 0;
}

static int rt_sink(void *ctx, size_t index, const float *uv, const int64_t *ts, size_t n)
{
	struct rt *r = ctx;

	(void)uv;
	(void)ts;
	if (index == 1)
		r->captured += n;
	return 0;
}

/*
 * Every 10 s of the realtime run: the sim's counters through a libiio context of its own
 * (the stream's connections are not touched), this process's resident memory, the load.
 */
struct monitor {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	int64_t t0;
	long rss[64];
	size_t n_rss;
};

static long long dev_counter(struct iio_context *ctx, const char *dev, const char *attr)
{
	struct iio_device *d = ctx ? iio_context_find_device(ctx, dev) : NULL;
	long long v = -1;

	if (!d || iio_device_debug_attr_read_longlong(d, attr, &v) < 0)
		return -1;
	return v;
}

static void *monitor_thread(void *arg)
{
	struct monitor *m = arg;
	char u[sizeof(uri)];
	struct iio_context *ctx;
	int64_t next = m->t0;

	snprintf(u, sizeof(u), "%s", uri); /* libiio 0.24 writes into the URI */
	ctx = iio_create_context_from_uri(u);
	pthread_mutex_lock(&m->lock);
	for (;;) {
		struct timespec dl;
		int64_t now = bench_clock_now_ns();

		if (now >= next) {
			long rss = rss_kib();

			if (m->n_rss < 64)
				m->rss[m->n_rss++] = rss;
			printf("  t %5.1f s: sim DAC underflows %lld (%lld samples), DUT overflows "
			       "%lld, bench-adc overflows %lld; bench RSS %ld KiB; load average %.1f\n",
			       bench_s_from_ns(now - m->t0),
			       dev_counter(ctx, "bench-dac", "underflows"),
			       dev_counter(ctx, "bench-dac", "underflow_samples"),
			       dev_counter(ctx, "dut", "overflows"),
			       dev_counter(ctx, "bench-adc", "overflows"), rss, load_avg());
			next += 10 * BENCH_NS_PER_S;
		}
		if (m->stop)
			break;
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 1;
		pthread_cond_timedwait(&m->cond, &m->lock, &dl);
	}
	pthread_mutex_unlock(&m->lock);
	if (ctx)
		iio_context_destroy(ctx);
	return NULL;
}

static void print_attr(struct bench_rig *rig, const char *dev, const char *attr)
{
	char buf[64] = "?";

	bench_rig_read_attr(rig, dev, NULL, attr, true, buf, sizeof(buf));
	printf("  sim %s %s: %s\n", dev, attr, buf);
}

/* Interleaved throughput runs of each path (odd, for the median). */
#define RUNS 5

int main(void)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	const char *secs_env = getenv("BENCH_HW_SECONDS");
	struct bench_fixture_error err;
	struct bench_fixture *fx = NULL;
	double t_readdev[RUNS], t_bench[RUNS], c_readdev[RUNS], c_bench[RUNS], c_setup[RUNS];
	double ratio[RUNS], seconds = 60;
	/* 10 s of data at 30 kS/s (158 MB): long enough that scheduling noise averages out */
	unsigned long n = 300000;
	double frame_bytes;
	char path[512];
	uint64_t frames = 0;
	int i, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (secs_env && bench_parse_double(secs_env, &seconds) < 0)
		seconds = 60;
	if (getenv("BENCH_HW_FRAMES") && bench_parse_u64(getenv("BENCH_HW_FRAMES"), &frames) == 0 &&
	    frames >= 1000 && frames <= 100000000)
		n = (unsigned long)frames;
	if (getenv("BENCH_HW_RIG"))
		rig_name = getenv("BENCH_HW_RIG");
	snprintf(path, sizeof(path), "%s/fixtures/sim/%s.fixture.xml", root ? root : ".", rig_name);
	if (bench_fixture_load(path, 0, 0, &fx, &err) < 0) {
		fprintf(stderr, "%s\n", err.text);
		return 1;
	}

	/* DUT frame: 16-bit channels, the u32 event code, padding to 8, the s64 timestamp. */
	frame_bytes = (double)((fx->captures[1].n_channels * 2 + 4 + 7) / 8 * 8 + 8);
	/* 1. Capture throughput, fast pace. */
	if (getenv("BENCH_HW_SKIP_THROUGHPUT"))
		goto realtime;
	if (start_sim("fast") < 0) {
		fprintf(stderr, "cannot start the sim (BCIBENCH=%s)\n", getenv("BCIBENCH"));
		return 1;
	}
	for (i = 0; i < RUNS; i++) {
		t_readdev[i] = run_readdev(fx->captures[1].buffer_frames, n);
		c_readdev[i] = last_client_cpu;
		t_bench[i] = run_bench_capture(fx, n);
		c_bench[i] = last_client_cpu;
		c_setup[i] = last_setup_cpu;
		ratio[i] = t_readdev[i] / t_bench[i];
	}
	stop_sim();
	printf("capture throughput, dut of %s (%zu ch + events + timestamp, %.0f B/frame), "
	       "%lu frames, fast pace, %d interleaved runs each (load average %.1f):\n",
	       rig_name, fx->captures[1].n_channels, frame_bytes, n, RUNS, load_avg());
	printf("  run  iio_readdev -b %-5u (raw to /dev/null)    bench stream path (codes -> uV)\n",
	       fx->captures[1].buffer_frames);
	for (i = 0; i < RUNS; i++)
		printf("  %d    %6.3f s %7.1f kframes/s CPU %.3f s    %6.3f s %7.1f kframes/s CPU "
		       "%.3f s (set-up %.3f s)\n",
		       i + 1, t_readdev[i], n / t_readdev[i] / 1e3, c_readdev[i], t_bench[i],
		       n / t_bench[i] / 1e3, c_bench[i], c_setup[i]);
	qsort(t_readdev, RUNS, sizeof(double), cmp_double);
	qsort(t_bench, RUNS, sizeof(double), cmp_double);
	qsort(c_readdev, RUNS, sizeof(double), cmp_double);
	qsort(c_bench, RUNS, sizeof(double), cmp_double);
	qsort(c_setup, RUNS, sizeof(double), cmp_double);
	qsort(ratio, RUNS, sizeof(double), cmp_double);
	printf("  best %6.3f s %7.1f kframes/s CPU %.3f s    %6.3f s %7.1f kframes/s CPU %.3f s "
	       "(set-up %.3f s)\n",
	       t_readdev[0], n / t_readdev[0] / 1e3, c_readdev[0], t_bench[0], n / t_bench[0] / 1e3,
	       c_bench[0], c_setup[0]);
	/* Wall time is mostly the sim producing the data; client CPU is what each path costs. */
	printf("  bench / iio_readdev: throughput best of %d %.3f, median of the %d paired runs "
	       "%.3f (target >= 0.90); client CPU %.2fx (%.2f ns per channel-sample after "
	       "set-up); load average %.1f\n",
	       RUNS, t_readdev[0] / t_bench[0], RUNS, ratio[RUNS / 2], c_bench[0] / c_readdev[0],
	       (c_bench[0] - c_setup[0]) * 1e9 / ((double)n * fx->captures[1].n_channels),
	       load_avg());

realtime:
	/* 2. Realtime pace, 256 ch x 30 kS/s, stimulus on 8 channels. */
	if (getenv("BENCH_HW_SKIP_REALTIME")) {
		bench_fixture_free(fx);
		return 0;
	}
	if (start_sim("realtime") < 0)
		return 1;
	{
		const char *rt_env = getenv("BENCH_HW_RT_PRIORITY");
		struct bench_stream_config cfg = { .output = true,
						   .capture_mask = 0x3,
						   .rt_priority = !rt_env ||
								  strcmp(rt_env, "0") != 0 };
		struct bench_stream_run_result res;
		struct bench_stream *s = NULL;
		struct bench_rig *rig = NULL;
		struct monitor mon = { .lock = PTHREAD_MUTEX_INITIALIZER,
				       .cond = PTHREAD_COND_INITIALIZER };
		pthread_t mon_thread;
		struct rt rt = { 0 };
		double cpu0, sim_cpu0;
		int64_t t0;
		size_t k;
		bool mon_on;

		r = bench_rig_open(fx, uri, 0, &rig, &err);
		if (r < 0) {
			fprintf(stderr, "%s\n", err.text);
			stop_sim();
			return 1;
		}
		bench_rig_power_up(rig);
		rt.rate_hz = bench_rig_dac_rate_hz(rig);
		rt.total = (uint64_t)(seconds * rt.rate_hz);
		t0 = bench_clock_now_ns();
		cpu0 = cpu_s(0);
		sim_cpu0 = cpu_s(sim_pid);
		printf("realtime pace, %s, stream threads %s:\n", rig_name,
		       cfg.rt_priority ? "with rt_priority" : "at normal priority");
		printf("  start: bench RSS %ld KiB, load average %.1f\n", rss_kib(), load_avg());
		mon.t0 = t0;
		mon_on = pthread_create(&mon_thread, NULL, monitor_thread, &mon) == 0;
		r = bench_stream_open(rig, &cfg, &s);
		if (r == 0)
			r = bench_stream_run(s, rt_fill, &rt, rt_sink, &rt, 100 * BENCH_NS_PER_MS,
					     NULL, &res);
		if (mon_on) {
			pthread_mutex_lock(&mon.lock);
			mon.stop = true;
			pthread_cond_signal(&mon.cond);
			pthread_mutex_unlock(&mon.lock);
			pthread_join(mon_thread, NULL);
		}
		printf("realtime pace, %s: 8 DAC ch + %zu DUT ch at %.0f S/s for %.0f s: %s\n",
		       rig_name, fx->captures[1].n_channels, rt.rate_hz, seconds,
		       r == 0 ? "completed" : strerror(-r));
		printf("  wall %.2f s, stimulus %llu frames, DUT captured %llu frames, "
		       "stream underflows %llu, gaps %llu, reader waits %llu, ring memory %.1f MB\n",
		       bench_s_from_ns(bench_clock_now_ns() - t0),
		       (unsigned long long)res.stimulus_frames, (unsigned long long)rt.captured,
		       (unsigned long long)res.stats.underflows, (unsigned long long)res.stats.gaps,
		       (unsigned long long)res.stats.ring_full_waits, res.stats.ring_bytes / 1e6);
		printf("  output feeding margin: least stimulus queued ahead of the DAC thread "
		       "%.1f ms, times it found less than a buffer %llu\n",
		       res.stats.out_min_queued_frames >= 0 ?
			       (double)res.stats.out_min_queued_frames * 1e3 / rt.rate_hz :
			       NAN,
		       (unsigned long long)res.stats.out_short_waits);
		printf("  output thread: longest push %.1f ms, longest time between pushes %.1f ms "
		       "(one buffer is %.1f ms)\n",
		       res.stats.out_push_max_ns * 1e-6, res.stats.out_between_max_ns * 1e-6,
		       fx->dac.buffer_frames * 1e3 / rt.rate_hz);
		print_attr(rig, "bench-dac", "underflows");
		print_attr(rig, "bench-dac", "underflow_samples");
		print_attr(rig, "dut", "overflows");
		print_attr(rig, "bench-adc", "overflows");
		printf("  end: bench CPU %.1f s, sim CPU %.1f s over %.1f s wall; bench RSS %ld KiB; "
		       "load average %.1f\n",
		       cpu_s(0) - cpu0, cpu_s(sim_pid) - sim_cpu0,
		       bench_s_from_ns(bench_clock_now_ns() - t0), rss_kib(), load_avg());
		printf("  resident memory every 10 s (KiB):");
		for (k = 0; k < mon.n_rss; k++)
			printf(" %ld", mon.rss[k]);
		printf("\n");
		bench_stream_close(s);
		bench_rig_close(rig);
	}
	stop_sim();
	bench_fixture_free(fx);
	return 0;
}
