//! Pages of lists: `limit` and `page` in, `pagination` out.

use super::fields::id;
use crate::wire::error::{ApiError, field_error};
use serde_json::{Value, json};

/// Page sizes of customer, order and history lists.
pub const LIST_LIMITS: &[usize] = &[20, 50, 100];

/// Page sizes of store lists, which also allow 250.
pub const STORE_LIMITS: &[usize] = &[20, 50, 100, 250];

/// Which page of a list to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    limit: usize,
    page: usize,
}

impl Paging {
    /// Reads the `limit` and `page` parameters: `limit` one of `allowed` (`default` when
    /// absent), `page` from 1.
    pub fn parse(
        limit: Option<&Value>,
        page: Option<&Value>,
        default: usize,
        allowed: &[usize],
    ) -> Result<Paging, ApiError> {
        let limit = match limit {
            None => default,
            Some(value) => id(value)
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| allowed.contains(n))
                .ok_or_else(|| {
                    let choices: Vec<String> = allowed.iter().map(usize::to_string).collect();
                    ApiError::input(field_error(
                        "limit",
                        format!(
                            "The value you selected is not a valid choice: use {}.",
                            choices.join(", ")
                        ),
                    ))
                })?,
        };
        let page = match page {
            None => 1,
            Some(value) => id(value)
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    ApiError::input(field_error(
                        "page",
                        "This value should be greater than or equal to 1.",
                    ))
                })?,
        };
        Ok(Paging { limit, page })
    }

    /// This page of `items`, and the `pagination` object describing it.
    pub fn apply<T>(&self, items: Vec<T>) -> (Vec<T>, Value) {
        let total = items.len();
        let start = (self.page - 1).saturating_mul(self.limit);
        let page: Vec<T> = items.into_iter().skip(start).take(self.limit).collect();
        let pagination = json!({
            "limit": self.limit,
            "totalCount": total,
            "currentPage": self.page,
            "totalPageCount": total.div_ceil(self.limit),
        });
        (page, pagination)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_pages_and_describes_them() {
        let paging =
            Paging::parse(Some(&json!("20")), Some(&json!(2)), 20, LIST_LIMITS).expect("valid");
        let (page, pagination) = paging.apply((1..=26).collect::<Vec<u32>>());
        assert_eq!(page, (21..=26).collect::<Vec<u32>>());
        assert_eq!(
            pagination,
            json!({"limit": 20, "totalCount": 26, "currentPage": 2, "totalPageCount": 2})
        );
        let (empty, pagination) = Paging::parse(None, None, 100, LIST_LIMITS)
            .expect("valid")
            .apply(Vec::<u32>::new());
        assert!(empty.is_empty());
        assert_eq!(pagination["totalPageCount"], 0);
    }

    #[test]
    fn refuses_other_limits_and_pages_below_one() {
        assert!(Paging::parse(Some(&json!(10)), None, 20, LIST_LIMITS).is_err());
        assert!(Paging::parse(Some(&json!(250)), None, 20, LIST_LIMITS).is_err());
        assert!(Paging::parse(Some(&json!(250)), None, 20, STORE_LIMITS).is_ok());
        assert!(Paging::parse(None, Some(&json!("0")), 20, LIST_LIMITS).is_err());
    }
}
