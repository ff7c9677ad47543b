<?php
/**
 * modRetailCRM — status changes made in RetailCRM, applied to miniShop2 orders.
 *
 * The one place where the site takes a status from the CRM: the history sync (the plugin's
 * work after a response, the command line's `history` and `run`) and the webhook apply each
 * change with apply(). It sets the status through miniShop2's own changeOrderStatus(), so that
 * mails, the order log and other plugins run, with applying() true meanwhile: the plugin's
 * msOnChangeOrderStatus then does not send the change back to the CRM. What to apply is the
 * extension's decision (ModRetailCrm\Integration::pullChanges()); nothing is mapped here.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

final class CrmStatus
{
    /** Whether apply() is changing a status now. */
    private static bool $applying = false;

    /** True while a CRM status is being applied: msOnChangeOrderStatus must not send it back. */
    public static function applying(): bool
    {
        return self::$applying;
    }

    /**
     * The site's statuses with their CRM codes, [ms2 status id => retailcrm_status_code|null],
     * as pullChanges() and handleRequest() take them.
     *
     * @return array<int, string|null>
     */
    public static function codes(\modX $modx): array
    {
        $codes = [];
        foreach ($modx->getCollection('msOrderStatus') as $status) {
            $code = $status->get('retailcrm_status_code');
            $codes[(int) $status->get('id')] = is_string($code) && trim($code) !== '' ? $code : null;
        }
        ksort($codes);
        return $codes;
    }

    /**
     * The order $action names: by its id $action['order_id'] when given, else by its number
     * $action['order']; null when the site has none.
     *
     * @param array{order: string, order_id?: int|null} $action
     */
    public static function order(\modX $modx, array $action): ?object
    {
        $order = null;
        if (!empty($action['order_id'])) {
            $order = $modx->getObject('msOrder', (int) $action['order_id']);
        }
        $order ??= $modx->getObject('msOrder', ['num' => (string) $action['order']]);
        return is_object($order) ? $order : null;
    }

    /**
     * Gives order $action['order_id'] (else the order numbered $action['order']) the site status
     * $action['status'] through miniShop2, unless it has it already (a change applied before
     * the process died, handed out again). Returns null when the order has the status, else
     * why it does not.
     *
     * @param array{order: string, order_id?: int|null, status: int} $action
     */
    public static function apply(\modX $modx, array $action): ?string
    {
        $order = self::order($modx, $action);
        if ($order === null) {
            return "the site has no order {$action['order']}";
        }
        $status = (int) $action['status'];
        if ((int) $order->get('status') === $status) {
            return null;
        }
        $miniShop2 = $modx->getService('miniShop2');
        if (!is_object($miniShop2) || !method_exists($miniShop2, 'changeOrderStatus')) {
            return 'miniShop2 is not available';
        }
        self::$applying = true;
        try {
            $result = $miniShop2->changeOrderStatus((int) $order->get('id'), $status);
        } finally {
            self::$applying = false;
        }
        if ($result === true) {
            return null;
        }
        return is_string($result) && $result !== '' ? "miniShop2 refused: $result" : 'miniShop2 refused the status';
    }

    /**
     * Applies $actions (by default the CRM's changes pulled now) and confirms each with
     * Integration::applied(). A failure is confirmed as such (the change is set aside with
     * the reason) and logged. Returns the counts.
     *
     * @param list<array>|null $actions
     * @return array{applied: int, refused: int}
     */
    public static function sync(\modX $modx, \ModRetailCrm\Integration $integration, ?array $actions = null): array
    {
        $actions ??= $integration->pullChanges(self::codes($modx));
        $counts = ['applied' => 0, 'refused' => 0];
        foreach ($actions as $action) {
            try {
                $error = self::apply($modx, $action);
            } catch (\Throwable $e) {
                $error = get_class($e) . ': ' . $e->getMessage();
            }
            $integration->applied((string) $action['id'], $error);
            if ($error === null) {
                $counts['applied']++;
            } else {
                $counts['refused']++;
                $modx->log(\modX::LOG_LEVEL_ERROR, "[modRetailCRM] the CRM's status {$action['code']} was not applied to order {$action['order']}: $error");
            }
        }
        return $counts;
    }

    /**
     * The plugin's shutdown function on every request, for shops without cron: at most once
     * a minute per site, the outbox's due retries, then the CRM's status changes applied
     * (Integration::pollDue(), afterResponse()). Never throws.
     */
    public static function afterResponse(\modX $modx, \ModRetailCrm\Integration $integration): void
    {
        try {
            if (!$integration->pollDue()) {
                return;
            }
            $actions = $integration->afterResponse(self::codes($modx));
            if ($actions !== null && $actions !== []) {
                self::sync($modx, $integration, $actions);
            }
        } catch (\Throwable $e) {
            $modx->log(\modX::LOG_LEVEL_ERROR, '[modRetailCRM] the work after the response failed: '
                . get_class($e) . ': ' . $e->getMessage());
        }
    }
}
