-- The unit directory's contacts: each unit's head (负责人) and liaison (联络员) with their
-- phones, and the office of its leading group for the appraisal (领导小组办公室), as free text.
-- Empty means not known yet. Like every unit field, a change is an UPDATE whose old and new
-- values go on the audit chain in the same transaction; units are never deleted, and a renamed
-- unit keeps its id and so the history of its findings.
ALTER TABLE units ADD COLUMN head_name TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN head_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN liaison_name TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN liaison_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN leading_office TEXT NOT NULL DEFAULT '';
-- When the record last changed (epoch milliseconds); NULL until the first change.
ALTER TABLE units ADD COLUMN updated_at BIGINT;
