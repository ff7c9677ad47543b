//! One page of the CRM's `orders/history` answer → the status changes that concern the site.
//!
//! Kept: entries changing an order's `status` to a code, of an order the site sent (it has
//! an `externalId`; orders made in the CRM have none) and of this site (`order.site`, when
//! given). Those made with our own key (`apiKey.current`) came from the site: they are
//! marked `own`, never applied, and only tell that the site's change came after the entries
//! before them. Everything else is passed over, but
//! still counts as read. Nothing here trusts the CRM: any shape is read without a panic, an
//! entry without a whole positive id, or with one not after the read position, is ignored.
//!
//! Times: `createdAt` is `Y-m-d H:i:s` in the CRM account's time zone, which the answer
//! does not name. The answer's `generatedAt` is the CRM's clock at answering, in the same
//! zone: its distance from the site's clock, rounded to a quarter of an hour (time zones
//! differ by quarters), is the zone's offset.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use time::PrimitiveDateTime;
use time::macros::format_description;

use crate::outbox::HistoryEntry;

/// The longest `externalId` or `number` an entry may carry to be kept.
const MAX_ID_LEN: usize = 255;

/// A quarter of an hour, in seconds.
const QUARTER: i64 = 900;

/// What one page of history gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryPage {
    /// The status changes that concern the site, in the page's order.
    pub entries: Vec<HistoryEntry>,
    /// The greatest entry id on the page after the read position, kept or not.
    pub last_id: Option<i64>,
    /// Whether later pages follow (`currentPage` < `totalPageCount`).
    pub more: bool,
}

/// Reads one `orders/history` answer of entries after `after`, for the site with code
/// `site`, the answer received at `now`. An answer without a `history` list is refused with
/// the reason.
pub fn read_page(
    answer: &Value,
    after: i64,
    site: &str,
    now: SystemTime,
) -> Result<HistoryPage, String> {
    let Some(items) = answer.get("history").and_then(Value::as_array) else {
        return Err("the CRM's orders/history answer has no history list".into());
    };
    let offset = zone_offset(answer.get("generatedAt"), now);
    let mut page = HistoryPage {
        more: more_pages(answer.get("pagination")),
        ..HistoryPage::default()
    };
    for item in items {
        let Some(id) = item
            .get("id")
            .and_then(Value::as_i64)
            .filter(|id| *id > after)
        else {
            continue;
        };
        page.last_id = Some(page.last_id.map_or(id, |last| last.max(id)));
        if let Some(entry) = status_change(id, item, site, offset, now) {
            page.entries.push(entry);
        }
    }
    Ok(page)
}

/// The id of the latest entry on a history page (0 when it has none).
pub fn latest_id(answer: &Value) -> Result<i64, String> {
    let items = answer
        .get("history")
        .and_then(Value::as_array)
        .ok_or("the CRM's orders/history answer has no history list")?;
    Ok(items
        .iter()
        .filter_map(|item| item.get("id").and_then(Value::as_i64))
        .filter(|id| *id > 0)
        .max()
        .unwrap_or(0))
}

/// The last page number of a history answer (1 when it says none).
pub fn total_pages(answer: &Value) -> u32 {
    answer
        .pointer("/pagination/totalPageCount")
        .and_then(Value::as_u64)
        .and_then(|pages| u32::try_from(pages).ok())
        .unwrap_or(1)
        .max(1)
}

/// The status change entry `item` (id `id`) makes, if it is one that concerns the site.
fn status_change(
    id: i64,
    item: &Value,
    site: &str,
    offset: i64,
    now: SystemTime,
) -> Option<HistoryEntry> {
    if item.get("field").and_then(Value::as_str) != Some("status") {
        return None;
    }
    let order = item.get("order")?.as_object()?;
    let external_id = short_text(order.get("externalId"))?;
    if let Some(order_site) = order.get("site").and_then(Value::as_str)
        && order_site != site
    {
        return None;
    }
    let code = short_text(item.pointer("/newValue/code"))?;
    let mut kept = Map::new();
    kept.insert("externalId".into(), json!(external_id));
    if let Some(number) = short_text(order.get("number")) {
        kept.insert("number".into(), json!(number));
    }
    if let Some(crm_id) = order.get("id").and_then(Value::as_i64) {
        kept.insert("id".into(), json!(crm_id));
    }
    let changed_at = item
        .get("createdAt")
        .and_then(Value::as_str)
        .and_then(|at| crm_time(at, offset))
        .unwrap_or(now);
    Some(HistoryEntry {
        history_id: id,
        crm_order: Value::Object(kept),
        code: code.to_string(),
        changed_at,
        own: item.pointer("/apiKey/current").and_then(Value::as_bool) == Some(true),
    })
}

