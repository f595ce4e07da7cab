-- A finding that cites the public commitment it says was broken (践诺守信). A row of its own,
-- written with the finding in the transaction that stores the visit and never changed, like
-- `case_findings` and `lookbacks`: the findings table stays as it landed, and a finding cites
-- at most one commitment. The server checks the citation before writing it (the visited
-- unit's commitment or one of a unit above it, not withdrawn before the visit began).
CREATE TABLE finding_commitments (
    finding_id TEXT PRIMARY KEY REFERENCES findings (id),
    commitment_id TEXT NOT NULL REFERENCES commitments (id)
);
CREATE INDEX finding_commitments_by_commitment ON finding_commitments (commitment_id);
