<?php
// [[!crmFindProduct? &name=`shirt`]]: the CRM catalogue's products whose name has &name, with their stock.
$crm = new ModRetailCrm\Client($modx->getOption('modretailcrm_url'), $modx->getOption('modretailcrm_apiKey'),
    $modx->getOption('modretailcrm_siteCode'));
$name = (string) $modx->getOption('name', $scriptProperties, '');
try {
    $products = $crm->storeProducts(['name' => $name], 1, 20)['products'];
} catch (ModRetailCrm\Exception $e) {
    $modx->log(modX::LOG_LEVEL_ERROR, '[crmFindProduct] ' . $e->getMessage());
    return '';
}
$lines = [];
foreach ($products as $product) {
    $lines[] = htmlspecialchars($product['name']) . ': ' . ($product['quantity'] ?? 0) . ' in stock';
}
return implode("\n", $lines);
