<?php
/**
 * modRetailCRM — the manager page Extras → RetailCRM (the menu entry the installer creates:
 * namespace modretailcrm, action index). A plain HTML page drawn by assets/js/mgr/page.js from
 * the configuration of lib/ManagerApi.php pageConfig(); its calls go to assets/connector.php.
 */

require_once dirname(__DIR__) . '/lib/ManagerApi.php';

class ModretailcrmIndexManagerController extends modExtraManagerController
{
    public function checkPermissions()
    {
        return $this->modx->hasPermission(\ModRetailCrm\Plugin\ManagerApi::PERMISSION);
    }

    public function getLanguageTopics()
    {
        return ['modretailcrm:default'];
    }

    public function getPageTitle()
    {
        return $this->modx->lexicon('modretailcrm_page_title');
    }

    public function loadCustomCssJs()
    {
        $assets = $this->modx->getOption('assets_url') . 'components/modretailcrm/';
        $config = \ModRetailCrm\Plugin\ManagerApi::pageConfig($this->modx, $assets . 'connector.php');
        $this->addCss($assets . 'css/mgr/page.css');
        $this->addHtml('<script>window.ModRetailCrmPage = '
            . json_encode($config, JSON_UNESCAPED_UNICODE | JSON_HEX_TAG | JSON_HEX_AMP | JSON_INVALID_UTF8_SUBSTITUTE)
            . ';</script>');
        $this->addLastJavascript($assets . 'js/mgr/page.js');
    }

    public function process(array $scriptProperties = [])
    {
        return \ModRetailCrm\Plugin\ManagerApi::PAGE_HTML;
    }

    public function getTemplateFile()
    {
        return '';
    }
}
