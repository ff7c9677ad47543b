<?php
/**
 * modRetailCRM — the connector of the manager page (Extras → RetailCRM), installed as
 * {assets_path}components/modretailcrm/connector.php. MODX's connectors/index.php starts the
 * manager context and checks the HTTP_MODAUTH token; the action mgr/page runs the processor of
 * {core_path}components/modretailcrm/processors/.
 */

require_once dirname(__DIR__, 3) . '/config.core.php';
require_once MODX_CORE_PATH . 'config/' . MODX_CONFIG_KEY . '.inc.php';
require_once MODX_CONNECTORS_PATH . 'index.php';

/** @var modX $modx */
$modx->request->handleRequest([
    'processors_path' => $modx->getOption('core_path', null, MODX_CORE_PATH) . 'components/modretailcrm/processors/',
    'location' => '',
]);
