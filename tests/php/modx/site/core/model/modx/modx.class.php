<?php
/**
 * A fake MODX Revolution 2.8 for the installer tests: the object API an installer uses, with
 * MODX 2.8's method signatures, over a "database" that is one JSON file (core/config/database.json,
 * named by config.inc.php's $database_dsn). Every save, remove and ALTER is written to the file at
 * once, so a test can read the site's state and run the installer again in a new process.
 *
 * Modelled: connect(), initialize() (system settings into config, extension packages),
 * getVersionData(), getObject(), getCollection(), getCount(), newObject(), removeCollection(),
 * query() for "SHOW COLUMNS FROM `table` [LIKE '…']", getManager()->addField() and
 * removeField() (which change the table's columns and, for a dropped column, its values),
 * getCacheManager()->refresh() (counted), $modx->lexicon (load(), exists()) and lexicon(),
 * getOption(), log(), and the error handler MODX 2.8 installs in initialize(). Objects are xPDOObject with get/set/fromArray/toArray/save/remove; setting a
 * field a MODX class does not have is an error here, so a typo in an installer fails its test.
 * Plugins are not run: initialize() fires no events.
 */

require_once MODX_CORE_PATH . 'xpdo/xpdo.class.php';

/** xPDO 2's base object, persisted by the fake modX. */
class xPDOObject
{
    public $xpdo;
    public $_class;
    public $_fields = [];
    public $_new = true;

    public function __construct(&$xpdo)
    {
        $this->xpdo = &$xpdo;
    }

    /** The field's value cast to its phptype, as xPDO does (a boolean field gives true/false). */
    public function get($k, $format = null, $formatTemplate = null)
    {
        $k = $this->xpdo->map[$this->_class]['fieldAliases'][$k] ?? $k;
        $value = $this->_fields[$k] ?? null;
        if ($value === null) {
            return null;
        }
        return match ($this->xpdo->map[$this->_class]['fieldMeta'][$k]['phptype'] ?? ($k === 'id' ? 'integer' : 'string')) {
            'integer' => (int) $value,
            'float' => (float) $value,
            'boolean' => (bool) $value,
            default => $value,
        };
    }

    public function set($k, $v = null, $vType = '')
    {
        $k = $this->xpdo->map[$this->_class]['fieldAliases'][$k] ?? $k;
        if (!array_key_exists($k, $this->xpdo->map[$this->_class]['fields']) && $k !== $this->xpdo->primaryKeyOf($this->_class)) {
            throw new LogicException("{$this->_class} has no field $k");
        }
        if (in_array($this->_class, ['modPlugin', 'modSnippet'], true) && in_array($k, ['plugincode', 'snippet'], true)) {
            // modScript::set(): the code is stored trimmed, without its opening and closing PHP tags
            $v = preg_replace(['/^<\?(php)?/', '/\?>$/'], '', trim((string) $v));
            $v = trim($v, " \n\r\0\x0B");
        }
        $this->_fields[$k] = $v;
        return true;
    }

    public function fromArray($fldarray, $keyPrefix = '', $setPrimaryKeys = false, $rawValues = false, $adhocValues = false)
    {
        $pk = (array) $this->xpdo->primaryKeyOf($this->_class);
        foreach ($fldarray as $key => $value) {
            if (in_array($key, $pk, true)) {
                if ($setPrimaryKeys && $this->_new) { // as xPDO: primary keys of new objects only
                    $this->set($key, $value);
                }
                continue;
            }
            $this->set($key, $value);
        }
    }

    public function toArray($keyPrefix = '', $rawValues = false, $excludeLazy = false, $includeRelated = false)
    {
        return $this->_fields;
    }

    public function isNew()
    {
        return $this->_new;
    }

    public function getPrimaryKey($validateCompound = true)
    {
        $pk = $this->xpdo->primaryKeyOf($this->_class);
        return is_array($pk) ? array_map(fn($field) => $this->_fields[$field] ?? null, $pk) : ($this->_fields[$pk] ?? null);
    }

    public function save($cacheFlag = null)
    {
        return $this->xpdo->storeObject($this);
    }

    public function remove(array $ancestors = [])
    {
        return $this->xpdo->deleteObject($this);
    }
}

class xPDOSimpleObject extends xPDOObject
{
}

