-- The office's map: the base map's tile source. One row, made here with no source (NULL
-- template): with none the map draws its points on a plain background, as a closed network
-- needs. Every change is an event (`map.tiles_set`) on the audit chain with the old and the new
-- setting, in the same transaction; the row is updated, never deleted.
CREATE TABLE map_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    -- A URL template with {z}, {x}, {y} (and optionally {s}); NULL: no base map.
    tile_url TEXT,
    -- The coordinate system the tiles are drawn in.
    tile_coords TEXT NOT NULL DEFAULT 'wgs84' CHECK (tile_coords IN ('wgs84', 'gcj02')),
    tile_attribution TEXT NOT NULL DEFAULT '',
    updated_at BIGINT,
    updated_by TEXT REFERENCES users (id)
);
INSERT INTO map_settings (id, tile_url) VALUES (1, NULL);
