//! Server time. Stored times are epoch milliseconds (BIGINT on both engines); the server's
//! receipt time, never a device's clock, is what orders records.
//!
//! Every reading of "now" and "today" in the server goes through this module, so that a test
//! run can set the day the whole process believes it is: `CHAFANG_CLOCK=2027-01-01` (noon,
//! China Standard Time, that day) or an RFC 3339 instant (`2027-01-01T23:59:30+08:00`) moves
//! the clock to that instant when it is first read, and time runs on from there. Tests read
//! "today" from here too (never from the machine's clock), which is how `cargo xtask test
//! --dates` runs the whole suite on the days that have broken it before. Unset, the clock is
//! the machine's.

use std::sync::OnceLock;
use time::{Date, OffsetDateTime, Time, UtcOffset};

/// The environment variable that sets the clock.
pub const CLOCK_ENV: &str = "CHAFANG_CLOCK";

/// China Standard Time (UTC+8), where every district we serve is.
pub fn cst() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).expect("valid offset")
}

fn wall_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Parses a clock setting: a day (taken at noon, China Standard Time) or an RFC 3339 instant.
pub fn parse_setting(text: &str) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    let bad =
        || format!("{CLOCK_ENV}={text:?} is neither a day (2027-01-01) nor an RFC 3339 instant");
    if let Ok(at) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return Ok(at);
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    let d = Date::parse(text, &day).map_err(|_| bad())?;
    Ok(d.with_time(Time::from_hms(12, 0, 0).expect("noon"))
        .assume_offset(cst()))
}

/// How far the process's clock stands from the machine's, fixed at the first reading.
fn offset_ms() -> i64 {
    static OFFSET: OnceLock<i64> = OnceLock::new();
    *OFFSET.get_or_init(|| match std::env::var(CLOCK_ENV) {
        Ok(text) if !text.trim().is_empty() => {
            let at = parse_setting(&text).unwrap_or_else(|e| panic!("{e}"));
            let at_ms = (at.unix_timestamp_nanos() / 1_000_000) as i64;
            at_ms - wall_ms()
        }
        _ => 0,
    })
}

/// Checks the clock setting, so that a bad one stops the server at start with a clear message
/// instead of at its first request; returns the instant it was set to, if it was.
pub fn check_setting() -> Result<Option<OffsetDateTime>, String> {
    match std::env::var(CLOCK_ENV) {
        Ok(text) if !text.trim().is_empty() => {
            parse_setting(&text)?;
            Ok(Some(now()))
        }
        _ => Ok(None),
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    wall_ms() + offset_ms()
}

/// Now, in UTC.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms()) * 1_000_000)
        .expect("the clock is within time's range")
}

/// Today's date in China Standard Time (UTC+8).
pub fn today_cst() -> Date {
    now().to_offset(cst()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_noon_in_china() {
        let at = parse_setting("2028-02-29").unwrap();
        assert_eq!(at.to_offset(cst()).date().to_string(), "2028-02-29");
        assert_eq!(at.to_offset(cst()).hour(), 12);
    }

    #[test]
    fn an_instant_keeps_its_offset() {
        let at = parse_setting("2027-01-01T23:59:30+08:00").unwrap();
        assert_eq!(at.unix_timestamp(), 1_798_819_170);
        assert!(parse_setting("next tuesday").is_err());
        assert!(parse_setting("2027-02-30").is_err());
    }
}
