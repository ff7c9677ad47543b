//! Timestamps in RetailCRM's format.

use time::OffsetDateTime;

/// The current time as RetailCRM writes it, `Y-m-d H:i:s` (UTC; the CRM sends no zone).
pub fn now() -> String {
    let t = OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_as_date_and_time_without_zone() {
        let now = super::now();
        assert_eq!(now.len(), 19, "{now}");
        assert_eq!(&now[4..5], "-");
        assert_eq!(&now[10..11], " ");
        assert_eq!(&now[13..14], ":");
    }
}
