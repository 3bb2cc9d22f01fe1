//! Records as the IndexedDB store keeps them: in pages of up to [`PAGE_ROWS`] records of one
//! identity with consecutive sequence numbers, one IndexedDB row per page.
//!
//! Why pages: in Chromium every IndexedDB write costs the browser process about 80–130 µs of
//! CPU whatever its size (measured on the 2-core CI machine: 10,000 puts of 20-byte rows
//! 0.79 s, of 1.5 KB rows 1.1 s; 20 puts of 500 receipts each 0.14 s). A sync that wrote one
//! row per delivered record spent most of its time there, and a `signMany` of 500 made 500
//! writes; now both write one row per page.
//!
//! A page carries, beside its rows, the fields its indexes read, so that the outbox's queries
//! need no record read: `unsent` (one `[signedAt, kid, seq]` per record the server has not
//! answered for; a multiEntry index, so counting it counts records and its order is the order
//! of sending), `rejected` (their seqs, counted) and `accepted` (their signing times, for
//! pruning). They are derived from the rows on every write and never read back.

use crate::json::{FromJson, Members};
use crate::rows::{RecordRow, RecordState};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

/// The most records one page holds: 32 records of ~1.5 KB keep a page below the 64 KB above
/// which Chromium moves a value into a file of its own.
pub const PAGE_ROWS: usize = 32;

/// Consecutive records of one identity, ordered by seq.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The records, ordered by seq, each seq one more than the one before.
    pub rows: Vec<RecordRow>,
}

impl Page {
    /// The identity whose records these are.
    pub fn kid(&self) -> &str {
        &self.rows[0].kid
    }

    /// The seq of the first record: with the key id, the page's key.
    pub fn first(&self) -> u64 {
        self.rows[0].seq
    }

    /// The seq of the last record.
    pub fn last(&self) -> u64 {
        self.rows[self.rows.len() - 1].seq
    }

    /// Splits records into pages: runs of consecutive seqs of one identity, at most
    /// [`PAGE_ROWS`] each. Records in chain order make full pages; in any other order they
    /// still make runs, only shorter ones (not sorted here: every caller has them in chain
    /// order, but for a backup's, which a sort would not make valid either).
    pub fn paginate(rows: Vec<RecordRow>) -> Vec<Page> {
        let mut pages: Vec<Page> = Vec::new();
        for row in rows {
            match pages.last_mut() {
                Some(page) if page.rows.len() < PAGE_ROWS && page.kid() == row.kid && page.last() + 1 == row.seq => page.rows.push(row),
                _ => pages.push(Page { rows: vec![row] }),
            }
        }
        pages
    }
}

impl Serialize for Page {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let with = |state: RecordState| self.rows.iter().filter(move |r| r.state == state);
        let unsent: Vec<(&str, &str, u64)> = self
            .rows
            .iter()
            .filter(|r| matches!(r.state, RecordState::Pending | RecordState::Sending))
            .map(|r| (r.signed_at.as_str(), r.kid.as_str(), r.seq))
            .collect();
        let rejected: Vec<u64> = with(RecordState::Rejected).map(|r| r.seq).collect();
        let accepted: Vec<&str> = with(RecordState::Accepted).map(|r| r.signed_at.as_str()).collect();
        let mut page = serializer.serialize_struct("Page", 7)?;
        page.serialize_field("key", &(self.kid(), self.first()))?;
        page.serialize_field("kid", self.kid())?;
        page.serialize_field("last", &self.last())?;
        page.serialize_field("rows", &self.rows)?;
        page.serialize_field("unsent", &unsent)?;
        page.serialize_field("rejected", &rejected)?;
        page.serialize_field("accepted", &accepted)?;
        page.end()
    }
}

impl FromJson for Page {
    /// Reads the rows and checks what the store relies on: at least one, one identity,
    /// consecutive seqs. The index fields are not read.
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "a page of records")?;
        let rows: Vec<RecordRow> = m.required("rows")?;
        let whole = rows.first().is_some_and(|first| {
            rows.iter().zip(0..).all(|(r, i)| r.kid == first.kid && first.seq.checked_add(i) == Some(r.seq))
        });
        if !whole || rows.len() > PAGE_ROWS {
            return Err("a page of records is not a run of one identity's records".into());
        }
        Ok(Page { rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kid: &str, seq: u64, state: RecordState) -> RecordRow {
        RecordRow {
            id: format!("{kid}-{seq}"),
            kid: kid.into(),
            seq,
            signed_at: format!("2026-12-02T10:00:{:02}Z", seq % 60),
            jws: "h.p.s".into(),
            hash: "x".into(),
            doc_name: None,
            state,
            attempts: 0,
            receipt: None,
            error: None,
        }
    }

    #[test]
    fn pages_are_runs_of_one_identity_at_most_page_rows_long() {
        let mut rows: Vec<RecordRow> = (1..=70).map(|s| row("a", s, RecordState::Pending)).collect();
        rows.retain(|r| r.seq != 40); // a gap
        rows.push(row("b", 5, RecordState::Pending));
        let spans = |pages: Vec<Page>| pages.iter().map(|p| (p.kid().to_owned(), p.first(), p.last())).collect::<Vec<_>>();
        let own = |kid: &str, first, last| (kid.to_owned(), first, last);
        assert_eq!(spans(Page::paginate(rows.clone())), [own("a", 1, 32), own("a", 33, 39), own("a", 41, 70), own("b", 5, 5)]);
        // Out of order: shorter runs, still each a run.
        rows.swap(0, 1);
        assert_eq!(spans(Page::paginate(rows))[..3], [own("a", 2, 2), own("a", 1, 1), own("a", 3, 34)]);
    }

    #[test]
    fn a_page_round_trips_and_its_index_fields_follow_the_states() {
        let mut page = Page::paginate((1..=4).map(|s| row("a", s, RecordState::Pending)).collect()).remove(0);
        page.rows[1].state = RecordState::Accepted;
        page.rows[2].state = RecordState::Rejected;
        page.rows[3].state = RecordState::Sending;
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(json["key"], serde_json::json!(["a", 1]));
        assert_eq!(json["last"], 4);
        assert_eq!(json["unsent"], serde_json::json!([["2026-12-02T10:00:01Z", "a", 1], ["2026-12-02T10:00:04Z", "a", 4]]));
        assert_eq!(json["rejected"], serde_json::json!([3]));
        assert_eq!(json["accepted"], serde_json::json!(["2026-12-02T10:00:02Z"]));
        assert_eq!(Page::from_json(json).unwrap(), page);
    }

    #[test]
    fn a_damaged_page_is_refused() {
        let page = Page::paginate((1..=3).map(|s| row("a", s, RecordState::Pending)).collect()).remove(0);
        let with_rows = |rows: Vec<RecordRow>| {
            let mut json = serde_json::to_value(&page).unwrap();
            json["rows"] = serde_json::to_value(rows).unwrap();
            Page::from_json(json)
        };
        assert!(with_rows(vec![]).is_err(), "empty");
        assert!(with_rows(vec![row("a", 1, RecordState::Pending), row("a", 3, RecordState::Pending)]).is_err(), "a gap");
        assert!(with_rows(vec![row("a", 1, RecordState::Pending), row("b", 2, RecordState::Pending)]).is_err(), "two identities");
        assert!(with_rows((1..=33).map(|s| row("a", s, RecordState::Pending)).collect()).is_err(), "too long");
        assert!(with_rows(vec![row("a", 7, RecordState::Pending)]).is_ok());
    }
}
