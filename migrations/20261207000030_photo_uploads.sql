-- Every account that sent a photo's bytes, not only the first (`photos.uploaded_by`). An
-- answer's evidence is shown when the answering account sent the bytes itself, whoever sent
-- them first: listing a known hash proves nothing, sending the bytes does.
CREATE TABLE photo_uploads (
    sha256 TEXT NOT NULL REFERENCES photos (sha256),
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    received_at BIGINT NOT NULL,
    PRIMARY KEY (sha256, uploaded_by)
);

INSERT INTO photo_uploads (sha256, uploaded_by, received_at)
SELECT sha256, uploaded_by, received_at FROM photos;
