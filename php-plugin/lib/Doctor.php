<?php
/**
 * modRetailCRM — `modretailcrm.php doctor`: the README's warnings as checks a sysadmin runs.
 *
 * Each check says what it found (`detail`) and whether that is fine (`ok`: true, false, or null
 * when it only informs): the PHP running it, the extension and the PHP it was built for, the
 * settings, the outbox's folder (writable, and not handed out by the web server: asked over
 * HTTP as a visitor would), how changes are delivered (after responses, or only by cron), and
 * whether the CRM answers with the key. Nothing here decides for the extension; the facts come
 * from PHP, the extension's own status() and the CRM. The sentences are the lexicon's
 * (`modretailcrm_doctor_*`): English on the command line, the manager's language on the page;
 * the messages of exceptions stay as the extension or the CRM wrote them.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

require_once __DIR__ . '/Lexicon.php';
require_once __DIR__ . '/PrivateFolder.php';

final class Doctor
{
    /** The oldest PHP the extension supports. */
    private const MIN_PHP = '8.1.0';

    /** A change waiting longer than this (seconds) means nothing delivers: cron or pages. */
    private const STALE_PENDING = 3600;

    private function __construct(private readonly Lexicon $texts)
    {
    }

    /**
     * The checks for the site whose `modretailcrm_*` settings (and `core_path`) are $settings,
     * reached over HTTP at $web['site_url'] with its files at $web['base_path'], their details
     * in the language of $texts (by default English).
     *
     * @return list<array{check: string, ok: ?bool, detail: string}>
     */
    public static function checks(array $settings, array $web, ?Lexicon $texts = null): array
    {
        $doctor = new self($texts ?? Lexicon::of('en'));
        $checks = [$doctor->php(), $doctor->extension()];
        if (!extension_loaded('modretailcrm')) {
            return $checks;
        }
        try {
            $integration = new \ModRetailCrm\Integration($settings);
            $checks[] = self::check('settings', true, $doctor->text('settings'));
        } catch (\Throwable $e) {
            $checks[] = self::check('settings', false, get_class($e) . ': ' . $e->getMessage());
            return $checks;
        }
        $status = $integration->status();
        $checks[] = trim((string) ($settings['modretailcrm_queue_backend'] ?? '')) === 'mysql'
            ? self::check('outbox', true, $doctor->text('outbox_mysql', ['outbox' => $status['outbox']]))
            : $doctor->outbox((string) $status['outbox'], $web);
        $checks[] = $doctor->delivery($integration, $status, $settings);
        $checks[] = $doctor->crm($settings);
        return $checks;
    }

    /** Whether every check that judges passed. */
    public static function healthy(array $checks): bool
    {
        return !in_array(false, array_column($checks, 'ok'), true);
    }

    private function php(): array
    {
        $ok = version_compare(PHP_VERSION, self::MIN_PHP, '>=');
        return self::check('php', $ok, $this->text('php',
            ['version' => PHP_VERSION, 'sapi' => PHP_SAPI, 'threads' => PHP_ZTS ? 'ZTS' : 'NTS']));
    }

    private function extension(): array
    {
        if (!extension_loaded('modretailcrm')) {
            return self::check('extension', false, $this->text('extension_missing',
                ['ini' => php_ini_loaded_file() ?: $this->text('no_php_ini')]));
        }
        $built = null;
        try {
            ob_start();
            (new \ReflectionExtension('modretailcrm'))->info();
            $info = (string) ob_get_clean();
            if (preg_match('/built for PHP\s*=>\s*(.+)/', $info, $m)) {
                $built = trim($m[1]);
            }
        } catch (\Throwable) {
            while (ob_get_level() > 0 && ob_end_clean()) {
            }
        }
        $facts = ['version' => phpversion('modretailcrm'), 'built' => $built, 'dir' => ini_get('extension_dir')];
        return self::check('extension', true, $this->text($built === null ? 'extension_unknown_build' : 'extension', $facts));
    }

    private function outbox(string $outbox, array $web): array
    {
        $folder = dirname($outbox);
        $writable = is_dir($folder) && is_writable($folder) && (!is_file($outbox) || is_writable($outbox));
        $exposure = PrivateFolder::exposure($folder, (string) ($web['base_path'] ?? ''), (string) ($web['site_url'] ?? ''),
            $this->texts);
        $facts = ['outbox' => $outbox, 'user' => $this->user(), 'exposure' => $exposure['message']];
        $detail = is_dir($folder)
            ? $this->text($writable ? 'outbox_writable' : 'outbox_not_writable', $facts + [
                'owner' => $this->user(@fileowner($folder)), 'mode' => sprintf('%o', @fileperms($folder) & 0777)])
            : $this->text('outbox_no_folder', $facts);
        return self::check('outbox', $writable && $exposure['served'] !== true, $detail);
    }

    private function delivery(\ModRetailCrm\Integration $integration, array $status, array $settings): array
    {
        $mode = $integration->sendMode();
        $poll = trim((string) ($settings['modretailcrm_poll_budget'] ?? ''));
        $age = $status['oldest_pending_age'] ?? null;
        $stale = is_int($age) && $age > self::STALE_PENDING;
        $parts = [
            $mode !== 'queue' ? $this->text('sent_after_response', ['mode' => $mode]) : $this->text('sent_by_cron'),
            $this->text($poll === '0' ? 'poll_off' : 'poll_on'),
            $age === null ? $this->text('nothing_waits') : $this->text($stale ? 'oldest_stale' : 'oldest_waiting', ['age' => $age]),
        ];
        return self::check('delivery', $stale ? false : null, implode('; ', $parts));
    }

    private function crm(array $settings): array
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
        return self::check('crm', $ok, $this->text($ok ? 'crm_site_ok' : 'crm_site_missing', [
            'url' => (string) $settings['modretailcrm_url'], 'count' => count((array) ($answer['credentials'] ?? [])),
            'site' => $site, 'sites' => implode(', ', $sites)]));
    }

    /** The name of user $uid (by default the one this PHP runs as). */
    private function user(int|false|null $uid = null): string
    {
        if (!function_exists('posix_getpwuid') || !function_exists('posix_geteuid')) {
            return $uid === null ? $this->text('user_current') : "uid $uid";
        }
        $uid ??= posix_geteuid();
        $user = $uid === false ? false : posix_getpwuid($uid);
        return is_array($user) ? (string) $user['name'] : ($uid === false ? $this->text('user_unknown') : "uid $uid");
    }

    /** The lexicon's `modretailcrm_doctor_<$name>`, its placeholders filled with $values. */
    private function text(string $name, array $values = []): string
    {
        return $this->texts->text("modretailcrm_doctor_$name", $values);
    }

    private static function check(string $name, ?bool $ok, string $detail): array
    {
        return ['check' => $name, 'ok' => $ok, 'detail' => $detail];
    }
}
