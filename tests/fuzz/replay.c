// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Corpus replay for the fuzz targets, with any compiler (CI uses gcc): runs
 * LLVMFuzzerTestOneInput over every file given on the command line, and with
 * --server also sends each file's bytes to an in-process emulated rig over
 * TCP, then checks that the server still answers PRINT on a fresh connection.
 * Prints "N inputs replayed"; exit 0, or 1 when the server stopped answering.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int connect_to(uint16_t port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends @data, drains answers for a moment, closes (the server must clean up). */
static void send_to_server(uint16_t port, const uint8_t *data, size_t size)
{
	int fd = connect_to(port);
	char buf[4096];
	struct pollfd p;

	if (fd < 0)
		return;
	if (send(fd, data, size, MSG_NOSIGNAL) < 0) {
		close(fd);
		return;
	}
	p.fd = fd;
	p.events = POLLIN;
	while (poll(&p, 1, 20) > 0 && recv(fd, buf, sizeof(buf), 0) > 0)
		;
	close(fd);
}

static int server_alive(uint16_t port)
{
	int fd = connect_to(port);
	char buf[16] = { 0 };
	ssize_t n;

	if (fd < 0)
		return 0;
	send(fd, "PRINT\r\n", 7, MSG_NOSIGNAL);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	return n > 0 && buf[0] >= '1' && buf[0] <= '9';
}

int main(int argc, char **argv)
{
	struct bench_sim_options o;
	struct bench_sim *sim = NULL;
	int i, n = 0, server = 0, ok = 1;

	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof(o));
	if (argc > 1 && strcmp(argv[1], "--server") == 0) {
		server = 1;
		o.dut_name = "neural-recorder";
		if (bench_sim_start(&o, &sim) < 0) {
			fprintf(stderr, "cannot start the emulated rig\n");
			return 2;
		}
	}
	for (i = 1 + server; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *data;
		long len;

		if (!f) {
			perror(argv[i]);
			ok = 0;
			continue;
		}
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		data = malloc(len > 0 ? (size_t)len : 1);
		if (data && fread(data, 1, (size_t)len, f) == (size_t)len) {
			LLVMFuzzerTestOneInput(data, (size_t)len);
			if (sim)
				send_to_server(bench_sim_port(sim), data, (size_t)len);
			n++;
		}
		free(data);
		fclose(f);
	}
	if (sim && !server_alive(bench_sim_port(sim))) {
		fprintf(stderr, "the emulated rig stopped answering\n");
		ok = 0;
	}
	bench_sim_stop(sim);
	printf("%d inputs replayed%s\n", n, sim ? " (parser and server)" : "");
	return ok ? 0 : 1;
}
