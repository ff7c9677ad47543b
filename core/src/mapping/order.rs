//! M2: a miniShop2 order as a RetailCRM `orders/create` payload.

use serde_json::{Map, Value, json};

use super::address::delivery_address;
use super::customer::customer_email;
use super::error::MappingError;
use super::ids::{external_id_from_num, payment_external_id};
use super::items::items;
use super::names::insert_names;
use super::read::{
    MAX_WEIGHT, amount, datetime, id_text, money, number, quantity, required_amount, text, within,
};

/// What the plugin gathers for one order; every row is a `toArray()` value or a raw row.
/// `None` (or JSON null) means the row does not exist or the package is not installed.
#[derive(Debug, Clone, Copy)]
pub struct OrderInput<'a> {
    /// The msOrder row.
    pub order: &'a Value,
    /// The msOrderAddress row whose `order_id` is the order's id (miniShop2 4.x).
    pub address: Option<&'a Value>,
    /// The msOrderProduct rows.
    pub products: &'a [Value],
    /// The msDelivery row of the order's `delivery`.
    pub delivery: Option<&'a Value>,
    /// The msPayment row of the order's `payment`.
    pub payment: Option<&'a Value>,
    /// The msOrderStatus row the order is created with, when it is known.
    pub status: Option<&'a Value>,
    /// The modUser row of the order's `user_id`.
    pub user: &'a Value,
    /// That user's modUserProfile row.
    pub profile: &'a Value,
    /// msPromoCode's `mspcOrder` row (`promocode`, `discount_amount`).
    pub promo: Option<&'a Value>,
}

/// The settings the order mapping reads (`modretailcrm_*` system settings).
#[derive(Debug, Clone, PartialEq)]
pub struct MappingSettings {
    /// `modretailcrm_add_crm_number`: also send `number` = `num`.
    pub add_crm_number: bool,
    /// `modretailcrm_allow_msoptionsprice`: items with a modification reference the offer
    /// `mod-{product}-{modification}`.
    pub allow_msoptionsprice: bool,
    /// The CRM custom field that receives the promo code (default `promocode`).
    pub promocode_field: String,
    /// Order weight × this = grams (default 1000: miniShop2 stores kilograms).
    pub weight_multiplier: f64,
    /// `orderMethod` of every order, when set.
    pub order_method: Option<String>,
    /// `countryIso` when the address country is not a two-letter code.
    pub default_country_iso: Option<String>,
    /// Name of the item that carries what the order costs beyond its products, discount and
    /// delivery (miniShop2's payment surcharge, e.g. `2%`).
    pub surcharge_name: String,
}

impl Default for MappingSettings {
    fn default() -> Self {
        Self {
            add_crm_number: false,
            allow_msoptionsprice: false,
            promocode_field: "promocode".into(),
            weight_multiplier: 1000.0,
            order_method: None,
            default_country_iso: None,
            surcharge_name: "Наценка за способ оплаты".into(),
        }
    }
}

/// A mapped order.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedOrder {
    /// The `order` object for `orders/create`.
    pub payload: Value,
    /// The order's `externalId` (also `payload.externalId`).
    pub external_id: String,
    /// What was not carried over, one readable line each: a delivery, payment or status
    /// without a CRM code, product options that could not be read. The order is still sent.
    pub unmapped: Vec<String>,
}

