<?php
// Texts from outside with NUL bytes and array keys that are not UTF-8 give the extension's own
// exceptions (never PHP's plain \Error, never a "Rust panic"), with clean texts.
// NUL_CRM_URL answers every request with a 400 whose errorMsg and errors hold NUL bytes.
require __DIR__ . '/lib.php';

use ModRetailCrm\{ApiException, Client, Integration, ValidationException};
use ModRetailCrm\Icml\Writer;

$jail = env('FUZZ_JAIL');

/** Runs $fn; it may succeed or throw, but only a ModRetailCrm\Exception without a raw NUL. */
function own_or_nothing(string $what, callable $fn): ?Throwable
{
    $GLOBALS['checks']++;
    try {
        $fn();
        return null;
    } catch (Throwable $e) {
        if (!($e instanceof \ModRetailCrm\Exception)) {
            fail("$what: " . get_class($e) . ': ' . str_replace("\0", '\0', $e->getMessage()));
        }
        check(!str_contains($e->getMessage(), "\0"), "$what: no raw NUL in the message");
        check(!str_contains($e->getMessage(), 'Rust panic'), "$what: no panic");
        return $e;
    }
}

// The CRM's errorMsg with a NUL byte.
$crm = new Client(env('NUL_CRM_URL'), env('CRM_KEY'), 'shop', ['rate_limit' => 0, 'max_retries' => 0, 'log_callback' => fn ($line) => null]);
$e = throws(ApiException::class, fn () => $crm->ordersGet('1'), 'Order\0is bad');
same(400, $e->getCode());
same('Order\0is bad', $e->errorMsg);
same(['num\0' => 'taken\0twice'], $e->errors);
same(400, $e->statusCode);

// A NUL in the queue path.
$settings = [
    'modretailcrm_url' => 'http://127.0.0.1:1', 'modretailcrm_apiKey' => 'k', 'modretailcrm_siteCode' => 's',
    'modretailcrm_queue_path' => "$jail/out\0box.sqlite",
];
$e = own_or_nothing('NUL in the queue path', fn () => new Integration($settings));
check($e !== null, 'a queue path with a NUL is refused');
check(str_contains($e->getMessage(), 'out\0box'), 'the message shows the NUL escaped: ' . $e->getMessage());
own_or_nothing('NUL in the log file', fn () => new Integration(['modretailcrm_log_file' => "$jail/a\0b.log", 'modretailcrm_queue_path' => "$jail/q.sqlite"] + $settings));
own_or_nothing('NUL in a Writer path', fn () => new Writer("$jail/cat\0alog.xml", ['name' => 'S', 'company' => 'C']));

// Array keys that are not UTF-8 in every Writer argument.
$bad = "\xFF\xFE";
$shop = ['name' => 'S', 'company' => 'C'];
$product = ['id' => 1, 'pagetitle' => 'P', 'price' => 1, 'parent' => 1];
own_or_nothing('bad key in $shop', fn () => new Writer("$jail/a.xml", $shop + [$bad => 1]));
own_or_nothing('bad key in $options', fn () => new Writer("$jail/a.xml", $shop, [$bad => 1]));
own_or_nothing('bad key in $options[map]', fn () => new Writer("$jail/a.xml", $shop, ['map' => [$bad => 'x']]));
own_or_nothing('bad key in $options[vendors]', fn () => new Writer("$jail/a.xml", $shop, ['vendors' => [$bad => 'x']]));
$writer = fn () => new Writer("$jail/b.xml", $shop);
own_or_nothing('bad key in $category', fn () => $writer()->addCategory(['id' => 1, 'name' => 'C', $bad => 1]));
own_or_nothing('bad key inside $category', fn () => $writer()->addCategory(['id' => 1, 'name' => [$bad => 'C']]));
own_or_nothing('bad key in $offer', fn () => $writer()->addOffer($product + [$bad => 1]));
own_or_nothing('bad key inside $offer', fn () => $writer()->addOffer($product + ['options' => [$bad => 'x'], 'modifications' => [$bad => ['id' => 2]]]));
own_or_nothing('bad key deep inside $offer', fn () => $writer()->addOffer($product + ['pagetitle' => [[[$bad => 'x']]]]));
own_or_nothing('bad key in $offers', fn () => $writer()->addOffers([$bad => $product]));
own_or_nothing('bad key in $offers[0]', fn () => $writer()->addOffers([$product + ['size' => [$bad => 'L', 1 => 'M']]]));
$w = $writer();
own_or_nothing('bad key in a list after offers were written', function () use ($w, $product, $bad) {
    $w->addOffer($product);
    $w->addOffers([['id' => 2] + $product, $bad => ['id' => 3] + $product]);
});

done();
