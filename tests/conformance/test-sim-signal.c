// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench sim --pace realtime` stops cleanly on SIGTERM while clients are
 * streaming: the process (the real CLI, spawned) must exit with status 0.
 * Three situations that used to be able to keep it alive: a libiio client
 * streaming the 256-channel DUT capture and the DAC, a raw client that asked
 * for far more data than it reads (the server blocked in send()), and a raw
 * client that announced a WRITEBUF payload and never sent it (the server
 * blocked in recv()). The test waits for the client to have really streamed
 * (a condition, not a sleep); the wait for the exit is bounded by a generous
 * monotonic deadline that only guards against a hang (then the sim is killed
 * and the test fails).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <iio.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define EXIT_GUARD_S 60 /* failure guard only: a clean stop takes milliseconds */

static pid_t sim_pid;
static char uri[64];
static uint16_t port;

static void spawn_sim(void)
{
	const char *bin = getenv("BCIBENCH");
	char *argv[] = { (char *)bin, "sim",	  "--dut", "neural-recorder-256", "--port", "0",
			 "--pace",    "realtime", NULL };
	posix_spawn_file_actions_t fa;
	char line[128];
	size_t n = 0;
	unsigned p = 0;
	int fds[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_not_null(bin, "BCIBENCH is not set");
	cr_assert_eq(pipe(fds), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	cr_assert_eq(posix_spawn(&sim_pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while (n < sizeof(line) - 1 && read(fds[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	close(fds[0]);
	cr_assert_eq(sscanf(line, "listening ip:127.0.0.1:%u", &p), 1, "first line: '%s'", line);
	port = (uint16_t)p;
	snprintf(uri, sizeof(uri), "ip:127.0.0.1:%u", p);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* SIGTERM, then the exit status; a sim still alive at the guard is killed and fails. */
static int term_and_wait(void)
{
	double guard = mono_s() + EXIT_GUARD_S;
	struct timespec poll_ts = { 0, 5000000 };
	int st = 0;
	pid_t w;

	cr_assert_eq(kill(sim_pid, SIGTERM), 0);
	for (;;) {
		w = waitpid(sim_pid, &st, WNOHANG);
		if (w == sim_pid)
			break;
		if (mono_s() > guard) {
			kill(sim_pid, SIGKILL);
			waitpid(sim_pid, &st, 0);
			sim_pid = 0;
			cr_assert_fail("bcibench sim ignored SIGTERM for %d s", EXIT_GUARD_S);
		}
		nanosleep(&poll_ts, NULL);
	}
	sim_pid = 0;
	cr_assert(WIFEXITED(st), "bcibench sim died of signal %d instead of exiting",
		  WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return WEXITSTATUS(st);
}

static void teardown(void)
{
	if (sim_pid > 0) {
		kill(sim_pid, SIGKILL);
		waitpid(sim_pid, NULL, 0);
		sim_pid = 0;
	}
}

/* ---- a libiio client streaming the DUT capture and the DAC ---- */

struct streamer {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned refills, pushes;
	bool failed;
	atomic_bool quit;
};

static void *capture_main(void *arg)
{
	struct streamer *s = arg;
	char u[64];
	struct iio_context *ctx;
	struct iio_device *d;
	struct iio_buffer *b;
	unsigned i;

	snprintf(u, sizeof(u), "%s", uri);
	ctx = iio_create_context_from_uri(u);
	d = ctx ? iio_context_find_device(ctx, "dut") : NULL;
	for (i = 0; d && i < iio_device_get_channels_count(d); i++)
		if (iio_channel_is_scan_element(iio_device_get_channel(d, i)))
			iio_channel_enable(iio_device_get_channel(d, i));
	b = d ? iio_device_create_buffer(d, 3000, false) : NULL;
	while (b && !atomic_load(&s->quit)) {
		if (iio_buffer_refill(b) < 0)
			break; /* the server went away: expected after SIGTERM */
		pthread_mutex_lock(&s->lock);
		s->refills++;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_lock(&s->lock);
	s->failed |= !b;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (b)
		iio_buffer_destroy(b);
	if (ctx)
		iio_context_destroy(ctx);
	return NULL;
}

static void *dac_main(void *arg)
{
	struct streamer *s = arg;
	char u[64];
	struct iio_context *ctx;
	struct iio_device *d;
	struct iio_buffer *b;
	unsigned i;

	snprintf(u, sizeof(u), "%s", uri);
	ctx = iio_create_context_from_uri(u);
	d = ctx ? iio_context_find_device(ctx, "bench-dac") : NULL;
	for (i = 0; d && i < iio_device_get_channels_count(d); i++)
		iio_channel_enable(iio_device_get_channel(d, i));
	b = d ? iio_device_create_buffer(d, 3000, false) : NULL;
	while (b && !atomic_load(&s->quit)) {
		memset(iio_buffer_start(b), 0,
		       (size_t)((char *)iio_buffer_end(b) - (char *)iio_buffer_start(b)));
		if (iio_buffer_push(b) < 0)
			break;
		pthread_mutex_lock(&s->lock);
		s->pushes++;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_lock(&s->lock);
	s->failed |= !b;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (b)
		iio_buffer_destroy(b);
	if (ctx)
		iio_context_destroy(ctx);
	return NULL;
}

Test(sim_signal, sigterm_stops_a_realtime_sim_with_libiio_clients_streaming, .fini = teardown,
     .timeout = 120)
{
	struct streamer s = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	pthread_t cap, dac;

	spawn_sim();
	cr_assert_eq(pthread_create(&cap, NULL, capture_main, &s), 0);
	cr_assert_eq(pthread_create(&dac, NULL, dac_main, &s), 0);
	/* Both directions really streaming: 3 capture buffers (0.3 s) and 3 pushes. */
	pthread_mutex_lock(&s.lock);
	while (!s.failed && (s.refills < 3 || s.pushes < 3))
		pthread_cond_wait(&s.cond, &s.lock);
	pthread_mutex_unlock(&s.lock);
	cr_assert_not(s.failed, "a client could not open its buffer");

	cr_expect_eq(term_and_wait(), 0, "bcibench sim exit status after SIGTERM");
	atomic_store(&s.quit, true);
	pthread_join(cap, NULL);
	pthread_join(dac, NULL);
}

/* ---- raw clients that leave the server blocked in send() or recv() ---- */

static int raw_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), small = 4096;

	cr_assert_geq(fd, 0);
	/* A small receive window: the server's send() blocks sooner. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void raw_send(int fd, const char *text)
{
	cr_assert_eq(send(fd, text, strlen(text), MSG_NOSIGNAL), (ssize_t)strlen(text));
}

static void raw_expect_line(int fd, const char *want)
{
	char buf[64];
	size_t n = 0;

	while (n < sizeof(buf) - 1 && recv(fd, buf + n, 1, 0) == 1 && buf[n] != '\n')
		n++;
	buf[n] = '\0';
	cr_assert_str_eq(buf, want);
}

Test(sim_signal, sigterm_stops_a_realtime_sim_blocked_on_stalled_clients, .fini = teardown,
     .timeout = 120)
{
	/* dut has 258 channels: 9 mask words, most significant first. */
	const char *mask =
		"00000003ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
	char cmd[160], first[16];
	int rd, wr, ctl;
	ssize_t got;

	spawn_sim();
	rd = raw_connect();
	snprintf(cmd, sizeof(cmd), "OPEN iio:device2 3000 %s\r\n", mask);
	raw_send(rd, cmd);
	raw_expect_line(rd, "0");
	/* 4 x 1.6 MB asked for and never read: the server ends up blocked in send(). */
	raw_send(rd, "READBUF iio:device2 1584000\r\nREADBUF iio:device2 1584000\r\n"
		     "READBUF iio:device2 1584000\r\nREADBUF iio:device2 1584000\r\n");
	/* The first answer has started: the server is streaming to this client. */
	got = recv(rd, first, sizeof(first), MSG_WAITALL);
	cr_assert_eq(got, (ssize_t)sizeof(first));
	cr_assert_eq(memcmp(first, "1584000\n", 8), 0);

	wr = raw_connect();
	raw_send(wr, "OPEN iio:device0 3000 000000ff\r\n");
	raw_expect_line(wr, "0");
	/* Announce 48 kB of stimulus, send none: the server waits in recv(). */
	raw_send(wr, "WRITEBUF iio:device0 48000\r\n");
	raw_expect_line(wr, "0");

	/* The context connection still answers: the server is alive and serving. */
	ctl = raw_connect();
	raw_send(ctl, "TIMEOUT 1000\r\n");
	raw_expect_line(ctl, "0");

	cr_expect_eq(term_and_wait(), 0, "bcibench sim exit status after SIGTERM");
	close(rd);
	close(wr);
	close(ctl);
}
