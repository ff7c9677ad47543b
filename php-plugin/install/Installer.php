<?php

require_once __DIR__ . '/../lib/PrivateFolder.php';

use ModRetailCrm\Plugin\PrivateFolder;

/**
 * Installs, upgrades and removes modRetailCRM on a MODX Revolution 2.8 site with miniShop2,
 * through the MODX/xPDO API of a bootstrapped $modx (see install.php).
 *
 * What it manages, by the names the older modRetailCRM component used so that a site that has it
 * is upgraded in place: the namespace `modretailcrm`, the category and plugin `modRetailCrm`, the
 * snippets of php-plugin/elements/snippets (the older component had `icml`), the system settings
 * of settings.json (through settings.php), the manager page's menu entry Extras → RetailCRM
 * (modMenu `modretailcrm_menu`, action index of the namespace: controllers/index.class.php),
 * the files (elements, lexicon, cli, lib, processors, controllers, assets) under {core}components/modretailcrm/ and
 * {assets}components/modretailcrm/, and the columns retailcrm_delivery_code,
 * retailcrm_payment_code and retailcrm_status_code of miniShop2's tables; and the private folder
 * of the outbox and the log (see lib/PrivateFolder.php), checked over HTTP. Every step compares
 * first and changes only what differs, so a second run changes nothing.
 */
final class ModRetailCrmInstaller
{
    public const NAMESPACE = 'modretailcrm';
    public const CATEGORY = 'modRetailCrm';
    public const PLUGIN = 'modRetailCrm';
    /** The manager menu entry Extras → RetailCRM (its text is a lexicon key of the namespace). */
    public const MENU = 'modretailcrm_menu';

    /** Events the plugin can handle; each is registered when the plugin file names it. */
    public const EVENTS = ['OnMODXInit', 'OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus',
        'msOnManagerCustomCssJs', 'OnHandleRequest', 'msOnUpdateOrder', 'msOnCreateOrderProduct',
        'msOnUpdateOrderProduct', 'msOnRemoveOrderProduct'];

    /** The miniShop2 references and their CRM code columns (added to the model by the plugin). */
    public const CODE_FIELDS = ['msDelivery' => 'retailcrm_delivery_code', 'msPayment' => 'retailcrm_payment_code',
        'msOrderStatus' => 'retailcrm_status_code'];

    /** What the older component created and this one replaces or no longer uses. */
    private const OLD_SNIPPETS = ['icml'];
    private const OLD_SETTINGS = ['modretailcrm_rewrite_num'];

    /** The setting of the webhook's secret, which the installer generates. */
    private const WEBHOOK_SECRET = 'modretailcrm_webhook_secret';

    /** @var list<string> what was changed, one line each */
    private array $changes = [];
    /** @var list<string> what the site owner should know */
    private array $notes = [];
    /** @var list<string> what the site owner must act on now */
    private array $warnings = [];

    /**
     * @param modX $modx an initialized MODX
     * @param string $source the php-plugin directory this installer belongs to
     */
    public function __construct(private $modx, private string $source)
    {
    }

    /** @return list<string> */
    public function changes(): array
    {
        return $this->changes;
    }

    /** @return list<string> */
    public function notes(): array
    {
        return $this->notes;
    }

    /** @return list<string> dangers found, such as customers' data served to anyone */
    public function warnings(): array
    {
        return $this->warnings;
    }

