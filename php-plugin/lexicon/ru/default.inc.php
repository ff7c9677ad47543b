<?php
/**
 * modRetailCRM, русский: таблица системных настроек (setting_*, area_*) и поля «Код в RetailCRM»
 * на странице настроек miniShop2.
 */

$_lang['modretailcrm'] = 'modRetailCRM';

$_lang['modretailcrm_crm_code'] = 'Код в RetailCRM';
$_lang['modretailcrm_delivery_code'] = 'Символьный код этого способа доставки в RetailCRM (Настройки → Справочники → Типы доставок). Заказы с этой доставкой передаются с ним.';
$_lang['modretailcrm_payment_code'] = 'Символьный код этого способа оплаты в RetailCRM (Настройки → Справочники → Типы оплат). Заказы с этой оплатой передаются с ним.';
$_lang['modretailcrm_status_code'] = 'Символьный код этого статуса заказа в RetailCRM (Настройки → Справочники → Статусы). Смена на этот статус передаётся, если он указан в modretailcrm_sync_statuses.';

$_lang['area_modretailcrm_connection'] = 'Подключение';
$_lang['area_modretailcrm_delivery'] = 'Отправка';
$_lang['area_modretailcrm_shop'] = 'Магазин';
$_lang['area_modretailcrm_catalog'] = 'Каталог (ICML)';
$_lang['area_modretailcrm_custom'] = 'Свои классы';

$_lang['setting_modretailcrm_url'] = 'Адрес RetailCRM';
$_lang['setting_modretailcrm_url_desc'] = 'Адрес вашей системы RetailCRM, например https://example.retailcrm.ru (https; любой домен RetailCRM или Simla.com). Пока адрес, API-ключ и код магазина пусты, интеграция отключена.';
$_lang['setting_modretailcrm_apiKey'] = 'API-ключ';
$_lang['setting_modretailcrm_apiKey_desc'] = 'API-ключ RetailCRM (Настройки → Интеграция → Ключи доступа к API) с доступом к клиентам, заказам и справочникам указанного ниже магазина. В журнал не попадает.';
$_lang['setting_modretailcrm_siteCode'] = 'Код магазина';
$_lang['setting_modretailcrm_siteCode_desc'] = 'Символьный код этого магазина в RetailCRM (Настройки → Магазины).';
$_lang['setting_modretailcrm_timeout'] = 'Таймаут запроса, с';
$_lang['setting_modretailcrm_timeout_desc'] = 'Сколько может длиться один запрос к RetailCRM, в секундах (по умолчанию 10).';
$_lang['setting_modretailcrm_connect_timeout'] = 'Таймаут соединения, с';
$_lang['setting_modretailcrm_connect_timeout_desc'] = 'Сколько может длиться подключение к RetailCRM, в секундах (по умолчанию 5).';
$_lang['setting_modretailcrm_rate_limit'] = 'Запросов в секунду';
$_lang['setting_modretailcrm_rate_limit_desc'] = 'Не больше стольких запросов в секунду с этим ключом, общих для всех процессов PHP и заданий cron (по умолчанию 10 — лимит RetailCRM; 0 — без ограничения).';
$_lang['setting_modretailcrm_log'] = 'Журналировать все запросы';
$_lang['setting_modretailcrm_log_desc'] = 'Да: записывать в журнал каждый запрос к RetailCRM. Ошибки записываются всегда.';
$_lang['setting_modretailcrm_log_file'] = 'Файл журнала';
$_lang['setting_modretailcrm_log_file_desc'] = 'Файл журнала; его папка должна существовать. Пусто: modretailcrm.log в закрытой папке (modretailcrm_data_path). Журнал доступен только владельцу (0600).';

$_lang['setting_modretailcrm_send_mode'] = 'Когда отправлять';
$_lang['setting_modretailcrm_send_mode_desc'] = 'deferred (по умолчанию): каждое изменение сохраняется в очередь и отправляется сразу после того, как страница отдана посетителю; sync: отправляется во время запроса, ожидая не дольше бюджета; queue: только сохраняется, отправляет задание cron (php core/components/modretailcrm/cli/modretailcrm.php flush).';
$_lang['setting_modretailcrm_sync_budget'] = 'Бюджет ожидания, с';
$_lang['setting_modretailcrm_sync_budget_desc'] = 'В режиме sync — сколько запрос магазина может ждать RetailCRM, в секундах (по умолчанию 2). Изменение без ответа остаётся в очереди и отправляется позже.';
$_lang['setting_modretailcrm_after_response_budget'] = 'Бюджет отправки после ответа, с';
$_lang['setting_modretailcrm_after_response_budget_desc'] = 'В режиме deferred — сколько PHP-процесс может отправлять изменения после того, как отдал страницу, в секундах (по умолчанию 3). Всё это время процесс не обслуживает других посетителей; отправляет один процесс сайта за раз, остальное отправит следующий или cron.';
$_lang['setting_modretailcrm_queue_path'] = 'Файл очереди';
$_lang['setting_modretailcrm_queue_path_desc'] = 'Очередь (файл SQLite), где изменения ждут, пока RetailCRM их не примет. Пусто: outbox.sqlite в закрытой папке (modretailcrm_data_path).';
$_lang['setting_modretailcrm_data_path'] = 'Закрытая папка';
$_lang['setting_modretailcrm_data_path_desc'] = 'Папка очереди, журнала и заметок интеграции: в них имена, e-mail, телефоны и адреса покупателей. Установщик создаёт её как {core_path}cache/modretailcrm-<случайное>/, имя, которое нельзя угадать, с запретом доступа для Apache; для nginx нужно правило, которое печатает установщик. Пусто: core/cache/modretailcrm/.';
$_lang['setting_modretailcrm_keep_delivered_days'] = 'Хранить доставленные изменения, дней';
$_lang['setting_modretailcrm_keep_delivered_days_desc'] = 'Доставленные изменения удаляются из очереди через столько дней (по умолчанию 30; 0 — при следующей доставке), чтобы она не превращалась в архив всех покупателей.';
$_lang['setting_modretailcrm_retry_delay'] = 'Первый повтор через, с';
$_lang['setting_modretailcrm_retry_delay_desc'] = 'Пауза после первой неудачной попытки, в секундах (по умолчанию 1); с каждой следующей неудачей удваивается.';
$_lang['setting_modretailcrm_retry_delay_max'] = 'Наибольшая пауза, с';
$_lang['setting_modretailcrm_retry_delay_max_desc'] = 'Наибольшая пауза между двумя попытками, в секундах (по умолчанию 600).';

