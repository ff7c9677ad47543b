//! Shop events end to end into a real outbox: skips, unmapped references, the order's
//! `externalId`, the site's classes, and sending at once in `sync` mode.

use std::net::TcpListener;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::{FakeClass, settings};
use crate::logging::BufferSink;
use crate::mapping::{MappingError, OrderInput, StatusChangeInput};
use crate::outbox::Outbox;
use crate::outbox::tests::TempDir;
use crate::sync::engine::{Engine, Settled};
use crate::sync::events::Skip;
use crate::sync::shop_event::{EventError, EventOutcome, ShopEvents};

/// A shop with its outbox in a temporary folder, the site's classes played by `class`.
struct Shop {
    engine: Engine,
    class: FakeClass,
    log: BufferSink,
    _dir: TempDir,
}

impl Shop {
    fn new(name: &str, extra: Value) -> Shop {
        Shop::with_class(
            name,
            extra,
            FakeClass::answering(|payload| Ok(payload.clone())),
        )
    }

    fn with_class(name: &str, extra: Value, class: FakeClass) -> Shop {
        let dir = TempDir::new(name);
        let engine = Engine::open(settings(&dir, extra), None).unwrap();
        Shop {
            engine,
            class,
            log: BufferSink::new(),
            _dir: dir,
        }
    }

    fn events(&self) -> ShopEvents<'_> {
        ShopEvents {
            engine: &self.engine,
            customizer: &self.class,
            log: &self.log,
        }
    }

    fn outbox(&self) -> &Outbox {
        self.engine.outbox()
    }

    fn pending(&self) -> u64 {
        self.outbox().status(SystemTime::now()).unwrap().pending
    }

    /// Every queued record's kind and payload in the order the CRM would get them (each
    /// claimed record acknowledged as delivered).
    fn delivered(&self) -> Vec<(String, Value)> {
        let mut sent = Vec::new();
        loop {
            let now = SystemTime::now();
            let claimed = self
                .outbox()
                .claim("test", now, Duration::from_secs(30), 100)
                .unwrap();
            if claimed.is_empty() {
                return sent;
            }
            for record in claimed {
                self.outbox().ack(&record, None, now).unwrap();
                sent.push((record.kind, record.payload));
            }
        }
    }
}

fn user() -> Value {
    json!({"id": 4, "username": "ivan@example.com", "createdon": 0})
}

fn profile() -> Value {
    json!({"internalKey": 4, "fullname": "Ivan Petrov", "email": "ivan@example.com"})
}

/// The rows of a miniShop2 order: `id`, `num`, one product, the delivery and payment.
struct OrderRows {
    order: Value,
    products: Vec<Value>,
    delivery: Value,
    payment: Value,
    user: Value,
    profile: Value,
}

impl OrderRows {
    fn new(id: i64, num: &str) -> OrderRows {
        OrderRows {
            order: json!({"id": id, "num": num, "user_id": 4, "cost": "1500.00", "delivery_cost": "0.00"}),
            products: vec![
                json!({"product_id": 5, "name": "Kettle", "price": "1500.00", "count": 1}),
            ],
            delivery: json!({"id": 1, "name": "Courier", "retailcrm_delivery_code": "courier"}),
            payment: json!({"id": 2, "name": "Card", "retailcrm_payment_code": "card"}),
            user: user(),
            profile: profile(),
        }
    }

    fn input(&self) -> OrderInput<'_> {
        OrderInput {
            order: &self.order,
            address: None,
            products: &self.products,
            delivery: Some(&self.delivery),
            payment: Some(&self.payment),
            status: None,
            user: &self.user,
            profile: &self.profile,
            promo: None,
        }
    }

    /// The rows as the plugin passes them (the orders' class gets them as its source).
    fn source(&self) -> Value {
        json!({"order": self.order, "products": self.products, "delivery": self.delivery,
            "payment": self.payment, "user": self.user, "profile": self.profile})
    }
}

fn status_change(shop: &Shop, order: &Value, status: Value) -> Result<EventOutcome, EventError> {
    let input = StatusChangeInput {
        order,
        status: &status,
        paid_at: "2026-11-29 07:16:52",
        payment: None,
    };
    shop.events().status_changed(&input)
}

