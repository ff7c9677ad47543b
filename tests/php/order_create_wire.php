<?php
// A full order create, checked byte for byte against what PHP's own functions produce for the
// same data (http_build_query of the order as unescaped JSON plus the site code), and the
// headers every request carries.
require __DIR__ . '/lib.php';

$crm = sandbox_client();
control('DELETE', 'requests');

$customer = [
    'externalId' => '17',
    'firstName' => 'Иван',
    'lastName' => 'Петров',
    'email' => 'ivan+shop@example.com',
    'phones' => [['number' => '+7 (900) 123-45-67'], ['number' => '8 800 555/35/35']],
];
$order = [
    'externalId' => '2311-12',
    'number' => '2311/12',
    'customer' => ['externalId' => '17'],
    'firstName' => 'Иван',
    'lastName' => 'Петров',
    'patronymic' => 'Сергеевич',
    'phone' => '+7 (900) 123-45-67',
    'email' => 'ivan+shop@example.com',
    'customerComment' => "Позвоните за час / call 1h before & \"ring\" <twice> 😀 50% off? #1\ttab\nnew line \\ backslash",
    'weight' => 1250,
    'items' => [
        [
            'offer' => ['externalId' => '5'],
            'productName' => 'Футболка "Люкс" 50/50',
            'initialPrice' => 1500,
            'quantity' => 2,
            'properties' => [
                ['code' => 'size', 'name' => 'Размер', 'value' => 'XL'],
                ['code' => 'color', 'name' => 'Цвет', 'value' => 'красный/белый'],
            ],
        ],
        ['offer' => ['externalId' => 'mod-6-3'], 'productName' => 'Кепка', 'initialPrice' => 499.5, 'quantity' => 1.5],
    ],
    'delivery' => [
        'code' => 'courier',
        'cost' => 300,
        'address' => [
            'index' => '101000', 'countryIso' => 'RU', 'city' => 'Москва', 'street' => 'ул. Тверская',
            'building' => '1/2', 'flat' => '3', 'text' => '101000, Москва, ул. Тверская, д. 1/2, кв. 3',
        ],
    ],
    'payments' => [['type' => 'cash', 'amount' => 4049.25, 'externalId' => '2311-12-1']],
];

$crm->customersCreate($customer);
$created = $crm->ordersCreate($order);
same(true, $created['success']);
check(is_int($created['id']) && $created['id'] > 0, 'the CRM assigned an id');

$log = control('GET', 'requests')['requests'];
same(2, count($log), 'two requests reached the CRM');
[$customerRequest, $orderRequest] = $log;

$flags = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES;
same('/api/v5/customers/create', $customerRequest['path']);
same(http_build_query(['customer' => json_encode($customer, $flags), 'site' => 'shop']), $customerRequest['body']);

same('POST', $orderRequest['method']);
same('/api/v5/orders/create', $orderRequest['path']);
same('', $orderRequest['query']);
same(http_build_query(['order' => json_encode($order, $flags), 'site' => 'shop']), $orderRequest['body'],
    'the order body is byte for byte what PHP would send');
same($order, $orderRequest['params']['order'], 'the CRM decoded the same order');
same('sandbox-key', $orderRequest['headers']['x-api-key']);
same('application/x-www-form-urlencoded', $orderRequest['headers']['content-type']);
check(preg_match('~^modretailcrm/\d+\.\d+\.\d+$~', $orderRequest['headers']['user-agent']) === 1,
    'User-Agent is modretailcrm/<version>: ' . $orderRequest['headers']['user-agent']);

// A GET with nested filters: the query string is PHP's http_build_query, byte for byte.
control('DELETE', 'requests');
$filter = ['externalIds' => ['2311-12', 'a b/c'], 'createdAtFrom' => '2026-01-01 00:00:00', 'paid' => true, 'none' => null, 'empty' => []];
$crm->ordersList($filter, 1, 50);
$get = control('GET', 'requests')['requests'][0];
same('GET', $get['method']);
same('/api/v5/orders', $get['path']);
same(http_build_query(['filter' => $filter, 'page' => 1, 'limit' => 50]), $get['query']);

// Ids in paths are percent-encoded: an id with a slash, a space and unicode reaches the CRM intact.
control('DELETE', 'requests');
$crm->customersCreate(['externalId' => 'a/b c+ё', 'firstName' => 'Slash']);
$got = $crm->customersGet('a/b c+ё');
same('a/b c+ё', $got['customer']['externalId']);
same('/api/v5/customers/' . rawurlencode('a/b c+ё'), control('GET', 'requests')['requests'][1]['path']);

done();
