//! The public's complaints (投诉举报): the rules a complaint's fields follow, its receipt code
//! (the one thing the complainant keeps) and the small proof-of-work the public page solves
//! instead of a third-party CAPTCHA. The server checks every rule here again; the page uses the
//! same functions to tell the person before sending.

use sha2::{Digest, Sha256};
use time::{Date, Duration};

/// What happened, in characters.
pub const MIN_TEXT_CHARS: usize = 10;
pub const MAX_TEXT_CHARS: usize = 2000;
/// The optional contact (a phone number, an e-mail, a name), in characters.
pub const MAX_CONTACT_CHARS: usize = 100;
/// The optional "responsible window / staff number as seen" (窗口 / 工号), in characters.
pub const MAX_WINDOW_CHARS: usize = 50;
/// The criterion a complaint's case is filed under when it comes in: no criterion of the
/// year's sets, so the office must choose one (`OfficeStep::Edit`) before it may release it
/// (`CaseRefusal::CriterionNeeded`); the unit never reads this code.
pub const INTAKE_CRITERION: &str = "complaint";
/// How far back "when it happened" may be.
pub const MAX_AGE_DAYS: i64 = 366;
/// Photos one complaint may carry, and the bytes of each (as sent, before re-encoding).
pub const MAX_PHOTOS: u32 = 4;
pub const MAX_PHOTO_BYTES: u64 = 8 * 1024 * 1024;
/// The largest complaint body the server reads (JSON; the photos come apart).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The receipt code's alphabet: Crockford's base 32 (no I, L, O or U), so a code read aloud
/// or copied by hand is not misread. Five bits a character.
pub const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a receipt code: 12 × 5 = 60 random bits.
pub const RECEIPT_CHARS: usize = 12;

/// Leading zero bits the proof-of-work asks: 2^16 hashes on average, well under a second in a
/// phone's browser, a real cost for a flood of thousands.
pub const POW_BITS: u32 = 16;
/// How long a challenge may be used after it was issued (ms).
pub const CHALLENGE_TTL_MS: i64 = 30 * 60 * 1000;

/// Why a complaint's fields are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintError {
    TextTooShort,
    TextTooLong,
    ContactTooLong,
    WindowTooLong,
    HappenedInFuture,
    HappenedTooLongAgo,
}

/// A complaint's fields as the person typed them.
pub struct ComplaintFields<'a> {
    pub text: &'a str,
    pub happened_on: Date,
    pub contact: Option<&'a str>,
    pub window: Option<&'a str>,
}

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

