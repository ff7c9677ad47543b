<?php
/**
 * modRetailCRM, English: the settings grid (setting_*, area_*) and the RetailCRM code fields of
 * miniShop2's settings page.
 */

$_lang['modretailcrm'] = 'modRetailCRM';

$_lang['modretailcrm_crm_code'] = 'RetailCRM code';
$_lang['modretailcrm_delivery_code'] = 'The symbolic code of this delivery type in RetailCRM (Settings → Reference books → Delivery types). Orders with this delivery carry it.';
$_lang['modretailcrm_payment_code'] = 'The symbolic code of this payment type in RetailCRM (Settings → Reference books → Payment types). Orders with this payment carry it.';
$_lang['modretailcrm_status_code'] = 'The symbolic code of this order status in RetailCRM (Settings → Reference books → Statuses). Changes to this status are sent when the status is listed in modretailcrm_sync_statuses.';

$_lang['area_modretailcrm_connection'] = 'Connection';
$_lang['area_modretailcrm_delivery'] = 'Sending';
$_lang['area_modretailcrm_shop'] = 'Shop';
$_lang['area_modretailcrm_catalog'] = 'Catalogue (ICML)';
$_lang['area_modretailcrm_custom'] = 'Custom classes';

$_lang['setting_modretailcrm_url'] = 'RetailCRM address';
$_lang['setting_modretailcrm_url_desc'] = 'The address of your RetailCRM account, for example https://example.retailcrm.ru (https; any RetailCRM or Simla.com domain). The integration is inactive while the address, the API key and the site code are all empty.';
$_lang['setting_modretailcrm_apiKey'] = 'API key';
$_lang['setting_modretailcrm_apiKey_desc'] = 'A RetailCRM API key (Settings → Integration → API access keys) with access to customers, orders and references for the store below. It never appears in a log.';
$_lang['setting_modretailcrm_siteCode'] = 'Store code';
$_lang['setting_modretailcrm_siteCode_desc'] = 'The symbolic code of this shop among the stores of RetailCRM (Settings → Stores).';
$_lang['setting_modretailcrm_timeout'] = 'Request timeout, s';
$_lang['setting_modretailcrm_timeout_desc'] = 'How long one call to RetailCRM may take, in seconds (default 10).';
$_lang['setting_modretailcrm_connect_timeout'] = 'Connection timeout, s';
$_lang['setting_modretailcrm_connect_timeout_desc'] = 'How long connecting to RetailCRM may take, in seconds (default 5).';
$_lang['setting_modretailcrm_rate_limit'] = 'Requests per second';
$_lang['setting_modretailcrm_rate_limit_desc'] = 'At most this many calls per second with this API key, shared by every PHP process and cron run (default 10, the RetailCRM limit; 0 = no limit).';
$_lang['setting_modretailcrm_log'] = 'Log every call';
$_lang['setting_modretailcrm_log_desc'] = 'Yes: log every call to RetailCRM. Failures are always logged.';
$_lang['setting_modretailcrm_log_file'] = 'Log file';
$_lang['setting_modretailcrm_log_file_desc'] = 'The log file; its folder must exist. Empty: modretailcrm.log in the private folder (modretailcrm_data_path). The log is readable by its owner only (0600).';

$_lang['setting_modretailcrm_send_mode'] = 'When to send';
$_lang['setting_modretailcrm_send_mode_desc'] = 'deferred (default): every change is saved to the outbox and sent right after the page is delivered to the visitor; sync: sent during the request, waiting at most the sync budget; queue: only saved, a cron job sends (php core/components/modretailcrm/cli/modretailcrm.php flush).';
$_lang['setting_modretailcrm_sync_budget'] = 'Sync budget, s';
$_lang['setting_modretailcrm_sync_budget_desc'] = 'In sync mode, the longest a shop request waits for RetailCRM, in seconds (default 2). An unanswered change stays in the outbox and is sent later.';
$_lang['setting_modretailcrm_after_response_budget'] = 'After-response budget, s';
$_lang['setting_modretailcrm_after_response_budget_desc'] = 'In deferred mode, the longest a PHP worker spends delivering after it has sent the page, in seconds (default 3). Meanwhile the worker serves no other visitor; one worker of the site delivers at a time, and what is left is sent by the next one or by cron.';
$_lang['setting_modretailcrm_queue_path'] = 'Outbox file';
$_lang['setting_modretailcrm_queue_path_desc'] = 'The outbox (an SQLite file) where changes wait until RetailCRM has them. Empty: outbox.sqlite in the private folder (modretailcrm_data_path).';
$_lang['setting_modretailcrm_data_path'] = 'Private folder';
$_lang['setting_modretailcrm_data_path_desc'] = 'The folder of the outbox, the log and the integration\'s notes: they hold customers\' names, e-mails, phones and addresses. The installer creates it as {core_path}cache/modretailcrm-<random>/, a name nobody can guess, with deny rules for Apache; nginx needs the rule the installer prints. Empty: core/cache/modretailcrm/.';
$_lang['setting_modretailcrm_keep_delivered_days'] = 'Keep delivered changes, days';
$_lang['setting_modretailcrm_keep_delivered_days_desc'] = 'Delivered changes are removed from the outbox after this many days (default 30; 0: at the next delivery), so that it does not become an archive of every customer.';
$_lang['setting_modretailcrm_retry_delay'] = 'First retry after, s';
$_lang['setting_modretailcrm_retry_delay_desc'] = 'The wait after a change\'s first failed attempt, in seconds (default 1); it doubles with each further failure.';
$_lang['setting_modretailcrm_retry_delay_max'] = 'Longest retry wait, s';
$_lang['setting_modretailcrm_retry_delay_max_desc'] = 'The longest wait between two attempts, in seconds (default 600).';

