-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- bcibench results store, schema version 2.
--
-- The start time of a run's writer process, so that dead-writer detection at
-- open can tell a live writer from an unrelated process that reused its pid.
-- Appended at the end of the table and NULL for runs written by version 1, so
-- the canonical content (and audit hash) of older runs is unchanged.
ALTER TABLE run ADD COLUMN writer_start_ticks INTEGER; -- /proc/<pid>/stat field 22: clock ticks since boot
