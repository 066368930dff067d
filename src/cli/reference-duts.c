// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reference DUT models and their suites; see reference-duts.h.
 */
#include "cli/reference-duts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct bench_reference_dut bench_reference_duts[] = {
	{ "eeg-amp", "fixtures/sim/eeg-amp-cert.fixture.xml",
	  "protocols/suites/eeg-amp-certification.xml", "fixtures/duts/sim-eeg-amp.xml",
	  "SIM-EEG-0001", "protocols/suites/eeg-amp-production.xml" },
	{ "neural-recorder", "fixtures/sim/neural-recorder.fixture.xml",
	  "protocols/suites/neural-recorder.xml", "fixtures/duts/sim-neural-recorder.xml",
	  "SIM-NR-0001", "tests/data/qualify/neural-recorder.xml" },
	{ "ssvep-decoder", "fixtures/sim/ssvep-decoder.fixture.xml",
	  "protocols/suites/ssvep-decoder.xml", "fixtures/duts/sim-ssvep-decoder.xml",
	  "SIM-SSVEP-0001", "protocols/suites/ssvep-decoder.xml" },
	{ "closed-loop-stim", "fixtures/sim/closed-loop-stim.fixture.xml",
	  "protocols/suites/closed-loop-stim.xml", "fixtures/duts/sim-closed-loop-stim.xml",
	  "SIM-CLS-0001", "tests/data/qualify/closed-loop-stim.xml" },
	{ "mi-decoder", "fixtures/sim/mi-decoder.fixture.xml", "protocols/suites/mi-decoder.xml",
	  "fixtures/duts/sim-mi-decoder.xml", "SIM-MI-0001", "protocols/suites/mi-decoder.xml" },
	{ "p300-decoder", "fixtures/sim/p300-decoder.fixture.xml",
	  "protocols/suites/p300-decoder.xml", "fixtures/duts/sim-p300-decoder.xml",
	  "SIM-P300-0001", "protocols/suites/p300-decoder.xml" },
};

const size_t bench_n_reference_duts = sizeof(bench_reference_duts) /
				      sizeof(bench_reference_duts[0]);

const struct bench_reference_dut *bench_reference_dut_find(const char *model)
{
	size_t i;

	for (i = 0; i < bench_n_reference_duts; i++)
		if (strcmp(model, bench_reference_duts[i].model) == 0)
			return &bench_reference_duts[i];
	return NULL;
}

const char *bench_cli_data_root(void)
{
	const char *env = getenv("BCIBENCH_DATA");

	return env && *env ? env : BENCH_DATA_ROOT;
}

void bench_cli_data_path(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", bench_cli_data_root(), rel);
}
