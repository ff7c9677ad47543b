<?php
// A stand-in for xPDO 2 (MODX Revolution 2.8's core/xpdo/xpdo.class.php): the parts of its class
// model that plugins and installers touch, with the real method signatures. The class model
// (xPDOClassMap: packages, loadClass, $map) is shared by the fake MODX site
// (../model/modx/modx.class.php) and the plugin harness (tests/php/modx/harness.php).
//
// As in xPDO 2: addPackage() registers a model directory for a package; loadClass() finds the
// class in the registered packages, includes {path}{package}/{lowercase class}.class.php and
// loads its map {path}{package}/{dbtype}/{lowercase class}.map.inc.php into $map — but returns at
// once, loading nothing, when $map already has an entry for the class.

if (!defined('XPDO_CORE_PATH')) {
    define('XPDO_CORE_PATH', __DIR__ . '/');
    define('XPDO_CLI_MODE', PHP_SAPI === 'cli');
}

/** xPDO 2's packages and class maps; the using class provides log() and the LOG_LEVEL_* constants. */
trait xPDOClassMap
{
    /** class => ['table', 'fields' => name => default, 'fieldMeta' => name => meta, …] */
    public array $map = [];
    /** package => ['path' => model directory, 'prefix' => table prefix] */
    public array $packages = [];
    public string $package = '';

    public function addPackage($pkg = '', $path = '', $prefix = null)
    {
        if (!is_string($pkg) || $pkg === '') {
            $this->log(self::LOG_LEVEL_ERROR, 'addPackage called with an invalid package name.');
            return false;
        }
        if (!is_string($path) || !is_dir($path)) {
            $this->log(self::LOG_LEVEL_ERROR, "Path specified for package {$pkg} is not a valid or accessible directory: {$path}");
            return false;
        }
        $prefix = is_string($prefix) ? $prefix : $this->tablePrefix();
        $this->packages[$pkg] = ['path' => $path, 'prefix' => $prefix];
        return true;
    }

    public function setPackage($pkg = '', $path = '', $prefix = null)
    {
        $added = $this->addPackage($pkg, $path, $prefix);
        if ($added) {
            $this->package = $pkg;
        }
        return $added;
    }

    public function loadClass($fqn, $path = '', $ignorePkg = false, $transient = false)
    {
        if (empty($fqn)) {
            $this->log(self::LOG_LEVEL_ERROR, 'No class specified for loadClass');
            return false;
        }
        $class = substr($fqn, (int) strrpos('.' . $fqn, '.'));
        if (!$transient && isset($this->map[$class])) {
            return $class;
        }
        $packages = $path !== '' ? ['' => ['path' => $path]] : $this->packages;
        foreach ($packages as $pkg => $definition) {
            $dir = $definition['path'] . ($pkg === '' ? '' : str_replace('.', '/', $pkg) . '/');
            $classFile = $dir . strtolower($class) . '.class.php';
            if (!file_exists($classFile)) {
                continue;
            }
            include_once $classFile;
            $mapFile = $dir . $this->dbType() . '/' . strtolower($class) . '.map.inc.php';
            if (!$transient && !isset($this->map[$class]) && file_exists($mapFile)) {
                $xpdo_meta_map = &$this->map;
                include $mapFile;
                $this->map[$class]['fieldAliases'] ??= [];
            }
            return $class;
        }
        $this->log(self::LOG_LEVEL_ERROR, "Could not load class: {$class} from {$this->dbType()}." . strtolower($class) . '.');
        return false;
    }

    public function getFields($className)
    {
        $class = $this->loadClass($className);
        return $class !== false ? ($this->map[$class]['fields'] ?? []) : [];
    }

    public function getFieldMeta($className, $includeExtended = false)
    {
        $class = $this->loadClass($className);
        return $class !== false ? ($this->map[$class]['fieldMeta'] ?? []) : [];
    }

    protected function dbType(): string
    {
        return (string) ($this->config['dbtype'] ?? 'mysql');
    }

    protected function tablePrefix(): string
    {
        return (string) ($this->config['table_prefix'] ?? 'modx_');
    }
}

abstract class xPDO
{
    use xPDOClassMap;

    public const LOG_LEVEL_FATAL = 0;
    public const LOG_LEVEL_ERROR = 1;
    public const LOG_LEVEL_WARN = 2;
    public const LOG_LEVEL_INFO = 3;
    public const LOG_LEVEL_DEBUG = 4;

    public $config = [];

    abstract public function log($level, $msg, $target = '', $def = '', $file = '', $line = '');

    public function getTableName($className, $includeDb = false)
    {
        $class = $this->loadClass($className);
        if ($class === false || !isset($this->map[$class]['table'])) {
            return null;
        }
        return '`' . $this->tablePrefix() . $this->map[$class]['table'] . '`';
    }
}
