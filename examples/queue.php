<?php
// The demo's outbox: with QUEUE=mysql, scripts/demo.sh starts a private MariaDB and sets
// QUEUE_DSN, QUEUE_USER and QUEUE_PASSWORD; the examples then keep their outbox there (each
// under its own table prefix) instead of in a SQLite file. See README "Several web servers".

declare(strict_types=1);

/** The outbox settings of an example whose tables take $prefix; none for the SQLite file. */
function demo_queue(string $prefix): array
{
    if (getenv('QUEUE_DSN') === false) {
        return [];
    }
    return [
        'modretailcrm_queue_backend' => 'mysql',
        'modretailcrm_queue_dsn' => getenv('QUEUE_DSN'),
        'modretailcrm_queue_user' => getenv('QUEUE_USER'),
        'modretailcrm_queue_password' => getenv('QUEUE_PASSWORD'),
        'modretailcrm_queue_table_prefix' => $prefix,
    ];
}
