<?php
// The system settings the installer creates in the `modretailcrm` namespace: every setting the
// extension reads (core/src/config/integration.rs) and the ICML file of the icml snippet (php-plugin/lib),
// with its MODX editor (xtype), its area in the
// settings grid and the value a fresh install starts with (the extension's own default, or empty
// where empty means "the default"). Names and descriptions are in lexicon/*/default.inc.php as
// setting_modretailcrm_<name> and setting_modretailcrm_<name>_desc.

return [
    // Connection
    'modretailcrm_url' => ['xtype' => 'textfield', 'area' => 'modretailcrm_connection', 'value' => ''],
    'modretailcrm_apiKey' => ['xtype' => 'text-password', 'area' => 'modretailcrm_connection', 'value' => ''],
    'modretailcrm_siteCode' => ['xtype' => 'textfield', 'area' => 'modretailcrm_connection', 'value' => ''],
    'modretailcrm_timeout' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_connection', 'value' => '10'],
    'modretailcrm_connect_timeout' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_connection', 'value' => '5'],
    'modretailcrm_rate_limit' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_connection', 'value' => '10'],
    'modretailcrm_log' => ['xtype' => 'combo-boolean', 'area' => 'modretailcrm_connection', 'value' => '0'],
    'modretailcrm_log_file' => ['xtype' => 'textfield', 'area' => 'modretailcrm_connection', 'value' => ''],

    // Delivery to the CRM
    'modretailcrm_send_mode' => ['xtype' => 'textfield', 'area' => 'modretailcrm_delivery', 'value' => 'deferred'],
    'modretailcrm_sync_budget' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_delivery', 'value' => '2'],
    'modretailcrm_after_response_budget' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_delivery', 'value' => '3'],
    'modretailcrm_queue_path' => ['xtype' => 'textfield', 'area' => 'modretailcrm_delivery', 'value' => ''],
    // The installer fills in {core_path}cache/modretailcrm-<random>/ (see Installer::privateFolder).
    'modretailcrm_data_path' => ['xtype' => 'textfield', 'area' => 'modretailcrm_delivery', 'value' => ''],
    'modretailcrm_keep_delivered_days' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_delivery', 'value' => '30'],
    'modretailcrm_retry_delay' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_delivery', 'value' => '1'],
    'modretailcrm_retry_delay_max' => ['xtype' => 'numberfield', 'area' => 'modretailcrm_delivery', 'value' => '600'],

    // The shop
    'modretailcrm_sync_statuses' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => ''],
    'modretailcrm_paid_statuses' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => '2'],
    'modretailcrm_user_contexts' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => 'web'],
    'modretailcrm_user_groups' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => ''],
    'modretailcrm_add_crm_number' => ['xtype' => 'combo-boolean', 'area' => 'modretailcrm_shop', 'value' => '0'],
    'modretailcrm_allow_msoptionsprice' => ['xtype' => 'combo-boolean', 'area' => 'modretailcrm_shop', 'value' => '0'],
    'modretailcrm_promocode_field' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => 'promocode'],
    'modretailcrm_weight_unit' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => 'kg'],
    'modretailcrm_order_method' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => ''],
    'modretailcrm_country_iso' => ['xtype' => 'textfield', 'area' => 'modretailcrm_shop', 'value' => ''],

    // The catalogue (the icml snippet and the cron command)
    'modretailcrm_icml_file' => ['xtype' => 'textfield', 'area' => 'modretailcrm_catalog', 'value' => ''],
    'modretailcrm_icml_folder' => ['xtype' => 'textfield', 'area' => 'modretailcrm_catalog', 'value' => ''],

    // The site's own classes
    'modretailcrm_custom_customers_class' => ['xtype' => 'textfield', 'area' => 'modretailcrm_custom', 'value' => ''],
    'modretailcrm_custom_orders_class' => ['xtype' => 'textfield', 'area' => 'modretailcrm_custom', 'value' => ''],
];
