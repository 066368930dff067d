-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- bcibench results store, schema version 1 (docs/database.md explains every
-- table and column). Applied by src/store/migrate.c inside one transaction,
-- which then sets PRAGMA user_version = 1.
--
-- Rules that later migrations must keep:
--  * a column is never renamed, dropped or given a new meaning; a change is a
--    new column (appended at the end of its table) or a new table;
--  * every row of the audited tables is covered by the audit chain: the
--    canonical content of a row (docs/database.md "Canonical row content")
--    skips NULL columns, so a column added later with a NULL default does not
--    change the hash of older rows;
--  * wall-clock times are ISO 8601 UTC text with milliseconds
--    ("2026-11-21T21:05:03.123Z"); monotonic times are integer nanoseconds
--    in columns ending in _ns; quantities carry their unit in a unit column.

-- The bench (station) a run was executed on.
CREATE TABLE station (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,            -- e.g. "bench-3"
	host TEXT,                     -- host name of the computer driving it
	location TEXT,                 -- lab / room
	description TEXT,
	sha256 TEXT NOT NULL UNIQUE,   -- of the identity fields: dedup key
	created_utc TEXT NOT NULL
);

-- A person (or a CI account) who runs tests.
CREATE TABLE operator (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL,           -- e.g. the Unix login or CI job user
	name TEXT,                     -- full name as printed in the dossier
	role TEXT,                     -- e.g. "technician", "ci"
	sha256 TEXT NOT NULL UNIQUE,
	created_utc TEXT NOT NULL
);

-- A piece of equipment: converter front end, attenuator, rig, meter.
CREATE TABLE instrument (
	id INTEGER PRIMARY KEY,
	station_id INTEGER REFERENCES station(id),
	kind TEXT NOT NULL,            -- "dac", "adc", "rig", "attenuator", "meter", ...
	manufacturer TEXT,
	model TEXT NOT NULL,
	serial TEXT NOT NULL,
	firmware TEXT,
	sha256 TEXT NOT NULL UNIQUE,
	created_utc TEXT NOT NULL
);

-- Calibration of one channel of one instrument (ISO/IEC 17025 6.4, 6.5):
-- physical = gain * raw_physical + offset.
CREATE TABLE calibration (
	id INTEGER PRIMARY KEY,
	instrument_id INTEGER NOT NULL REFERENCES instrument(id),
	channel TEXT NOT NULL,         -- channel name as in the fixture, e.g. "stim0"
	gain REAL NOT NULL,            -- dimensionless
	offset REAL NOT NULL,          -- in offset_unit
	offset_unit TEXT NOT NULL,     -- canonical unit string, e.g. "uV"
	u_gain REAL,                   -- standard uncertainty of gain (dimensionless)
	u_offset REAL,                 -- standard uncertainty of offset (offset_unit)
	method TEXT NOT NULL,          -- "certificate" (external lab) or "loopback" (self)
	certificate TEXT,              -- certificate id
	cal_date TEXT NOT NULL,        -- ISO 8601 date or date-time (UTC)
	due_date TEXT,                 -- ISO 8601 date: not valid after it
	sha256 TEXT NOT NULL UNIQUE,
	created_utc TEXT NOT NULL
);

-- A fixture file (rig description) exactly as used, by content.
CREATE TABLE fixture (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	content TEXT NOT NULL,         -- the whole XML file
	sha256 TEXT NOT NULL UNIQUE,   -- SHA-256 of content
	created_utc TEXT NOT NULL
);

-- The device under test.
CREATE TABLE dut (
	id INTEGER PRIMARY KEY,
	manufacturer TEXT,
	model TEXT NOT NULL,
	serial TEXT NOT NULL,
	firmware TEXT,
	hardware_rev TEXT,
	sha256 TEXT NOT NULL UNIQUE,
	created_utc TEXT NOT NULL
);
CREATE INDEX dut_serial ON dut(serial);

-- A test protocol (method) exactly as used, by content.
CREATE TABLE protocol (
	id INTEGER PRIMARY KEY,
	protocol_id TEXT NOT NULL,     -- stable identifier, e.g. "noise.input-referred"
	version TEXT NOT NULL,
	title TEXT,
	standard TEXT,                 -- e.g. "IEC 60601-2-26"
	edition TEXT,                  -- e.g. "2019"
	clause TEXT,                   -- e.g. "201.12.4.4"
	xml TEXT NOT NULL,             -- the whole protocol file
	sha256 TEXT NOT NULL UNIQUE,   -- SHA-256 of xml
	created_utc TEXT NOT NULL
);