    public function install(): void
    {
        $this->requireMiniShop2();
        $this->copyFiles();
        $this->upsert('modNamespace', self::NAMESPACE, [
            'path' => '{core_path}components/modretailcrm/',
            'assets_path' => '{assets_path}components/modretailcrm/',
        ], 'namespace ' . self::NAMESPACE);
        $category = $this->category(true);
        $this->installSettings();
        $this->installWebhookSecret();
        $folder = $this->installPrivateFolder();
        $this->installPlugin((int) $category->get('id'));
        $this->installSnippets((int) $category->get('id'));
        $this->upsert('modMenu', self::MENU, [
            'parent' => 'components',
            'action' => 'index',
            'description' => 'modretailcrm_menu_desc',
            'icon' => '',
            'menuindex' => 0,
            'params' => '',
            'handler' => '',
            'permissions' => 'settings',
            'namespace' => self::NAMESPACE,
        ], 'menu Extras → RetailCRM');
        $this->removeOldLexiconEntries();
        $this->addCodeColumns();
        $this->refreshCache();
        $this->checkPrivateFolder($folder);
        if (!extension_loaded('modretailcrm')) {
            $this->notes[] = self::missingExtension();
        }
        $oldModel = $this->corePath() . 'components/modretailcrm/model/';
        if (is_dir($oldModel)) {
            $this->notes[] = "$oldModel holds the older component's code, which this version does not use:"
                . ' delete it once nothing of yours is kept there';
        }
    }

    /**
     * What runs the retries and the CRM's status changes, for the site whose config.core.php
     * is in $site: without cron, a worker after a page does (at most once a minute, within
     * modretailcrm_poll_budget); cron does it on time, with the crontab line given.
     */
    public static function cronAdvice(string $site): string
    {
        return 'retries and RetailCRM status changes run after pages, at most once a minute;'
            . ' on a quiet site cron runs them on time:  * * * * * php '
            . rtrim(MODX_CORE_PATH, '/') . "/components/modretailcrm/cli/modretailcrm.php --site=$site run 50";
    }

    /** What to do when this PHP lacks the extension: the ways to install it, for this PHP's version. */
    private static function missingExtension(): string
    {
        $php = PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
        return "the modretailcrm PHP extension is not loaded in this PHP ($php): the site's PHP (FPM) needs it to send"
            . " anything. Install it (README, Installing) with the Debian package php$php-modretailcrm,"
            . ' with `pie install modretailcrm/modretailcrm`, or with `phpize && ./configure && make && make install`'
            . " in the repository's ext/ folder; then restart PHP-FPM";
    }

    public function uninstall(bool $dropCodes): void
    {
        $plugin = $this->modx->getObject('modPlugin', ['name' => self::PLUGIN]);
        if ($plugin) {
            $this->removeCollection('modPluginEvent', ['pluginid' => $plugin->get('id')], 'plugin event', 'event');
            $this->remove($plugin, 'plugin ' . self::PLUGIN);
        }
        $category = $this->category(false);
        foreach (array_unique(array_merge($this->snippetNames(), self::OLD_SNIPPETS)) as $name) {
            $snippet = $this->modx->getObject('modSnippet', ['name' => $name]);
            $ours = $snippet && $category && (int) $snippet->get('category') === (int) $category->get('id');
            if ($ours) {
                $this->remove($snippet, "snippet $name");
            } elseif ($snippet) {
                $this->notes[] = "kept the snippet $name: it is not in the " . self::CATEGORY . ' category';
            }
        }
        foreach ($this->modx->getCollection('modSystemSetting', ['namespace' => self::NAMESPACE]) as $setting) {
            $this->remove($setting, 'setting ' . $setting->get('key'));
        }
        $this->removeOldLexiconEntries();
        $menu = $this->modx->getObject('modMenu', self::MENU);
        if ($menu) {
            $this->remove($menu, 'menu Extras → RetailCRM');
        }
        $namespace = $this->modx->getObject('modNamespace', self::NAMESPACE);
        if ($namespace) {
            $this->remove($namespace, 'namespace ' . self::NAMESPACE);
        }
        if ($category && $this->categoryIsEmpty((int) $category->get('id'))) {
            $this->remove($category, 'category ' . self::CATEGORY);
        }
        $this->removeFiles();
        if ($dropCodes) {
            $this->dropCodeColumns();
        } else {
            $kept = [];
            foreach (self::CODE_FIELDS as $class => $field) {
                if ($this->hasColumn($class, $field)) {
                    $kept[] = "$class.$field";
                }
            }
            if ($kept !== []) {
                $this->notes[] = 'kept the columns ' . implode(', ', $kept) . ' and their codes (--drop-codes removes them)';
            }
        }
        $this->refreshCache();
    }

