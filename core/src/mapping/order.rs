//! M2: a miniShop2 order as a RetailCRM `orders/create` payload.

use serde_json::{Map, Value, json};

use super::address::delivery_address;
use super::customer::customer_email;
use super::error::MappingError;
use super::ids::{external_id_from_num, payment_external_id};
use super::items::items;
use super::names::insert_names;
use super::read::{
    MAX_WEIGHT, amount, datetime, id_text, money, multiline, number, quantity, required_amount,
    text, within,
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

impl<'a> OrderInput<'a> {
    /// The order `rows` hold, named as the plugin gathers them for a new order: `order`,
    /// `user` and `profile` (required), `address`, `products` (a list), `delivery`,
    /// `payment`, `status`, `promo`.
    pub fn from_rows(rows: &'a Value) -> Result<OrderInput<'a>, MappingError> {
        let part = |name: &str| rows.get(name).filter(|v| !v.is_null());
        let required = |name: &str| part(name).ok_or_else(|| MappingError::missing(name));
        let products: &[Value] = match part("products") {
            Some(Value::Array(products)) => products,
            None => &[],
            Some(_) => return Err(MappingError::invalid("products", "not a list")),
        };
        Ok(OrderInput {
            order: required("order")?,
            address: part("address"),
            products,
            delivery: part("delivery"),
            payment: part("payment"),
            status: part("status"),
            user: required("user")?,
            profile: required("profile")?,
            promo: part("promo"),
        })
    }
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
    insert_some(&mut payload, "createdAt", datetime(row, "createdon"));
    let status = code(present(input.status), "status", &mut unmapped);
    insert_some(&mut payload, "status", status);
    insert_some(&mut payload, "orderMethod", settings.order_method.clone());
    insert_contact(&mut payload, input, address);
    insert_weight(&mut payload, row, settings.weight_multiplier)?;
    insert_items(
        &mut payload,
        input,
        settings,
        cost - delivery_cost,
        &mut unmapped,
    )?;
    let delivery = delivery(input, address, settings, delivery_cost, &mut unmapped);
    payload.insert("delivery".into(), delivery);
    let payments = payments(input, &external_id, cost, &mut unmapped);
    insert_some(&mut payload, "payments", payments);

    Ok(MappedOrder {
        payload: Value::Object(payload),
        external_id,
        unmapped,
    })
}

/// The text fields an order update names even when the shop has them empty, as `""`, so
/// that the CRM empties them too (an edit leaves out what it does not name).
const TEXTS_CLEARED_BY_UPDATE: [&str; 7] = [
    "firstName",
    "lastName",
    "patronymic",
    "phone",
    "email",
    "customerComment",
    "managerComment",
];

/// The numbers an order update names even when the shop has none, as `0`.
const NUMBERS_CLEARED_BY_UPDATE: [&str; 2] = ["discountManualAmount", "weight"];

/// The parts of a delivery address an update clears when the shop has them empty.
const ADDRESS_CLEARED_BY_UPDATE: [&str; 7] = [
    "index", "region", "city", "metro", "street", "building", "flat",
];

/// An order edited in the manager (M2 for `orders/{externalId}/edit`): the whole current
/// order as [`order`] maps it — its items replace the CRM's, delivery, address, discount and
/// payment amount are the order's now, so that the CRM total again equals `cost` — without
/// its status (status changes go their own way, under the sync rules), naming the fields
/// the shop has empty ([`TEXTS_CLEARED_BY_UPDATE`], [`NUMBERS_CLEARED_BY_UPDATE`],
/// [`ADDRESS_CLEARED_BY_UPDATE`]) so that the CRM empties them too. `payments` is kept for
/// the delivery, which edits the payment on its own.
pub fn order_update(
    input: &OrderInput,
    settings: &MappingSettings,
) -> Result<MappedOrder, MappingError> {
    let mut mapped = order(input, settings)?;
    if let Value::Object(payload) = &mut mapped.payload {
        payload.shift_remove("status");
        for key in TEXTS_CLEARED_BY_UPDATE {
            payload.entry(key).or_insert_with(|| json!(""));
        }
        for key in NUMBERS_CLEARED_BY_UPDATE {
            payload.entry(key).or_insert_with(|| json!(0));
        }
        let address = payload
            .get_mut("delivery")
            .and_then(|delivery| delivery.get_mut("address"));
        if let Some(Value::Object(address)) = address {
            for key in ADDRESS_CLEARED_BY_UPDATE {
                address.entry(key).or_insert_with(|| json!(""));
            }
        }
    }
    Ok(mapped)
}

/// The customer link (`customer.externalId` = the order's `user_id`), the names, `phone`,
/// `email` and `customerComment`: from the order's address row first, then the profile
/// (and, for the email, a username that is an email); `managerComment` from the order's
/// operator comment (`order_comment`). Comments keep their line breaks.
fn insert_contact(payload: &mut Map<String, Value>, input: &OrderInput, address: Option<&Value>) {
    if let Some(user_id) = id_text(input.order, "user_id") {
        payload.insert("customer".into(), json!({ "externalId": user_id }));
    }
    let from_address = |key: &str| address.and_then(|address| text(address, key));
    let receiver = from_address("receiver").or_else(|| text(input.profile, "fullname"));
    insert_names(payload, receiver.as_deref());
    let phone = from_address("phone")
        .or_else(|| text(input.profile, "phone"))
        .or_else(|| text(input.profile, "mobilephone"));
    insert_some(payload, "phone", phone);
    let email = from_address("email").or_else(|| customer_email(input.user, input.profile));
    insert_some(payload, "email", email);
    let comment = address.and_then(|address| multiline(address, "comment"));
    insert_some(payload, "customerComment", comment);
    insert_some(
        payload,
        "managerComment",
        multiline(input.order, "order_comment"),
    );
}

/// `weight` in grams (the order's `weight` × `multiplier`), when above zero.
fn insert_weight(
    payload: &mut Map<String, Value>,
    row: &Value,
    multiplier: f64,
) -> Result<(), MappingError> {
    let weight = number(row, "weight", "order.weight")?.unwrap_or(0.0) * multiplier;
    if weight > 0.0 {
        within(weight, MAX_WEIGHT, "order.weight")?;
        payload.insert("weight".into(), quantity(weight));
    }
    Ok(())
}

/// `discountManualAmount`, the promo code's custom field and `items`, balanced so that the
/// items less the discount come to `cart_cents` (the order's cost without delivery, see
/// [`order`]); unreadable product options are listed in `unmapped`.
fn insert_items(
    payload: &mut Map<String, Value>,
    input: &OrderInput,
    settings: &MappingSettings,
    cart_cents: i64,
    unmapped: &mut Vec<String>,
) -> Result<(), MappingError> {
    let promo = present(input.promo);
    let promocode = promo.and_then(|promo| text(promo, "promocode"));
    let mut discount = match promo {
        Some(promo) => amount(promo, "discount_amount", "promo.discount_amount")?.unwrap_or(0),
        None => 0,
    };
    let mut mapped = items(input.products, settings.allow_msoptionsprice)?;
    unmapped.extend(
        mapped
            .unreadable_options
            .iter()
            .map(|path| format!("{path} could not be read")),
    );
    let gap = cart_cents - (mapped.total_cents - discount);
    if gap > 0 {
        mapped.items.push(json!({
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
    payload.insert("items".into(), Value::Array(mapped.items));
    Ok(())
}

/// The `delivery` object: its CRM `code` (a delivery without one is listed in `unmapped`),
/// `cost` and the `address` of the order's address row.
fn delivery(
    input: &OrderInput,
    address: Option<&Value>,
    settings: &MappingSettings,
    delivery_cost: i64,
    unmapped: &mut Vec<String>,
) -> Value {
    let mut delivery = Map::new();
    let code = code(present(input.delivery), "delivery", unmapped);
    insert_some(&mut delivery, "code", code);
    delivery.insert("cost".into(), money(delivery_cost));
    let default_iso = settings.default_country_iso.as_deref();
    let address = address.and_then(|address| delivery_address(address, default_iso));
    insert_some(&mut delivery, "address", address);
    Value::Object(delivery)
}

/// The order's one payment (`externalId`, `type`, `amount` = the order's cost), when its
/// payment row has a CRM code. RetailCRM requires a payment's type: without a code the order
/// goes without a payment (listed in `unmapped`) rather than being refused whole.
fn payments(
    input: &OrderInput,
    external_id: &str,
    cost: i64,
    unmapped: &mut Vec<String>,
) -> Option<Value> {
    let kind = code(present(input.payment), "payment", unmapped)?;
    Some(json!([{
        "externalId": payment_external_id(external_id),
        "type": kind,
        "amount": money(cost),
    }]))
}

/// The row unless it is absent or JSON null.
pub(super) fn present(row: Option<&Value>) -> Option<&Value> {
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
