//! Server time. Stored times are epoch milliseconds (BIGINT on both engines); the server's
//! receipt time, never a device's clock, is what orders records.

use time::OffsetDateTime;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Today's date in China Standard Time (UTC+8), where every district we serve is.
pub fn today_cst() -> time::Date {
    let offset = time::UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    OffsetDateTime::now_utc().to_offset(offset).date()
}
