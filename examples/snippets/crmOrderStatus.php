<?php
// [[!crmOrderStatus? &number=`2611/1`]]: the CRM status of a site order, found by its number.
$crm = new ModRetailCrm\Client($modx->getOption('modretailcrm_url'), $modx->getOption('modretailcrm_apiKey'),
    $modx->getOption('modretailcrm_siteCode'));
$number = (string) $modx->getOption('number', $scriptProperties, '');
try {
    // The site sends an order under its number with "/" as "-" (2611/1 → 2611-1).
    $found = $crm->ordersList(['externalIds' => [str_replace('/', '-', $number)]], 1, 20)['orders'];
} catch (ModRetailCrm\Exception $e) {
    $modx->log(modX::LOG_LEVEL_ERROR, '[crmOrderStatus] ' . $e->getMessage());
    return '';
}
if ($found === []) {
    return "Order $number: not in the CRM yet";
}
return "Order $number: {$found[0]['status']}";
