//! What an ICML catalogue holds: the shop header, categories and offers, as plain values.
//!
//! Text fields are written as given, with characters XML 1.0 forbids removed; numbers are
//! rounded where they are written ([`MONEY_PLACES`], [`MEASURE_PLACES`]). An [`Offer`]'s
//! texts are [`Cow`]s, so an offer mapped from a shop's array borrows its strings instead of
//! copying them (`"text".into()` and `String::into()` both work).

use std::borrow::Cow;

use crate::icml::decimal::Decimal;
use crate::icml::error::Error;
use crate::icml::text;

/// Decimal places of money (`price`, `purchasePrice`) and of `vatRate`.
pub const MONEY_PLACES: u32 = 2;
/// Decimal places of measures and amounts (`weight` in kg, `dimensions` in cm, `quantity`).
pub const MEASURE_PLACES: u32 = 3;

/// The `<shop>` header and the catalogue date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shop {
    /// `<name>`: the shop's name.
    pub name: String,
    /// `<company>`: the company behind it.
    pub company: String,
    /// `yml_catalog@date`, `Y-m-d H:i:s`; the current UTC time when `None`.
    pub date: Option<String>,
}

impl Shop {
    /// Checks that name and company are not blank and the date has the `Y-m-d H:i:s` form.
    pub fn validate(&self) -> Result<(), Error> {
        if blank(&self.name) {
            return Err(Error::Shop("name is missing".into()));
        }
        if blank(&self.company) {
            return Err(Error::Shop("company is missing".into()));
        }
        match &self.date {
            Some(date) if !is_date_time(date) => Err(Error::Shop(format!(
                "date must have the form Y-m-d H:i:s, got {date:?}"
            ))),
            _ => Ok(()),
        }
    }
}

/// `<category id parentId>name</category>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Category {
    /// `id`: unique among the categories.
    pub id: String,
    /// The category's name.
    pub name: String,
    /// `parentId`: left out when no category with that id is in the catalogue.
    pub parent_id: Option<String>,
}

impl Category {
    /// Checks that id and name are not blank.
    pub fn validate(&self) -> Result<(), Error> {
        if blank(&self.id) {
            return Err(Error::category(None, "id is missing"));
        }
        if blank(&self.name) {
            return Err(Error::category(Some(&self.id), "name is missing"));
        }
        Ok(())
    }
}

/// `<param name code>value</param>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Param<'a> {
    /// `name`: what the shop calls it (`Цвет`).
    pub name: Cow<'a, str>,
    /// `code`: a stable key (`color`; `article` for the article number).
    pub code: Option<Cow<'a, str>>,
    /// The value.
    pub value: Cow<'a, str>,
}

/// `<unit code name sym/>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit<'a> {
    /// `code` (`pcs`).
    pub code: Cow<'a, str>,
    /// `name` (`Штука`).
    pub name: Option<Cow<'a, str>>,
    /// `sym` (`шт.`).
    pub sym: Option<Cow<'a, str>>,
}

/// `<vatRate>`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VatRate {
    /// A percentage from 0 to 100.
    Percent(Decimal),
    /// `none`: not subject to VAT.
    None,
}

/// `<dimensions>L/W/H</dimensions>`, in centimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dimensions {
    /// Length.
    pub length: Decimal,
    /// Width.
    pub width: Decimal,
    /// Height.
    pub height: Decimal,
}