    // ---------------------------------------------------------------- miniShop2 and its columns

    private function requireMiniShop2(): void
    {
        $model = $this->corePath() . 'components/minishop2/model/';
        if (!$this->modx->getObject('modNamespace', 'minishop2') || !is_dir($model . 'minishop2/')) {
            throw new RuntimeException('miniShop2 is not installed on this site (no minishop2 namespace or no '
                . $model . 'minishop2/): install miniShop2 4.x first');
        }
    }

    /** Runs the plugin's own OnMODXInit, which puts the code fields into miniShop2's model map. */
    private function loadCodeFields(): void
    {
        $this->runPlugin('OnMODXInit', ['contextKey' => 'mgr', 'options' => null]);
        foreach (self::CODE_FIELDS as $class => $field) {
            if (!isset($this->modx->getFieldMeta($class)[$field])) {
                throw new RuntimeException("the plugin's OnMODXInit did not add $class.$field to the model"
                    . ' (is miniShop2 installed?)');
            }
        }
    }

    private function addCodeColumns(): void
    {
        $this->loadCodeFields();
        $manager = $this->modx->getManager();
        foreach (self::CODE_FIELDS as $class => $field) {
            if ($this->hasColumn($class, $field)) {
                continue;
            }
            if (!$manager->addField($class, $field) || !$this->hasColumn($class, $field)) {
                throw new RuntimeException("could not add the column $field to " . $this->modx->getTableName($class));
            }
            $this->changes[] = "added the column $field (varchar(255) NULL) to " . $this->modx->getTableName($class);
        }
    }

    private function dropCodeColumns(): void
    {
        $this->loadCodeFields();
        $manager = $this->modx->getManager();
        foreach (self::CODE_FIELDS as $class => $field) {
            if (!$this->hasColumn($class, $field)) {
                continue;
            }
            if (!$manager->removeField($class, $field) || $this->hasColumn($class, $field)) {
                throw new RuntimeException("could not drop the column $field of " . $this->modx->getTableName($class));
            }
            $this->changes[] = "dropped the column $field of " . $this->modx->getTableName($class) . ' and its codes';
        }
    }

    private function hasColumn(string $class, string $field): bool
    {
        $table = $this->modx->getTableName($class);
        if (!$table) {
            throw new RuntimeException("no table for $class");
        }
        $statement = $this->modx->query("SHOW COLUMNS FROM $table");
        if (!$statement) {
            throw new RuntimeException("could not read the columns of $table");
        }
        return in_array($field, array_column($statement->fetchAll(), 'Field'), true);
    }

    /** Runs the plugin file for one event as MODX would: $modx, $scriptProperties, $modx->event. */
    private function runPlugin(string $event, array $properties): void
    {
        $modx = $this->modx;
        $previous = $modx->event ?? null;
        $modx->event = new modSystemEvent();
        $modx->event->name = $event;
        $modx->event->params = $properties;
        try {
            (static function (string $file, $modx, array $scriptProperties) {
                extract($scriptProperties, EXTR_SKIP);
                return include $file;
            })($this->pluginFile(), $modx, $properties);
        } finally {
            $modx->event = $previous;
        }
    }

    // ---------------------------------------------------------------- elements and settings

