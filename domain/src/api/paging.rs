//! Keyset paging of the office's long lists (every finding, every visit): at a million visits
//! a list answered at once is megabytes the office never reads. A page is the newest receipts
//! first, `limit` rows after the cursor the previous page returned; the cursor is the last
//! row's `(received_at, id)`, so rows received while the office reads never shift the pages
//! (an offset would repeat or skip rows).

/// The response header naming the cursor of the next page; absent on the last page.
pub const NEXT_CURSOR_HEADER: &str = "x-next-cursor";
/// The most rows one page may ask for.
pub const MAX_PAGE: u32 = 500;
/// The page size the office's pages ask for.
pub const PAGE: u32 = 100;

/// Where a page ends: the last row's receipt time (ms) and id; the next page starts below it
/// in `(received_at, id)` descending order. On the wire `<received_at>.<id>` — opaque to the
/// client, which only hands it back as `before=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub received_at: i64,
    /// The row's id as the database holds it (a hyphenated lowercase UUID).
    pub id: String,
}

impl Cursor {
    pub fn new(received_at: i64, id: impl ToString) -> Cursor {
        Cursor {
            received_at,
            id: id.to_string(),
        }
    }

    /// `None` for anything the server did not hand out (a broken or made-up cursor).
    pub fn parse(s: &str) -> Option<Cursor> {
        let (at, id) = s.split_once('.')?;
        let received_at = at.parse().ok()?;
        let id = uuid::Uuid::parse_str(id).ok()?.hyphenated().to_string();
        Some(Cursor { received_at, id })
    }

    pub fn text(&self) -> String {
        format!("{}.{}", self.received_at, self.id)
    }
}

/// One page asked for: how many rows and after which cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageAsk {
    pub limit: u32,
    pub before: Option<Cursor>,
}

impl PageAsk {
    /// The query's `limit` and `before` as given: `Ok(None)` without `limit` (the whole list, as
    /// before paging existed); `Err` with the reason for a 400 otherwise.
    pub fn parse(
        limit: Option<&str>,
        before: Option<&str>,
    ) -> Result<Option<PageAsk>, crate::refusal::QueryRefusal> {
        use crate::refusal::QueryRefusal;
        let Some(limit) = limit else {
            return match before {
                Some(_) => Err(QueryRefusal::BeforeWithoutLimit),
                None => Ok(None),
            };
        };
        let limit = limit
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or(QueryRefusal::Limit { max: MAX_PAGE })?;
        let before = before
            .map(|b| Cursor::parse(b).ok_or(QueryRefusal::Cursor))
            .transpose()?;
        Ok(Some(PageAsk { limit, before }))
    }
}

/// `path` asking for one page of `limit` rows after `before` (the first page when `None`);
/// `path` may already carry a query (`?state=…`).
pub fn page_path(path: &str, limit: u32, before: Option<&str>) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    match before {
        Some(c) => format!("{path}{sep}limit={limit}&before={c}"),
        None => format!("{path}{sep}limit={limit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_refuses_junk() {
        let id = uuid::Uuid::now_v7();
        let c = Cursor::new(1_700_000_000_123, id);
        assert_eq!(Cursor::parse(&c.text()), Some(c.clone()));
        assert_eq!(
            Cursor::parse(&c.text().to_uppercase()).map(|c| c.id),
            Some(id.to_string())
        );
        for bad in ["", "12", "x.y", "12.not-a-uuid", &format!("x.{id}")] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
        assert_eq!(
            page_path("/a?state=x", 5, Some("c")),
            "/a?state=x&limit=5&before=c"
        );
        assert_eq!(page_path("/a", 5, None), "/a?limit=5");
        assert_eq!(PageAsk::parse(None, None), Ok(None));
        assert!(PageAsk::parse(None, Some(&c.text())).is_err());
        for bad in ["0", "501", "-1", "ten", ""] {
            assert!(PageAsk::parse(Some(bad), None).is_err(), "{bad}");
        }
        assert_eq!(
            PageAsk::parse(Some("500"), Some(&c.text())),
            Ok(Some(PageAsk {
                limit: 500,
                before: Some(c)
            }))
        );
    }
}
