<?php
/**
 * modRetailCRM — the outbox's database when it lives in MySQL/MariaDB
 * (modretailcrm_queue_backend = mysql, or `migrate-queue`): the connection settings left
 * blank are the site's own, as config.inc.php gives them. The MODX plugin (with the mysql
 * backend) and the --site reader of the cron CLI (ModxSite, always: migrate-queue moves the
 * queue before the backend is switched too) fill them here; the extension reads the result.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

final class QueueConnection
{
    /**
     * $settings with modretailcrm_queue_dsn, _user, _password and _table_prefix set from
     * the site's connection ($dsn, $user, $password, $tablePrefix) where they are blank.
     * The password is set only with the user: a queue user of its own keeps its own
     * password.
     *
     * @param array<string, mixed> $settings
     * @return array<string, mixed>
     */
    public static function fill(array $settings, string $dsn, string $user, string $password, string $tablePrefix): array
    {
        $blank = static fn(string $key): bool => trim((string) ($settings[$key] ?? '')) === '';
        if ($blank('modretailcrm_queue_dsn')) {
            $settings['modretailcrm_queue_dsn'] = $dsn;
        }
        if ($blank('modretailcrm_queue_user')) {
            $settings['modretailcrm_queue_user'] = $user;
            $settings['modretailcrm_queue_password'] = $password;
        }
        if ($blank('modretailcrm_queue_table_prefix')) {
            $settings['modretailcrm_queue_table_prefix'] = $tablePrefix;
        }
        return $settings;
    }
}
