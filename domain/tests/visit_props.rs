//! Arbitrary values in every field of a visit upload, through the shared checks
//! (`VisitUpload::check`): the check never panics, and whatever it accepts is inside the stated
//! ranges (device times, duration, sequence, coordinates, accuracy, text lengths, counts, photo
//! references, criteria). The content hash and a JSON round trip of an accepted visit hold too.

use chafang_domain::ids::{CaseId, DeviceId, FindingId, PhotoId, UnitId, VisitId};
use chafang_domain::visit::*;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

const CODES: [&str; 3] = ["efficiency", "courteous_service", "lawful_operation"];

/// A time: anything at all, or inside the range, or at its edges.
fn time() -> impl Strategy<Value = i64> {
    prop_oneof![
        2 => any::<i64>(),
        8 => MIN_DEVICE_MS..MAX_DEVICE_MS,
        1 => Just(MIN_DEVICE_MS - 1),
        1 => Just(MAX_DEVICE_MS),
        1 => Just(253_402_214_400_000_i64),
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
    ]
}

/// A duration to add to the start: anything, or up to twice the longest visit.
fn duration() -> impl Strategy<Value = i64> {
    let max = i64::from(MAX_VISIT_HOURS) * 3_600_000;
    prop_oneof![1 => any::<i64>(), 8 => 0..2 * max, 1 => Just(max), 1 => Just(max + 1)]
}

/// A text: short, or around the limit, or anything.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[a-z窗口 ]{1,12}",
        2 => vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => vec(any::<char>(), MAX_TEXT - 2..MAX_TEXT + 3).prop_map(String::from_iter),
        1 => Just(String::new()),
        1 => Just("  ".to_owned()),
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => any::<f64>(),
        10 => -200.0..200.0_f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(0.0),
        1 => Just(MAX_ACCURACY_M),
    ]
}

fn position() -> impl Strategy<Value = Position> {
    prop_oneof![
        (float(), float(), float(), time()).prop_map(|(lat, lon, accuracy_m, at_device_ms)| {
            Position::Fix(Fix {
                lat,
                lon,
                accuracy_m,
                at_device_ms,
            })
        }),
        proptest::sample::select(vec![
            PositionMissing::Denied,
            PositionMissing::Timeout,
            PositionMissing::Unavailable,
        ])
        .prop_map(|reason| Position::Missing { reason }),
    ]
}

/// An arbitrary id, or none.
fn some_uuid() -> impl Strategy<Value = Option<uuid::Uuid>> {
    proptest::option::of(any::<u128>().prop_map(uuid::Uuid::from_u128))
}

fn photo() -> impl Strategy<Value = PhotoRef> {
    (
        prop_oneof![
            8 => "[0-9a-f]{64}",
            1 => vec(any::<char>(), 0..80).prop_map(String::from_iter),
            1 => Just("A".repeat(64)),
            1 => Just("0".repeat(64)),
        ],
        prop_oneof![1 => any::<u64>(), 6 => 0..MAX_PHOTO_BYTES + 2],
    )
        .prop_map(|(sha256, bytes)| PhotoRef {
            id: PhotoId::new(),
            sha256,
            bytes,
        })
}

fn finding() -> impl Strategy<Value = FindingUpload> {
    (
        prop_oneof![
            8 => proptest::sample::select(CODES[..2].to_vec()).prop_map(str::to_owned),
            1 => Just(CODES[2].to_owned()),
            1 => vec(any::<char>(), 0..80).prop_map(String::from_iter),
        ],
        text(),
        text(),
        prop_oneof![8 => vec(photo(), 0..3), 1 => vec(photo(), MAX_PHOTOS_PER_FINDING..14)],
        proptest::sample::select(vec![
            Severity::Minor,
            Severity::Serious,
            Severity::VerySerious,
        ]),
        some_uuid(),
    )
        .prop_map(
            |(criterion, description, suggestion, photos, severity, commitment_id)| FindingUpload {
                id: FindingId::new(),
                criterion,
                description,
                severity,
                suggestion,
                photos,
                commitment_id,
                responsible: None,
            },
        )
}

