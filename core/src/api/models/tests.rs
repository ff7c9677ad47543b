//! Models against JSON shaped like real RetailCRM answers.

use super::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// `json` deserialised as `T`; a failure names the serde error.
fn parse<T: DeserializeOwned>(json: Value) -> T {
    serde_json::from_value(json).unwrap_or_else(|err| panic!("{err}"))
}

/// The order of an `orders/{id}` answer as the CRM sends it: PHP's `[]` for empty objects,
/// payments and item properties keyed by id and code, numbers as floats and strings, nulls,
/// fields the models do not know.
fn order_answer() -> Value {
    json!({
        "slug": 4811, "id": 4811, "number": "2311/12", "externalId": "2311-12",
        "orderType": "eshop-individual", "orderMethod": "shopping-cart", "site": "shop",
        "status": "new", "createdAt": "2026-01-15 10:20:30",
        "firstName": "Иван", "lastName": "Петров", "patronymic": null,
        "phone": "+79001234567", "email": "ivan@example.com", "call": false,
        "weight": 1250.0, "summ": "3499.00", "totalSumm": 3799, "prepaySum": 0,
        "customFields": [],
        "customer": {
            "type": "customer", "id": 77, "externalId": "17", "firstName": "Иван",
            "phones": [{"number": "+79001234567"}],
        },
        "items": [
            {
                "id": 9001, "initialPrice": 1500, "quantity": 2, "vatRate": "none",
                "productName": "Футболка",
                "offer": {"id": 301, "externalId": "5", "xmlId": "abc-5", "name": "Футболка XL"},
                "properties": {
                    "size": {"code": "size", "name": "Размер", "value": "XL"},
                    "color": {"code": "color", "name": "Цвет", "value": "красный"},
                },
            },
            {
                "id": 9002, "initialPrice": "499.5", "quantity": 1.0, "vatRate": 20,
                "offer": {"externalId": 6}, "properties": [],
            },
        ],
        "delivery": {
            "code": "courier", "cost": 300, "netCost": 0.0, "date": null, "address": [],
            "time": {"from": "10:00", "to": "18:00"},
        },
        "payments": {
            "5501": {
                "id": 5501, "type": "cash", "amount": 3799.0, "status": "not-paid",
                "externalId": 7,
            },
        },
    })
}

#[test]
fn order_answer_with_every_quirk() {
    let order: Order = parse(order_answer());
    assert_eq!(order.id, Some(4811));
    assert_eq!(order.external_id.as_deref(), Some("2311-12"));
    assert_eq!(order.patronymic, None);
    assert_eq!(order.call, Some(false));
    assert_eq!(
        (order.summ, order.total_summ, order.prepay_sum),
        (Some(3499.0), Some(3799.0), Some(0.0))
    );
    assert!(order.custom_fields.is_empty());
    assert_eq!(
        order.customer,
        Some(CustomerRef {
            id: Some(77),
            external_id: Some("17".into())
        })
    );

    let [first, second] = &order.items[..] else {
        panic!("two items expected: {:?}", order.items)
    };
    assert_eq!(
        (first.initial_price, first.quantity),
        (Some(1500.0), Some(2.0))
    );
    let codes: Vec<_> = first
        .properties
        .iter()
        .filter_map(|property| property.code.as_deref())
        .collect();
    assert_eq!(codes, ["size", "color"]);
    assert_eq!(first.properties[1].value.as_deref(), Some("красный"));
    assert_eq!(
        first
            .offer
            .as_ref()
            .and_then(|offer| offer.xml_id.as_deref()),
        Some("abc-5")
    );
    assert_eq!(
        (second.initial_price, second.vat_rate.as_deref()),
        (Some(499.5), Some("20"))
    );
    assert_eq!(
        second
            .offer
            .as_ref()
            .and_then(|offer| offer.external_id.as_deref()),
        Some("6")
    );
    assert!(second.properties.is_empty());

    let delivery = order.delivery.unwrap_or_default();
    assert_eq!(
        (delivery.cost, delivery.net_cost, delivery.address),
        (Some(300.0), Some(0.0), None)
    );
    assert_eq!(
        delivery.time.and_then(|time| time.to).as_deref(),
        Some("18:00")
    );

    let [payment] = &order.payments[..] else {
        panic!("one payment expected: {:?}", order.payments)
    };
    assert_eq!(
        (payment.id, payment.kind.as_deref(), payment.amount),
        (Some(5501), Some("cash"), Some(3799.0))
    );
    assert_eq!(payment.external_id.as_deref(), Some("7"));
}

