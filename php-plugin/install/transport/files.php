<?php
/**
 * The first vehicle of the transport package (scripts/transport.php): a script vehicle whose file
 * resolver copies the component (this php-plugin folder) to {core}components/modretailcrm/ on an
 * install or upgrade, and removes that folder on an uninstall, after the installer vehicle
 * (installer.php) ran. The script itself has nothing to do; MODX runs the resolver when it
 * returns true.
 */
return true;