/// The trimmed, non-empty, not overlong text `value` holds.
fn short_text(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty() && text.len() <= MAX_ID_LEN)
}

/// Whether pages follow the one answered.
fn more_pages(pagination: Option<&Value>) -> bool {
    let number = |name: &str| pagination.and_then(|p| p.get(name)).and_then(Value::as_u64);
    matches!((number("currentPage"), number("totalPageCount")), (Some(current), Some(total)) if current < total)
}

/// The CRM zone's offset from UTC in seconds, from its clock `generated_at` read at `now`
/// (0 when the answer has none).
fn zone_offset(generated_at: Option<&Value>, now: SystemTime) -> i64 {
    let Some(local) = generated_at.and_then(Value::as_str).and_then(parse_local) else {
        return 0;
    };
    let now = unix_seconds(now);
    let distance = local.saturating_sub(now);
    // Rounded to the nearest quarter of an hour; at most a day either way.
    let quarters = (distance + distance.signum() * QUARTER / 2) / QUARTER;
    (quarters * QUARTER).clamp(-86_400, 86_400)
}

/// The UTC time of the CRM's local time `text`, the zone `offset` seconds ahead of UTC.
fn crm_time(text: &str, offset: i64) -> Option<SystemTime> {
    let seconds = parse_local(text)?.checked_sub(offset)?;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).ok()?))
}

/// `Y-m-d H:i:s` as seconds since the epoch, read as if it were UTC.
fn parse_local(text: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    PrimitiveDateTime::parse(text.trim(), format)
        .ok()
        .map(|at| at.assume_utc().unix_timestamp())
}

