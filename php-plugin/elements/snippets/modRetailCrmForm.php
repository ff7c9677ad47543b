<?php
/**
 * modRetailCrmForm — a FormIt hook that sends the submitted form to RetailCRM as an order (a
 * lead, or a one-click order of one product), a customer or a task:
 *
 *   [[!FormIt? &hooks=`modRetailCrmForm,email` &crmType=`order` &crmOrderMethod=`one-click`]]
 *
 * Properties (given in the FormIt call):
 *   &crmType         order (default), customer or task
 *   &crmForm         the form's name in the submission's key (default: &formName, else
 *                    page-{resource id}, else form)
 *   &crmName &crmPhone &crmEmail &crmComment &crmProduct &crmQuantity
 *                    the form fields holding the name, phone, e-mail, comment, product id and
 *                    quantity (default: name, phone, email, comment, product, quantity; empty:
 *                    not read)
 *   &crmOrderMethod  the order's method code (default: the modretailcrm_order_method setting)
 *   &crmTaskText     a task's text (default: the name and contacts)
 *   &crmTaskPerformer  a task's performer, a CRM manager id
 *
 * A phone or an e-mail is required; an over-long value, a malformed phone or e-mail, a
 * product the site does not sell or a wrong quantity is shown on its field (addError, texts
 * in the modretailcrm lexicon) and nothing is sent. Otherwise the lead is queued durably in
 * the outbox — once: the same submission within the same minute is one lead — and delivered
 * as every change is (after the response, or by cron); a CRM that is down loses nothing.
 * The work is php-plugin/lib/Form.php's (installed in {core_path}components/modretailcrm/lib/,
 * or the modretailcrm_lib_path setting's folder) and the extension's.
 *
 * @var modX $modx
 * @var array $scriptProperties
 * @var object|null $hook FormIt's hook runner, set when FormIt runs this snippet as a hook
 */

if (!isset($hook) || !is_object($hook)) {
    $modx->log(modX::LOG_LEVEL_ERROR, '[modRetailCRM] modRetailCrmForm is a FormIt hook: call it as'
        . ' [[!FormIt? &hooks=`modRetailCrmForm`]]');
    return '';
}
if (!class_exists('ModRetailCrm\\Plugin\\Form', false)) {
    $lib = (string) $modx->getOption('modretailcrm_lib_path', null, '');
    $lib = $lib !== '' ? $lib : $modx->getOption('core_path', null, MODX_CORE_PATH) . 'components/modretailcrm/lib/';
    require_once rtrim($lib, '/') . '/Form.php';
}
return \ModRetailCrm\Plugin\Form::hook($modx, $hook, $scriptProperties);