/** xPDOManager_mysql's column changes, on the fake tables. */
class xPDOManager
{
    public $xpdo;

    public function __construct(&$xpdo)
    {
        $this->xpdo = &$xpdo;
    }

    public function addField($class, $name, array $options = [])
    {
        $className = $this->xpdo->loadClass($class);
        $meta = $className ? ($this->xpdo->getFieldMeta($className)[$name] ?? null) : null;
        if ($meta === null) {
            $this->xpdo->log(xPDO::LOG_LEVEL_ERROR, "Error adding field {$class}->{$name}: Invalid field definition.");
            return false;
        }
        $type = $meta['dbtype'] . (isset($meta['precision']) ? "({$meta['precision']})" : '')
            . (empty($meta['null']) ? ' NOT NULL' : ' NULL');
        return $this->xpdo->alterTable($className, $name, $type);
    }

    public function removeField($class, $name, array $options = [])
    {
        $className = $this->xpdo->loadClass($class);
        return $className ? $this->xpdo->alterTable($className, $name, null) : false;
    }
}

/** The result of query(): rows as PDOStatement gives them. */
class xPDOFakeStatement
{
    public function __construct(private array $rows)
    {
    }

    public function fetch($mode = null)
    {
        return array_shift($this->rows) ?? false;
    }

    public function fetchAll($mode = null)
    {
        $rows = $this->rows;
        $this->rows = [];
        return $rows;
    }
}

class modCacheManager
{
    public function __construct(private modX $modx)
    {
    }

    public function refresh(array $providers = [], array &$results = [])
    {
        return $this->modx->countCacheRefresh();
    }
}

/** modLexicon: topics `[language:]namespace:topic` from the namespace's lexicon/ directory. */
class modLexicon
{
    private array $entries = [];

    public function __construct(private modX $modx)
    {
    }

    public function load()
    {
        foreach (func_get_args() as $topic) {
            $parts = explode(':', $topic);
            if (count($parts) === 2) {
                array_unshift($parts, $this->modx->getOption('manager_language', null, 'en'));
            }
            [$language, $namespace, $name] = $parts;
            $ns = $this->modx->getObject('modNamespace', $namespace);
            if (!$ns) {
                continue;
            }
            $path = str_replace(['{core_path}', '{assets_path}'], [MODX_CORE_PATH, MODX_ASSETS_PATH], $ns->get('path'));
            $file = "{$path}lexicon/$language/$name.inc.php";
            if (is_file($file)) {
                $_lang = [];
                include $file;
                $this->entries = $_lang + $this->entries;
            }
        }
    }

    public function exists($key, $language = '')
    {
        return array_key_exists($key, $this->entries);
    }

    public function process($key, array $params = [])
    {
        return $this->entries[$key] ?? $key;
    }
}

class modSystemEvent
{
    public $name = '';
    public $params = [];
    public $returnedValues = null;
    public $_output = '';
}