/// `<offer id productId quantity>`: one thing that can be ordered. Elements are written in
/// the order of the fields; `None` and empty lists are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Offer<'a> {
    /// `id`: what orders reference as `items[].offer.externalId`.
    pub id: Cow<'a, str>,
    /// `productId`: offers sharing it are variants of one product.
    pub product_id: Option<Cow<'a, str>>,
    /// `quantity` in stock.
    pub quantity: Option<Decimal>,
    /// `<url>`: the product page.
    pub url: Option<Cow<'a, str>>,
    /// `<price>`.
    pub price: Option<Decimal>,
    /// `<purchasePrice>`.
    pub purchase_price: Option<Decimal>,
    /// `<categoryId>` elements; ids not among the catalogue's categories are left out.
    pub category_ids: Vec<Cow<'a, str>>,
    /// `<picture>` elements (absolute URLs).
    pub pictures: Vec<Cow<'a, str>>,
    /// `<name>`: the offer's name.
    pub name: Cow<'a, str>,
    /// `<productName>`: the product's name; the offer's name when `None`.
    pub product_name: Option<Cow<'a, str>>,
    /// `<xmlId>`.
    pub xml_id: Option<Cow<'a, str>>,
    /// `<param>` elements.
    pub params: Vec<Param<'a>>,
    /// `<vendor>`: the manufacturer's name.
    pub vendor: Option<Cow<'a, str>>,
    /// `<unit>`.
    pub unit: Option<Unit<'a>>,
    /// `<vatRate>`.
    pub vat_rate: Option<VatRate>,
    /// `<barcode>` elements.
    pub barcodes: Vec<Cow<'a, str>>,
    /// `<weight>` in kilograms.
    pub weight: Option<Decimal>,
    /// `<dimensions>` in centimetres.
    pub dimensions: Option<Dimensions>,
    /// `<productActivity>`: `Y` when the product is active, `N` when not.
    pub product_activity: Option<bool>,
}

impl Offer<'_> {
    /// Checks what the writer requires: an id and a name, no negative price, quantity or
    /// measure, a VAT rate from 0 to 100, a name for every param, a code for the unit, and
    /// no blank entries in the lists.
    pub fn validate(&self) -> Result<(), Error> {
        if blank(&self.id) {
            return Err(Error::offer(None, "id is missing"));
        }
        let fail = |message: String| Err(Error::offer(Some(&self.id), message));
        if blank(&self.name) {
            return fail("name is missing".into());
        }
        let optional_texts = [
            ("productId", &self.product_id),
            ("url", &self.url),
            ("productName", &self.product_name),
            ("xmlId", &self.xml_id),
            ("vendor", &self.vendor),
        ];
        for (field, value) in optional_texts {
            if value.as_deref().is_some_and(blank) {
                return fail(format!("{field} is blank"));
            }
        }
        let lists = [
            ("categoryId", &self.category_ids),
            ("picture", &self.pictures),
            ("barcode", &self.barcodes),
        ];
        for (field, values) in lists {
            if values.iter().any(|value| blank(value)) {
                return fail(format!("{field} has a blank entry"));
            }
        }
        let dimensions = self
            .dimensions
            .iter()
            .flat_map(|d| [d.length, d.width, d.height]);
        let numbers = [
            ("price", self.price),
            ("purchasePrice", self.purchase_price),
            ("quantity", self.quantity),
            ("weight", self.weight),
        ];
        for (field, value) in numbers
            .into_iter()
            .chain(dimensions.map(|value| ("dimensions", Some(value))))
        {
            if let Some(value) = value.filter(|value| value.is_negative()) {
                return fail(format!("{field} must not be negative, got {value}"));
            }
        }
        match self.vat_rate {
            Some(VatRate::Percent(rate)) if rate.is_negative() || rate > Decimal::from(100) => {
                return fail(format!("vatRate must be from 0 to 100 or none, got {rate}"));
            }
            _ => {}
        }
        if self.params.iter().any(|param| blank(&param.name)) {
            return fail("a param has no name".into());
        }
        if self.unit.as_ref().is_some_and(|unit| blank(&unit.code)) {
            return fail("unit has no code".into());
        }
        Ok(())
    }
}

/// Whether `value` is empty once forbidden characters and whitespace are left out.
fn blank(value: &str) -> bool {
    text::is_blank(value)
}

