<?php
/**
 * Puts the custom snippets of examples/snippets/ into README.md: each code block under a
 * line `<!-- examples/snippets/NAME.php -->` becomes that file (without its `<?php` line).
 * With --check it changes nothing and fails when a copy differs from its file, so that the
 * README shows the code the test suite runs (tests/php/snippet_examples.php).
 */

declare(strict_types=1);

$root = dirname(__DIR__);
$readme = "$root/README.md";
$text = (string) file_get_contents($readme);
$missing = [];
$updated = preg_replace_callback(
    '~^<!-- (examples/snippets/[A-Za-z0-9_]+\.php) -->\n```php\n.*?^```$~ms',
    static function (array $match) use ($root, &$missing): string {
        $code = @file_get_contents("$root/{$match[1]}");
        if ($code === false) {
            $missing[] = $match[1];
            return $match[0];
        }
        $code = preg_replace('/^<\?php\n/', '', $code);
        return "<!-- {$match[1]} -->\n```php\n" . rtrim($code, "\n") . "\n```";
    },
    $text,
    -1,
    $count,
);
if ($missing !== [] || $count === 0) {
    fwrite(STDERR, $count === 0 ? "README.md shows no example\n" : 'missing: ' . implode(', ', $missing) . "\n");
    exit(1);
}
if (($argv[1] ?? '') === '--check') {
    if ($updated !== $text) {
        fwrite(STDERR, "README.md's custom snippets differ from examples/snippets/: run php scripts/readme-examples.php\n");
        exit(1);
    }
    echo "README examples: up to date ($count)\n";
    exit(0);
}
file_put_contents($readme, $updated);
echo "README examples: wrote $count\n";