#[test]
fn order_with_custom_fields_and_payment_list() {
    let order: Order = parse(json!({
        "customFields": {"tracking": "RA123", "gift": true, "boxes": 2},
        "payments": [{"type": "card", "amount": "100.50"}],
        "delivery": {
            "address": {"index": 101000, "city": "Москва", "floor": "3", "block": 2, "flat": 15},
        },
    }));
    assert_eq!(
        Value::Object(order.custom_fields),
        json!({"tracking": "RA123", "gift": true, "boxes": 2})
    );
    assert_eq!(order.payments[0].amount, Some(100.5));
    let address = order
        .delivery
        .and_then(|delivery| delivery.address)
        .unwrap_or_default();
    assert_eq!(
        (address.index.as_deref(), address.floor, address.block),
        (Some("101000"), Some(3), Some(2))
    );
    assert_eq!(address.flat.as_deref(), Some("15"));
}

/// An order as a shop sends it to `orders/create`.
fn new_order() -> Order {
    Order {
        external_id: Some("2311-12".into()),
        number: Some("2311/12".into()),
        first_name: Some("Иван".into()),
        email: Some("ivan+shop@example.com".into()),
        customer: Some(CustomerRef {
            external_id: Some("17".into()),
            ..Default::default()
        }),
        custom_fields: CustomFields::from_iter([("gift".to_string(), json!(true))]),
        items: vec![OrderItem {
            offer: Some(Offer {
                external_id: Some("5".into()),
                ..Default::default()
            }),
            initial_price: Some(1500.0),
            quantity: Some(1.5),
            properties: vec![ItemProperty {
                code: Some("size".into()),
                name: Some("Размер".into()),
                value: Some("XL".into()),
            }],
            ..Default::default()
        }],
        delivery: Some(Delivery {
            code: Some("courier".into()),
            address: Some(Address {
                city: Some("Москва".into()),
                floor: Some(3),
                ..Default::default()
            }),
            ..Default::default()
        }),
        payments: vec![Payment {
            kind: Some("cash".into()),
            amount: Some(4049.25),
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[test]
fn order_serialises_only_what_is_set() {
    let json = serde_json::to_value(new_order()).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        json,
        json!({
            "number": "2311/12",
            "externalId": "2311-12",
            "firstName": "Иван",
            "email": "ivan+shop@example.com",
            "customer": {"externalId": "17"},
            "customFields": {"gift": true},
            "items": [{"offer": {"externalId": "5"}, "initialPrice": 1500.0, "quantity": 1.5,
                       "properties": [{"code": "size", "name": "Размер", "value": "XL"}]}],
            "delivery": {"code": "courier", "address": {"city": "Москва", "floor": 3}},
            "payments": [{"type": "cash", "amount": 4049.25}],
        })
    );
    assert_eq!(
        serde_json::to_string(&Order::default()).ok().as_deref(),
        Some("{}")
    );
}

#[test]
fn order_round_trips() {
    let order = new_order();
    let text = serde_json::to_string(&order).unwrap_or_else(|err| panic!("{err}"));
    assert!(!text.contains("null"), "{text}");
    assert_eq!(serde_json::from_str::<Order>(&text).ok(), Some(order));
}

#[test]
fn customer_answer() {
    let customer: Customer = parse(json!({
        "type": "customer", "id": 77, "externalId": 17, "site": "shop",
        "firstName": "Иван", "lastName": "Петров", "email": "ivan@example.com",
        "phones": [{"number": "+79001234567"}, {"number": 88005553535u64}],
        "address": {"id": 5, "text": "Москва, Тверская 1"},
        "createdAt": "2025-12-01 09:00:00", "birthday": "1990-05-17", "sex": "male",
        "vip": false, "bad": false, "subscribed": null, "customFields": {"card": "0042"},
        "segments": [], "personalDiscount": 0,
    }));
    assert_eq!(customer.external_id.as_deref(), Some("17"));
    let numbers: Vec<_> = customer
        .phones
        .iter()
        .filter_map(|phone| phone.number.as_deref())
        .collect();
    assert_eq!(numbers, ["+79001234567", "88005553535"]);
    assert_eq!(
        customer.address.and_then(|address| address.text).as_deref(),
        Some("Москва, Тверская 1")
    );
    assert_eq!(
        (customer.vip, customer.bad, customer.subscribed),
        (Some(false), Some(false), None)
    );
    assert_eq!(customer.custom_fields.get("card"), Some(&json!("0042")));
}

#[test]
fn customer_with_empty_quirks() {
    let customer: Customer =
        parse(json!({"id": "77", "phones": [], "address": [], "customFields": []}));
    assert_eq!(
        customer,
        Customer {
            id: Some(77),
            ..Default::default()
        }
    );
}

/// An `orders/history` answer: polymorphic values, own and foreign changes, a creation.
fn history_answer() -> Value {
    json!({
        "success": true,
        "generatedAt": "2026-01-15 12:00:00",
        "history": [
            {
                "id": 101, "createdAt": "2026-01-15 11:00:00", "created": true, "source": "api",
                "apiKey": {"current": true}, "field": "id", "oldValue": null, "newValue": 4811,
                "order": {
                    "id": 4811, "externalId": "2311-12", "site": "shop", "status": "new",
                    "customFields": [], "payments": [],
                },
            },
            {
                "id": 103, "createdAt": "2026-01-15 11:05:00", "source": "user", "user": {"id": 3},
                "field": "status", "oldValue": {"code": "new"}, "newValue": {"code": "complete"},
                "order": {"id": 4811, "externalId": "2311-12"},
            },
            {
                "id": 102, "createdAt": "2026-01-15 11:04:00", "source": "api",
                "apiKey": {"current": false}, "field": "manager_comment",
                "oldValue": "", "newValue": "звонить после 18:00", "order": {"id": 4811},
            },
            {
                "id": "104", "source": "code", "apiKey": [], "field": "delivery_cost",
                "oldValue": 300, "newValue": 0.0, "order": {"id": 4811},
            },
        ],
        "pagination": {"limit": 100, "totalCount": 4, "currentPage": 1, "totalPageCount": 1},
    })
}

#[test]
fn history_answer_with_polymorphic_values() {
    let answer: HistoryResponse = parse(history_answer());
    assert_eq!(answer.generated_at.as_deref(), Some("2026-01-15 12:00:00"));
    assert_eq!(answer.last_id(), Some(104));
    let [created, status, comment, cost] = &answer.history[..] else {
        panic!("four entries: {:?}", answer.history)
    };
    assert_eq!(
        (
            created.created,
            created.old_value.as_ref(),
            created.new_value.as_ref()
        ),
        (Some(true), None, Some(&json!(4811)))
    );
    assert_eq!(
        created
            .order
            .as_ref()
            .and_then(|order| order.status.as_deref()),
        Some("new")
    );
    assert_eq!(status.new_value, Some(json!({"code": "complete"})));
    assert_eq!(comment.old_value, Some(json!("")));
    assert_eq!(
        (
            cost.old_value.as_ref(),
            cost.new_value.as_ref(),
            &cost.api_key
        ),
        (Some(&json!(300)), Some(&json!(0.0)), &None)
    );
    let own: Vec<bool> = answer
        .history
        .iter()
        .map(HistoryEntry::is_own_change)
        .collect();
    assert_eq!(own, [true, false, false, false]);
    let pagination = answer.pagination.unwrap_or_default();
    assert_eq!((pagination.total_count, pagination.has_next()), (4, false));
}

#[test]
fn customer_history_and_empty_pages() {
    let answer: HistoryResponse = parse(json!({
        "history": [{
            "id": 7, "field": "email", "newValue": "a@b.c",
            "customer": {"id": 77, "externalId": "17", "customFields": []},
        }],
        "pagination": {"limit": "20", "totalCount": "41", "currentPage": 2, "totalPageCount": 3},
    }));
    assert_eq!(
        answer.history[0]
            .customer
            .as_ref()
            .and_then(|customer| customer.id),
        Some(77)
    );
    assert!(
        answer
            .pagination
            .is_some_and(|pagination| pagination.has_next())
    );
    let empty: HistoryResponse = parse(json!({"success": true, "history": [], "pagination": []}));
    assert_eq!((empty.last_id(), empty.pagination), (None, None));
}

#[test]
fn reference_books_keyed_by_code() {
    let statuses: StatusList = parse(json!({"success": true, "statuses": {
        "new": {"name": "Новый", "code": "new", "ordering": 10, "active": true, "group": "new"},
        "complete": {
            "name": "Выполнен", "code": "complete", "ordering": "990", "active": false,
            "group": "complete",
        },
    }}));
    let codes: Vec<(&str, Option<&str>, Option<i64>)> = statuses
        .items
        .iter()
        .map(|status| {
            (
                status.code.as_str(),
                status.group.as_deref(),
                status.ordering,
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("new", Some("new"), Some(10)),
            ("complete", Some("complete"), Some(990))
        ]
    );

    let delivery_types: DeliveryTypeList = parse(json!({"deliveryTypes": {
        "courier": {"code": "courier", "name": "Курьер", "defaultCost": "300", "paymentTypes": []},
    }}));
    assert_eq!(delivery_types.items[0].default_cost, Some(300.0));
    let payment_types: PaymentTypeList = parse(
        json!({"paymentTypes": {"cash": {"code": "cash", "name": "Наличные", "active": true}}}),
    );
    assert_eq!(payment_types.items[0].active, Some(true));
    let sites: SiteList = parse(
        json!({"sites": {"shop": {"code": "shop", "name": "Сайт", "url": "https://shop.example"}}}),
    );
    assert_eq!(sites.items[0].url.as_deref(), Some("https://shop.example"));
}

#[test]
fn reference_books_as_lists_or_empty() {
    let stores: StoreList = parse(json!({"success": true, "stores": [
        {"code": "main", "name": "Склад", "type": "store-type-warehouse", "externalId": 1},
    ]}));
    assert_eq!(
        (
            stores.items[0].kind.as_deref(),
            stores.items[0].external_id.as_deref()
        ),
        (Some("store-type-warehouse"), Some("1"))
    );
    let methods: OrderMethodList = parse(
        json!({"orderMethods": [{"code": "phone", "name": "По телефону", "defaultForApi": true}]}),
    );
    assert_eq!(methods.items[0].default_for_api, Some(true));
    let none: StatusList = parse(json!({"success": true, "statuses": []}));
    assert!(none.items.is_empty());
    let missing: SiteList = parse(json!({"success": true}));
    assert!(missing.items.is_empty());
}

#[test]
fn create_answers() {
    let order: CreateResponse = parse(json!({
        "success": true, "id": 4811,
        "order": {"id": 4811, "number": "4811A", "customFields": []},
    }));
    assert_eq!(
        (order.id, order.order.and_then(|order| order.number)),
        (Some(4811), Some("4811A".to_string()))
    );
    let customer: CreateResponse = parse(json!({"success": true, "id": 77}));
    assert_eq!(
        customer,
        CreateResponse {
            id: Some(77),
            order: None
        }
    );
}

#[test]
fn upload_answers_including_partial_failure() {
    let orders: UploadResponse = parse(json!({
        "success": false, "errorMsg": "Orders are loaded with errors",
        "errors": {"2311-13": "Customer not found"},
        "uploadedOrders": [{"id": 4811, "externalId": "2311-12"}],
        "failedOrders": [{"externalId": "2311-13"}],
    }));
    assert_eq!(
        orders.uploaded,
        [EntityRef {
            id: Some(4811),
            external_id: Some("2311-12".into())
        }]
    );
    assert_eq!(
        orders.failed,
        [EntityRef {
            id: None,
            external_id: Some("2311-13".into())
        }]
    );
    let customers: UploadResponse =
        parse(json!({"success": true, "uploadedCustomers": [{"id": 77, "externalId": "17"}]}));
    assert_eq!((customers.uploaded.len(), customers.failed.len()), (1, 0));
}
