//! The store: offers with stock per warehouse and prices per price type. Offers come from the
//! catalogue (RetailCRM imports the shop's ICML; here the control API loads them, see
//! [`Store::load_offers`]); an upload naming an offer the catalogue lacks, by `id`,
//! `externalId` or `xmlId`, reports it in `notFoundOffers` and creates nothing, as RetailCRM
//! does. Each offer is also its own product.

use super::fields::{Object, id, money, number, pick, text};
use super::filter::{Rule, Rules, matches};
use super::paging::Paging;
use crate::seed::Seed;
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::{Value, json};

/// The filters of `store/inventories`, `store/offers` and `store/products`.
const FILTERS: &Rules = &[
    ("ids", Rule::AnyOf("id")),
    ("externalIds", Rule::AnyOf("externalId")),
    ("xmlIds", Rule::AnyOf("xmlId")),
    ("name", Rule::Contains(&["name"])),
];

/// The offers, oldest first; an offer's id is its position plus one.
#[derive(Debug, Clone, Default)]
pub struct Store {
    offers: Vec<Object>,
}

/// Which view of the offers a store list answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `store/inventories`: stock per warehouse.
    Inventories,
    /// `store/offers`: offers with prices.
    Offers,
    /// `store/products`: one product per offer.
    Products,
}

impl Store {
    /// Every offer as stored.
    pub fn rows(&self) -> &[Object] {
        &self.offers
    }

    /// Sets stock from `[{externalId|xmlId|id, stores: [{code, available, purchasePrice}]}]`.
    pub fn upload_inventories(
        &mut self,
        seed: &Seed,
        offers: Vec<Value>,
    ) -> Result<Value, ApiError> {
        let mut errors = FieldErrors::default();
        for (i, offer) in offers.iter().enumerate() {
            if !offer.get("stores").is_some_and(Value::is_array) {
                errors.add(
                    format!("offers[{i}].stores"),
                    "This value should not be blank.",
                );
            }
            let stores = list_under(offer, "stores");
            for (j, store) in stores.iter().enumerate() {
                let field = format!("offers[{i}].stores[{j}]");
                let code = code_of(store);
                if !seed.stores().contains(code) {
                    errors.add(
                        format!("{field}.code"),
                        format!("Store \"{code}\" does not exist."),
                    );
                }
                check_number(
                    store.get("available"),
                    &format!("{field}.available"),
                    &mut errors,
                );
                check_number(
                    store.get("purchasePrice"),
                    &format!("{field}.purchasePrice"),
                    &mut errors,
                );
            }
        }
        errors.check(ApiError::entity_format)?;
        Ok(self.update_each(offers, "stores", |offer, stock| {
            for store in stock.as_array().into_iter().flatten() {
                let code = store
                    .get("code")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let mut level = Object::new();
                level.insert(
                    "available".into(),
                    store
                        .get("available")
                        .and_then(number)
                        .map_or(Value::Null, money),
                );
                if let Some(price) = store.get("purchasePrice").and_then(number) {
                    level.insert("purchasePrice".into(), money(price));
                }
                if let Some(stores) = entry(offer, "stores") {
                    stores.insert(code, Value::Object(level));
                }
            }
        }))
    }

    /// Sets prices from `[{externalId|xmlId|id, site, prices: [{code, price}]}]`.
    pub fn upload_prices(&mut self, seed: &Seed, prices: Vec<Value>) -> Result<Value, ApiError> {
        let mut errors = FieldErrors::default();
        for (i, offer) in prices.iter().enumerate() {
            if let Some(site) = offer.get("site") {
                let site = text(site).unwrap_or_default();
                if !seed.sites().contains(&site) {
                    errors.add(
                        format!("prices[{i}].site"),
                        format!("Site with code \"{site}\" does not exist."),
                    );
                }
            }
            let entries = list_under(offer, "prices");
            for (j, price) in entries.iter().enumerate() {
                let field = format!("prices[{i}].prices[{j}]");
                let code = code_of(price);
                if !seed.price_types().contains(code) {
                    errors.add(
                        format!("{field}.code"),
                        format!("Price type \"{code}\" does not exist."),
                    );
                }
                if price.get("price").and_then(number).is_none() {
                    errors.add(format!("{field}.price"), "This value should be a number.");
                }
            }
        }
        errors.check(ApiError::entity_format)?;
        Ok(self.update_each(prices, "prices", |offer, list| {
            for price in list.as_array().into_iter().flatten() {
                let code = price
                    .get("code")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let amount = price
                    .get("price")
                    .and_then(number)
                    .map_or(Value::Null, money);
                if let Some(prices) = entry(offer, "prices") {
                    prices.insert(code, amount);
                }
            }
        }))
    }

