-- SPDX-License-Identifier: GPL-2.0-or-later
-- A results database written by bcibench at schema version 1 (store-writer:
-- seed 5, 2 trials of 3 measurements, one artifact file per trial in
-- v1.db.d/), dumped with `sqlite3 .dump` (lossless REALs). test-store loads it
-- and checks that migrating to the current schema keeps every audit hash.
-- Never regenerate it with a newer bcibench: it stands for old databases.
PRAGMA user_version = 1;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE station (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,            -- e.g. "bench-3"
	host TEXT,                     -- host name of the computer driving it
	location TEXT,                 -- lab / room
	description TEXT,
	sha256 TEXT NOT NULL UNIQUE,   -- of the identity fields: dedup key
	created_utc TEXT NOT NULL
);
CREATE TABLE operator (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL,           -- e.g. the Unix login or CI job user
	name TEXT,                     -- full name as printed in the dossier
	role TEXT,                     -- e.g. "technician", "ci"
	sha256 TEXT NOT NULL UNIQUE,
	created_utc TEXT NOT NULL
);
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
CREATE TABLE fixture (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	content TEXT NOT NULL,         -- the whole XML file
	sha256 TEXT NOT NULL UNIQUE,   -- SHA-256 of content
	created_utc TEXT NOT NULL
);
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
INSERT INTO dut VALUES(1,NULL,'ACME-1','SN-KILL',NULL,NULL,'4827dc4ab89eca8b4c2d8be9eb7b8c30610570d64b327568ebb742408bd02c48','2026-11-21T21:35:43.151Z');
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
INSERT INTO protocol VALUES(1,'noise.input-referred','1',NULL,NULL,NULL,NULL,'<protocol id=''noise''/>','c73a302f3467c8305d08c066ebbd9f037ccf9caaf704bf3901f5b03c1745c713','2026-11-21T21:35:43.151Z');
CREATE TABLE limit_set (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	version TEXT,
	content TEXT NOT NULL,
	sha256 TEXT NOT NULL UNIQUE,
	created_utc TEXT NOT NULL
);
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
INSERT INTO run VALUES(1,'f1f1652d-b03d-4120-9e6c-400d82331bd2','certification','passed','all passed','2026-11-21T21:35:43.151Z','2026-11-21T21:35:43.192Z',NULL,NULL,1,NULL,NULL,NULL,5,'0.1.0','ee64c08','vm',11692,'347267eb-66ff-4b58-80f6-c019f7ec56e1',NULL,NULL,NULL);
CREATE TABLE run_calibration (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES run(id),
	calibration_id INTEGER NOT NULL REFERENCES calibration(id),
	UNIQUE (run_id, calibration_id)
);
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
INSERT INTO test VALUES(1,1,1,0,'noise','2026-11-21T21:35:43.162Z','PASS','2026-11-21T21:35:43.186Z');
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
INSERT INTO trial VALUES(1,1,0,1,7134611160154358618,'PASS','2026-11-21T21:35:43.171Z','2026-11-21T21:35:43.171Z',NULL);
INSERT INTO trial VALUES(2,1,1,1,7958955049054603978,'PASS','2026-11-21T21:35:43.175Z','2026-11-21T21:35:43.175Z',NULL);
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
INSERT INTO measurement VALUES(1,1,0,'metric_0',9.7984136791014453393,'uV',0.010000000000000000208,0.020000000000000000416,2.0,NULL,10.0,'LE',NULL,9.9800000000000004263,'guarded','PASS','S','201.12.4.4');
INSERT INTO measurement VALUES(2,1,1,'metric_1',8.8078958273184149163,'uV',0.010000000000000000208,0.020000000000000000416,2.0,NULL,10.0,'LE',NULL,9.9800000000000004263,'guarded','PASS','S','201.12.4.4');
INSERT INTO measurement VALUES(3,1,2,'metric_2',6.5401337282199980549,'uV',0.010000000000000000208,0.020000000000000000416,2.0,NULL,10.0,'LE',NULL,9.9800000000000004263,'guarded','PASS','S','201.12.4.4');
INSERT INTO measurement VALUES(4,2,0,'metric_0',6.2631982379928512472,'uV',0.010000000000000000208,0.020000000000000000416,2.0,NULL,10.0,'LE',NULL,9.9800000000000004263,'guarded','PASS','S','201.12.4.4');
INSERT INTO measurement VALUES(5,2,1,'metric_1',7.2549225976405153915,'uV',0.010000000000000000208,0.020000000000000000416,2.0,NULL,10.0,'LE',NULL,9.9800000000000004263,'guarded','PASS','S','201.12.4.4');
INSERT INTO measurement VALUES(6,2,2,'metric_2',7.8093823128674113576,'uV',0.010000000000000000208,0.020000000000000000416,2.0,NULL,10.0,'LE',NULL,9.9800000000000004263,'guarded','PASS','S','201.12.4.4');
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
INSERT INTO artifact VALUES(1,1,1,'capture','trial-0000.bin',NULL,'application/octet-stream','b010dd1711bd212598326951b182f87518b5f1d515e9d5f7dd25da7de6477747',512,'2026-11-21T21:35:43.172Z');
INSERT INTO artifact VALUES(2,1,2,'capture','trial-0001.bin',NULL,'application/octet-stream','a71d3a80c3be8e79dd53feef7545b694c147601bb43866bc2c25d0d4f2c827c2',512,'2026-11-21T21:35:43.175Z');
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
INSERT INTO audit VALUES(1,'2026-11-21T21:35:43.133Z','root@vm','migrate','schema',1,'0001-initial.sql',replace('schema 1 0821ff64c5103305822a3cc52a4f10ab581ca0485e2f28c769878b62ae781cff\n','\n',char(10)),'0000000000000000000000000000000000000000000000000000000000000000','2b633121163ee71b60d8ef79bf9f0291008c91ad3e2660fb7a665d3ad08956d1');
INSERT INTO audit VALUES(2,'2026-11-21T21:35:43.151Z','root@vm','insert','dut',1,NULL,replace('dut 1 574ff52c7be35283d324225e3e48e47d257cb1ef347898be6d0ef8ec40779431\n','\n',char(10)),'2b633121163ee71b60d8ef79bf9f0291008c91ad3e2660fb7a665d3ad08956d1','683565789248b86232eca3cf3c86a143b47c2068e12667898e057bfdf740f19a');
INSERT INTO audit VALUES(3,'2026-11-21T21:35:43.151Z','root@vm','insert','protocol',1,NULL,replace('protocol 1 81fd14fb787e05843305f7fea90d0f75eb520b70dd38f33980a2be09c91aaf4e\n','\n',char(10)),'683565789248b86232eca3cf3c86a143b47c2068e12667898e057bfdf740f19a','0ba41a498b4b64e2f264cd194973b79b6afc8e9ca3b4222a286839155d6c7e8c');
INSERT INTO audit VALUES(4,'2026-11-21T21:35:43.152Z','root@vm','insert','run',1,NULL,replace('run 1 e90323c276a3d0d65259481c4179ec3b8352e3c744ee3330af7464cf5546ae01\n','\n',char(10)),'0ba41a498b4b64e2f264cd194973b79b6afc8e9ca3b4222a286839155d6c7e8c','f1f6bec575d236952cfebd42bb631e9b279879ffd2ebea475c7a5a90fa8c1bc0');
INSERT INTO audit VALUES(5,'2026-11-21T21:35:43.163Z','root@vm','insert','test',1,NULL,replace('test 1 60f10c94019cba902a4801d55aee8643449402cb9223ff0ecd966e7a17a9da3b\n','\n',char(10)),'f1f6bec575d236952cfebd42bb631e9b279879ffd2ebea475c7a5a90fa8c1bc0','77a5b73f4ba76e3966d84d334452505a313b29f7fbc3fd603d6a488b0d244eda');
INSERT INTO audit VALUES(6,'2026-11-21T21:35:43.172Z','root@vm','insert','trial',1,NULL,replace('trial 1 4a646d3d2fa130cd16a80401744ad634b91ef15947b8eb789df3db2a05c43a78\nmeasurement 1 97dc1893f8598fbe0c759925562bd4bf674a576283d81816b0a646da35a58581\nmeasurement 2 6360202097c577070e59116f8f00e1b0b7e6b97f4edffabeae044b15ad4616ff\nmeasurement 3 d5cdf82ed3106aedbe4c3e4ac2e93195d6ccf559a97d499617328c1132a023bb\nartifact 1 1bca9e5d9a62a7796c71278e92424d0c9bd581d8f24fa9d1bd8c65ef227b011c\n','\n',char(10)),'77a5b73f4ba76e3966d84d334452505a313b29f7fbc3fd603d6a488b0d244eda','99c3c43e521579ec3216be5dcc17e84652f55359a4bbca9974906ea3108bd24b');
INSERT INTO audit VALUES(7,'2026-11-21T21:35:43.175Z','root@vm','insert','trial',2,NULL,replace('trial 2 9cc9eb672b2703259d59dabf4bce003b7c531074d940279ef0b7e0dc39db2806\nmeasurement 4 0ea33b6e2c74aa3d324b5fc4ac1cdee56113feb53e260a854570084017924901\nmeasurement 5 81eed1bc222abb0532c0403fb5e956fafcef5f3ffb875ac803cb1bb82a42c184\nmeasurement 6 71dd2e11dabfe10f029a4d3c6f700919e4c034ad160f767ba3f6d16ebce42a26\nartifact 2 4fdfabc38738d1073df82625329c8bf2a65c14c7755cf8d5c8e027b16c17b23e\n','\n',char(10)),'99c3c43e521579ec3216be5dcc17e84652f55359a4bbca9974906ea3108bd24b','0526c99a43462caad83b66e52581dfaeed23a95963e67058da7fbff24ff93f2e');
INSERT INTO audit VALUES(8,'2026-11-21T21:35:43.186Z','root@vm','test_end','test',1,'PASS',replace('test 1 ee11137497bfc94051261eabbc4311d4822ed1156d0f56da8028c7c6ccbd8f60\n','\n',char(10)),'0526c99a43462caad83b66e52581dfaeed23a95963e67058da7fbff24ff93f2e','4a390a3bb0f759d448644d99572da1391227b06ab98b23f4e5b349015793e588');
INSERT INTO audit VALUES(9,'2026-11-21T21:35:43.193Z','root@vm','status','run',1,'all passed',replace('run 1 44e3b52f65cc1b88f870f51db35b25a5792fee5fdf3b7967fca80f1d8cfce7c8\n','\n',char(10)),'4a390a3bb0f759d448644d99572da1391227b06ab98b23f4e5b349015793e588','95b50ce2576deed53ccc56fbeb6abf3e2c4d9bf126314de803415761182e5c77');
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
CREATE INDEX dut_serial ON dut(serial);
CREATE INDEX run_status ON run(status);
CREATE INDEX run_dut ON run(dut_id);
CREATE INDEX run_start ON run(start_utc);
CREATE INDEX artifact_run ON artifact(run_id);
CREATE INDEX artifact_trial ON artifact(trial_id);
CREATE INDEX event_run ON event(run_id);
CREATE INDEX event_trial ON event(trial_id);
CREATE INDEX outbox_pending ON outbox(acked_utc);
COMMIT;