/// Maps an order (see the baseline table): ids, customer link, names, contacts, comment,
/// weight, promo code and discount, items, delivery, payment, status and order method.
///
/// The CRM total (Σ items − `discountManualAmount` + delivery `cost`) always equals the
/// order's `cost`: what `cost` exceeds it by (miniShop2 adds the payment's percentage to the
/// cart) becomes one item named [`MappingSettings::surcharge_name`]; what it falls short
/// by is added to the discount.
pub fn order(input: &OrderInput, settings: &MappingSettings) -> Result<MappedOrder, MappingError> {
    let row = input.order;
    let num = text(row, "num").ok_or_else(|| MappingError::missing("order.num"))?;
    let external_id = external_id_from_num(&num);
    let cost = required_amount(row, "cost", "order.cost")?;
    let delivery_cost = amount(row, "delivery_cost", "order.delivery_cost")?.unwrap_or(0);
    let address = present(input.address);
    let mut unmapped = Vec::new();

    let mut payload = Map::new();
    payload.insert("externalId".into(), Value::from(external_id.clone()));
    if settings.add_crm_number {
        payload.insert("number".into(), Value::from(num));
    }
    if let Some(created) = datetime(row, "createdon") {
        payload.insert("createdAt".into(), Value::from(created));
    }
    let status = code(present(input.status), "status", &mut unmapped);
    insert_some(&mut payload, "status", status);
    insert_some(&mut payload, "orderMethod", settings.order_method.clone());
    if let Some(user_id) = id_text(row, "user_id") {
        payload.insert("customer".into(), json!({ "externalId": user_id }));
    }
    let receiver = address.and_then(|address| text(address, "receiver"));
    insert_names(
        &mut payload,
        receiver
            .or_else(|| text(input.profile, "fullname"))
            .as_deref(),
    );
    let phone = address
        .and_then(|address| text(address, "phone"))
        .or_else(|| text(input.profile, "phone"))
        .or_else(|| text(input.profile, "mobilephone"));
    insert_some(&mut payload, "phone", phone);
    let email = address
        .and_then(|address| text(address, "email"))
        .or_else(|| customer_email(input.user, input.profile));
    insert_some(&mut payload, "email", email);
    insert_some(
        &mut payload,
        "customerComment",
        address.and_then(|a| text(a, "comment")),
    );
    let weight = number(row, "weight", "order.weight")?.unwrap_or(0.0) * settings.weight_multiplier;
    if weight > 0.0 {
        within(weight, MAX_WEIGHT, "order.weight")?;
        payload.insert("weight".into(), quantity(weight));
    }

    let promo = present(input.promo);
    let promocode = promo.and_then(|promo| text(promo, "promocode"));
    let mut discount = match promo {
        Some(promo) => amount(promo, "discount_amount", "promo.discount_amount")?.unwrap_or(0),
        None => 0,
    };
    let mut mapped_items = items(input.products, settings.allow_msoptionsprice)?;
    unmapped.extend(
        mapped_items
            .unreadable_options
            .iter()
            .map(|path| format!("{path} could not be read")),
    );
    let gap = cost - (mapped_items.total_cents - discount + delivery_cost);
    if gap > 0 {
        mapped_items.items.push(json!({
            "productName": settings.surcharge_name,
            "initialPrice": money(gap),
            "quantity": 1,
        }));
    } else {
        discount -= gap;
    }
    if discount > 0 {
        payload.insert("discountManualAmount".into(), money(discount));
    }
    if let Some(promocode) = promocode {
        payload.insert(
            "customFields".into(),
            json!({ settings.promocode_field.as_str(): promocode }),
        );
    }
    payload.insert("items".into(), Value::Array(mapped_items.items));

    let mut delivery = Map::new();
    insert_some(
        &mut delivery,
        "code",
        code(present(input.delivery), "delivery", &mut unmapped),
    );
    delivery.insert("cost".into(), money(delivery_cost));
    let default_iso = settings.default_country_iso.as_deref();
    insert_some(
        &mut delivery,
        "address",
        address.and_then(|a| delivery_address(a, default_iso)),
    );
    payload.insert("delivery".into(), Value::Object(delivery));

    // RetailCRM requires a payment's type: without a code the order goes without a payment
    // (listed in `unmapped`) rather than being refused whole.
    if let Some(kind) = code(present(input.payment), "payment", &mut unmapped) {
        payload.insert(
            "payments".into(),
            json!([{
                "externalId": payment_external_id(&external_id),
                "type": kind,
                "amount": money(cost),
            }]),
        );
    }

    Ok(MappedOrder {
        payload: Value::Object(payload),
        external_id,
        unmapped,
    })
}

/// The row unless it is absent or JSON null.
fn present(row: Option<&Value>) -> Option<&Value> {
    row.filter(|row| !row.is_null())
}

/// The CRM code of a delivery, payment or status row (its `retailcrm_{kind}_code`); a row
/// without one is listed in `unmapped` as `{kind} {id} ({name}) has no retailcrm_{kind}_code`.
pub(super) fn code(row: Option<&Value>, kind: &str, unmapped: &mut Vec<String>) -> Option<String> {
    let row = row?;
    let column = format!("retailcrm_{kind}_code");
    let found = text(row, &column);
    if found.is_none() {
        let id = id_text(row, "id").unwrap_or_else(|| "?".into());
        let name = text(row, "name").unwrap_or_default();
        unmapped.push(format!("{kind} {id} ({name}) has no {column}"));
    }
    found
}

/// Inserts `key` when `value` is present.
fn insert_some(payload: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        payload.insert(key.into(), value.into());
    }
}