#[test]
fn a_save_outside_the_contexts_and_groups_is_skipped_and_queues_nothing() {
    let shop = Shop::new(
        "event-skip-save",
        json!({"modretailcrm_user_groups": "Customers"}),
    );
    let groups = ["Administrator".to_string()];
    let outcome = shop
        .events()
        .user_saved(&user(), &profile(), "upd", "mgr", &groups)
        .unwrap();
    assert_eq!(outcome, EventOutcome::Skipped(Skip::NotACustomerSave));
    assert_eq!(outcome.state(), "skipped");
    assert_eq!(
        Skip::NotACustomerSave.reason(),
        "the save is outside modretailcrm_user_contexts and modretailcrm_user_groups"
    );
    assert_eq!(shop.pending(), 0);
    assert!(shop.class.called().is_empty(), "the class is not asked");
}

#[test]
fn a_save_in_a_listed_context_or_by_a_listed_group_is_queued_as_the_class_adjusts_it() {
    let class = FakeClass::answering(|payload| {
        let mut adjusted = payload.clone();
        adjusted["vip"] = json!(true);
        Ok(adjusted)
    });
    let extra = json!({"modretailcrm_user_groups": "Customers",
        "modretailcrm_custom_customers_class": "ShopCustomers"});
    let shop = Shop::with_class("event-save", extra, class);
    let web = shop
        .events()
        .user_saved(&user(), &profile(), "new", "web", &[])
        .unwrap();
    let customers = ["Customers".to_string()];
    let manager = shop
        .events()
        .user_saved(&user(), &profile(), "upd", "mgr", &customers)
        .unwrap();
    for outcome in [&web, &manager] {
        let EventOutcome::Queued { records, unmapped } = outcome else {
            panic!("queued: {outcome:?}");
        };
        assert_eq!((records.len(), records[0].settled.clone()), (1, None));
        assert!(unmapped.is_empty());
        assert_eq!(outcome.state(), "queued");
    }
    let calls = shop.class.calls.borrow();
    assert_eq!(calls[0].2, json!({"user": user(), "profile": profile()}));
    let sent = shop.delivered();
    let kinds: Vec<_> = sent.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["customer.create", "customer.edit"]);
    assert_eq!(sent[0].1["externalId"], json!("4"));
    assert_eq!(sent[0].1["vip"], json!(true));
}

#[test]
fn a_status_neither_synced_nor_paid_is_skipped() {
    let shop = Shop::new(
        "event-skip-status",
        json!({"modretailcrm_sync_statuses": "1,3"}),
    );
    let order = OrderRows::new(1, "2611/1").order;
    let outcome = status_change(&shop, &order, json!({"id": "4", "name": "Cancelled"})).unwrap();
    assert_eq!(outcome, EventOutcome::Skipped(Skip::StatusNotSynced));
    assert_eq!(
        Skip::StatusNotSynced.reason(),
        "the status is neither in modretailcrm_sync_statuses nor in modretailcrm_paid_statuses"
    );
    assert_eq!(shop.pending(), 0);
}

#[test]
fn a_synced_status_without_a_crm_code_sends_nothing_and_is_noted_for_status() {
    let shop = Shop::new(
        "event-uncoded-status",
        json!({"modretailcrm_sync_statuses": "3"}),
    );
    let order = OrderRows::new(1, "2611/1").order;
    let outcome = status_change(&shop, &order, json!({"id": 3, "name": "Sent"})).unwrap();
    let reference = "status 3 (Sent) has no retailcrm_status_code".to_string();
    assert_eq!(
        outcome,
        EventOutcome::NothingToSend {
            unmapped: vec![reference.clone()]
        }
    );
    assert_eq!(outcome.state(), "skipped");
    assert_eq!(shop.pending(), 0);
    let noted = shop.outbox().status(SystemTime::now()).unwrap().unmapped;
    assert_eq!(
        noted
            .iter()
            .map(|u| (&u.reference, u.seen))
            .collect::<Vec<_>>(),
        [(&reference, 1)]
    );
}