    /// Applies `update` to the offer each upload entry names, with the entry's `field`;
    /// answers `{processedOffersCount, notFoundOffers}`.
    fn update_each(
        &mut self,
        entries: Vec<Value>,
        field: &str,
        update: impl Fn(&mut Object, &Value),
    ) -> Value {
        let mut processed = 0;
        let mut not_found = Vec::new();
        for entry in entries {
            let Value::Object(entry) = entry else {
                continue;
            };
            match self.locate(&entry) {
                Some(index) => {
                    update(
                        &mut self.offers[index],
                        entry.get(field).unwrap_or(&Value::Null),
                    );
                    processed += 1;
                }
                None => not_found.push(Value::Object(pick(&entry, &["id", "externalId", "xmlId"]))),
            }
        }
        json!({"processedOffersCount": processed, "notFoundOffers": not_found})
    }

    /// The position of the offer an entry names: by `id`, else by `externalId` or `xmlId`.
    fn locate(&self, entry: &Object) -> Option<usize> {
        if let Some(raw) = entry.get("id") {
            let index = usize::try_from(id(raw)?.checked_sub(1)?).ok()?;
            return (index < self.offers.len()).then_some(index);
        }
        let key = ["externalId", "xmlId"]
            .into_iter()
            .find_map(|name| Some((name, text(entry.get(name)?)?)))?;
        self.offers
            .iter()
            .position(|offer| offer.get(key.0).and_then(Value::as_str) == Some(key.1.as_str()))
    }

    /// Loads catalogue offers `[{externalId?, xmlId?, name?}]`, as RetailCRM's catalogue
    /// import would: an entry naming a known offer (by `externalId`, else `xmlId`) renames
    /// it, any other becomes a new offer (ids in order). Answers the offers' ids; `None`
    /// when an entry has neither `externalId` nor `xmlId` (nothing is loaded then).
    pub fn load_offers(&mut self, entries: &[Object]) -> Option<Vec<u64>> {
        let named = |entry: &Object| {
            ["externalId", "xmlId"]
                .iter()
                .any(|name| entry.get(*name).and_then(text).is_some())
        };
        if !entries.iter().all(named) {
            return None;
        }
        let mut ids = Vec::new();
        for entry in entries {
            let mut key = entry.clone();
            key.shift_remove("id");
            let index = match self.locate(&key) {
                Some(index) => index,
                None => self.add_offer(entry),
            };
            if let Some(name) = entry.get("name").and_then(text) {
                self.offers[index].insert("name".into(), Value::String(name));
            }
            ids.push(index as u64 + 1);
        }
        Some(ids)
    }

    /// A new offer named like `entry`, with no stock and no prices; answers its position.
    fn add_offer(&mut self, entry: &Object) -> usize {
        let mut offer = Object::new();
        offer.insert("id".into(), Value::from(self.offers.len() + 1));
        for name in ["externalId", "xmlId", "name"] {
            if let Some(value) = entry.get(name).and_then(text) {
                offer.insert(name.into(), Value::String(value));
            }
        }
        offer.insert("stores".into(), Value::Object(Object::new()));
        offer.insert("prices".into(), Value::Object(Object::new()));
        self.offers.push(offer);
        self.offers.len() - 1
    }

    /// A page of the offers `filter` selects, shaped for `view`, and its pagination.
    pub fn list(&self, view: View, filter: &Object, paging: &Paging) -> (Vec<Value>, Value) {
        let selected: Vec<&Object> = self
            .offers
            .iter()
            .filter(|offer| matches(offer, filter, FILTERS))
            .collect();
        let (page, pagination) = paging.apply(selected);
        let shaped = page
            .into_iter()
            .map(|offer| match view {
                View::Inventories => inventory(offer),
                View::Offers => offer_view(offer),
                View::Products => json!({
                    "id": offer.get("id"),
                    "name": offer.get("name"),
                    "quantity": quantity(offer),
                    "offers": [offer_view(offer)],
                }),
            })
            .collect();
        (shaped, pagination)
    }
}

fn check_number(value: Option<&Value>, field: &str, errors: &mut FieldErrors) {
    if value.is_some_and(|value| number(value).is_none()) {
        errors.add(field, "This value should be a number.");
    }
}

/// The object under `key` in `offer` (every offer has `stores` and `prices`).
fn entry<'a>(offer: &'a mut Object, key: &str) -> Option<&'a mut Object> {
    offer.get_mut(key).and_then(Value::as_object_mut)
}

