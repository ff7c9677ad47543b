<?php

// Stubs for modretailcrm

namespace ModRetailCrm {
    /**
     * A RetailCRM API v5 client. Every method returns the CRM's answer as an array and throws a
     * `ModRetailCrm\Exception` subclass on any failure.
     */
    class Client {
        /**
         * Creates a client. `$url` is the account address (`https://example.retailcrm.ru`),
         * `$site` the shop code sent where RetailCRM expects one. Options: `timeout`,
         * `connect_timeout`, `retry_delay` (seconds), `rate_limit` (requests/s, default 10),
         * `max_retries` (on 503/429, default 3), `log` (log every call, not only failures),
         * `log_file` and `log_max_bytes` (a rotated file), or `log_callback` (a callable that
         * receives each line; default: PHP's `error_log`).
         *
         * @param mixed $url
         * @param mixed $api_key
         * @param mixed $site
         * @param mixed $options
         */
        public function __construct(mixed $url, mixed $api_key, mixed $site = null, mixed $options = null) {}

        /**
         * `api-versions`.
         *
         * @return mixed
         */
        public function apiVersions(): mixed {}

        /**
         * Reads every page of a list or history route (`orders`, `orders/history` …) up to the
         * last page the CRM reports and returns the items under `$field` (`orders`, `history`)
         * as one list.
         *
         * @param mixed $route
         * @param mixed $field
         * @param mixed $filter
         * @param mixed $limit
         * @return mixed
         */
        public function collectPages(mixed $route, mixed $field, mixed $filter = null, mixed $limit = null): mixed {}

        /**
         * `costs/create`.
         *
         * @param mixed $cost
         * @param mixed $site
         * @return mixed
         */
        public function costsCreate(mixed $cost, mixed $site = null): mixed {}

        /**
         * `credentials`.
         *
         * @return mixed
         */
        public function credentials(): mixed {}

        /**
         * `customers/create`.
         *
         * @param mixed $customer
         * @param mixed $site
         * @return mixed
         */
        public function customersCreate(mixed $customer, mixed $site = null): mixed {}

        /**
         * `customers/{id}/edit`; the id is `$customer[$by]`.
         *
         * @param mixed $customer
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function customersEdit(mixed $customer, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `customers/fix-external-ids`: `[['id' => …, 'externalId' => …], …]`.
         *
         * @param mixed $pairs
         * @return mixed
         */
        public function customersFixExternalIds(mixed $pairs): mixed {}

        /**
         * `customers/{id}`.
         *
         * @param mixed $id
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function customersGet(mixed $id, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `customers/history`: `$filter` such as `['sinceId' => 123]`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function customersHistory(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `customers` list: `$filter` as `filter[...]`, `$page` from 1, `$limit` 20/50/100.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function customersList(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `customers/upload`: at most 50 customers.
         *
         * @param mixed $customers
         * @param mixed $site
         * @return mixed
         */
        public function customersUpload(mixed $customers, mixed $site = null): mixed {}

        /**
         * `orders/create`.
         *
         * @param mixed $order
         * @param mixed $site
         * @return mixed
         */
        public function ordersCreate(mixed $order, mixed $site = null): mixed {}

        /**
         * `orders/{id}/edit`; the id is `$order[$by]`.
         *
         * @param mixed $order
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function ordersEdit(mixed $order, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `orders/fix-external-ids`: `[['id' => …, 'externalId' => …], …]`.
         *
         * @param mixed $pairs
         * @return mixed
         */
        public function ordersFixExternalIds(mixed $pairs): mixed {}

        /**
         * `orders/{id}`.
         *
         * @param mixed $id
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function ordersGet(mixed $id, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `orders/history`: `$filter` such as `['sinceId' => 123]`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function ordersHistory(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `orders` list: `$filter` as `filter[...]`, `$page` from 1, `$limit` 20/50/100.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function ordersList(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `orders/payments/create`.
         *
         * @param mixed $payment
         * @param mixed $site
         * @return mixed
         */
        public function ordersPaymentCreate(mixed $payment, mixed $site = null): mixed {}

        /**
         * `orders/payments/{id}/edit`; the id is `$payment[$by]`.
         *
         * @param mixed $payment
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function ordersPaymentEdit(mixed $payment, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `orders/statuses` for CRM ids and/or external ids.
         *
         * @param mixed $ids
         * @param mixed $external_ids
         * @return mixed
         */
        public function ordersStatuses(mixed $ids = null, mixed $external_ids = null): mixed {}

        /**
         * `orders/upload`: at most 50 orders.
         *
         * @param mixed $orders
         * @param mixed $site
         * @return mixed
         */
        public function ordersUpload(mixed $orders, mixed $site = null): mixed {}

        /**
         * A reference book: `statuses`, `status-groups`, `delivery-types`, `payment-types`,
         * `sites`, `order-methods` or `stores`.
         *
         * @param mixed $name
         * @return mixed
         */
        public function reference(mixed $name): mixed {}

        /**
         * Calls any API route: `$method` is `GET` or `POST`, `$route` is relative to
         * `/api/v5/` (such as `orders/combine`), `$params` are sent as RetailCRM expects
         * (query string for GET, form fields with entities as JSON for POST).
         *
         * @param mixed $method
         * @param mixed $route
         * @param mixed $params
         * @return mixed
         */
        public function request(mixed $method, mixed $route, mixed $params = null): mixed {}

        /**
         * `store/inventories`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function storeInventories(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `store/inventories/upload`.
         *
         * @param mixed $offers
         * @param mixed $site
         * @return mixed
         */
        public function storeInventoriesUpload(mixed $offers, mixed $site = null): mixed {}

        /**
         * `store/offers`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function storeOffers(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `store/prices/upload`.
         *
         * @param mixed $prices
         * @return mixed
         */
        public function storePricesUpload(mixed $prices): mixed {}

        /**
         * `store/products`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function storeProducts(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `tasks/create`.
         *
         * @param mixed $task
         * @param mixed $site
         * @return mixed
         */
        public function tasksCreate(mixed $task, mixed $site = null): mixed {}
    }
}

// Exception classes (registered at start-up; each carries the file, line and trace of the
// failing call). Every failure the extension reports is one of these.
namespace ModRetailCrm {
    class ApiException extends \ModRetailCrm\Exception {
        public mixed $statusCode;
        public mixed $errorMsg;
        public mixed $errors;
        public mixed $response;
        public mixed $errorClass;
    }

    class ConfigException extends \ModRetailCrm\Exception {
    }

    class Exception extends \Exception {
    }

    class RateLimitException extends \ModRetailCrm\Exception {
    }

    class TransportException extends \ModRetailCrm\Exception {
    }

    class ValidationException extends \ModRetailCrm\Exception {
    }

}