/// An optional text trimmed, empty as none.
pub fn optional(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Checks a complaint against `today` (China Standard Time): the text 10 to 2000 characters,
/// the day not after today nor more than a year back, contact and window within their bounds.
pub fn check(f: &ComplaintFields<'_>, today: Date) -> Result<(), ComplaintError> {
    let n = chars(f.text);
    if n < MIN_TEXT_CHARS {
        return Err(ComplaintError::TextTooShort);
    }
    if n > MAX_TEXT_CHARS {
        return Err(ComplaintError::TextTooLong);
    }
    if f.happened_on > today {
        return Err(ComplaintError::HappenedInFuture);
    }
    if f.happened_on < today - Duration::days(MAX_AGE_DAYS) {
        return Err(ComplaintError::HappenedTooLongAgo);
    }
    if f.contact.is_some_and(|c| chars(c) > MAX_CONTACT_CHARS) {
        return Err(ComplaintError::ContactTooLong);
    }
    if f.window.is_some_and(|w| chars(w) > MAX_WINDOW_CHARS) {
        return Err(ComplaintError::WindowTooLong);
    }
    Ok(())
}

/// A receipt code from 8 random bytes (the low 60 bits are used).
pub fn receipt_code(random: [u8; 8]) -> String {
    let mut v = u64::from_be_bytes(random);
    let mut out = [0u8; RECEIPT_CHARS];
    for c in out.iter_mut().rev() {
        *c = RECEIPT_ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    String::from_utf8(out.to_vec()).unwrap_or_default()
}

/// A code as shown: three groups of four (`7K3M-Q9PX-2D4R`).
pub fn display_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed back, tidied: case, spaces and dashes ignored, and the letters people put
/// for digits read as the digits (O → 0, I and L → 1). `None` if it cannot be a code.
pub fn tidy_code(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(RECEIPT_CHARS);
    for ch in typed.chars() {
        let c = match ch.to_ascii_uppercase() {
            ' ' | '-' | '\u{3000}' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !RECEIPT_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    (out.len() == RECEIPT_CHARS).then_some(out)
}

/// The SHA-256 the proof-of-work hashes: the challenge, a colon, the nonce in decimal.
fn pow_hash(challenge: &str, nonce: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(challenge.as_bytes());
    h.update(b":");
    h.update(nonce.to_string().as_bytes());
    h.finalize().into()
}

fn leading_zero_bits(h: &[u8; 32]) -> u32 {
    let mut n = 0;
    for b in h {
        if *b == 0 {
            n += 8;
        } else {
            return n + b.leading_zeros();
        }
    }
    n
}

/// Whether `nonce` solves `challenge` at `bits`.
pub fn pow_ok(challenge: &str, nonce: u64, bits: u32) -> bool {
    leading_zero_bits(&pow_hash(challenge, nonce)) >= bits
}

/// Tries the nonces `from..from + count`; the first that solves, if any. The page calls it in
/// slices so that typing stays smooth.
pub fn pow_search(challenge: &str, bits: u32, from: u64, count: u64) -> Option<u64> {
    (from..from.saturating_add(count)).find(|&n| pow_ok(challenge, n, bits))
}

/// The key the public names a unit by (the posters' `?unit=`, the page's list): derived from
/// the unit's id, so stable, but the id cannot be read back from it (the public list must not
/// hand one unit the ids of the others). 80 bits, lowercase hex.
pub fn unit_key(unit: crate::UnitId) -> String {
    let h = Sha256::digest(format!("chafang complaint unit {unit}").as_bytes());
    hex::encode(&h[..10])
}

/// SHA-256 of a contact (trimmed), for the chain: the contact itself never goes on it.
pub fn contact_sha256(contact: &str) -> String {
    hex::encode(Sha256::digest(contact.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 07);

    fn fields(text: &str) -> ComplaintFields<'_> {
        ComplaintFields {
            text,
            happened_on: TODAY,
            contact: None,
            window: None,
        }
    }

    #[test]
    fn text_lengths_are_counted_in_characters_trimmed() {
        assert_eq!(
            check(&fields("窗口人员态度差"), TODAY),
            Err(ComplaintError::TextTooShort)
        );
        assert_eq!(check(&fields("窗口人员态度很差，推诿不办"), TODAY), Ok(()));
        assert_eq!(
            check(&fields(&format!("  {}  ", "字".repeat(9))), TODAY),
            Err(ComplaintError::TextTooShort)
        );
        assert_eq!(check(&fields(&"字".repeat(2000)), TODAY), Ok(()));
        assert_eq!(
            check(&fields(&"字".repeat(2001)), TODAY),
            Err(ComplaintError::TextTooLong)
        );
    }

    #[test]
    fn when_is_today_or_up_to_a_year_back() {
        let mut f = fields("窗口人员态度很差，推诿不办");
        f.happened_on = date!(2026 - 12 - 08);
        assert_eq!(check(&f, TODAY), Err(ComplaintError::HappenedInFuture));
        f.happened_on = TODAY - Duration::days(MAX_AGE_DAYS);
        assert_eq!(check(&f, TODAY), Ok(()));
        f.happened_on = TODAY - Duration::days(MAX_AGE_DAYS + 1);
        assert_eq!(check(&f, TODAY), Err(ComplaintError::HappenedTooLongAgo));
    }

    #[test]
    fn contact_and_window_are_optional_and_bounded() {
        let mut f = fields("窗口人员态度很差，推诿不办");
        f.contact = Some("13800000000");
        f.window = Some("3号窗口 工号0271");
        assert_eq!(check(&f, TODAY), Ok(()));
        let long = "1".repeat(101);
        f.contact = Some(&long);
        assert_eq!(check(&f, TODAY), Err(ComplaintError::ContactTooLong));
        f.contact = None;
        let w = "窗".repeat(51);
        f.window = Some(&w);
        assert_eq!(check(&f, TODAY), Err(ComplaintError::WindowTooLong));
        assert_eq!(optional(Some("  ")), None);
        assert_eq!(optional(Some(" a ")), Some("a".into()));
    }

    #[test]
    fn receipt_codes_use_the_alphabet_and_carry_sixty_bits() {
        let a = receipt_code([0; 8]);
        assert_eq!(a, "000000000000");
        let b = receipt_code([0xff; 8]);
        assert_eq!(b, "ZZZZZZZZZZZZ");
        assert_eq!(RECEIPT_CHARS * 5, 60);
        let c = receipt_code([1, 2, 3, 4, 5, 6, 7, 8]);
        assert_ne!(c, receipt_code([1, 2, 3, 4, 5, 6, 7, 9]));
        assert!(c.bytes().all(|b| RECEIPT_ALPHABET.contains(&b)));
        for bad in [b'I', b'L', b'O', b'U'] {
            assert!(!RECEIPT_ALPHABET.contains(&bad));
        }
    }

    #[test]
    fn typed_codes_are_tidied() {
        let code = receipt_code([9, 8, 7, 6, 5, 4, 3, 2]);
        let shown = display_code(&code);
        assert_eq!(shown.len(), 14);
        assert_eq!(tidy_code(&shown), Some(code.clone()));
        assert_eq!(tidy_code(&shown.to_lowercase()), Some(code.clone()));
        assert_eq!(tidy_code(" 0O1I-L000 0000 "), Some("001110000000".into()));
        assert_eq!(tidy_code("0000-0000-000"), None);
        assert_eq!(tidy_code("0000-0000-000U"), None);
        assert_eq!(tidy_code("0000-0000-00０0"), None);
    }

    #[test]
    fn proof_of_work_is_found_and_checked() {
        let challenge = "c2f1e0d9";
        let n = pow_search(challenge, 12, 0, 1 << 20).expect("found");
        assert!(pow_ok(challenge, n, 12));
        assert!(!pow_ok("other", n, 40));
        // A solution for one challenge is almost never one for another at the full difficulty.
        let hard = pow_search(challenge, POW_BITS, 0, 1 << 24).expect("found");
        assert!(pow_ok(challenge, hard, POW_BITS));
        assert!(pow_ok(challenge, hard, 0));
    }

    #[test]
    fn unit_keys_are_stable_and_hide_the_id() {
        let id = crate::UnitId::new();
        assert_eq!(unit_key(id), unit_key(id));
        assert_eq!(unit_key(id).len(), 20);
        assert!(!unit_key(id).contains(&id.to_string()[..8]));
        assert_ne!(unit_key(id), unit_key(crate::UnitId::new()));
    }

    #[test]
    fn contacts_are_hashed_trimmed() {
        assert_eq!(contact_sha256(" 138 "), contact_sha256("138"));
        assert_eq!(contact_sha256("138").len(), 64);
    }
}
