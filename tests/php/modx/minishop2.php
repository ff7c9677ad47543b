<?php
/**
 * miniShop2's service as lib/CrmStatus.php uses it, for the harness: changeOrderStatus() does
 * what miniShop2's does — refuses to leave a final status, saves the order's new status and
 * fires msOnChangeOrderStatus, here through the plugin file — and records each call.
 */

declare(strict_types=1);

final class miniShop2Stub
{
    /** @var list<array{0: int, 1: int}> [order id, status id] of each call */
    public array $calls = [];

    public function __construct(private readonly modX $modx)
    {
    }

    public function changeOrderStatus($orderId, $statusId): bool|string
    {
        $this->calls[] = [(int) $orderId, (int) $statusId];
        $order = $this->modx->getObject('msOrder', (int) $orderId);
        if ($order === null) {
            return 'ms2_err_order_nf';
        }
        $current = $this->modx->getObject('msOrderStatus', (int) $order->get('status'));
        if ($current !== null && $current->get('final')) {
            return 'ms2_err_status_final';
        }
        $order->set('status', (int) $statusId);
        $this->modx->store($order, true);
        $this->modx->runPlugin(plugin_file(), 'msOnChangeOrderStatus', ['order' => $order, 'status' => (int) $statusId]);
        return true;
    }
}

/** The harness's modX with miniShop2's service. */
final class modXWithMiniShop2 extends modX
{
    public ?miniShop2Stub $miniShop2 = null;

    public function getService(string $name, string $class = '', string $path = '', array $params = []): ?object
    {
        return $name === 'miniShop2' ? ($this->miniShop2 ??= new miniShop2Stub($this)) : null;
    }

    /** Order $id's current status. */
    public function orderStatus(int $id): int
    {
        return (int) $this->getObject('msOrder', $id)?->get('status');
    }
}
