<?php
/**
 * modRetailCRM — the site's private folder, where the extension keeps the outbox, the API log
 * and its notes (customers' names, e-mails, phones and addresses), and the check that the web
 * server does not hand them out.
 *
 * MODX's core/ is often inside the web root, and nginx does not read .htaccess files. So the
 * folder gets a name nobody can guess, `{core_path}cache/modretailcrm-<random>/`, created by the
 * installer and kept in the `modretailcrm_data_path` setting (read by the extension,
 * core/src/config/folder.rs), a `.htaccess` that denies it on Apache, and an nginx rule the
 * installer prints. `exposure()` asks the site over HTTP for the outbox file, the way a
 * visitor would, and tells whether it is served.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

use RuntimeException;

require_once __DIR__ . '/Lexicon.php';

final class PrivateFolder
{
    /** The setting naming the folder. */
    public const SETTING = 'modretailcrm_data_path';

    /** The folder of a site the installer has not given one yet (core/src/config/folder.rs). */
    public const LEGACY = '{core_path}cache/modretailcrm/';

    /** The deny rules for Apache 2.4 (and 2.2), written into the folder. */
    public const HTACCESS = "# modRetailCRM: the outbox and the log hold customers' data; never serve them.\n"
        . "<IfModule mod_authz_core.c>\n    Require all denied\n</IfModule>\n"
        . "<IfModule !mod_authz_core.c>\n    Order deny,allow\n    Deny from all\n</IfModule>\n";

    /** The first bytes of every SQLite database file. */
    private const SQLITE_MAGIC = "SQLite format 3\0";

    /** How long the HTTP check waits for the site, in seconds. */
    private const CHECK_TIMEOUT = 3.0;

    /** A new setting value: `{core_path}cache/modretailcrm-<24 random hex digits>/`. */
    public static function newName(): string
    {
        return '{core_path}cache/modretailcrm-' . bin2hex(random_bytes(12)) . '/';
    }

    /** The folder a setting value names, `{core_path}` replaced. */
    public static function path(string $setting, string $corePath): string
    {
        return rtrim(str_replace('{core_path}', rtrim($corePath, '/') . '/', $setting), '/') . '/';
    }

    /**
     * Creates $folder (owner only; its parent must exist: nothing else is created) when it is
     * missing, and writes its `.htaccess` when missing or different. Returns what it changed.
     *
     * @return list<string>
     */
    public static function protect(string $folder): array
    {
        $changes = [];
        $folder = rtrim($folder, '/');
        if (!is_dir($folder)) {
            if (!@mkdir($folder, 0700) && !is_dir($folder)) {
                throw new RuntimeException("cannot create the private folder $folder (does " . dirname($folder) . ' exist?)');
            }
            self::ownLikeParent($folder);
            $changes[] = "created the private folder $folder/ (mode 0700)";
        }
        $htaccess = "$folder/.htaccess";
        // Checked before reading: MODX's error handler logs a warning even when silenced with @.
        $current = is_file($htaccess) ? @file_get_contents($htaccess) : false;
        if ($current !== self::HTACCESS) {
            if (file_put_contents($htaccess, self::HTACCESS) !== strlen(self::HTACCESS)) {
                throw new RuntimeException("cannot write $htaccess");
            }
            self::ownLikeParent($htaccess);
            $changes[] = "wrote $htaccess (Apache: deny all)";
        }
        return $changes;
    }

    /**
     * Gives $path the owner and group of its folder (MODX's core/cache, the site's user) when
     * the installer runs as another user, such as root: PHP must be able to write the outbox.
     */
    private static function ownLikeParent(string $path): void
    {
        $parent = dirname($path);
        if (fileowner($path) !== fileowner($parent) || filegroup($path) !== filegroup($parent)) {
            @chown($path, (int) fileowner($parent));
            @chgrp($path, (int) filegroup($parent));
        }
    }

    /** The nginx rule that keeps MODX's core folder (with the private folder) from visitors. */
    public static function nginxRule(string $basePath, string $corePath): ?string
    {
        $relative = self::below(rtrim($corePath, '/'), $basePath);
        return $relative === null ? null : 'location ^~ /' . $relative . '/ { deny all; return 404; }';
    }

    /**
     * Whether the web server hands out the outbox of $folder: asks `{site_url}` + its path below
     * $basePath, as a visitor would, without following redirects. When the outbox does not
     * exist yet, a stand-in with SQLite's first bytes is asked for (and removed). The message is
     * in the language of $texts (by default English).
     *
     * @return array{served: ?bool, url: ?string, message: string} served true: the file is
     *   served (a 200 answer with SQLite's first bytes); false: it is not; null: unknown
     */
    public static function exposure(string $folder, string $basePath, string $siteUrl, ?Lexicon $texts = null): array
    {
        $texts ??= Lexicon::of('en');
        $folder = rtrim($folder, '/');
        if (trim($basePath) === '') {
            return ['served' => null, 'url' => null, 'message' => $texts->text('modretailcrm_doctor_exposure_no_base_path')];
        }
        $relative = self::below($folder, $basePath);
        if ($relative === null) {
            return ['served' => false, 'url' => null, 'message' => $texts->text('modretailcrm_doctor_exposure_outside',
                ['folder' => $folder, 'base_path' => $basePath])];
        }
        if (!preg_match('~^https?://~i', $siteUrl)) {
            return ['served' => null, 'url' => null, 'message' => $texts->text('modretailcrm_doctor_exposure_no_site_url')];
        }
        $file = 'outbox.sqlite';
        $standIn = null;
        if (!is_file("$folder/$file")) {
            $file = 'exposure-check-' . bin2hex(random_bytes(4)) . '.sqlite';
            $standIn = "$folder/$file";
            if (@file_put_contents($standIn, self::SQLITE_MAGIC) === false) {
                return ['served' => null, 'url' => null, 'message' => $texts->text('modretailcrm_doctor_exposure_cannot_write',
                    ['file' => $standIn])];
            }
        }
        $url = rtrim($siteUrl, '/') . '/' . implode('/', array_map('rawurlencode', explode('/', "$relative/$file")));
        try {
            [$status, $head] = self::fetch($url, $texts);
        } finally {
            if ($standIn !== null) {
                @unlink($standIn);
            }
        }
        if ($status === null) {
            return ['served' => null, 'url' => $url, 'message' => $texts->text('modretailcrm_doctor_exposure_unchecked',
                ['url' => $url, 'error' => $head])];
        }
        if ($status === 200 && str_starts_with($head, self::SQLITE_MAGIC)) {
            return ['served' => true, 'url' => $url, 'message' => $texts->text('modretailcrm_doctor_exposure_served', ['url' => $url,
                'nginx' => self::nginxRule($basePath, dirname($folder, 2)) ?? $texts->text('modretailcrm_doctor_exposure_deny_core')])];
        }
        return ['served' => false, 'url' => $url, 'message' => $texts->text('modretailcrm_doctor_exposure_not_served',
            ['url' => $url, 'status' => $status])];
    }

    /**
     * GETs the first bytes of $url, without following redirects.
     *
     * @return array{0: ?int, 1: string} [HTTP status or null, the first bytes or why it failed
     *   (PHP's warning as it is, else our words from $texts)]
     */
    private static function fetch(string $url, Lexicon $texts): array
    {
        $context = stream_context_create(['http' => ['method' => 'GET', 'timeout' => self::CHECK_TIMEOUT,
            'ignore_errors' => true, 'follow_location' => 0, 'max_redirects' => 1,
            'header' => "User-Agent: modretailcrm exposure check\r\n"]]);
        $error = $texts->text('modretailcrm_doctor_exposure_no_answer');
        set_error_handler(function (int $no, string $message) use (&$error): bool {
            $error = $message;
            return true;
        });
        try {
            $stream = fopen($url, 'rb', false, $context);
            if ($stream === false) {
                return [null, $error];
            }
            $head = (string) stream_get_contents($stream, strlen(self::SQLITE_MAGIC));
            $meta = stream_get_meta_data($stream);
            fclose($stream);
        } finally {
            restore_error_handler();
        }
        $status = null;
        foreach ($meta['wrapper_data'] ?? [] as $line) {
            if (is_string($line) && preg_match('~^HTTP/\S+\s+(\d{3})~', $line, $m)) {
                $status = (int) $m[1];
            }
        }
        return $status === null ? [null, $texts->text('modretailcrm_doctor_exposure_no_status_line')] : [$status, $head];
    }

    /** $path below $root (both resolved when they exist), without slashes around; null when outside. */
    private static function below(string $path, string $root): ?string
    {
        $path = realpath($path) ?: $path;
        $root = rtrim(realpath($root) ?: $root, '/');
        if ($root === '' || !str_starts_with($path . '/', $root . '/') || $path === $root) {
            return null;
        }
        return trim(substr($path, strlen($root)), '/');
    }
}
