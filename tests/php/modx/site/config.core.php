<?php
// The fake MODX 2.8 site's config.core.php: as the real one, it names the core directory (here
// next to this file, so that a copy of the site in a temp dir is a site of its own).
define('MODX_CORE_PATH', __DIR__ . '/core/');
define('MODX_CONFIG_KEY', 'config');
