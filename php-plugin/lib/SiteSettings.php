<?php
/**
 * modRetailCRM — the settings the extension is given on a MODX request: the site's
 * modretailcrm_* settings and core_path, and, with the outbox in MySQL/MariaDB
 * (modretailcrm_queue_backend = mysql), the connection settings left blank filled from the
 * site's own (see QueueConnection). The one reading the plugin, the form hook and the
 * manager page's connector share.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

require_once __DIR__ . '/QueueConnection.php';

final class SiteSettings
{
    /**
     * The settings of the site $modx runs.
     *
     * @return array<string, mixed>
     */
    public static function of(\modX $modx): array
    {
        $settings = ['core_path' => defined('MODX_CORE_PATH') ? MODX_CORE_PATH : (string) $modx->getOption('core_path')];
        foreach ($modx->config as $key => $value) {
            if (is_string($key) && strncmp($key, 'modretailcrm_', 13) === 0) {
                $settings[$key] = $value;
            }
        }
        if (trim((string) ($settings['modretailcrm_queue_backend'] ?? '')) !== 'mysql') {
            return $settings;
        }
        return QueueConnection::fill($settings, (string) $modx->getOption('dsn'), (string) $modx->getOption('username'),
            (string) $modx->getOption('password'), (string) $modx->getOption('table_prefix'));
    }
}
