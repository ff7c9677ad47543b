//! Tests of the mapping against the captured miniShop2 data and the baseline rules.

mod customer;
mod fixtures;
mod ids;
mod invariant;
mod names;
mod order;
mod order_rules;
mod status;
mod update;
