<?php
// The router of `php -S` for the manager page in a real browser (and the demo): /manager is the
// page as the controller (php-plugin/controllers/index.class.php) puts it into the manager —
// the element, the configuration, page.css and page.js — in a bare HTML document standing in
// for the manager's template; /connector.php answers as the processor does, through
// ManagerApi::handle(); /assets/… are the component's assets. The site is manager_page_site.php.

declare(strict_types=1);

require __DIR__ . '/manager_page_site.php';

use ModRetailCrm\Plugin\ManagerApi;

$path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
$assets = dirname(__DIR__, 2) . '/php-plugin/assets';

if ($path === '/manager') {
    $config = ManagerApi::pageConfig(page_site(), '/connector.php');
    $json = json_encode($config, JSON_UNESCAPED_UNICODE | JSON_HEX_TAG | JSON_HEX_AMP | JSON_THROW_ON_ERROR);
    header('Content-Type: text/html; charset=utf-8');
    // As MODX 2.8's manager puts them: the CSS, the configuration (addHtml) and the script
    // (addLastJavascript) in the head, the controller's content in the body.
    echo "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>RetailCRM | MODX Revolution</title>\n"
        . "<link rel=\"stylesheet\" href=\"/assets/css/mgr/page.css\">\n"
        . "<script>window.ModRetailCrmPage = $json;</script>\n"
        . "<script src=\"/assets/js/mgr/page.js\"></script></head>\n"
        . '<body style="background:#f2f2f2;margin:0;font-family:sans-serif"><div id="modx-content">'
        . ManagerApi::PAGE_HTML . "</div>\n</body></html>\n";
    return true;
}

if ($path === '/connector.php') {
    $modx = page_site();
    $answer = ManagerApi::handle($modx, $_POST + $_GET, ManagerApi::sentToken());
    save_page_site($modx);
    header('Content-Type: application/json; charset=utf-8');
    echo json_encode($answer, JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR);
    return true;
}

$file = realpath($assets . substr($path, strlen('/assets')));
if (str_starts_with($path, '/assets/') && $file !== false && str_starts_with($file, $assets . '/') && is_file($file)) {
    header('Content-Type: ' . (str_ends_with($file, '.css') ? 'text/css' : 'text/javascript') . '; charset=utf-8');
    readfile($file);
    return true;
}

http_response_code(404);
echo "not found: $path\n";
return true;
