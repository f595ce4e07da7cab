//! Positions: phones record WGS-84; Chinese base maps draw in GCJ-02, so points are converted
//! only for display. Being built.