    private function installSettings(): void
    {
        $settings = require $this->source . '/install/settings.php';
        foreach ($settings as $key => $definition) {
            $setting = $this->modx->getObject('modSystemSetting', $key);
            $meta = ['namespace' => self::NAMESPACE, 'area' => $definition['area'], 'xtype' => $definition['xtype']];
            if (!$setting) {
                $value = match ($key) {
                    PrivateFolder::SETTING => $this->newPrivateFolder(),
                    self::WEBHOOK_SECRET => self::newSecret(),
                    default => $definition['value'],
                };
                $setting = $this->modx->newObject('modSystemSetting');
                $setting->fromArray(['key' => $key, 'value' => $value] + $meta, '', true, true);
                $this->save($setting, "setting $key");
                continue;
            }
            $differs = $this->differences($setting, $meta);
            if ($differs !== []) {
                $setting->fromArray($meta);
                $this->save($setting, "setting $key (" . implode(', ', $differs) . '; value kept)', false);
            }
        }
        foreach (self::OLD_SETTINGS as $key) {
            $setting = $this->modx->getObject('modSystemSetting', $key);
            if ($setting) {
                if (!in_array(trim((string) $setting->get('value')), ['', '0', 'false'], true)) {
                    $this->notes[] = "$key was on: this version never rewrites order numbers with the CRM's"
                        . ' (that broke status sync); use modretailcrm_add_crm_number to send the site\'s number';
                }
                $this->remove($setting, "setting $key (not used any more)");
            }
        }
        foreach (['modretailcrm_url', 'modretailcrm_apiKey', 'modretailcrm_siteCode'] as $key) {
            $setting = $this->modx->getObject('modSystemSetting', $key);
            if ($setting && trim((string) $setting->get('value')) === '') {
                $this->notes[] = 'set modretailcrm_url, modretailcrm_apiKey and modretailcrm_siteCode in System settings'
                    . ' (namespace modretailcrm): the integration stays inactive until then';
                break;
            }
        }
    }

    /** A new webhook secret: 32 random bytes, in hex. */
    private static function newSecret(): string
    {
        return bin2hex(random_bytes(32));
    }

    /**
     * The webhook's secret when the setting is empty (an upgrade from the older component, whose
     * unauthenticated endpoint thus stays closed: a call without the secret is refused). Notes
     * the URL to paste into RetailCRM's trigger.
     */
    private function installWebhookSecret(): void
    {
        $setting = $this->modx->getObject('modSystemSetting', self::WEBHOOK_SECRET);
        if (!$setting) {
            return;
        }
        $secret = trim((string) $setting->get('value'));
        if ($secret === '') {
            $secret = self::newSecret();
            $setting->set('value', $secret);
            $this->save($setting, 'setting ' . self::WEBHOOK_SECRET . ' (a new random secret)', false);
        }
        $path = $this->modx->getObject('modSystemSetting', 'modretailcrm_webhook_path');
        $path = trim($path ? (string) $path->get('value') : '', '/');
        $site = rtrim((string) $this->modx->getOption('site_url', null, ''), '/') . '/';
        $url = $this->modx->getOption('friendly_urls', null, false)
            ? $site . ($path !== '' ? $path : 'modretailcrm/webhook') . '?secret=' . $secret
            : $site . '?retailCRM_action=change_status&secret=' . $secret;
        $this->notes[] = 'RetailCRM → site status changes: in RetailCRM add a trigger (see README, "The webhook")'
            . " whose HTTP request goes to  $url  with the parameter order_id = {{ order.externalId }}";
    }

    /**
     * The value of modretailcrm_data_path for a site that has none: a new folder with a name
     * nobody can guess; or the folder of an outbox an earlier install left (uninstall keeps
     * it; the most recently used one), or on a site whose older version already queues in
     * core/cache/modretailcrm/, that folder — kept so that no queued change is left behind.
     */
    private function newPrivateFolder(): string
    {
        $earlier = glob($this->corePath() . 'cache/modretailcrm-*/outbox.sqlite') ?: [];
        usort($earlier, fn(string $a, string $b) => filemtime($b) <=> filemtime($a));
        if ($earlier !== []) {
            $folder = basename(dirname($earlier[0]));
            $this->notes[] = "kept the private folder {core_path}cache/$folder/ of an earlier install, with its outbox";
            return '{core_path}cache/' . $folder . '/';
        }
        $legacy = PrivateFolder::path(PrivateFolder::LEGACY, $this->corePath());
        if (!is_file($legacy . 'outbox.sqlite')) {
            return PrivateFolder::newName();
        }
        $this->notes[] = "kept the outbox in $legacy, where it holds changes that may not be delivered yet."
            . ' Its name can be guessed: the web server must deny it (see the check below). To move it to a'
            . ' folder with a random name: disable the plugin, run `flush` until `status` shows no pending'
            . ' change, rename the folder to modretailcrm-<random> and set modretailcrm_data_path to'
            . ' {core_path}cache/modretailcrm-<random>/';
        return PrivateFolder::LEGACY;
    }

