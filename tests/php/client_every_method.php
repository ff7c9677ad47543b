<?php
// Every method of ModRetailCrm\Client, found by reflection, called with a wrong value in each
// argument position in turn (an object, then a string that is not UTF-8): each call throws a
// ValidationException naming that argument, nothing reaches the CRM, the process lives on.
require __DIR__ . '/lib.php';

use ModRetailCrm\{Client, ValidationException};

/** A value that is valid for the argument called $name. */
function valid(string $name): mixed
{
    return match ($name) {
        'url' => env('CRM_URL'),
        'api_key' => env('CRM_KEY'),
        'method' => 'GET',
        'route' => 'orders',
        'site' => 'shop',
        'by' => 'externalId',
        'id' => 'x-1',
        'name' => 'statuses',
        'field' => 'orders',
        'page' => 1,
        'limit' => 20,
        'customer', 'order', 'payment', 'task', 'cost' => ['externalId' => 'x-1'],
        'params', 'filter', 'options', 'customers', 'orders', 'offers', 'prices', 'ids', 'external_ids' => [],
        default => fail("no valid value known for \$$name"),
    };
}

$crm = sandbox_client();
control('DELETE', 'requests');
$calls = 0;
foreach ((new ReflectionClass(Client::class))->getMethods() as $method) {
    $parameters = $method->getParameters();
    foreach ($parameters as $position => $parameter) {
        $name = $parameter->getName();
        $wrongValues = [new stdClass()];
        if ($name !== 'page' && $name !== 'limit') {
            $wrongValues[] = in_array($name, ['url', 'api_key', 'method', 'route', 'site', 'by', 'id', 'name', 'field'], true)
                ? "bad \xC3\x28 utf-8"
                : ['k' => "bad \xC3\x28 utf-8"];
        }
        foreach ($wrongValues as $wrong) {
            $args = array_map(fn (ReflectionParameter $p) => valid($p->getName()), $parameters);
            $args[$position] = $wrong;
            $call = $method->isConstructor()
                ? fn () => new Client(...$args)
                : fn () => $method->invokeArgs($crm, $args);
            throws(ValidationException::class, $call, "\$$name");
            $calls++;
        }
    }
}
check($calls > 80, "every argument of every method was tried ($calls calls)");
same([], control('GET', 'requests')['requests'], 'nothing reached the CRM');
done();
