<?php
// Bad input from PHP code never crashes the process and never reaches the CRM: wrong argument
// types, malformed arrays, invalid UTF-8, objects, resources, NaN, recursion, huge strings.
// Each gets a ModRetailCrm exception naming the argument and field.
require __DIR__ . '/lib.php';

use ModRetailCrm\{Client, ConfigException, ValidationException};

$url = env('CRM_URL');
$key = env('CRM_KEY');

// The constructor.
throws(ConfigException::class, fn () => new Client('', $key), 'empty');
throws(ConfigException::class, fn () => new Client('demo.retailcrm.ru', $key), 'not a valid URL');
throws(ConfigException::class, fn () => new Client('http://demo.retailcrm.ru', $key), 'https');
throws(ConfigException::class, fn () => new Client('https://demo.retailcrm.ru/api/v5', $key), 'account address only');
throws(ConfigException::class, fn () => new Client($url, ''), 'API key is empty');
throws(ConfigException::class, fn () => new Client($url, "key\nwith newline"), 'header');
throws(ValidationException::class, fn () => new Client(['x'], $key), '$url must be a string, array given');
throws(ValidationException::class, fn () => new Client($url, 123.5), '$api_key must be a string, float given');
throws(ValidationException::class, fn () => new Client($url, $key, new stdClass()), '$site must be a string, object given');
throws(ValidationException::class, fn () => new Client($url, $key, 'shop', 'options'), '$options must be an array');
throws(ConfigException::class, fn () => new Client($url, $key, 'shop', ['timeuot' => 3]), 'unknown option "timeuot"');
throws(ConfigException::class, fn () => new Client($url, $key, 'shop', ['timeout' => 'soon']), '"timeout"');
throws(ConfigException::class, fn () => new Client($url, $key, 'shop', ['log_callback' => 'no_such_function']), 'callable');

$crm = sandbox_client();
control('DELETE', 'requests');

$recursive = ['a' => 1];
$recursive['self'] = &$recursive;
$resource = fopen('php://memory', 'r');
$cases = [
    'not an array' => [fn () => $crm->ordersCreate('order'), '$order must be an array, string given'],
    'null order' => [fn () => $crm->ordersCreate(null), '$order must be an array, null given'],
    'invalid UTF-8' => [fn () => $crm->ordersCreate(['firstName' => "Bad \xC3\x28 bytes"]), '$order[firstName] is not valid UTF-8'],
    'invalid UTF-8 deep' => [fn () => $crm->ordersCreate(['items' => [['productName' => "\xFF"]]]), '$order[items][0][productName] is not valid UTF-8'],
    'invalid UTF-8 key' => [fn () => $crm->ordersCreate(["\xFF" => 1]), 'not valid UTF-8'],
    'object inside' => [fn () => $crm->ordersCreate(['customer' => new stdClass()]), '$order[customer] must be a string, number, boolean, null or array, object given'],
    'closure inside' => [fn () => $crm->customersCreate(['x' => fn () => 1]), '$customer[x]'],
    'resource inside' => [fn () => $crm->customersCreate(['x' => $resource]), 'resource given'],
    'NaN' => [fn () => $crm->ordersCreate(['weight' => NAN]), '$order[weight] is not a finite number'],
    'INF' => [fn () => $crm->ordersCreate(['items' => [['initialPrice' => INF]]]), '$order[items][0][initialPrice] is not a finite number'],
    'recursion' => [fn () => $crm->ordersCreate($recursive), 'nested more than 64 levels'],
    'edit without id' => [fn () => $crm->ordersEdit(['status' => 'new']), 'order.externalId is required'],
    'edit by id without id' => [fn () => $crm->customersEdit(['externalId' => '1'], 'id'), 'customer.id is required'],
    'bad by' => [fn () => $crm->ordersGet('1', 'number'), 'by must be "externalId" or "id"'],
    'id as array' => [fn () => $crm->ordersGet(['1']), '$id must be a string, array given'],
    'page zero' => [fn () => $crm->ordersList([], 0), '$page must be between 1'],
    'page as string' => [fn () => $crm->ordersList([], 'two'), '$page must be an int, string given'],
    'limit too big' => [fn () => $crm->ordersList([], 1, 100000), '$limit must be between 1 and 250'],
    'filter not array' => [fn () => $crm->ordersList('status=new'), '$filter must be an array'],
    'filter as list' => [fn () => $crm->ordersList(['a', 'b']), '$filter must be an array with string keys'],
    'upload not list' => [fn () => $crm->ordersUpload(['a' => ['externalId' => '1']]), '$orders must be a list'],
    'method' => [fn () => $crm->request('DELETE', 'orders'), '$method must be GET or POST'],
    'route with query' => [fn () => $crm->request('GET', 'orders?x=1'), 'is not an API route'],
    'route with dots' => [fn () => $crm->request('GET', '../admin'), 'is not an API route'],
    'empty route' => [fn () => $crm->request('GET', ''), 'is not an API route'],
    'unknown reference' => [fn () => $crm->reference('colours'), 'not a known reference'],
    'statuses ids not list' => [fn () => $crm->ordersStatuses(['x' => 1]), '$ids must be a list'],
];
foreach ($cases as $name => [$call, $message]) {
    $e = throws(ValidationException::class, $call, $message);
}
same([], control('GET', 'requests')['requests'], 'nothing reached the CRM');

// Missing arguments are PHP's own ArgumentCountError, and the process goes on.
try {
    $crm->ordersCreate();
    fail('no error for a missing argument');
} catch (ArgumentCountError $e) {
    check(str_contains($e->getMessage(), 'ordersCreate'), 'names the method');
}

// Huge input is sent, not refused: a 500 KB comment round-trips.
$crm->customersCreate(['externalId' => 'big', 'firstName' => 'Big']);
$huge = str_repeat('Ж', 250_000);
$crm->ordersCreate(['externalId' => 'huge-1', 'customer' => ['externalId' => 'big'], 'customerComment' => $huge]);
same(strlen($huge), strlen($crm->ordersGet('huge-1')['order']['customerComment']));

// Integers as ids and strings are accepted and written as PHP would.
same('huge-1', $crm->ordersGet('huge-1', 'externalId', 'shop')['order']['externalId']);

// Exceptions are catchable as \Exception (what MODX plugins catch).
try {
    $crm->ordersCreate('x');
} catch (\Exception $e) {
    check($e instanceof \ModRetailCrm\Exception, 'every error extends ModRetailCrm\Exception');
}

done();