class modX extends xPDO
{
    /**
     * The classes of the modx package an installer touches: table, primary key, fields (defaults),
     * field aliases, and the phptype of the fields that are not strings (MODX 2.8's maps).
     */
    private const ELEMENT_TYPES = ['source' => 'integer', 'property_preprocess' => 'boolean', 'editor_type' => 'integer',
        'category' => 'integer', 'cache_type' => 'integer', 'locked' => 'boolean', 'static' => 'boolean'];
    private const MODEL = [
        'modNamespace' => ['namespaces', 'name', ['name' => '', 'path' => '', 'assets_path' => '']],
        'modMenu' => ['menus', 'text', ['text' => '', 'parent' => '', 'action' => '', 'description' => '', 'icon' => '',
            'menuindex' => 0, 'params' => '', 'handler' => '', 'permissions' => '', 'namespace' => 'core'], [],
            ['menuindex' => 'integer']],
        'modSystemSetting' => ['system_settings', 'key', ['key' => '', 'value' => '', 'xtype' => 'textfield',
            'namespace' => 'core', 'area' => '', 'editedon' => null]],
        'modCategory' => ['categories', 'id', ['parent' => 0, 'category' => '', 'rank' => 0], [],
            ['parent' => 'integer', 'rank' => 'integer']],
        'modPlugin' => ['site_plugins', 'id', ['source' => 0, 'property_preprocess' => 0, 'name' => '', 'description' => '',
            'editor_type' => 0, 'category' => 0, 'cache_type' => 0, 'plugincode' => '', 'locked' => 0, 'properties' => null,
            'disabled' => 0, 'moduleguid' => '', 'static' => 0, 'static_file' => ''], ['content' => 'plugincode'],
            self::ELEMENT_TYPES + ['disabled' => 'boolean']],
        'modPluginEvent' => ['site_plugin_events', ['pluginid', 'event'], ['pluginid' => 0, 'event' => '', 'priority' => 0,
            'propertyset' => 0], [], ['pluginid' => 'integer', 'priority' => 'integer', 'propertyset' => 'integer']],
        'modSnippet' => ['site_snippets', 'id', ['source' => 0, 'property_preprocess' => 0, 'name' => '', 'description' => '',
            'editor_type' => 0, 'category' => 0, 'cache_type' => 0, 'snippet' => null, 'locked' => 0, 'properties' => null,
            'moduleguid' => '', 'static' => 0, 'static_file' => ''], ['content' => 'snippet'], self::ELEMENT_TYPES],
        'modChunk' => ['site_htmlsnippets', 'id', ['name' => '', 'category' => 0, 'snippet' => null]],
        'modTemplate' => ['site_templates', 'id', ['templatename' => '', 'category' => 0, 'content' => '']],
        'modTemplateVar' => ['site_tmplvars', 'id', ['name' => '', 'category' => 0]],
        'modEvent' => ['system_eventnames', 'name', ['name' => null, 'service' => 0, 'groupname' => ''], [],
            ['service' => 'integer']],
        'modLexiconEntry' => ['lexicon_entries', 'id', ['name' => '', 'value' => '', 'topic' => 'default',
            'namespace' => 'core', 'language' => 'en', 'createdon' => null, 'editedon' => null]],
    ];

    public $lexicon;
    public $cacheManager;
    public $event;
    public $version;
    public $logs = [];
    private $logLevel = self::LOG_LEVEL_ERROR;
    private $logTarget = 'FILE';
    private $dsnFile;
    /** objects: class => key => row; columns: table => column => type; cache_refreshes */
    private $db;

    public function __construct($configPath = '', $options = null, $driverOptions = null)
    {
        global $database_type, $database_dsn, $table_prefix;
        if (!include MODX_CORE_PATH . 'config/' . MODX_CONFIG_KEY . '.inc.php') {
            throw new RuntimeException('Could not load MODX config file.');
        }
        $this->dsnFile = substr((string) $database_dsn, strlen('json:'));
        $this->config = array_merge([
            'dbtype' => $database_type, 'table_prefix' => $table_prefix, 'core_path' => MODX_CORE_PATH,
            'base_path' => MODX_BASE_PATH, 'assets_path' => MODX_ASSETS_PATH, 'assets_url' => MODX_ASSETS_URL,
            'manager_path' => MODX_MANAGER_PATH, 'manager_url' => MODX_MANAGER_URL,
        ], is_array($options) ? $options : []);
        $this->setPackage('modx', MODX_CORE_PATH . 'model/');
        foreach (self::MODEL as $class => $definition) {
            $this->map[$class] = ['package' => 'modx', 'table' => $definition[0], 'fields' => $definition[2],
                'fieldMeta' => array_map(fn(string $type) => ['phptype' => $type],
                    ($definition[4] ?? []) + array_fill_keys(array_keys($definition[2]), 'string')),
                'fieldAliases' => $definition[3] ?? []];
        }
        $this->lexicon = new modLexicon($this);
        $this->cacheManager = new modCacheManager($this);
    }

    public function connect($driverOptions = [], array $options = [])
    {
        if ($this->db !== null) {
            return true;
        }
        $text = is_readable($this->dsnFile) ? file_get_contents($this->dsnFile) : false;
        $db = $text === false ? null : json_decode($text, true);
        if (!is_array($db)) {
            $this->log(self::LOG_LEVEL_ERROR, "Could not connect to the database {$this->dsnFile}");
            return false;
        }
        $this->db = $db + ['objects' => [], 'columns' => [], 'cache_refreshes' => 0];
        return true;
    }

