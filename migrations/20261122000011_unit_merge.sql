-- Merging units (机构改革): the absorbed unit stays, with its findings and history, and points
-- at the unit that took it over. It is never deleted, and never offered for new visits; the
-- surviving unit's users see what was filed against it.
ALTER TABLE units ADD COLUMN merged_into TEXT REFERENCES units (id);
ALTER TABLE units ADD COLUMN merged_at BIGINT;