/// `time` in whole seconds since the epoch (0 before it).
fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    /// 2026-12-06 10:00:00 UTC.
    const TEN: u64 = 1_796_551_200;

    fn status_entry(id: i64, external_id: &str, code: &str) -> Value {
        json!({"id": id, "createdAt": "2026-12-06 12:59:30", "source": "user", "field": "status",
               "oldValue": {"code": "new"}, "newValue": {"code": code},
               "order": {"id": 7, "externalId": external_id, "number": "7A", "site": "shop", "status": code}})
    }

    #[test]
    fn keeps_others_status_changes_of_the_sites_orders_with_utc_times() {
        let mut own = status_entry(3, "2611-3", "complete");
        own["source"] = json!("api");
        own["apiKey"] = json!({"current": true});
        let mut other_key = status_entry(4, "2611-4", "complete");
        other_key["source"] = json!("api");
        other_key["apiKey"] = json!({"current": false});
        let mut other_site = status_entry(5, "2611-5", "complete");
        other_site["order"]["site"] = json!("second");
        let mut crm_made = status_entry(6, "x", "complete");
        crm_made["order"]
            .as_object_mut()
            .unwrap()
            .remove("externalId");
        let answer = json!({
            "success": true,
            // The CRM's clock, three hours ahead of UTC (Moscow), a few seconds off.
            "generatedAt": "2026-12-06 13:00:04",
            "history": [
                {"id": 1, "createdAt": "2026-12-06 12:00:00", "created": true, "order": {"externalId": "2611-1"}},
                status_entry(2, "2611-2", "assembling"),
                own, other_key, other_site, crm_made,
                {"id": 7, "field": "manager_comment", "newValue": "x", "order": {"externalId": "2611-2"}},
                {"id": "8", "field": "status"},
                status_entry(1, "2611-1", "stale-read"),
            ],
            "pagination": {"limit": 100, "totalCount": 150, "currentPage": 1, "totalPageCount": 2},
        });
        let page = read_page(&answer, 1, "shop", at(TEN)).unwrap();
        let kept: Vec<(i64, &str, bool)> = page
            .entries
            .iter()
            .map(|e| (e.history_id, e.code.as_str(), e.own))
            .collect();
        assert_eq!(
            kept,
            [
                (2, "assembling", false),
                (3, "complete", true),
                (4, "complete", false)
            ]
        );
        assert_eq!(page.last_id, Some(7));
        assert!(page.more);
        assert_eq!(
            page.entries[0].crm_order,
            json!({"id": 7, "externalId": "2611-2", "number": "7A"})
        );
        // 12:59:30 Moscow is 09:59:30 UTC.
        assert_eq!(page.entries[0].changed_at, at(TEN - 30));
    }

    #[test]
    fn an_answer_without_a_history_list_is_refused_and_odd_pages_end_the_read() {
        assert!(read_page(&json!({"success": true}), 0, "shop", at(TEN)).is_err());
        assert!(read_page(&json!({"history": {}}), 0, "shop", at(TEN)).is_err());
        let last = read_page(
            &json!({"history": [], "pagination": {"currentPage": 3, "totalPageCount": 3}}),
            0,
            "shop",
            at(TEN),
        )
        .unwrap();
        assert_eq!(last, HistoryPage::default());
        assert_eq!(
            latest_id(&json!({"history": [{"id": 4}, {"id": 9}, {"id": -1}]})),
            Ok(9)
        );
        assert_eq!(
            total_pages(&json!({"pagination": {"totalPageCount": 0}})),
            1
        );
        assert_eq!(
            total_pages(&json!({"pagination": {"totalPageCount": 4}})),
            4
        );
    }

    #[test]
    fn without_the_crm_clock_times_are_taken_as_utc_and_unreadable_times_as_now() {
        let mut entry = status_entry(2, "2611-2", "complete");
        let page = read_page(&json!({"history": [entry.clone()]}), 0, "shop", at(TEN)).unwrap();
        assert_eq!(
            page.entries[0].changed_at,
            at(TEN + 2 * 3600 + 59 * 60 + 30)
        );
        entry["createdAt"] = json!("yesterday");
        let page = read_page(&json!({"history": [entry]}), 0, "shop", at(TEN)).unwrap();
        assert_eq!(page.entries[0].changed_at, at(TEN));
    }

    /// A random JSON value of any kind, small.
    fn any_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
        match rng.u8(..if depth == 0 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => json!(rng.bool()),
            2 => json!(rng.i64(-3..400)),
            3 => json!(rng.f64() * 1e6),
            4 => {
                json!(["status", "shop", "2026-12-06 12:00:00", "", "ü\u{0}x", "9"][rng.usize(..6)])
            }
            5 => json!(i64::MAX - rng.i64(0..2)),
            6 => Value::Array(
                (0..rng.usize(..3))
                    .map(|_| any_value(rng, depth - 1))
                    .collect(),
            ),
            _ => {
                let keys = ["id", "code", "externalId", "site", "current", "number"];
                Value::Object(
                    (0..rng.usize(..4))
                        .map(|_| {
                            (
                                keys[rng.usize(..keys.len())].to_string(),
                                any_value(rng, depth - 1),
                            )
                        })
                        .collect(),
                )
            }
        }
    }

    /// A history answer: valid entries with random parts replaced by values of any kind.
    fn mangled_answer(rng: &mut fastrand::Rng) -> Value {
        let fields = [
            "id",
            "createdAt",
            "field",
            "newValue",
            "order",
            "apiKey",
            "source",
        ];
        let history: Vec<Value> = (0..rng.usize(..12))
            .map(|n| {
                let mut entry = status_entry(rng.i64(-2..40), &format!("2611-{n}"), "complete");
                entry["apiKey"] = json!({"current": rng.bool()});
                for _ in 0..rng.usize(..3) {
                    let field = fields[rng.usize(..fields.len())];
                    entry[field] = any_value(rng, 2);
                }
                if let Some(order) = entry["order"].as_object_mut()
                    && rng.u8(..4) == 0
                {
                    order.insert("externalId".into(), any_value(rng, 1));
                }
                entry
            })
            .collect();
        let mut answer = json!({"success": true, "generatedAt": "2026-12-06 13:00:04", "history": history,
            "pagination": {"currentPage": rng.u8(..4), "totalPageCount": rng.u8(..4)}});
        match rng.u8(..10) {
            0 => answer["history"] = any_value(rng, 2),
            1 => answer["generatedAt"] = any_value(rng, 1),
            2 => answer["pagination"] = any_value(rng, 2),
            3 => answer = any_value(rng, 3),
            _ => {}
        }
        answer
    }

    /// Bounded fuzzing: whatever the CRM answers, the reader neither panics nor keeps an
    /// entry it must not (not after the read position, without a code or an `externalId`,
    /// of another site), and its read position covers what it kept.
    #[test]
    fn fuzzed_answers_never_panic_nor_keep_what_they_must_not() {
        let mut rng = fastrand::Rng::with_seed(0x4d52_4f42);
        for _ in 0..3000 {
            let answer = mangled_answer(&mut rng);
            let after = rng.i64(-1..20);
            let Ok(page) = read_page(&answer, after, "shop", at(TEN)) else {
                assert!(answer.get("history").and_then(Value::as_array).is_none());
                continue;
            };
            let _ = (latest_id(&answer), total_pages(&answer));
            for entry in &page.entries {
                assert!(entry.history_id > after, "{answer}");
                assert!(page.last_id.is_some_and(|last| last >= entry.history_id));
                assert!(!entry.code.trim().is_empty());
                assert!(
                    entry.crm_order["externalId"]
                        .as_str()
                        .is_some_and(|id| !id.is_empty())
                );
                assert!(
                    !entry
                        .crm_order
                        .get("site")
                        .is_some_and(|site| site != "shop")
                );
            }
        }
    }
}