    /** Creates the private folder with its deny rules when missing; returns its path. */
    private function installPrivateFolder(): string
    {
        $setting = $this->modx->getObject('modSystemSetting', PrivateFolder::SETTING);
        $value = $setting ? trim((string) $setting->get('value')) : '';
        $folder = PrivateFolder::path($value !== '' ? $value : PrivateFolder::LEGACY, $this->corePath());
        array_push($this->changes, ...PrivateFolder::protect($folder));
        return $folder;
    }

    /** Asks the site over HTTP for the outbox: a warning when it is served; the nginx rule. */
    private function checkPrivateFolder(string $folder): void
    {
        $base = (string) $this->modx->getOption('base_path', null, defined('MODX_BASE_PATH') ? MODX_BASE_PATH : '');
        $check = PrivateFolder::exposure($folder, $base, (string) $this->modx->getOption('site_url', null, ''));
        if ($check['served'] === true) {
            $this->warnings[] = $check['message'];
        } else {
            $this->notes[] = $check['message'];
        }
        $rule = PrivateFolder::nginxRule($base, $this->corePath());
        if ($rule !== null) {
            $this->notes[] = "nginx does not read .htaccess: keep MODX's core folder from visitors with  $rule"
                . '  in the server block (Apache reads the private folder\'s .htaccess)';
        }
    }

    private function installPlugin(int $category): void
    {
        $code = $this->elementCode($this->pluginFile());
        $plugin = $this->upsert('modPlugin', ['name' => self::PLUGIN], [
            'description' => 'modRetailCRM: sends miniShop2 customers, orders and status changes to RetailCRM'
                . ' through the modretailcrm PHP extension; adds the RetailCRM code fields.',
            'category' => $category,
            'plugincode' => $code,
            'static' => 0,
            'static_file' => '',
        ], 'plugin ' . self::PLUGIN);
        if ((int) $plugin->get('disabled') === 1) {
            $this->notes[] = 'the plugin ' . self::PLUGIN . ' is disabled on this site: enable it in Elements → Plugins';
        }
        $id = (int) $plugin->get('id');
        $wanted = array_values(array_filter(self::EVENTS, fn(string $event) => str_contains($code, "'$event'")));
        foreach ($this->modx->getCollection('modPluginEvent', ['pluginid' => $id]) as $event) {
            $name = (string) $event->get('event');
            if (!in_array($name, $wanted, true)) {
                $this->remove($event, "plugin event $name (the plugin does not handle it)");
            }
        }
        foreach ($wanted as $name) {
            if (!$this->modx->getObject('modPluginEvent', ['pluginid' => $id, 'event' => $name])) {
                $event = $this->modx->newObject('modPluginEvent');
                $event->fromArray(['pluginid' => $id, 'event' => $name, 'priority' => 0, 'propertyset' => 0], '', true, true);
                $this->save($event, "plugin event $name");
            }
        }
        foreach (array_diff(self::EVENTS, $wanted) as $name) {
            $this->notes[] = "the plugin does not handle $name yet: not registered";
        }
    }

