<?php
// The system settings the installer creates in the `modretailcrm` namespace, read from the one
// table of settings, settings.json beside this file (see README, "Settings"): key => its MODX
// editor (xtype), its area in the settings grid and the value a fresh install starts with (the
// default; empty where empty means "the default", and for modretailcrm_data_path the installer
// fills in {core_path}cache/modretailcrm-<random>/, see Installer::newPrivateFolder).

$json = file_get_contents(__DIR__ . '/settings.json');
if ($json === false) {
    throw new RuntimeException('cannot read ' . __DIR__ . '/settings.json');
}
$settings = [];
foreach (json_decode($json, true, 16, JSON_THROW_ON_ERROR)['settings'] as $row) {
    $settings[$row['name']] = ['xtype' => $row['xtype'], 'area' => $row['area'], 'value' => $row['default']];
}
return $settings;