-- A set of limits (limits file) exactly as used, by content.
CREATE TABLE limit_set (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	version TEXT,
	content TEXT NOT NULL,
	sha256 TEXT NOT NULL UNIQUE,
	created_utc TEXT NOT NULL
);

-- One execution of a suite or of protocols on one DUT.
CREATE TABLE run (
	id INTEGER PRIMARY KEY,
	uuid TEXT NOT NULL UNIQUE,     -- RFC 4122 version 4, lower case
	run_type TEXT NOT NULL
		CHECK (run_type IN ('engineering', 'production', 'certification')),
	status TEXT NOT NULL
		CHECK (status IN ('running', 'passed', 'failed', 'error', 'aborted',
				  'interrupted')),
	status_reason TEXT,            -- why the status last changed (free text)
	start_utc TEXT NOT NULL,
	end_utc TEXT,                  -- set with a final status
	station_id INTEGER REFERENCES station(id),
	operator_id INTEGER REFERENCES operator(id),
	dut_id INTEGER REFERENCES dut(id),
	fixture_id INTEGER REFERENCES fixture(id),
	limit_set_id INTEGER REFERENCES limit_set(id),
	suite TEXT,                    -- suite name, if run as a suite
	seed INTEGER NOT NULL,         -- master seed; trial seeds derive from it
	software_version TEXT NOT NULL,
	build_id TEXT NOT NULL,        -- git describe of the built tree
	host TEXT NOT NULL,            -- host name of the writer process
	pid INTEGER NOT NULL,          -- writer process id (dead-writer detection)
	boot_id TEXT,                  -- /proc/sys/kernel/random/boot_id of the writer
	slot INTEGER,                  -- parallel DUT slot, NULL for a single slot
	resumed_from INTEGER REFERENCES run(id),
	rescored_from INTEGER REFERENCES run(id)
);
CREATE INDEX run_status ON run(status);
CREATE INDEX run_dut ON run(dut_id);
CREATE INDEX run_start ON run(start_utc);