    public function initialize($contextKey = 'web', $options = null)
    {
        if (!$this->connect()) {
            return false;
        }
        set_error_handler([$this, 'handleError']);
        foreach ($this->db['objects']['modSystemSetting'] ?? [] as $key => $row) {
            $this->config[$key] = $row['value'];
        }
        $packages = $this->fromJSON((string) $this->getOption('extension_packages', null, '[]'));
        foreach (is_array($packages) ? $packages : [] as $package) {
            foreach ((array) $package as $name => $definition) {
                $path = str_replace('[[++core_path]]', MODX_CORE_PATH, (string) ($definition['path'] ?? ''));
                $this->addPackage($name, $path, $definition['tablePrefix'] ?? null);
            }
        }
        return true;
    }

    public function getVersionData()
    {
        return $this->version ??= include MODX_CORE_PATH . 'docs/version.inc.php';
    }

    public function log($level, $msg, $target = '', $def = '', $file = '', $line = '')
    {
        if ($level > $this->logLevel) {
            return;
        }
        $this->logs[] = ['level' => $level, 'message' => $msg];
        if (($target ?: $this->logTarget) === 'ECHO') {
            $names = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG'];
            echo '[' . date('Y-m-d H:i:s') . '] (' . ($names[$level] ?? $level) . ") $msg\n";
        }
    }

    /**
     * MODX 2.8's modErrorHandler::handleError() for warnings and notices: it skips an error only
     * when error_reporting() is 0, which since PHP 8 is never the case under `@`, so a silenced
     * warning still becomes an ERROR log line ("PHP warning: …").
     */
    public function handleError($errno, $errstr, $errfile = null, $errline = null): bool
    {
        if (error_reporting() == 0) {
            return false;
        }
        [$level, $prefix] = match ($errno) {
            E_WARNING => [self::LOG_LEVEL_ERROR, 'PHP warning: '],
            E_NOTICE => [self::LOG_LEVEL_WARN, 'PHP notice: '],
            E_DEPRECATED => [self::LOG_LEVEL_WARN, 'PHP deprecated: '],
            default => [self::LOG_LEVEL_ERROR, "Un-recoverable error $errno: "],
        };
        $this->log($level, $prefix . $errstr, '', '', (string) $errfile, (string) $errline);
        return in_array($errno, [E_WARNING, E_NOTICE, E_DEPRECATED], true);
    }

    public function setLogLevel($level = self::LOG_LEVEL_FATAL)
    {
        $previous = $this->logLevel;
        $this->logLevel = (int) $level;
        return $previous;
    }

    public function setLogTarget($target = 'ECHO')
    {
        $previous = $this->logTarget;
        $this->logTarget = $target;
        return $previous;
    }

    public function getOption($key, $options = null, $default = null, $skipEmpty = false)
    {
        if (is_array($options) && array_key_exists($key, $options)) {
            return $options[$key];
        }
        if (array_key_exists($key, $this->config) && !($skipEmpty && $this->config[$key] === '')) {
            return $this->config[$key];
        }
        return $default;
    }

    public function lexicon($key, $params = [], $language = '')
    {
        return $this->lexicon->process($key, $params);
    }

    public function fromJSON($src, $asArray = true)
    {
        return json_decode((string) $src, $asArray);
    }

    public function toJSON($data)
    {
        return json_encode($data);
    }

    public function getCacheManager($class = 'cache.xPDOCacheManager', $options = ['path' => XPDO_CORE_PATH, 'ignorePkg' => true])
    {
        return $this->cacheManager;
    }

    public function getManager()
    {
        return new xPDOManager($this);
    }

    public function newObject($className, $fields = [])
    {
        $class = $this->loadClass($className);
        if ($class === false || !isset($this->map[$class])) {
            return null;
        }
        $object = new xPDOObject($this);
        $object->_class = $class;
        $object->_fields = $this->map[$class]['fields'];
        $object->fromArray($fields);
        return $object;
    }

    public function getObject($className, $criteria = null, $cacheFlag = true)
    {
        $found = $this->getCollection($className, $criteria);
        return $found === [] ? null : reset($found);
    }