fn quantity(offer: &Object) -> Value {
    let total: f64 = offer
        .get("stores")
        .and_then(Value::as_object)
        .map(|stores| {
            stores
                .values()
                .filter_map(|s| s.get("available").and_then(number))
                .sum()
        })
        .unwrap_or(0.0);
    money(total)
}

fn inventory(offer: &Object) -> Value {
    let stores: Vec<Value> = offer
        .get("stores")
        .and_then(Value::as_object)
        .map(|stores| {
            stores
                .iter()
                .map(|(code, level)| {
                    json!({"store": code, "quantity": level.get("available"), "purchasePrice": level.get("purchasePrice")})
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": offer.get("id"),
        "externalId": offer.get("externalId"),
        "xmlId": offer.get("xmlId"),
        "quantity": quantity(offer),
        "stores": stores,
    })
}

fn offer_view(offer: &Object) -> Value {
    let prices: Vec<Value> = offer
        .get("prices")
        .and_then(Value::as_object)
        .map(|prices| {
            prices
                .iter()
                .map(|(code, price)| json!({"priceType": code, "price": price}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": offer.get("id"),
        "externalId": offer.get("externalId"),
        "xmlId": offer.get("xmlId"),
        "name": offer.get("name"),
        "quantity": quantity(offer),
        "prices": prices,
    })
}

/// The list under `key` of `value`, empty when it is missing or not a list.
fn list_under<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// The `code` of a row, empty when it has none.
fn code_of(row: &Value) -> &str {
    row.get("code").and_then(Value::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::paging::STORE_LIMITS;

    fn paging() -> Paging {
        Paging::parse(None, None, 20, STORE_LIMITS).expect("valid")
    }

    #[test]
    fn uploads_update_catalogue_offers_and_views_show_stock_and_prices() {
        let seed = Seed::default();
        let mut store = Store::default();
        let catalogue = json!({"externalId": "5"})
            .as_object()
            .cloned()
            .expect("object");
        assert_eq!(store.load_offers(&[catalogue]), Some(vec![1]));
        let stock = json!([{"externalId": "5", "stores": [{"code": "main", "available": 7, "purchasePrice": 10}]},
                           {"id": 99, "stores": []}, {"xmlId": "new", "stores": []}]);
        let answer = store
            .upload_inventories(&seed, stock.as_array().cloned().expect("list"))
            .expect("valid");
        assert_eq!(
            answer,
            json!({"processedOffersCount": 1, "notFoundOffers": [{"id": 99}, {"xmlId": "new"}]})
        );
        assert_eq!(store.rows().len(), 1);
        let prices = json!([{"externalId": "5", "site": "shop", "prices": [{"code": "base", "price": "1000.5"}]}]);
        store
            .upload_prices(&seed, prices.as_array().cloned().expect("list"))
            .expect("valid");
        let (inventories, _) = store.list(View::Inventories, &Object::new(), &paging());
        assert_eq!(
            inventories,
            [
                json!({"id": 1, "externalId": "5", "xmlId": null, "quantity": 7,
                    "stores": [{"store": "main", "quantity": 7, "purchasePrice": 10}]})
            ]
        );
        let (offers, pagination) = store.list(View::Offers, &Object::new(), &paging());
        assert_eq!(
            offers[0]["prices"],
            json!([{"priceType": "base", "price": 1000.5}])
        );
        assert_eq!(pagination["totalCount"], 1);
        let (products, _) = store.list(View::Products, &Object::new(), &paging());
        assert_eq!(products[0]["offers"][0]["id"], 1);
    }

    #[test]
    fn refuses_unknown_stores_and_price_types() {
        let seed = Seed::default();
        let mut store = Store::default();
        let stock = json!([{"externalId": "5", "stores": [{"code": "attic", "available": "x"}]}]);
        assert!(
            store
                .upload_inventories(&seed, stock.as_array().cloned().expect("list"))
                .is_err()
        );
        let no_stores = json!([{"externalId": "5"}]);
        let refused = store
            .upload_inventories(&seed, no_stores.as_array().cloned().expect("list"))
            .expect_err("stores are required");
        assert_eq!(
            refused.body()["errors"],
            json!({"offers[0].stores": "This value should not be blank."})
        );
        let prices = json!([{"externalId": "5", "site": "nowhere", "prices": [{"code": "vip", "price": 1}]}]);
        assert!(
            store
                .upload_prices(&seed, prices.as_array().cloned().expect("list"))
                .is_err()
        );
        assert!(store.rows().is_empty());
    }
}
