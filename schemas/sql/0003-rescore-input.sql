-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- bcibench results store, schema version 3.
--
-- Provenance of re-scored trials. `bcibench rescore RUN` records a new run
-- whose run.rescored_from names the old one (a column that exists since
-- version 1); each trial of the new run lists here the artifacts of the old
-- trial its measurements were recomputed from, with the SHA-256 each had when
-- it was checked and read. An audited table: its rows enter the hash chain in
-- the same transaction as the trial they belong to.
CREATE TABLE rescore_input (
	id INTEGER PRIMARY KEY,
	trial_id INTEGER NOT NULL REFERENCES trial(id),        -- the new (re-scored) trial
	source_trial_id INTEGER NOT NULL REFERENCES trial(id), -- the trial it was recomputed from
	artifact_id INTEGER NOT NULL REFERENCES artifact(id),  -- an artifact of source_trial_id
	sha256 TEXT NOT NULL,          -- hex SHA-256 of the artifact as read
	UNIQUE (trial_id, artifact_id)
);
CREATE INDEX rescore_input_trial ON rescore_input(trial_id);
