<?php
/**
 * modRetailCRM — the processor of the manager page's connector (action mgr/page): MODX checked
 * the manager's HTTP_MODAUTH token; this checks the `settings` permission and hands the call
 * (`do` and its inputs) to lib/ManagerApi.php, which checks them again and answers.
 */

require_once dirname(__DIR__, 2) . '/lib/ManagerApi.php';

class ModRetailCrmPageProcessor extends modProcessor
{
    /** Named in MODX's "permission denied" message. */
    public $permission = \ModRetailCrm\Plugin\ManagerApi::PERMISSION;

    public function checkPermissions()
    {
        return $this->modx->hasPermission($this->permission);
    }

    public function getLanguageTopics()
    {
        return ['modretailcrm:default'];
    }

    public function process()
    {
        $answer = \ModRetailCrm\Plugin\ManagerApi::handle($this->modx, $this->getProperties(),
            \ModRetailCrm\Plugin\ManagerApi::sentToken());
        return $answer['success']
            ? $this->success($answer['message'], $answer['object'])
            : $this->failure($answer['message']);
    }
}

return 'ModRetailCrmPageProcessor';