prop_compose! {
    fn upload()(
        device_seq in prop_oneof![2 => any::<u64>(), 8 => 0..1000_u64, 1 => Just(MAX_DEVICE_SEQ), 1 => Just(MAX_DEVICE_SEQ + 1)],
        covert in any::<bool>(),
        methods in prop_oneof![
            6 => proptest::sample::subsequence(VisitMethod::ALL.to_vec(), 1..=6),
            1 => vec(proptest::sample::select(VisitMethod::ALL.to_vec()), 0..8),
        ],
        started in time(),
        lasted in duration(),
        position in position(),
        notes in text(),
        says_so in prop_oneof![8 => Just(None), 1 => any::<bool>().prop_map(Some)],
        findings in prop_oneof![8 => vec(finding(), 0..3), 1 => vec(finding(), MAX_FINDINGS..MAX_FINDINGS + 2)],
        supersedes in some_uuid(),
        lookback_for in some_uuid(),
    ) -> VisitUpload {
        VisitUpload {
            id: VisitId::new(),
            device_id: DeviceId::new(),
            device_seq,
            supersedes: supersedes.map(VisitId),
            unit_id: UnitId::new(),
            mode: if covert { VisitMode::Covert } else { VisitMode::Open },
            methods,
            started_at_device_ms: started,
            ended_at_device_ms: started.wrapping_add(lasted),
            position,
            notes,
            // Mostly consistent with the findings, sometimes anything.
            no_problem_found: says_so.unwrap_or(findings.is_empty()),
            findings,
            lookback_for: lookback_for.map(CaseId),
            recordings: vec![],
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_checks_never_panic_and_accept_only_what_is_in_range(v in upload()) {
        let codes: Vec<String> = CODES[..2].iter().map(|c| (*c).to_owned()).collect();
        let Ok(()) = v.check(&codes) else {
            return Ok(());
        };
        let range = MIN_DEVICE_MS..MAX_DEVICE_MS;
        prop_assert!((1..=MAX_DEVICE_SEQ).contains(&v.device_seq));
        prop_assert!(range.contains(&v.started_at_device_ms));
        prop_assert!(range.contains(&v.ended_at_device_ms));
        prop_assert!(v.ended_at_device_ms >= v.started_at_device_ms);
        prop_assert!(
            v.ended_at_device_ms - v.started_at_device_ms <= i64::from(MAX_VISIT_HOURS) * 3_600_000
        );
        prop_assert!(!v.methods.is_empty() && v.methods.len() <= VisitMethod::ALL.len());
        if let Position::Fix(f) = v.position {
            prop_assert!(f.lat.is_finite() && (-90.0..=90.0).contains(&f.lat));
            prop_assert!(f.lon.is_finite() && (-180.0..=180.0).contains(&f.lon));
            prop_assert!(f.accuracy_m > 0.0 && f.accuracy_m <= MAX_ACCURACY_M);
            prop_assert!(range.contains(&f.at_device_ms));
            prop_assert!(f.point().is_some());
        }
        prop_assert!(v.notes.chars().count() <= MAX_TEXT);
        prop_assert!(v.findings.len() <= MAX_FINDINGS);
        prop_assert_eq!(v.findings.is_empty(), v.no_problem_found);
        for f in &v.findings {
            prop_assert!(codes.contains(&f.criterion));
            prop_assert!(!f.description.trim().is_empty());
            prop_assert!(f.description.chars().count() <= MAX_TEXT);
            prop_assert!(f.suggestion.chars().count() <= MAX_TEXT);
            prop_assert!(f.photos.len() <= MAX_PHOTOS_PER_FINDING);
        }
        let mut seen = Vec::new();
        for (_, p) in v.photos() {
            prop_assert!(is_sha256_hex(&p.sha256));
            prop_assert!(p.bytes <= MAX_PHOTO_BYTES);
            prop_assert!(!seen.contains(&p.sha256));
            seen.push(p.sha256.clone());
        }
        prop_assert!(is_sha256_hex(&v.content_sha256()));
        let back: VisitUpload = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        prop_assert_eq!(back.content_sha256(), v.content_sha256());
    }

    /// A refusal names what it refused in a bounded size, whatever the input's size.
    #[test]
    fn a_refusal_stays_small(v in upload()) {
        if let Err(e) = v.check(&[]) {
            let json = serde_json::to_string(&e).unwrap();
            prop_assert!(json.len() < 1024, "{}", json.len());
        }
    }
}

#[test]
fn accepted_visits_were_generated() {
    // Runs the property once more on its own and counts: a generator that never produces an
    // acceptable visit would test only the refusals.
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let codes: Vec<String> = CODES[..2].iter().map(|c| (*c).to_owned()).collect();
    let mut accepted = 0;
    for _ in 0..300 {
        let v = upload().new_tree(&mut runner).unwrap().current();
        if v.check(&codes).is_ok() {
            accepted += 1;
        }
    }
    println!("{accepted} of 300 generated visits accepted");
    assert!(
        accepted > 0,
        "the generator never makes an acceptable visit"
    );
}
