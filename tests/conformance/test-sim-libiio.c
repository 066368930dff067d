// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Conformance of the emulated rig with the libiio C client: stimulus pushed
 * with iio_buffer_push, capture with iio_buffer_refill, several clients at
 * once, clients that vanish or send garbage, and the documented effect of
 * each fault. Every test starts its own in-process server on a free port
 * (bench_sim_start) and stops it in the same test.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <iio.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sim/sim.h"

#define SRC_ROOT_FIXTURES BENCH_SIM_TEST_ROOT "/fixtures/sim"

static struct bench_sim *start_sim_paced(const char *dut, const char *const *faults,
					 size_t n_faults, enum bench_sim_pace pace)
{
	/* A client writing to a server that cut the connection must not die of SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	struct bench_sim_options o;
	struct bench_sim *sim = NULL;
	char *err = NULL;
	int r;

	memset(&o, 0, sizeof(o));
	o.dut_name = dut;
	o.fixture_dir = SRC_ROOT_FIXTURES;
	o.pace = pace;
	o.faults = faults;
	o.n_faults = n_faults;
	o.seed = 42;
	o.ret_error = &err;
	r = bench_sim_start(&o, &sim);
	cr_assert_eq(r, 0, "bench_sim_start: %d %s", r, err ? err : "");
	return sim;
}

static struct bench_sim *start_sim(const char *dut, const char *const *faults, size_t n_faults)
{
	return start_sim_paced(dut, faults, n_faults, BENCH_SIM_PACE_FAST);
}

static struct iio_context *connect_ctx(struct bench_sim *sim)
{
	char uri[64]; /* writable: libiio 0.24 writes into the URI */
	struct iio_context *ctx;

	cr_assert_eq(bench_sim_uri(sim, uri, sizeof(uri)), 0);
	ctx = iio_create_context_from_uri(uri);
	cr_assert_not_null(ctx, "cannot connect to %s", uri);
	return ctx;
}

static struct iio_device *dev(struct iio_context *ctx, const char *name)
{
	struct iio_device *d = iio_context_find_device(ctx, name);

	cr_assert_not_null(d, "no device %s", name);
	return d;
}

static double dev_rate(struct iio_device *d)
{
	double hz = 0;

	cr_assert_eq(iio_device_attr_read_double(d, "sampling_frequency", &hz), 0);
	return hz;
}

static double chan_scale(struct iio_channel *c)
{
	double s = 0;

	cr_assert_eq(iio_channel_attr_read_double(c, "scale", &s), 0);
	return s;
}

/* Least-squares sine fit at a known frequency: amplitude and phase (rad). */
static void sine_fit(const double *x, size_t n, double w, double *ret_amp, double *ret_phase)
{
	double scc = 0, sss = 0, scs = 0, sxc = 0, sxs = 0, a, b, det, mean = 0;
	size_t i;

	for (i = 0; i < n; i++)
		mean += x[i] / (double)n;
	for (i = 0; i < n; i++) {
		double c = cos(w * (double)i), s = sin(w * (double)i), v = x[i] - mean;

		scc += c * c;
		sss += s * s;
		scs += c * s;
		sxc += v * c;
		sxs += v * s;
	}
	det = scc * sss - scs * scs;
	a = (sxc * sss - sxs * scs) / det;
	b = (sxs * scc - sxc * scs) / det;
	/* x = a cos + b sin = A sin(w i + phi) */
	*ret_amp = hypot(a, b);
	*ret_phase = atan2(a, b);
}

struct capture {
	double *x;	 /* uV at the DUT, channel 0 */
	int64_t *ts_ns;	 /* DUT timestamps */
	uint32_t *event; /* event codes */
	size_t n;
};

/*
 * Pushes a sine (amplitude @v_amp volts, @f_hz) on DAC channel 0 with
 * iio_buffer_push, keeping two buffers ahead of the capture, and captures
 * @seconds of dut voltage0 + count0 + timestamp with iio_buffer_refill.
 */