    private function installSnippets(int $category): void
    {
        foreach ($this->snippetNames() as $name) {
            $this->upsert('modSnippet', ['name' => $name], [
                'description' => "modRetailCRM: the $name snippet",
                'category' => $category,
                'snippet' => $this->elementCode($this->source . "/elements/snippets/$name.php"),
                'static' => 0,
                'static_file' => '',
            ], "snippet $name");
        }
        foreach (array_diff(self::OLD_SNIPPETS, $this->snippetNames()) as $name) {
            if ($this->modx->getObject('modSnippet', ['name' => $name])) {
                $this->notes[] = "kept the older component's snippet $name: this version has no replacement for it yet";
            }
        }
    }

    /** The older component put its field labels into miniShop2's lexicon; this one has its own. */
    private function removeOldLexiconEntries(): void
    {
        foreach (self::CODE_FIELDS as $field) {
            $this->removeCollection('modLexiconEntry', ['namespace' => 'minishop2', 'name' => $field],
                'miniShop2 lexicon entry', 'name');
        }
    }

    /** The category, created when $create; null when it is missing and not created. */
    private function category(bool $create)
    {
        $category = $this->modx->getObject('modCategory', ['category' => self::CATEGORY]);
        if (!$category && $create) {
            $category = $this->modx->newObject('modCategory');
            $category->fromArray(['category' => self::CATEGORY, 'parent' => 0]);
            $this->save($category, 'category ' . self::CATEGORY);
        }
        return $category ?: null;
    }

    private function categoryIsEmpty(int $id): bool
    {
        foreach (['modPlugin', 'modSnippet', 'modChunk', 'modTemplate', 'modTemplateVar', 'modCategory'] as $class) {
            $field = $class === 'modCategory' ? 'parent' : 'category';
            if ($this->modx->getCount($class, [$field => $id]) > 0) {
                return false;
            }
        }
        return true;
    }

    /** @return list<string> the snippets php-plugin/elements/snippets holds, by name */
    private function snippetNames(): array
    {
        $names = [];
        foreach (glob($this->source . '/elements/snippets/*.php') ?: [] as $file) {
            $names[] = basename($file, '.php');
        }
        sort($names);
        return $names;
    }

    // ---------------------------------------------------------------- files