    public function getCollection($className, $criteria = null, $cacheFlag = true)
    {
        $class = $this->loadClass($className);
        if ($class === false || !$this->connect()) {
            return [];
        }
        if (!is_array($criteria) && $criteria !== null) {
            $criteria = [$this->primaryKeyOf($class) => $criteria];
        }
        $objects = [];
        foreach ($this->db['objects'][$class] ?? [] as $key => $row) {
            foreach ((array) $criteria as $field => $value) {
                if (!is_string($field) || strpbrk($field, ':<>!') !== false) {
                    throw new LogicException("the fake MODX matches field = value criteria only, not " . json_encode($criteria));
                }
                if (strcasecmp((string) ($row[$field] ?? ''), (string) $value) !== 0) {
                    continue 2;
                }
            }
            $object = new xPDOObject($this);
            $object->_class = $class;
            $object->_fields = $row;
            $object->_new = false;
            $objects[$key] = $object;
        }
        return $objects;
    }

    public function getCount($className, $criteria = null)
    {
        return count($this->getCollection($className, $criteria));
    }

    public function removeCollection($className, $criteria)
    {
        $removed = 0;
        foreach ($this->getCollection($className, $criteria) as $object) {
            $removed += $object->remove() ? 1 : 0;
        }
        return $removed;
    }

    /** "SHOW COLUMNS FROM `table` [LIKE 'name']"; anything else is not modelled. */
    public function query($query)
    {
        if (!$this->connect() || !preg_match("/^SHOW COLUMNS FROM `?(\\w+)`?(?: LIKE '([^']*)')?$/i", trim($query), $m)) {
            throw new LogicException("the fake MODX does not run the query: $query");
        }
        if (!isset($this->db['columns'][$m[1]])) {
            $this->log(self::LOG_LEVEL_ERROR, "Table '{$m[1]}' doesn't exist");
            return false;
        }
        $rows = [];
        foreach ($this->db['columns'][$m[1]] as $column => $type) {
            if (!isset($m[2]) || $m[2] === '' || $column === $m[2]) {
                $rows[] = ['Field' => $column, 'Type' => $type];
            }
        }
        return new xPDOFakeStatement($rows);
    }

    // ---- the fake's storage (called by xPDOObject, xPDOManager, modCacheManager)

    public function primaryKeyOf($class)
    {
        return isset(self::MODEL[$class]) ? self::MODEL[$class][1] : 'id';
    }

    public function storeObject(xPDOObject $object)
    {
        $class = $object->_class;
        $pk = $this->primaryKeyOf($class);
        if ($pk === 'id' && empty($object->_fields['id'])) {
            $ids = array_map('intval', array_keys($this->db['objects'][$class] ?? []));
            $object->_fields['id'] = ($ids === [] ? 0 : max($ids)) + 1;
        }
        $key = implode('|', (array) $object->getPrimaryKey());
        if ($key === '' || ($object->_new && isset($this->db['objects'][$class][$key]))) {
            $this->log(self::LOG_LEVEL_ERROR, "Duplicate or missing key '$key' saving $class");
            return false;
        }
        $this->db['objects'][$class][$key] = $object->_fields;
        $object->_new = false;
        return $this->commit();
    }

    public function deleteObject(xPDOObject $object)
    {
        $key = implode('|', (array) $object->getPrimaryKey());
        if (!isset($this->db['objects'][$object->_class][$key])) {
            return false;
        }
        unset($this->db['objects'][$object->_class][$key]);
        return $this->commit();
    }

    /** ALTER TABLE: adds the column $name with $type, or drops it (and its values) when $type is null. */
    public function alterTable($class, $name, $type)
    {
        $table = $this->config['table_prefix'] . $this->map[$class]['table'];
        $exists = isset($this->db['columns'][$table][$name]);
        if (!isset($this->db['columns'][$table]) || $exists === ($type !== null)) {
            $this->log(self::LOG_LEVEL_ERROR, ($type !== null ? "Duplicate column name '$name'" : "Can't DROP '$name'")
                . " in $table");
            return false;
        }
        if ($type === null) {
            unset($this->db['columns'][$table][$name]);
            foreach ($this->db['objects'][$class] ?? [] as $key => $row) {
                unset($this->db['objects'][$class][$key][$name]);
            }
        } else {
            $this->db['columns'][$table][$name] = $type;
        }
        return $this->commit();
    }

    public function countCacheRefresh()
    {
        $this->db['cache_refreshes']++;
        return $this->commit();
    }

    private function commit()
    {
        $json = json_encode($this->db, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        return file_put_contents($this->dsnFile, $json . "\n") !== false;
    }
}