static int run_sine(struct bench_sim *sim, double v_amp, double f_hz, double seconds,
		    struct capture *cap)
{
	struct iio_context *ctx = connect_ctx(sim);
	struct iio_device *dac = dev(ctx, "bench-dac"), *dut = dev(ctx, "dut");
	struct iio_channel *tx = iio_device_find_channel(dac, "voltage0", true);
	struct iio_channel *rx = iio_device_find_channel(dut, "voltage0", false);
	struct iio_channel *ev = iio_device_find_channel(dut, "count0", false);
	struct iio_channel *ts = iio_device_find_channel(dut, "timestamp", false);
	double fb = dev_rate(dac), fd = dev_rate(dut), tx_scale = chan_scale(tx);
	double lsb = chan_scale(rx);
	size_t tx_n = (size_t)(fb / 10), rx_n = (size_t)(fd / 10), total, got = 0;
	struct iio_buffer *tb, *rb;
	uint64_t k = 0;
	int r = 0, i;

	cr_assert(tx && rx && ev && ts);
	total = (size_t)(seconds * fd);
	cap->x = calloc(total, sizeof(double));
	cap->ts_ns = calloc(total, sizeof(int64_t));
	cap->event = calloc(total, sizeof(uint32_t));
	cap->n = 0;
	iio_channel_enable(tx);
	iio_channel_enable(rx);
	iio_channel_enable(ev);
	iio_channel_enable(ts);
	tb = iio_device_create_buffer(dac, tx_n, false);
	rb = iio_device_create_buffer(dut, rx_n, false);
	cr_assert(tb && rb);
	for (i = 0; got < total; i++) {
		/* Stay ahead of the capture; over-provision 25 % for faults that drop samples. */
		int pushes = i == 0 ? 2 : (i % 4 == 0 ? 2 : 1), j;

		for (j = 0; j < pushes; j++) {
			int16_t *p = iio_buffer_first(tb, tx);
			ptrdiff_t step = iio_buffer_step(tb) / 2;
			size_t s;

			for (s = 0; s < tx_n; s++, k++)
				p[s * step] = (int16_t)lrint(v_amp / tx_scale *
							     sin(2 * M_PI * f_hz * (double)k / fb));
			if (iio_buffer_push(tb) != (ssize_t)(tx_n * iio_buffer_step(tb))) {
				r = -EIO;
				break;
			}
		}
		if (r < 0)
			break;
		if (i < 1)
			continue;
		r = (int)iio_buffer_refill(rb);
		if (r < 0)
			break;
		{
			uint8_t *p = iio_buffer_first(rb, rx), *e = iio_buffer_first(rb, ev);
			uint8_t *t = iio_buffer_first(rb, ts);
			ptrdiff_t st = iio_buffer_step(rb);
			size_t s;

			for (s = 0; s < rx_n && got < total; s++, got++) {
				int32_t c;

				memcpy(&c, p + s * st, 4);
				cap->x[got] = c * lsb;
				memcpy(&cap->event[got], e + s * st, 4);
				memcpy(&cap->ts_ns[got], t + s * st, 8);
			}
		}
		cap->n = got;
	}
	iio_buffer_destroy(rb);
	iio_buffer_destroy(tb);
	iio_context_destroy(ctx);
	return r < 0 ? r : 0;
}

static void capture_free(struct capture *c)
{
	free(c->x);
	free(c->ts_ns);
	free(c->event);
}

Test(sim_libiio, push_and_refill_find_the_sine_with_model_gain_and_delay)
{
	struct bench_sim *sim = start_sim("eeg-amp", NULL, 0);
	double f = 23.0, v = 0.5, gain, delay, amp, phase, fd = 1000, w;
	struct capture cap;
	size_t skip = 3000, i;

	cr_assert_eq(run_sine(sim, v, f, 8.0, &cap), 0);
	cr_assert_eq(cap.n, 8000);
	cr_assert_eq(bench_sim_dut_response(sim, f, &gain, &delay), 0);
	/* DUT sample k is at virtual time k/fd: its timestamp says so. */
	for (i = 1; i < cap.n; i++)
		cr_assert_eq(cap.ts_ns[i] - cap.ts_ns[i - 1], 1000000);
	w = 2 * M_PI * f / fd;
	sine_fit(cap.x + skip, cap.n - skip, w, &amp, &phase);
	/* phase at sample `skip`: w*skip - 2 pi f delay */
	{
		double want_amp = v * bench_sim_attenuator_uv_per_v(sim) * gain;
		double want_phase = -2 * M_PI * f * delay + w * (double)skip;
		double dphi = remainder(phase - want_phase, 2 * M_PI);

		cr_expect(fabs(amp / want_amp - 1) < 0.01, "amplitude %.3f uV, model %.3f uV", amp,
			  want_amp);
		cr_expect(fabs(dphi / (2 * M_PI * f)) < 100e-6,
			  "delay off by %.1f us (model %.1f us)", dphi / (2 * M_PI * f) * 1e6,
			  delay * 1e6);
	}
	capture_free(&cap);
	bench_sim_stop(sim);
}

