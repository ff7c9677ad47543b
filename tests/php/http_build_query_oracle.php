<?php
// The oracle for core/src/api/encode.rs: reads JSON objects, one a line, from stdin and prints PHP's
// own http_build_query of each (as PHP holds it after json_decode(..., true)) on its own line.
// With the argument `form`, every top-level array is first replaced by its JSON, as the
// official PHP client builds a POST body. Run with `php -n` so `precision` is 14.

declare(strict_types=1);

$form = ($argv[1] ?? '') === 'form';
$toJson = fn (mixed $value): mixed => is_array($value)
    ? json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR)
    : $value;

while (($line = fgets(STDIN)) !== false) {
    $data = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
    echo http_build_query($form ? array_map($toJson, $data) : $data), "\n";
}
