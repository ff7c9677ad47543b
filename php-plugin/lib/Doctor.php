<?php
/**
 * modRetailCRM — `modretailcrm.php doctor`: the README's warnings as checks a sysadmin runs.
 *
 * Each check says what it found (`detail`) and whether that is fine (`ok`: true, false, or null
 * when it only informs): the PHP running it, the extension and the PHP it was built for, the
 * settings, the outbox's folder (writable, and not handed out by the web server: asked over
 * HTTP as a visitor would), how changes are delivered (after responses, or only by cron), and
 * whether the CRM answers with the key. Nothing here decides for the extension; the facts come
 * from PHP, the extension's own status() and the CRM.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

final class Doctor
{
    /** The oldest PHP the extension supports. */
    private const MIN_PHP = '8.1.0';

    /** A change waiting longer than this (seconds) means nothing delivers: cron or pages. */
    private const STALE_PENDING = 3600;

    /**
     * The checks for the site whose `modretailcrm_*` settings (and `core_path`) are $settings,
     * reached over HTTP at $web['site_url'] with its files at $web['base_path'].
     *
     * @return list<array{check: string, ok: ?bool, detail: string}>
     */
    public static function checks(array $settings, array $web): array
    {
        $checks = [self::php(), self::extension()];
        if (!extension_loaded('modretailcrm')) {
            return $checks;
        }
        try {
            $integration = new \ModRetailCrm\Integration($settings);
            $checks[] = self::check('settings', true, 'the integration is configured (url, key, site code)');
        } catch (\Throwable $e) {
            $checks[] = self::check('settings', false, get_class($e) . ': ' . $e->getMessage());
            return $checks;
        }
        $status = $integration->status();
        $checks[] = trim((string) ($settings['modretailcrm_queue_backend'] ?? '')) === 'mysql'
            ? self::check('outbox', true, $status['outbox'] . ': the database answers (README, "Several web servers")')
            : self::outbox((string) $status['outbox'], $web);
        $checks[] = self::delivery($integration, $status, $settings);
        $checks[] = self::crm($settings);
        return $checks;
    }

    /** Whether every check that judges passed. */
    public static function healthy(array $checks): bool
    {
        return !in_array(false, array_column($checks, 'ok'), true);
    }

    private static function php(): array
    {
        $ok = version_compare(PHP_VERSION, self::MIN_PHP, '>=');
        return self::check('php', $ok, sprintf('PHP %s (%s, %s); the web server runs its own PHP: check it there too',
            PHP_VERSION, PHP_SAPI, PHP_ZTS ? 'ZTS' : 'NTS'));
    }

    private static function extension(): array
    {
        if (!extension_loaded('modretailcrm')) {
            return self::check('extension', false, 'the modretailcrm extension is not loaded in this PHP ('
                . (php_ini_loaded_file() ?: 'no php.ini') . '): see README, "Installing"');
        }
        $built = '';
        try {
            ob_start();
            (new \ReflectionExtension('modretailcrm'))->info();
            $info = (string) ob_get_clean();
            if (preg_match('/built for PHP\s*=>\s*(.+)/', $info, $m)) {
                $built = ', built for PHP ' . trim($m[1]);
            }
        } catch (\Throwable) {
            while (ob_get_level() > 0 && ob_end_clean()) {
            }
        }
        return self::check('extension', true, 'modretailcrm ' . phpversion('modretailcrm') . $built
            . ', loaded from ' . ini_get('extension_dir'));
    }

    private static function outbox(string $outbox, array $web): array
    {
        $folder = dirname($outbox);
        $writable = is_dir($folder) && is_writable($folder) && (!is_file($outbox) || is_writable($outbox));
        $exposure = PrivateFolder::exposure($folder, (string) ($web['base_path'] ?? ''), (string) ($web['site_url'] ?? ''));
        $detail = "$outbox: " . ($writable ? 'writable by ' : 'NOT writable by ') . self::user()
            . (is_dir($folder) ? sprintf(' (its folder: owner %s, mode %o; the web server\'s user must write it)',
                self::user(@fileowner($folder)), @fileperms($folder) & 0777) : '')
            . '; ' . $exposure['message'];
        return self::check('outbox', $writable && $exposure['served'] !== true, $detail);
    }

    private static function delivery(\ModRetailCrm\Integration $integration, array $status, array $settings): array
    {
        $mode = $integration->sendMode();
        $poll = trim((string) ($settings['modretailcrm_poll_budget'] ?? ''));
        $afterPages = $mode !== 'queue' ? "each change is sent after the response that made it ($mode)" : 'changes wait for cron (queue)';
        $retries = $poll === '0' ? 'retries and CRM changes need cron (modretailcrm_poll_budget is 0)'
            : 'retries and CRM changes also run after pages, at most once a minute';
        $age = $status['oldest_pending_age'] ?? null;
        $stale = is_int($age) && $age > self::STALE_PENDING;
        $waiting = $age === null ? 'nothing waits' : "the oldest waiting change is {$age} s old";
        return self::check('delivery', $stale ? false : null, "$afterPages; $retries; $waiting"
            . ($stale ? ': nothing delivers it — run `modretailcrm.php … run` from cron' : ''));
    }

    private static function crm(array $settings): array
    {
        try {
            $client = new \ModRetailCrm\Client((string) $settings['modretailcrm_url'], (string) $settings['modretailcrm_apiKey'],
                (string) $settings['modretailcrm_siteCode'], ['timeout' => 10, 'max_retries' => 0]);
            $answer = $client->credentials();
        } catch (\Throwable $e) {
            return self::check('crm', false, get_class($e) . ': ' . $e->getMessage());
        }
        $site = (string) $settings['modretailcrm_siteCode'];
        $sites = array_map('strval', (array) ($answer['sitesAvailable'] ?? []));
        $ok = $sites === [] || in_array($site, $sites, true);
        return self::check('crm', $ok, sprintf('%s answers; the key may call %d methods; %s',
            (string) $settings['modretailcrm_url'], count((array) ($answer['credentials'] ?? [])),
            $ok ? "store $site is available to it" : "store $site is NOT among its stores (" . implode(', ', $sites) . ')'));
    }

    /** The name of user $uid (by default the one this PHP runs as). */
    private static function user(int|false|null $uid = null): string
    {
        if (!function_exists('posix_getpwuid') || !function_exists('posix_geteuid')) {
            return $uid === null ? 'this user' : "uid $uid";
        }
        $uid ??= posix_geteuid();
        $user = $uid === false ? false : posix_getpwuid($uid);
        return is_array($user) ? (string) $user['name'] : ($uid === false ? 'unknown' : "uid $uid");
    }

    private static function check(string $name, ?bool $ok, string $detail): array
    {
        return ['check' => $name, 'ok' => $ok, 'detail' => $detail];
    }
}