/// Whether `value` has the form `YYYY-MM-DD HH:MM:SS` with plausible fields.
fn is_date_time(value: &str) -> bool {
    let bytes = value.as_bytes();
    let shape = b"0000-00-00 00:00:00";
    if bytes.len() != shape.len()
        || !bytes.iter().zip(shape).all(|(b, s)| {
            if *s == b'0' {
                b.is_ascii_digit()
            } else {
                b == s
            }
        })
    {
        return false;
    }
    let field = |range: std::ops::Range<usize>| value[range].parse::<u32>().unwrap_or(u32::MAX);
    (1..=12).contains(&field(5..7))
        && (1..=31).contains(&field(8..10))
        && field(11..13) < 24
        && field(14..16) < 60
        && field(17..19) < 60
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> Offer<'static> {
        Offer {
            id: "5".into(),
            name: "Shirt".into(),
            ..Offer::default()
        }
    }

    fn message(result: Result<(), Error>) -> String {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn a_minimal_offer_is_valid() {
        assert!(offer().validate().is_ok());
    }

    #[test]
    fn offer_errors_name_the_offer() {
        let cases: [(Offer, &str); 9] = [
            (
                Offer {
                    id: " \u{1} ".into(),
                    ..offer()
                },
                "offer without an id: id is missing",
            ),
            (
                Offer {
                    name: "".into(),
                    ..offer()
                },
                "offer \"5\": name is missing",
            ),
            (
                Offer {
                    price: Decimal::parse("-1.5").ok(),
                    ..offer()
                },
                "offer \"5\": price must not be negative, got -1.5",
            ),
            (
                Offer {
                    dimensions: Some(Dimensions {
                        length: Decimal::from(1),
                        width: Decimal::from(-2),
                        height: Decimal::from(3),
                    }),
                    ..offer()
                },
                "offer \"5\": dimensions must not be negative, got -2",
            ),
            (
                Offer {
                    vat_rate: Some(VatRate::Percent(Decimal::from(120))),
                    ..offer()
                },
                "offer \"5\": vatRate must be from 0 to 100 or none, got 120",
            ),
            (
                Offer {
                    pictures: vec!["a".into(), " ".into()],
                    ..offer()
                },
                "offer \"5\": picture has a blank entry",
            ),
            (
                Offer {
                    vendor: Some("".into()),
                    ..offer()
                },
                "offer \"5\": vendor is blank",
            ),
            (
                Offer {
                    params: vec![Param {
                        value: "x".into(),
                        ..Param::default()
                    }],
                    ..offer()
                },
                "offer \"5\": a param has no name",
            ),
            (
                Offer {
                    unit: Some(Unit::default()),
                    ..offer()
                },
                "offer \"5\": unit has no code",
            ),
        ];
        for (offer, expected) in cases {
            assert_eq!(message(offer.validate()), expected);
        }
    }

    #[test]
    fn shop_needs_name_company_and_a_well_formed_date() {
        let shop = Shop {
            name: "Shop".into(),
            company: "Company".into(),
            date: Some("2026-11-29 07:16:52".into()),
        };
        assert!(shop.validate().is_ok());
        for date in [
            "2026-11-29",
            "2026-13-01 00:00:00",
            "2026-11-29T07:16:52",
            "2026-11-29 24:00:00",
        ] {
            let bad = Shop {
                date: Some(date.into()),
                ..shop.clone()
            };
            assert!(
                message(bad.validate()).contains("date must have the form"),
                "{date}"
            );
        }
        let nameless = Shop {
            name: " ".into(),
            ..shop.clone()
        };
        assert_eq!(message(nameless.validate()), "shop name is missing");
        let no_company = Shop {
            company: String::new(),
            ..shop
        };
        assert_eq!(message(no_company.validate()), "shop company is missing");
    }

    #[test]
    fn categories_need_id_and_name() {
        let nameless = Category {
            id: "7".into(),
            ..Category::default()
        };
        assert_eq!(
            message(nameless.validate()),
            "category \"7\": name is missing"
        );
        assert_eq!(
            message(Category::default().validate()),
            "category without an id: id is missing"
        );
    }
}
