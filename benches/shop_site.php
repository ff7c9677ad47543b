<?php
// Generates a MODX site with a shop history for the upload benchmark and the demo:
// php benches/shop_site.php DIR CUSTOMERS ORDERS [RATE_LIMIT]
// DIR/site (config.core.php, core/config/config.inc.php) over the SQLite database
// DIR/site.sqlite (tests/php/modx/shop_db.php: MODX 2.8 / miniShop2 4.x columns), its
// settings for the CRM at CRM_URL (key CRM_KEY) with the outbox in DIR and the given rate
// limit (default 10 requests a second, RetailCRM's). Needs pdo_sqlite.

declare(strict_types=1);

require dirname(__DIR__) . '/tests/php/lib.php';
require dirname(__DIR__) . '/tests/php/modx/shop_db.php';

[, $dir, $customers, $orders] = $argv + [null, null, null, null];
if ($dir === null || !preg_match('/^\d+$/', (string) $customers) || !preg_match('/^\d+$/', (string) $orders)) {
    fwrite(STDERR, "usage: php benches/shop_site.php DIR CUSTOMERS ORDERS [RATE_LIMIT]\n");
    exit(2);
}
$db = shop_site($dir, $argv[4] ?? '10');
fill_shop($db, (int) $customers, (int) $orders, [], time() - 60);
echo "a MODX site in $dir/site: $customers customers, $orders orders\n";
