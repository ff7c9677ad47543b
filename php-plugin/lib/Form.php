<?php
/**
 * modRetailCRM — the modRetailCrmForm FormIt hook (elements/snippets/modRetailCrmForm.php):
 * hands the submitted values and the hook's properties to the extension
 * (ModRetailCrm\Integration::submitForm), which checks them, maps them to a CRM order,
 * customer or task and queues it durably, once per submission; puts the problems it finds
 * on their form fields (FormIt's addError, texts from the modretailcrm lexicon); and, in the
 * deferred send mode, delivers after the response as the plugin does. No mapping here.
 *
 * It shares the plugin's per-request state ($GLOBALS['modretailcrm_plugin']): the
 * integration the plugin made for this request is used, and one made here is left for the
 * plugin.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

require_once __DIR__ . '/SiteSettings.php';

final class Form
{
    /** The key FormIt files a hook's own failure under: the hook's name. */
    public const HOOK = 'modRetailCrmForm';

    /**
     * Runs the hook for FormIt's $hook with the snippet's $properties (FormIt's call's
     * properties, which FormIt passes on). True: the form's lead is queued (or was, for the
     * same submission within a minute); false: errors were added to the form, nothing sent.
     */
    public static function hook(\modX $modx, object $hook, array $properties): bool
    {
        $modx->lexicon->load('modretailcrm:default');
        $failed = static function (string $why) use ($modx, $hook): bool {
            $modx->log(\modX::LOG_LEVEL_ERROR, "[modRetailCRM] form: $why; the submission was NOT sent");
            $hook->addError(self::HOOK, $modx->lexicon('modretailcrm_form_failed'));
            return false;
        };
        if (!extension_loaded('modretailcrm')) {
            return $failed('the PHP extension "modretailcrm" is not loaded (add extension=modretailcrm.so to php.ini)');
        }
        try {
            $integration = self::integration($modx);
            if ($integration === null) {
                return $failed('the integration is inactive (the MODX log tells why)');
            }
            $result = $integration->submitForm([
                'values' => $hook->getValues(),
                'properties' => self::properties($properties),
                'page' => is_object($modx->resource ?? null) ? (int) $modx->resource->get('id') : null,
                'time' => (int) ($_SERVER['REQUEST_TIME'] ?? time()),
            ], static function (int $id) use ($modx): ?array {
                $product = $modx->getObject('msProduct', $id);
                return is_object($product) ? $product->toArray() : null;
            });
        } catch (\Throwable $e) {
            return $failed(get_class($e) . ': ' . $e->getMessage());
        }
        if ($result['state'] === 'invalid') {
            foreach ($result['errors'] as $error) {
                $hook->addError($error['field'], $modx->lexicon('modretailcrm_form_' . $error['code'], $error['params']));
            }
            return false;
        }
        if (in_array($result['state'], ['retrying', 'dead'], true)) {
            $modx->log(\modX::LOG_LEVEL_ERROR, "[modRetailCRM] form: {$result['key']} not delivered ({$result['state']}),"
                . ' kept in the outbox');
        }
        $request = &$GLOBALS['modretailcrm_plugin'];
        if ($result['state'] === 'queued' && !$request['shutdown_registered'] && $integration->sendMode() === 'deferred') {
            $request['shutdown_registered'] = true;
            register_shutdown_function([$integration, 'deliverAfterResponse']);
        }
        return true;
    }

    /** The properties the extension reads: the hook's crm* ones and FormIt's formName. */
    private static function properties(array $properties): array
    {
        $read = [];
        foreach ($properties as $key => $value) {
            if (is_string($key) && (strncmp($key, 'crm', 3) === 0 || $key === 'formName') && is_scalar($value)) {
                $read[$key] = $value;
            }
        }
        return $read;
    }

    /** The request's integration (the plugin's, else made here from the site's settings); null when inactive. */
    private static function integration(\modX $modx): ?\ModRetailCrm\Integration
    {
        $request = &$GLOBALS['modretailcrm_plugin'];
        $request ??= ['integration' => null, 'extension_reported' => false, 'shutdown_registered' => false];
        if ($request['integration'] === null) {
            $request['integration'] = \ModRetailCrm\Integration::forSite(SiteSettings::of($modx), static function (string $message) use ($modx): void {
                $modx->log(\modX::LOG_LEVEL_ERROR, "[modRetailCRM] $message");
            }) ?? false;
        }
        return $request['integration'] ?: null;
    }
}