$_lang['setting_modretailcrm_sync_statuses'] = 'Statuses sent to RetailCRM';
$_lang['setting_modretailcrm_sync_statuses_desc'] = 'miniShop2 status ids, comma separated (for example 2,3,4): a change to one of them is sent to RetailCRM, when the status has a RetailCRM code. Empty: no status changes are sent.';
$_lang['setting_modretailcrm_paid_statuses'] = 'Paid statuses';
$_lang['setting_modretailcrm_paid_statuses_desc'] = 'miniShop2 status ids, comma separated, that mark the order\'s payment paid in RetailCRM (default 2, "Paid").';
$_lang['setting_modretailcrm_user_contexts'] = 'Customer contexts';
$_lang['setting_modretailcrm_user_contexts_desc'] = 'Contexts, comma separated, in which a saved user is sent to RetailCRM as a customer (default web: registrations and checkout, not the manager).';
$_lang['setting_modretailcrm_user_groups'] = 'Customer groups';
$_lang['setting_modretailcrm_user_groups_desc'] = 'User groups, comma separated, whose members are sent as customers from any context, the manager included.';
$_lang['setting_modretailcrm_add_crm_number'] = 'Send the order number';
$_lang['setting_modretailcrm_add_crm_number_desc'] = 'Yes: the RetailCRM order gets the miniShop2 order number as its number. No: RetailCRM numbers it.';
$_lang['setting_modretailcrm_allow_msoptionsprice'] = 'msOptionsPrice2 modifications';
$_lang['setting_modretailcrm_allow_msoptionsprice_desc'] = 'Yes: an ordered msOptionsPrice2 modification is sent as the offer mod-{product id}-{modification id}, as in the catalogue export.';
$_lang['setting_modretailcrm_promocode_field'] = 'Promo code field';
$_lang['setting_modretailcrm_promocode_field_desc'] = 'The RetailCRM custom order field that receives the msPromoCode code (default promocode).';
$_lang['setting_modretailcrm_weight_unit'] = 'Weight unit';
$_lang['setting_modretailcrm_weight_unit_desc'] = 'The unit of miniShop2 weights: kg (default) or g. RetailCRM receives grams.';
$_lang['setting_modretailcrm_order_method'] = 'Order method';
$_lang['setting_modretailcrm_order_method_desc'] = 'The RetailCRM order method code given to orders from the site (for example shopping-cart). Empty: RetailCRM\'s default.';
$_lang['setting_modretailcrm_country_iso'] = 'Country';
$_lang['setting_modretailcrm_country_iso_desc'] = 'The ISO code (for example RU) of the delivery country when an order\'s address has none.';

$_lang['setting_modretailcrm_icml_file'] = 'ICML file';
$_lang['setting_modretailcrm_icml_file_desc'] = 'Where the icml snippet and the cron command keep the ICML catalogue RetailCRM fetches. Empty: {assets_path}modretailcrm/icml.xml ({assets_path}, {core_path}, {base_path} are replaced).';
$_lang['setting_modretailcrm_icml_folder'] = 'ICML export folder';
$_lang['setting_modretailcrm_icml_folder_desc'] = 'A folder besides {assets_path} where the ICML file may be written (for example {base_path}feeds/); it must exist. The file must be in one of them and end in .xml or .xml.gz; anything else is refused.';

$_lang['setting_modretailcrm_custom_customers_class'] = 'Customer class';
$_lang['setting_modretailcrm_custom_customers_class_desc'] = 'Your class that adjusts every customer sent: ["ClassName", "{core_path}components/shop/Customers.php"] or a class name; its static map(array $payload, array $source): array returns the customer. If it fails, the standard customer is sent.';
$_lang['setting_modretailcrm_custom_orders_class'] = 'Order class';
$_lang['setting_modretailcrm_custom_orders_class_desc'] = 'Your class that adjusts every order sent: ["ClassName", "{core_path}components/shop/Orders.php"] or a class name; its static map(array $payload, array $source): array returns the order. If it fails, the standard order is sent.';