#[test]
fn an_order_is_queued_with_its_references_without_a_crm_code_noted() {
    let extra = json!({"modretailcrm_custom_orders_class": "ShopOrders"});
    let shop = Shop::new("event-order", extra);
    let mut rows = OrderRows::new(1, "2611/1");
    rows.delivery = json!({"id": 1, "name": "Courier"});
    let outcome = shop
        .events()
        .order_created(&rows.input(), &rows.source())
        .unwrap();
    let reference = "delivery 1 (Courier) has no retailcrm_delivery_code".to_string();
    let EventOutcome::Queued { records, unmapped } = &outcome else {
        panic!("queued: {outcome:?}");
    };
    assert_eq!(records.len(), 1);
    assert_eq!(unmapped, std::slice::from_ref(&reference));
    let noted = shop.outbox().status(SystemTime::now()).unwrap().unmapped;
    assert_eq!(noted[0].reference, reference);
    assert_eq!(shop.class.calls.borrow()[0].2, rows.source());
    let sent = shop.delivered();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, "order.create");
    assert_eq!(sent[0].1["externalId"], json!("2611-1"));
    assert_eq!(
        sent[0].1["payments"][0]["externalId"],
        json!("2611-1-payment")
    );
}

#[test]
fn a_second_order_with_the_same_number_and_its_later_changes_keep_their_own_external_id() {
    let extra = json!({"modretailcrm_sync_statuses": "2", "modretailcrm_paid_statuses": "2"});
    let shop = Shop::new("event-same-number", extra);
    let (first, second) = (OrderRows::new(1, "2611/1"), OrderRows::new(2, "2611/1"));
    for rows in [&first, &second] {
        shop.events()
            .order_created(&rows.input(), &rows.source())
            .unwrap();
    }
    let paid = json!({"id": 2, "name": "Paid", "retailcrm_status_code": "paid"});
    let outcome = status_change(&shop, &second.order, paid).unwrap();
    let EventOutcome::Queued { records, .. } = &outcome else {
        panic!("queued: {outcome:?}");
    };
    assert_eq!(records.len(), 2, "the order's status and its payment");
    let sent = shop.delivered();
    let ids: Vec<_> = sent
        .iter()
        .map(|(kind, payload)| (kind.as_str(), payload["externalId"].clone()))
        .collect();
    assert_eq!(
        ids,
        [
            ("order.create", json!("2611-1")),
            ("order.create", json!("2611-1-id2")),
            ("order.edit", json!("2611-1-id2")),
            ("payment.edit", json!("2611-1-id2-payment")),
        ]
    );
    assert_eq!(
        sent[1].1["payments"][0]["externalId"],
        json!("2611-1-id2-payment")
    );
    assert_eq!(sent[3].1["order"]["externalId"], json!("2611-1-id2"));
    assert_eq!(sent[2].1["status"], json!("paid"));
}

#[test]
fn rows_that_cannot_be_mapped_queue_nothing() {
    let shop = Shop::new("event-unmappable", json!({}));
    let mut rows = OrderRows::new(1, "2611/1");
    rows.order = json!({"id": 1, "cost": "1500.00"});
    let error = shop
        .events()
        .order_created(&rows.input(), &rows.source())
        .unwrap_err();
    assert!(
        matches!(&error, EventError::Mapping(MappingError::Missing(field)) if field == "order.num"),
        "{error:?}"
    );
    assert_eq!(shop.pending(), 0);
    assert!(shop.class.called().is_empty());
}

#[test]
fn in_sync_mode_each_change_is_tried_at_once_and_its_record_says_how_it_went() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let extra = json!({"modretailcrm_send_mode": "sync", "modretailcrm_url": url,
        "modretailcrm_sync_budget": "2"});
    let shop = Shop::new("event-sync", extra);
    let outcome = shop
        .events()
        .user_saved(&user(), &profile(), "new", "web", &[])
        .unwrap();
    let EventOutcome::Queued { records, .. } = &outcome else {
        panic!("queued: {outcome:?}");
    };
    assert!(
        matches!(&records[0].settled, Some(Settled::Retrying(error)) if !error.is_empty()),
        "{records:?}"
    );
    assert_eq!(outcome.state(), "retrying");
    assert_eq!(shop.pending(), 1, "kept for the next attempt");
}