Test(sim_libiio, no_aliasing_from_above_the_dut_nyquist)
{
	/* 3.3 kHz at the 8 kS/s DAC would alias to 300 Hz at 1 kS/s without the filter. */
	struct bench_sim *sim = start_sim("eeg-amp", NULL, 0);
	double amp, phase;
	struct capture cap;

	cr_assert_eq(run_sine(sim, 2.0, 3300.0, 3.0, &cap), 0);
	sine_fit(cap.x + 1000, cap.n - 1000, 2 * M_PI * 300.0 / 1000.0, &amp, &phase);
	/* 200 uV in, below 0.1 uV (-66 dB) at the alias frequency */
	cr_expect(amp < 0.1, "alias at 300 Hz: %.3f uV", amp);
	capture_free(&cap);
	bench_sim_stop(sim);
}

/* ---- several clients at once ---- */

static pthread_barrier_t started, finished;

struct client {
	struct bench_sim *sim;
	int role;
	int result;
	char msg[160];
};

static void *client_main(void *arg)
{
	struct client *cl = arg;
	char uri[64];
	struct iio_context *ctx;
	struct iio_device *d;
	struct iio_buffer *b;
	int i;

	bench_sim_uri(cl->sim, uri, sizeof(uri));
	ctx = iio_create_context_from_uri(uri);
	if (!ctx) {
		cl->result = -errno;
		snprintf(cl->msg, sizeof(cl->msg), "connect");
		return NULL;
	}
	cl->result = 0;
	if (cl->role == 0) { /* cyclic DAC waveform, then attribute traffic */
		struct iio_channel *c;
		int16_t *p;

		d = iio_context_find_device(ctx, "bench-dac");
		c = iio_device_find_channel(d, "voltage0", true);
		iio_channel_enable(c);
		b = iio_device_create_buffer(d, 300, true);
		p = iio_buffer_start(b);
		for (i = 0; i < 300; i++)
			p[i] = (int16_t)(i * 10);
		if (iio_buffer_push(b) < 0)
			cl->result = -EIO;
		pthread_barrier_wait(&started); /* the waveform plays from here on */
		for (i = 0; i < 50 && cl->result == 0; i++) {
			long long v;

			if (iio_device_debug_attr_read_longlong(d, "peak_code", &v) < 0 ||
			    v != 2990)
				cl->result = -EINVAL;
		}
		pthread_barrier_wait(&finished);
		iio_buffer_destroy(b);
	} else { /* 1: dut, 2: bench-adc, 3: bench-lines */
		static const char *const names[] = { NULL, "dut", "bench-adc", "bench-lines" };
		unsigned j;

		pthread_barrier_wait(&started);
		d = iio_context_find_device(ctx, names[cl->role]);
		for (j = 0; j < iio_device_get_channels_count(d); j++) {
			struct iio_channel *c = iio_device_get_channel(d, j);

			if (iio_channel_is_scan_element(c) && !iio_channel_is_output(c))
				iio_channel_enable(c);
		}
		b = iio_device_create_buffer(d, 1000, false);
		for (i = 0; i < 20 && b && cl->result == 0; i++) {
			ssize_t r = iio_buffer_refill(b);

			if (r != (ssize_t)(1000 * iio_device_get_sample_size(d)))
				cl->result = r < 0 ? (int)r : -EIO;
		}
		if (cl->role == 2 && b && cl->result == 0) {
			/* bench-adc voltage0 reads the cyclic ramp back */
			struct iio_channel *c = iio_device_find_channel(d, "voltage0", false);
			int16_t *p = iio_buffer_first(b, c);
			ptrdiff_t st = iio_buffer_step(b) / 2;

			for (i = 1; i < 1000; i++) {
				int16_t want = (int16_t)((p[(i - 1) * st] + 10) % 3000);

				if (p[i * st] != want)
					cl->result = -EILSEQ;
			}
		}
		if (cl->role == 3 && b && cl->result == 0) {
			uint16_t *p = iio_buffer_start(b);

			if (!(p[0] & 1))
				cl->result = -EILSEQ; /* power line bit */
		}
		iio_buffer_destroy(b);
		pthread_barrier_wait(&finished);
	}
	iio_context_destroy(ctx);
	return NULL;
}

