<?php
// The version the fake site reports, shaped as MODX's core/docs/version.inc.php.
$v = [];
$v['version'] = '2';
$v['major_version'] = '8';
$v['minor_version'] = '7';
$v['patch_level'] = 'pl';
$v['code_name'] = 'Revolution';
$v['distro'] = '@git@';
$v['full_version'] = '2.8.7-pl';
$v['full_appname'] = 'MODX Revolution 2.8.7-pl (git)';
return $v;