    /** @return array<string, string> source file => target file */
    private function files(): array
    {
        $core = $this->corePath() . 'components/modretailcrm/';
        $assets = $this->assetsPath() . 'components/modretailcrm/';
        $trees = [
            'elements' => $core . 'elements',
            'lexicon' => $core . 'lexicon',
            'cli' => $core . 'cli',
            'lib' => $core . 'lib',
            'processors' => $core . 'processors',
            'controllers' => $core . 'controllers',
            'assets' => rtrim($assets, '/'),
        ];
        $files = [];
        foreach ($trees as $dir => $target) {
            $root = $this->source . '/' . $dir;
            if (!is_dir($root)) {
                continue;
            }
            $iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS));
            foreach ($iterator as $file) {
                if ($file->isFile()) {
                    $files[$file->getPathname()] = $target . substr($file->getPathname(), strlen($root));
                }
            }
        }
        ksort($files);
        return $files;
    }

    private function copyFiles(): void
    {
        foreach ($this->files() as $from => $to) {
            $content = file_get_contents($from);
            if ($content === false) {
                throw new RuntimeException("cannot read $from");
            }
            if (is_file($to) && file_get_contents($to) === $content) {
                continue;
            }
            $existed = is_file($to);
            if (!is_dir(dirname($to)) && !mkdir(dirname($to), 0755, true) && !is_dir(dirname($to))) {
                throw new RuntimeException('cannot create ' . dirname($to));
            }
            if (file_put_contents($to . '.tmp', $content) !== strlen($content) || !rename($to . '.tmp', $to)) {
                throw new RuntimeException("cannot write $to");
            }
            chmod($to, 0644);
            $this->changes[] = ($existed ? 'updated ' : 'copied ') . $to;
        }
    }

    private function removeFiles(): void
    {
        $dirs = [];
        foreach ($this->files() as $to) {
            if (is_file($to)) {
                if (!unlink($to)) {
                    throw new RuntimeException("cannot remove $to");
                }
                $this->changes[] = "removed $to";
            }
            for ($dir = dirname($to); str_contains($dir, '/components/modretailcrm'); $dir = dirname($dir)) {
                $dirs[$dir] = true;
            }
        }
        foreach ([$this->corePath(), $this->assetsPath()] as $base) {
            $dirs[$base . 'components/modretailcrm'] = true;
        }
        krsort($dirs); // deepest first
        foreach (array_keys($dirs) as $dir) {
            if (is_dir($dir) && count(scandir($dir)) === 2) {
                rmdir($dir);
            } elseif (is_dir($dir) && realpath($dir) !== realpath($this->source) && in_array($dir, [
                $this->corePath() . 'components/modretailcrm', $this->assetsPath() . 'components/modretailcrm'], true)) {
                // (The transport package's installer runs on its own copy there, removed after it.)
                $this->notes[] = "kept $dir: it holds files this installer did not put there";
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Finds $class by $criteria, creating it or updating the fields of $fields that differ. */
    private function upsert(string $class, $criteria, array $fields, string $what)
    {
        $object = $this->modx->getObject($class, $criteria);
        if (!$object) {
            $object = $this->modx->newObject($class);
            $object->fromArray((is_array($criteria) ? $criteria : [$this->primaryKey($class) => $criteria]) + $fields, '', true, true);
            $this->save($object, $what);
            return $object;
        }
        $differs = $this->differences($object, $fields);
        if ($differs !== []) {
            $object->fromArray($fields);
            $this->save($object, "$what (" . implode(', ', $differs) . ')', false);
        }
        return $object;
    }

    private function primaryKey(string $class): string
    {
        return ['modNamespace' => 'name', 'modSystemSetting' => 'key', 'modMenu' => 'text'][$class] ?? 'id';
    }

    /** @return list<string> the names of the fields whose stored value differs from $fields */
    private function differences($object, array $fields): array
    {
        $differs = [];
        $text = fn($value) => is_bool($value) ? (string) (int) $value : (string) $value; // get() gives booleans
        foreach ($fields as $field => $value) {
            if ($text($object->get($field)) !== $text($value)) {
                $differs[] = $field;
            }
        }
        return $differs;
    }

    private function save($object, string $what, bool $created = true): void
    {
        if (!$object->save()) {
            throw new RuntimeException("could not save the $what");
        }
        $this->changes[] = ($created ? 'created ' : 'updated ') . $what;
    }

    private function remove($object, string $what): void
    {
        if (!$object->remove()) {
            throw new RuntimeException("could not remove the $what");
        }
        $this->changes[] = "removed $what";
    }

    /** Removes every $class matching $criteria, each reported as "$what {its $label field}". */
    private function removeCollection(string $class, array $criteria, string $what, string $label): void
    {
        foreach ($this->modx->getCollection($class, $criteria) as $object) {
            $this->remove($object, $what . ' ' . $object->get($label) . ($class === 'modLexiconEntry'
                ? ' (' . $object->get('language') . ', the older component\'s label)' : ''));
        }
    }

    private function refreshCache(): void
    {
        if ($this->changes !== []) {
            $this->modx->getCacheManager()->refresh();
        }
    }

    /** The code of an element file as MODX stores it: without the opening `<?php`, trimmed. */
    private function elementCode(string $file): string
    {
        $code = file_get_contents($file);
        if ($code === false) {
            throw new RuntimeException("cannot read $file");
        }
        $code = preg_replace('/^\s*<\?php\s*/', '', $code);
        return trim(preg_replace('/\?>\s*$/', '', $code));
    }

    private function pluginFile(): string
    {
        return $this->source . '/elements/plugins/modretailcrm.php';
    }

    private function corePath(): string
    {
        return rtrim(MODX_CORE_PATH, '/') . '/';
    }

    private function assetsPath(): string
    {
        return rtrim((string) $this->modx->getOption('assets_path', null, defined('MODX_ASSETS_PATH') ? MODX_ASSETS_PATH : ''), '/') . '/';
    }
}
