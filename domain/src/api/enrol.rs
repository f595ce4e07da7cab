//! Enrolling a phone: the office issues a one-time code for a monitor, shown as text and as a
//! QR code of a link to the PWA's enrolment page; the monitor enters or scans it on the new
//! phone, chooses a password and is signed in. The same way resets a forgotten password.
//!
//! The code's rules live here so that the phone can tidy what was typed exactly as the server
//! will: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown `XXXX-XXXX`,
//! compared case-insensitively with dashes and spaces ignored.

use serde::{Deserialize, Serialize};

/// The characters a code is made of: digits and capital letters without 0, 1, I, L and O.
/// 31 characters, so 8 of them carry just under 40 bits.
pub const ENROL_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// The number of characters of a code, without the dash.
pub const ENROL_CODE_LEN: usize = 8;
/// How long a code stays valid unless the office chooses otherwise.
pub const ENROL_DEFAULT_HOURS: u32 = 24;
/// The shortest and longest validity the office may choose.
pub const ENROL_MIN_HOURS: u32 = 1;
pub const ENROL_MAX_HOURS: u32 = 72;
/// The query parameter of the PWA's enrolment page that carries the code.
pub const ENROL_CODE_PARAM: &str = "code";

/// A code as typed or scanned, reduced to its 8 upper-case characters; `None` when it cannot
/// be a code (wrong length or a character outside the alphabet). Dashes and white space are
/// ignored and letters may be of either case.
pub fn normalise_enrol_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid =
        code.len() == ENROL_CODE_LEN && code.bytes().all(|b| ENROL_CODE_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// A normalised code as it is shown: `XXXX-XXXX`.
pub fn display_enrol_code(normalised: &str) -> String {
    let (a, b) = normalised.split_at(normalised.len().min(ENROL_CODE_LEN / 2));
    format!("{a}-{b}")
}

/// `POST /api/v1/office/users/{id}/enrolment`: issue a code for a monitor. `{}` takes the
/// default validity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueEnrolment {
    /// Hours the code stays valid, 1–72; 24 when left out.
    #[serde(default)]
    pub valid_hours: Option<u32>,
}

/// A freshly issued code. It is shown to the office once and never stored in clear: the
/// server keeps only its SHA-256. Issuing another code for the same monitor revokes this one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// `XXXX-XXXX`.
    pub code: String,
    pub expires_at_ms: i64,
    /// The PWA's enrolment page with the code, `<origin>/enrol?code=XXXX-XXXX`.
    pub url: String,
    /// A QR code of `url` as an inline SVG document (no XML prologue).
    pub qr_svg: String,
}

/// `POST /api/v1/auth/enrol`: redeem a code on a phone, setting the account's password. The
/// answer is the signed-in user (`Me`) with the session cookie, as for login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolRequest {
    /// As typed or scanned: case, dashes and spaces do not matter.
    pub code: String,
    /// The account's new password.
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_tidied_and_checked() {
        assert_eq!(
            normalise_enrol_code("abcd-efgh").as_deref(),
            Some("ABCDEFGH")
        );
        assert_eq!(
            normalise_enrol_code(" AbCd eFgH ").as_deref(),
            Some("ABCDEFGH")
        );
        assert_eq!(
            normalise_enrol_code("2345-6789").as_deref(),
            Some("23456789")
        );
        assert_eq!(normalise_enrol_code("ABCD-EFG"), None, "too short");
        assert_eq!(normalise_enrol_code("ABCD-EFGHJ"), None, "too long");
        for look_alike in [
            "ABCD-EFG0",
            "ABCD-EFG1",
            "ABCD-EFGI",
            "ABCD-EFGL",
            "ABCD-EFGO",
        ] {
            assert_eq!(normalise_enrol_code(look_alike), None, "{look_alike}");
        }
        assert_eq!(normalise_enrol_code("ABCD-EFGÉ"), None);
        assert_eq!(display_enrol_code("ABCDEFGH"), "ABCD-EFGH");
    }

    #[test]
    fn the_alphabet_has_no_look_alikes_and_no_repeats() {
        assert_eq!(ENROL_CODE_ALPHABET.len(), 31);
        for b in b"01ILO" {
            assert!(!ENROL_CODE_ALPHABET.contains(b));
        }
        let mut sorted = ENROL_CODE_ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ENROL_CODE_ALPHABET.len());
    }
}