Test(sim_libiio, four_clients_at_once)
{
	struct bench_sim *sim = start_sim("neural-recorder", NULL, 0);
	struct client cl[4];
	pthread_t th[4];
	int i;

	pthread_barrier_init(&started, NULL, 4);
	pthread_barrier_init(&finished, NULL, 4);
	for (i = 0; i < 4; i++) {
		cl[i].sim = sim;
		cl[i].role = i;
		cl[i].msg[0] = '\0';
		cr_assert_eq(pthread_create(&th[i], NULL, client_main, &cl[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		cr_expect_eq(cl[i].result, 0, "client %d: %d %s", i, cl[i].result, cl[i].msg);
	}
	pthread_barrier_destroy(&started);
	pthread_barrier_destroy(&finished);
	bench_sim_stop(sim);
}

/* ---- raw sockets: vanishing clients and garbage ---- */

static int raw_connect(struct bench_sim *sim)
{
	struct sockaddr_in a;
	struct timeval tv = { .tv_sec = 20 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(bench_sim_port(sim));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	/* A test that gets out of step with the server fails instead of hanging. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void raw_send(int fd, const void *p, size_t n)
{
	cr_assert_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Reads one "\n"-terminated line (without it). */
static int raw_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	while (n + 1 < size) {
		ssize_t r = recv(fd, &c, 1, 0);

		if (r <= 0)
			return -1;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (int)n;
}

static void assert_still_serving(struct bench_sim *sim)
{
	struct iio_context *ctx = connect_ctx(sim);
	struct iio_device *d = dev(ctx, "dut");
	struct iio_channel *c = iio_device_find_channel(d, "voltage0", false);
	struct iio_buffer *b;

	iio_channel_enable(c);
	b = iio_device_create_buffer(d, 100, false);
	cr_assert_not_null(b, "the dut buffer is not free again");
	cr_assert_eq(iio_buffer_refill(b), 200);
	iio_buffer_destroy(b);
	iio_context_destroy(ctx);
}

Test(sim_libiio, client_disconnecting_mid_buffer_releases_the_device)
{
	struct bench_sim *sim = start_sim("neural-recorder", NULL, 0);
	char line[128];
	int fd = raw_connect(sim), i;

	/* 66 channels -> 3 mask words; voltage0 only */
	raw_send(fd, "OPEN iio:device2 10000 000000000000000000000001\r\n", 49);
	cr_assert_geq(raw_line(fd, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "0");
	raw_send(fd, "READBUF iio:device2 20000\r\n", 27);
	cr_assert_geq(raw_line(fd, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "20000");
	for (i = 0; i < 10; i++) /* take a little of the payload, then vanish */
		cr_assert_eq(recv(fd, line, 100, MSG_WAITALL), 100);
	close(fd);
	assert_still_serving(sim);
	bench_sim_stop(sim);
}

Test(sim_libiio, garbage_gets_einval_and_others_keep_being_served)
{
	struct bench_sim *sim = start_sim("neural-recorder", NULL, 0);
	static const char *const bad[] = {
		"HELLO\r\n",
		"\x01\x02\xff\xfe garbage\r\n",
		"READ\r\n",
		"OPEN iio:device2 x y\r\n",
		"OPEN iio:device2 10 00000001\r\n", /* mask of the wrong length */
		"READBUF iio:device2 100\r\n",	    /* not opened: -9 */
		"READ iio:device9 raw\r\n",	    /* -19 */
		"READ dut INPUT voltage999 raw\r\n" /* -6 */,
		"READ dut nope\r\n" /* -2 */,
		"ZPRINT\r\n",
		"PRINT\0garbage\r\n",
	};
	static const char *const want[] = { "-22", "-22", "-22", "-22", "-22", "-9",
					    "-19", "-6",  "-2",	 "-22", "-22" };
	char line[128], *big;
	int fd = raw_connect(sim);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i]);

		if (len == 5) /* "PRINT\0garbage\r\n": strlen stops at the NUL */
			len = 15;
		raw_send(fd, bad[i], len);
		cr_assert_geq(raw_line(fd, line, sizeof(line)), 0, "no answer to bad line %zu", i);
		cr_expect_str_eq(line, want[i], "line %zu", i);
	}
	/* still in sync afterwards */
	raw_send(fd, "READ dut sampling_frequency\r\n", 29);
	cr_assert_geq(raw_line(fd, line, sizeof(line)), 0);
	cr_expect_str_eq(line, "6");
	cr_assert_geq(raw_line(fd, line, sizeof(line)), 0);
	cr_expect_eq(memcmp(line, "30000\0", 6), 0);

	/* an overlong line: -22, then this client is dropped */
	big = malloc(20000);
	memset(big, 'A', 20000);
	send(fd, big, 20000, MSG_NOSIGNAL);
	free(big);
	cr_assert_geq(raw_line(fd, line, sizeof(line)), 0);
	cr_expect_str_eq(line, "-22");
	cr_expect_lt(raw_line(fd, line, sizeof(line)), 0, "connection still open");
	close(fd);
	assert_still_serving(sim);
	bench_sim_stop(sim);
}

/* ---- faults ---- */

static double sine_amp_with(const char *fault)
{
	const char *const f[] = { fault };
	struct bench_sim *sim = start_sim("eeg-amp", f, fault ? 1 : 0);
	struct capture cap;
	double amp, ph;

	cr_assert_eq(run_sine(sim, 0.5, 23.0, 4.0, &cap), 0);
	sine_fit(cap.x + 2000, cap.n - 2000, 2 * M_PI * 23.0 / 1000.0, &amp, &ph);
	capture_free(&cap);
	bench_sim_stop(sim);
	return amp;
}

Test(sim_faults, gain_error_scales_the_dut_output)
{
	double a0 = sine_amp_with(NULL), a1 = sine_amp_with("gain_error_pct=10");

	cr_expect(fabs(a1 / a0 - 1.10) < 0.005, "ratio %.4f", a1 / a0);
}

Test(sim_faults, dead_channel_reads_zero_and_drops_leave_timestamp_gaps)
{
	const char *const f[] = { "dead=0", "drop_every=10" };
	struct bench_sim *sim = start_sim("eeg-amp", f, 2);
	struct capture cap;
	size_t i, gaps = 0;

	cr_assert_eq(run_sine(sim, 0.5, 23.0, 2.0, &cap), 0);
	for (i = 0; i < cap.n; i++)
		cr_assert_eq(cap.x[i], 0.0);
	for (i = 1; i < cap.n; i++)
		if (cap.ts_ns[i] - cap.ts_ns[i - 1] == 2000000)
			gaps++;
	cr_expect(gaps >= cap.n / 9 - 2 && gaps <= cap.n / 9 + 2, "%zu gaps in %zu", gaps, cap.n);
	capture_free(&cap);
	bench_sim_stop(sim);
}

Test(sim_faults, disconnect_after_t_breaks_the_capture)
{
	const char *const f[] = { "disconnect_after_s=1" };
	struct bench_sim *sim = start_sim("eeg-amp", f, 1);
	struct capture cap;

	cr_expect_lt(run_sine(sim, 0.5, 23.0, 3.0, &cap), 0);
	cr_expect(cap.n >= 800 && cap.n <= 1000, "got %zu samples before the cut", cap.n);
	capture_free(&cap);
	bench_sim_stop(sim);
}

Test(sim_faults, slow_responses_time_the_client_out)
{
	const char *const f[] = { "slow_ms=1500" };
	struct bench_sim *sim = start_sim("neural-recorder", f, 1);
	char uri[64];
	struct iio_context *ctx;
	struct iio_device *d;
	struct iio_buffer *b;

	bench_sim_uri(sim, uri, sizeof(uri));
	ctx = iio_create_context_from_uri(uri);
	cr_assert_not_null(ctx);
	cr_assert_eq(iio_context_set_timeout(ctx, 500), 0);
	d = dev(ctx, "dut");
	iio_channel_enable(iio_device_find_channel(d, "voltage0", false));
	b = iio_device_create_buffer(d, 100, false);
	cr_assert_not_null(b);
	cr_expect_eq(iio_buffer_refill(b), -EPIPE);
	iio_buffer_destroy(b);
	iio_context_destroy(ctx);
	bench_sim_stop(sim);
}

Test(sim_faults, live_fault_via_debug_attribute)
{
	struct bench_sim *sim = start_sim("eeg-amp", NULL, 0);
	struct iio_context *ctx = connect_ctx(sim);
	struct iio_device *d = dev(ctx, "dut");
	char buf[128];

	cr_assert_gt(iio_device_debug_attr_write(d, "fault", "offset_uv=25 stuck=3"), 0);
	cr_assert_gt(iio_device_debug_attr_read(d, "fault", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "offset_uv=25 stuck=3");
	cr_expect_lt(iio_device_debug_attr_write(d, "fault", "bogus=1"), 0);
	cr_assert_gt(iio_device_debug_attr_write(d, "fault", "clear=1"), 0);
	cr_assert_gt(iio_device_debug_attr_read(d, "fault", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "none");
	iio_context_destroy(ctx);
	bench_sim_stop(sim);
}

/* ---- realtime pace ---- */

static long long debug_ll(struct iio_device *d, const char *name)
{
	long long v = -1;

	cr_assert_eq(iio_device_debug_attr_read_longlong(d, name, &v), 0, "%s", name);
	return v;
}

Test(sim_realtime, a_late_push_is_an_underflow)
{
	struct bench_sim *sim = start_sim_paced("eeg-amp", NULL, 0, BENCH_SIM_PACE_REALTIME);
	struct iio_context *ctx = connect_ctx(sim);
	struct iio_device *dac = dev(ctx, "bench-dac"), *adc = dev(ctx, "bench-adc");
	struct iio_channel *tx = iio_device_find_channel(dac, "voltage0", true);
	struct iio_channel *rx = iio_device_find_channel(adc, "voltage0", false);
	struct iio_buffer *tb, *rb;
	int16_t *p;
	int i;

	iio_channel_enable(tx);
	iio_channel_enable(rx);
	tb = iio_device_create_buffer(dac, 800, false);	 /* 0.1 s at 8 kS/s */
	rb = iio_device_create_buffer(adc, 4000, false); /* 0.5 s */
	cr_assert(tb && rb);
	p = iio_buffer_start(tb);
	for (i = 0; i < 800; i++)
		p[i] = 1000;
	cr_assert_eq(iio_buffer_push(tb), 1600);
	/* The capture is paced by the wall clock: it returns after ~0.5 s. */
	cr_assert_eq(iio_buffer_refill(rb), 8000);
	cr_expect_eq(debug_ll(dac, "samples_in"), 800);
	cr_expect_eq(debug_ll(dac, "underflows"), 1, "one dry spell after the only push");
	cr_expect_gt(debug_ll(dac, "underflow_samples"), 2000);
	iio_buffer_destroy(rb);
	iio_buffer_destroy(tb);
	iio_context_destroy(ctx);
	bench_sim_stop(sim);
}

Test(sim_libiio, line_edges_are_sample_aligned_with_the_capture)
{
	struct bench_sim *sim = start_sim("closed-loop-stim", NULL, 0);
	struct iio_context *ctx = connect_ctx(sim);
	struct iio_device *lines = dev(ctx, "bench-lines");
	struct iio_channel *bits = iio_device_find_channel(lines, "lines", false);
	struct iio_channel *trig = iio_device_find_channel(lines, "trigger", true);
	struct iio_buffer *b;
	uint16_t *p;
	ptrdiff_t st;
	int i;

	cr_assert(bits && trig);
	iio_channel_enable(bits);
	b = iio_device_create_buffer(lines, 1000, false);
	cr_assert_not_null(b);
	for (int k = 0; k < 4; k++) { /* 80 ms at 50 kS/s: the DUT boots (50 ms) */
		cr_assert_eq(iio_buffer_refill(b), 2000);
		p = iio_buffer_first(b, bits);
		st = iio_buffer_step(b) / 2;
		for (i = 0; i < 1000; i++)
			cr_assert_eq(p[i * st] & 4, 0, "trigger high before it was raised");
	}
	/* In fast pace the write lands on the next tick: the first of the next refill. */
	cr_assert_gt(iio_channel_attr_write(trig, "raw", "1"), 0);
	cr_assert_eq(iio_buffer_refill(b), 2000);
	p = iio_buffer_first(b, bits);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(p[i * st] & 4, 4, "sample %d: trigger not high", i);
	cr_expect(p[0] & 1, "power bit");
	cr_expect(p[0] & 16, "ready bit (booted)");
	iio_buffer_destroy(b);
	iio_context_destroy(ctx);
	bench_sim_stop(sim);
}
