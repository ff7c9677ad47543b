<?php
// Integration::submitForm() called by own code with what it must not take: each mistake is a
// clear ModRetailCrm\Exception naming the argument or property (the $findProduct callback's
// own exception passes through unchanged), and nothing is queued. Its answers: the problems of
// an invalid form with their codes and params; a lead queued once per key.

declare(strict_types=1);

require __DIR__ . '/lib.php';

$dir = temp_dir();
$shop = new ModRetailCrm\Integration(settings($dir));
$product = fn(int $id): ?array => $id === 3 ? ['id' => 3, 'pagetitle' => 'Test T-Shirt', 'price' => '1250.50', 'published' => 1, 'deleted' => 0] : null;
$form = ['values' => ['phone' => '+7 900 1234567', 'product' => '3'], 'time' => 1796553260];

throws(ModRetailCrm\ValidationException::class, fn() => $shop->submitForm(['values' => 'x']), '$form[values]');
throws(ModRetailCrm\ValidationException::class, fn() => $shop->submitForm(['values' => ['a', 'b']]), '$form[values]');
throws(ModRetailCrm\ValidationException::class, fn() => $shop->submitForm(['time' => 'now'] + $form, $product), '$form[time]');
throws(ModRetailCrm\ValidationException::class, fn() => $shop->submitForm('form'), '$form');
throws(ModRetailCrm\ValidationException::class, fn() => $shop->submitForm($form), '$findProduct');
throws(ModRetailCrm\ValidationException::class, fn() => $shop->submitForm($form, 'no_such_function'), '$findProduct');
throws(ModRetailCrm\ValidationException::class, fn() => $shop->submitForm($form, fn() => 'a row'), '$findProduct');
throws(ModRetailCrm\ConfigException::class, fn() => $shop->submitForm(['properties' => ['crmType' => 'lead']] + $form, $product), '&crmType');
throws(ModRetailCrm\ConfigException::class, fn() => $shop->submitForm(['properties' => ['crmQuantiy' => 'n']] + $form, $product), '&crmQuantiy');
throws(ModRetailCrm\ConfigException::class, fn() => $shop->submitForm(['properties' => ['crmTaskPerformer' => '-1']] + $form, $product),
    '&crmTaskPerformer');
try {
    $shop->submitForm($form, function (int $id) {
        throw new DomainException("no catalogue for $id");
    });
    fail('the callback\'s exception is thrown');
} catch (DomainException $e) {
    same('no catalogue for 3', $e->getMessage(), 'the callback\'s own exception passes through');
}
same(0, $shop->status()['pending'], 'nothing queued by a refused call');

same(['state' => 'invalid', 'errors' => [
    ['field' => 'phone', 'code' => 'invalid_phone', 'params' => []],
    ['field' => 'quantity', 'code' => 'invalid_quantity', 'params' => ['max' => 10000]],
]], $shop->submitForm(['values' => ['phone' => '12', 'product' => '3', 'quantity' => '1.5']] + $form, $product));
same(['state' => 'invalid', 'errors' => [['field' => 'product', 'code' => 'unknown_product', 'params' => []]]],
    $shop->submitForm(['values' => ['phone' => '12345', 'product' => '4']] + $form, $product));
same(0, $shop->status()['pending'], 'nothing queued for an invalid form');

$first = $shop->submitForm($form, $product);
same('queued', $first['state']);
check(preg_match('/^form-form-202612061034-[0-9a-f]{16}$/', $first['key']) === 1, 'no form name, no page: the key ' . $first['key']);
same(['state' => 'duplicate', 'id' => $first['id'], 'key' => $first['key']], $shop->submitForm($form, $product), 'the same again');
same(['state' => 'duplicate', 'id' => $first['id'], 'key' => $first['key']],
    $shop->submitForm(['time' => 1796553260 + 39] + $form, $product), 'the same minute');
same(1, $shop->status()['pending'], 'one record');
done();
