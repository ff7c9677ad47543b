<?php
// [[!crmCallbackTask? &phone=`+7 900 123-45-67` &manager=`7`]]: a task for a manager to call the visitor back.
$crm = new ModRetailCrm\Client($modx->getOption('modretailcrm_url'), $modx->getOption('modretailcrm_apiKey'),
    $modx->getOption('modretailcrm_siteCode'));
$phone = (string) $modx->getOption('phone', $scriptProperties, '');
try {
    $task = $crm->tasksCreate([
        'text' => "Call back $phone",
        'commentary' => 'Asked on ' . $modx->getOption('site_name') . ' at ' . date('Y-m-d H:i'),
        'performerId' => (int) $modx->getOption('manager', $scriptProperties, 0),
    ]);
} catch (ModRetailCrm\Exception $e) {
    $modx->log(modX::LOG_LEVEL_ERROR, '[crmCallbackTask] ' . $e->getMessage());
    return 'Sorry, we could not take your request: please call us.';
}
return "Thank you: we will call you back (request {$task['id']}).";