-- Calibrations in force for a run (the run header's traceability list).
CREATE TABLE run_calibration (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES run(id),
	calibration_id INTEGER NOT NULL REFERENCES calibration(id),
	UNIQUE (run_id, calibration_id)
);

-- One protocol executed within a run.
CREATE TABLE test (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES run(id),
	protocol_id INTEGER NOT NULL REFERENCES protocol(id),
	seq INTEGER NOT NULL,          -- order within the run, from 0
	name TEXT NOT NULL,            -- display name (usually protocol title)
	start_utc TEXT NOT NULL,
	verdict TEXT                   -- NULL until the test ends
		CHECK (verdict IN ('PASS', 'MARGINAL', 'FAIL', 'ERROR', 'SKIPPED',
				   'ABORTED')),
	end_utc TEXT,
	UNIQUE (run_id, seq)
);

-- One trial (repetition) of a test; a retest is a new attempt of the same
-- seq. Inserted once, complete, in the same transaction as its measurements.
CREATE TABLE trial (
	id INTEGER PRIMARY KEY,
	test_id INTEGER NOT NULL REFERENCES test(id),
	seq INTEGER NOT NULL,          -- trial index within the test, from 0
	attempt INTEGER NOT NULL DEFAULT 1, -- 1 = first try, 2.. = retests
	seed INTEGER NOT NULL,         -- stimulus seed: same seed, same stimulus
	status TEXT NOT NULL
		CHECK (status IN ('PASS', 'MARGINAL', 'FAIL', 'ERROR', 'SKIPPED',
				  'ABORTED')),
	start_utc TEXT NOT NULL,
	end_utc TEXT NOT NULL,
	note TEXT,
	UNIQUE (test_id, seq, attempt)
);

-- One measured quantity of a trial, with its uncertainty, limits, decision
-- rule and verdict (ISO/IEC 17025 7.6, 7.8.6).
CREATE TABLE measurement (
	id INTEGER PRIMARY KEY,
	trial_id INTEGER NOT NULL REFERENCES trial(id),
	seq INTEGER NOT NULL,          -- order within the trial, from 0
	name TEXT NOT NULL,            -- metric name, e.g. "noise_rms"
	value REAL,                    -- in unit; NULL = not measured (NaN)
	unit TEXT NOT NULL,            -- canonical unit string ("uV", "Hz", "1", ...)
	u REAL,                        -- standard uncertainty, in unit
	u_expanded REAL,               -- expanded uncertainty U = k * u, in unit
	k REAL,                        -- coverage factor
	limit_low REAL,                -- NULL = no lower limit
	limit_high REAL,               -- NULL = no upper limit
	comparator TEXT,               -- e.g. "GELE", "LE", "GE", "LT", "GT", "EQ", "LOG"
	marginal_low REAL,             -- marginal band lower edge (OpenHTF style), in unit
	marginal_high REAL,            -- marginal band upper edge, in unit
	decision_rule TEXT,            -- e.g. "simple", "guarded"
	verdict TEXT NOT NULL
		CHECK (verdict IN ('PASS', 'MARGINAL', 'FAIL', 'ERROR', 'SKIPPED',
				   'ABORTED')),
	evidence TEXT,                 -- "S", "S*" or "E" (test-catalogue tags)
	clause TEXT,                   -- standard clause the limit comes from
	UNIQUE (trial_id, seq)
);

-- A file (or a small inline blob) belonging to a run or one of its trials.
CREATE TABLE artifact (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES run(id),
	trial_id INTEGER REFERENCES trial(id),
	kind TEXT NOT NULL,            -- "stimulus", "capture", "log", "plot", ...
	path TEXT,                     -- relative to the run folder (see docs)
	blob BLOB,                     -- inline content for small artifacts
	media_type TEXT NOT NULL,      -- e.g. "application/x-bdf", "text/csv"
	sha256 TEXT NOT NULL,          -- SHA-256 of the file or blob
	size_bytes INTEGER NOT NULL,
	created_utc TEXT NOT NULL,
	CHECK ((path IS NULL) <> (blob IS NULL))
);
CREATE INDEX artifact_run ON artifact(run_id);
CREATE INDEX artifact_trial ON artifact(trial_id);

-- Things that happened during a run: safe-state calls, faults, underflows,
-- operator actions, interruptions and resumptions.
CREATE TABLE event (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES run(id),
	trial_id INTEGER REFERENCES trial(id),
	t_utc TEXT NOT NULL,
	t_ns INTEGER,                  -- bench monotonic clock, if known
	kind TEXT NOT NULL,            -- "safe_state", "fault", "underflow", "overflow",
				       -- "operator", "interrupted", "resumed", "info"
	source TEXT,                   -- module or line/channel name
	message TEXT
);
CREATE INDEX event_run ON event(run_id);
CREATE INDEX event_trial ON event(trial_id);

-- The audit trail (21 CFR Part 11 style who/what/when/why), a hash chain:
-- hash = SHA-256(previous hash || canonical content of this row without hash).
-- One row per write operation; content lists every row the operation wrote
-- as "<table> <id> <sha256 of the row's canonical content>" lines.
CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at_utc TEXT NOT NULL,
	who TEXT NOT NULL,             -- operator login or process identity
	action TEXT NOT NULL,          -- "insert", "status", "test_end", "migrate", ...
	tbl TEXT NOT NULL,             -- main table of the operation
	row_id INTEGER,                -- main row of the operation
	why TEXT,                      -- reason given by the caller
	content TEXT NOT NULL,
	prev_hash TEXT NOT NULL,       -- hex; 64 zeros for the first row
	hash TEXT NOT NULL UNIQUE      -- hex SHA-256
);

-- Files waiting to be uploaded (dossiers, results) until the server
-- acknowledges them. Operational queue state: not part of the audit chain.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	run_id INTEGER REFERENCES run(id),
	path TEXT NOT NULL,            -- absolute, or relative to the database folder
	kind TEXT NOT NULL,            -- "dossier-xml", "dossier-pdf", "junit", ...
	sha256 TEXT NOT NULL,
	size_bytes INTEGER NOT NULL,
	created_utc TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_attempt_utc TEXT,
	last_error TEXT,
	acked_utc TEXT,                -- NULL until the server acknowledged it
	ack_ref TEXT                   -- server's receipt id, if any
);
CREATE INDEX outbox_pending ON outbox(acked_utc);
