<?php
// A shop process for the multi-process tests, driven by arguments:
//   outbox_worker.php SETTINGS.json enqueue PREFIX COUNT CUSTOMER   queue a customer and COUNT orders
//                                                                  (every 5th also gets a status edit)
//   outbox_worker.php SETTINGS.json drain SECONDS                  flush until nothing is pending
//   outbox_worker.php SETTINGS.json order NUMBER CUSTOMER          queue an order (status new) and
//                                                                  then its status edit (assembling)
//   outbox_worker.php SETTINGS.json creates PREFIX COUNT NODE NODES  node NODE of NODES: queue customer
//                                                                  c<n> and order PREFIX-<n> (status new)
//                                                                  for each n < COUNT with n % NODES = NODE
//   outbox_worker.php SETTINGS.json edits PREFIX COUNT NODE NODES    the status edit (assembling) of each
//                                                                  order with (n + 1) % NODES = NODE
//   outbox_worker.php SETTINGS.json flush SECONDS                  one flush(), as cron does
//   outbox_worker.php SETTINGS.json after                          deliverAfterResponse(), as a page does
//   outbox_worker.php SETTINGS.json status                         status()
// Prints one JSON line with what it did.
declare(strict_types=1);

[$script, $settingsFile, $command] = $argv;
$settings = json_decode(file_get_contents($settingsFile), true);
$shop = new ModRetailCrm\Integration($settings);

if ($command === 'enqueue') {
    [, , , $prefix, $count, $customer] = $argv;
    $shop->enqueue('customer.create', ['externalId' => $customer, 'firstName' => "Customer $customer"]);
    for ($n = 1; $n <= (int) $count; $n++) {
        $num = "$prefix-$n";
        $shop->enqueue('order.create', [
            'externalId' => $num,
            'customer' => ['externalId' => $customer],
            'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 1]],
        ]);
        if ($n % 5 === 0) {
            $shop->enqueue('order.edit', ['externalId' => $num, 'status' => 'assembling']);
        }
    }
    echo json_encode(['enqueued' => (int) $count]), "\n";
} elseif ($command === 'drain') {
    $deadline = microtime(true) + (float) $argv[3];
    $delivered = 0;
    do {
        $delivered += $shop->flush(5)['delivered'];
        $status = $shop->status();
    } while (($status['pending'] > 0) && microtime(true) < $deadline);
    echo json_encode(['delivered' => $delivered, 'pending' => $status['pending'], 'dead' => $status['dead']]), "\n";
    exit($status['pending'] === 0 ? 0 : 1);
} elseif ($command === 'order') {
    [, , , $number, $customer] = $argv;
    $shop->enqueue('order.create', [
        'externalId' => $number,
        'status' => 'new',
        'customer' => ['externalId' => $customer],
        'firstName' => "Customer $customer",
        'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 1]],
    ]);
    $shop->enqueue('order.edit', ['externalId' => $number, 'status' => 'assembling']);
    echo json_encode(['enqueued' => 2]), "\n";
} elseif ($command === 'creates' || $command === 'edits') {
    [, , , $prefix, $count, $node, $nodes] = $argv;
    $queued = 0;
    for ($n = 0; $n < (int) $count; $n++) {
        if (($command === 'creates' ? $n : $n + 1) % (int) $nodes !== (int) $node) {
            continue;
        }
        if ($command === 'creates') {
            $shop->enqueue('customer.create', ['externalId' => "c$n", 'firstName' => "Customer $n"]);
            $shop->enqueue('order.create', [
                'externalId' => "$prefix-$n",
                'status' => 'new',
                'customer' => ['externalId' => "c$n"],
                'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 1]],
            ]);
            $queued += 2;
        } else {
            $shop->enqueue('order.edit', ['externalId' => "$prefix-$n", 'status' => 'assembling']);
            $queued++;
        }
    }
    echo json_encode(['enqueued' => $queued]), "\n";
} elseif ($command === 'flush') {
    echo json_encode($shop->flush((float) $argv[3])), "\n";
} elseif ($command === 'after') {
    echo json_encode($shop->deliverAfterResponse()), "\n";
} elseif ($command === 'status') {
    echo json_encode($shop->status()), "\n";
} else {
    fwrite(STDERR, "unknown command $command\n");
    exit(2);
}
