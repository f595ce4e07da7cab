use super::*;
use crate::recordings::samples::{self, TIME_CANARY};

const CANARY: &str = "CANARY-7f3e-DEVICE";

fn payload() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

fn holds(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn assert_clean(stripped: &[u8]) {
    assert!(!holds(stripped, CANARY.as_bytes()), "the canary is gone");
    assert!(!holds(stripped, b"+31.2304"), "the location is gone");
    assert!(
        !holds(stripped, &TIME_CANARY.to_be_bytes()),
        "the creation time is gone"
    );
}

/// The top-level MP4 boxes, read by their sizes.
fn mp4_boxes(b: &[u8]) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let size = u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
        out.push((String::from_utf8_lossy(&b[at + 4..at + 8]).into(), at, size));
        at += size;
    }
    assert_eq!(at, b.len(), "the boxes tile the file");
    out
}

#[test]
fn containers_are_told_from_their_bytes() {
    let p = payload();
    assert_eq!(sniff(&samples::mp4(CANARY, &p)), Some(Container::Mp4));
    assert_eq!(sniff(&samples::webm(CANARY, &p)), Some(Container::Webm));
    assert_eq!(sniff(&samples::ogg(CANARY, &p)), Some(Container::Ogg));
    assert_eq!(sniff(b"\xFF\xD8\xFF\xE0 a jpeg"), None);
    assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
    assert_eq!(sniff(b""), None);
    for c in [Container::Webm, Container::Mp4, Container::Ogg] {
        assert_eq!(Container::parse(c.as_str()), Some(c));
    }
}

#[test]
fn mp4_times_locations_and_device_are_stripped_and_the_file_still_reads() {
    let p = payload();
    let original = samples::mp4(CANARY, &p);
    assert!(holds(&original, CANARY.as_bytes()));
    assert!(holds(&original, &TIME_CANARY.to_be_bytes()));
    let mut stripped = original.clone();
    strip(Container::Mp4, &mut stripped).unwrap();
    assert_clean(&stripped);
    assert_eq!(stripped.len(), original.len(), "nothing moved");
    // Still an MP4: the same top-level boxes, the uuid box now free; the media where the
    // chunk offset says it is; and stripping again reads it through.
    let kinds: Vec<String> = mp4_boxes(&stripped).into_iter().map(|b| b.0).collect();
    assert_eq!(kinds, ["ftyp", "moov", "free", "mdat"]);
    let stco = stripped.windows(4).position(|w| w == b"stco").unwrap() + 12;
    let offset = u32::from_be_bytes(stripped[stco..stco + 4].try_into().unwrap()) as usize;
    assert_eq!(&stripped[offset..offset + p.len()], p.as_slice());
    assert!(holds(&stripped, b"mvhd") && holds(&stripped, b"tkhd") && holds(&stripped, b"mdhd"));
    assert!(holds(&stripped, b"soun"), "the handler stays");
    let mut again = stripped.clone();
    strip(Container::Mp4, &mut again).unwrap();
    assert_eq!(again, stripped);
}

#[test]
fn matroska_date_title_apps_names_and_tags_are_stripped_and_the_file_still_reads() {
    let p = payload();
    let original = samples::webm(CANARY, &p);
    let mut stripped = original.clone();
    strip(Container::Webm, &mut stripped).unwrap();
    assert_clean(&stripped);
    assert!(!holds(&stripped, b"LOCATION"), "the tags are gone");
    assert_eq!(stripped.len(), original.len());
    assert!(holds(&stripped, b"A_OPUS"), "the codec stays");
    assert!(holds(&stripped, &p[..64 * 1024]), "the media stays");
    assert!(holds(&stripped, &p[p.len() - 1000..]));
    // Read through again: every element where its size says.
    let mut again = stripped.clone();
    strip(Container::Webm, &mut again).unwrap();
    assert_eq!(again, stripped);
}

#[test]
fn ogg_comments_and_vendor_are_stripped_and_every_page_checks() {
    let p = payload();
    let original = samples::ogg(CANARY, &p);
    assert!(ogg_pages_valid(&original));
    let mut stripped = original.clone();
    strip(Container::Ogg, &mut stripped).unwrap();
    assert_clean(&stripped);
    assert!(ogg_pages_valid(&stripped), "the CRCs were computed again");
    assert!(holds(&stripped, b"OpusHead") && holds(&stripped, b"OpusTags"));
    assert!(holds(&stripped, &p[..32 * 1024]));
}

#[test]
fn a_cut_off_or_damaged_container_is_told() {
    let p = payload();
    let mp4 = samples::mp4(CANARY, &p);
    // Cut inside moov: its size says more than there is.
    let mut cut = mp4[..200].to_vec();
    assert_eq!(strip(Container::Mp4, &mut cut), Err(Damaged));
    // A box claiming less than its header.
    let mut bad = mp4.clone();
    bad[0..4].copy_from_slice(&3u32.to_be_bytes());
    assert_eq!(strip(Container::Mp4, &mut bad), Err(Damaged));
    // A WebM recording cut inside its last Cluster still strips (a live recording stopped).
    let webm = samples::webm(CANARY, &p);
    let mut cut = webm[..webm.len() - 10].to_vec();
    strip(Container::Webm, &mut cut).unwrap();
    assert_clean(&cut);
    // An Ogg file whose first page is broken.
    let mut ogg = samples::ogg(CANARY, &p);
    ogg[0] = b'X';
    assert_eq!(strip(Container::Ogg, &mut ogg), Err(Damaged));
}

#[test]
fn a_void_fills_any_size_an_element_had() {
    for total in 2..300usize {
        let mut b = vec![0xAAu8; total];
        void(&mut b, 0, total).unwrap();
        assert_eq!(b[0], VOID);
        let (size, len) = ebml_size(&b, 1).unwrap();
        assert_eq!(1 + len + size.unwrap() as usize, total, "{total}");
    }
}