$_lang['setting_modretailcrm_sync_statuses'] = 'Статусы для RetailCRM';
$_lang['setting_modretailcrm_sync_statuses_desc'] = 'Id статусов miniShop2 через запятую (например 2,3,4): смена на один из них передаётся в RetailCRM, если у статуса есть код RetailCRM. Пусто: смены статусов не передаются.';
$_lang['setting_modretailcrm_paid_statuses'] = 'Статусы оплаты';
$_lang['setting_modretailcrm_paid_statuses_desc'] = 'Id статусов miniShop2 через запятую, при которых оплата заказа отмечается в RetailCRM оплаченной (по умолчанию 2, «Оплачен»).';
$_lang['setting_modretailcrm_user_contexts'] = 'Контексты клиентов';
$_lang['setting_modretailcrm_user_contexts_desc'] = 'Контексты через запятую, в которых сохранённый пользователь передаётся в RetailCRM как клиент (по умолчанию web: регистрация и оформление заказа, но не менеджер).';
$_lang['setting_modretailcrm_user_groups'] = 'Группы клиентов';
$_lang['setting_modretailcrm_user_groups_desc'] = 'Группы пользователей через запятую, участники которых передаются как клиенты из любого контекста, включая менеджер.';
$_lang['setting_modretailcrm_add_crm_number'] = 'Передавать номер заказа';
$_lang['setting_modretailcrm_add_crm_number_desc'] = 'Да: заказ в RetailCRM получает номер заказа miniShop2. Нет: RetailCRM нумерует сам.';
$_lang['setting_modretailcrm_allow_msoptionsprice'] = 'Модификации msOptionsPrice2';
$_lang['setting_modretailcrm_allow_msoptionsprice_desc'] = 'Да: заказанная модификация msOptionsPrice2 передаётся как торговое предложение mod-{id товара}-{id модификации}, как в выгрузке каталога.';
$_lang['setting_modretailcrm_promocode_field'] = 'Поле промокода';
$_lang['setting_modretailcrm_promocode_field_desc'] = 'Пользовательское поле заказа RetailCRM, в которое передаётся промокод msPromoCode (по умолчанию promocode).';
$_lang['setting_modretailcrm_weight_unit'] = 'Единица веса';
$_lang['setting_modretailcrm_weight_unit_desc'] = 'В чём указан вес в miniShop2: kg (по умолчанию) или g. В RetailCRM передаются граммы.';
$_lang['setting_modretailcrm_order_method'] = 'Способ оформления';
$_lang['setting_modretailcrm_order_method_desc'] = 'Код способа оформления заказа в RetailCRM для заказов с сайта (например shopping-cart). Пусто: по умолчанию RetailCRM.';
$_lang['setting_modretailcrm_country_iso'] = 'Страна';
$_lang['setting_modretailcrm_country_iso_desc'] = 'ISO-код страны доставки (например RU), если в адресе заказа её нет.';

$_lang['setting_modretailcrm_icml_file'] = 'Файл ICML';
$_lang['setting_modretailcrm_icml_file_desc'] = 'Где сниппет icml и команда cron хранят каталог ICML, который забирает RetailCRM. Пусто: {assets_path}modretailcrm/icml.xml ({assets_path}, {core_path}, {base_path} заменяются).';
$_lang['setting_modretailcrm_icml_folder'] = 'Папка выгрузки ICML';
$_lang['setting_modretailcrm_icml_folder_desc'] = 'Папка, кроме {assets_path}, куда можно писать файл ICML (например {base_path}feeds/); она должна существовать. Файл должен лежать в одной из них и оканчиваться на .xml или .xml.gz, иначе он отклоняется.';

$_lang['setting_modretailcrm_custom_customers_class'] = 'Класс клиентов';
$_lang['setting_modretailcrm_custom_customers_class_desc'] = 'Ваш класс, дополняющий каждого передаваемого клиента: ["ClassName", "{core_path}components/shop/Customers.php"] или имя класса; его статический метод map(array $payload, array $source): array возвращает клиента. Если класс не сработал, передаётся стандартный клиент.';
$_lang['setting_modretailcrm_custom_orders_class'] = 'Класс заказов';
$_lang['setting_modretailcrm_custom_orders_class_desc'] = 'Ваш класс, дополняющий каждый передаваемый заказ: ["ClassName", "{core_path}components/shop/Orders.php"] или имя класса; его статический метод map(array $payload, array $source): array возвращает заказ. Если класс не сработал, передаётся стандартный заказ.';
