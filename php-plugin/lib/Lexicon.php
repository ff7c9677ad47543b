<?php
/**
 * modRetailCRM — the component's texts in one language, read from its lexicon
 * (lexicon/<language>/default.inc.php, the files MODX loads as the namespace's `default` topic),
 * with MODX's [[+name]] placeholders filled. The manager page takes the manager's language; the
 * command line takes English.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

final class Lexicon
{
    /** The languages the component has a lexicon for; the first is the fallback. */
    public const LANGUAGES = ['en', 'ru'];

    /** @param array<string, string> $texts key => text */
    private function __construct(private readonly array $texts)
    {
    }

    /** The texts of $language (a MODX language code); one without a lexicon gets English. */
    public static function of(string $language): self
    {
        $language = in_array($language, self::LANGUAGES, true) ? $language : self::LANGUAGES[0];
        $_lang = [];
        include dirname(__DIR__) . "/lexicon/$language/default.inc.php";
        return new self($_lang);
    }

    /** The text of $key with its [[+name]] placeholders replaced by $values (the key itself when missing). */
    public function text(string $key, array $values = []): string
    {
        $placeholders = [];
        foreach ($values as $name => $value) {
            $placeholders["[[+$name]]"] = (string) $value;
        }
        // One pass: a value that looks like a placeholder stays as it is.
        return strtr($this->texts[$key] ?? $key, $placeholders);
    }

    /** @return array<string, string> every text, by key */
    public function all(): array
    {
        return $this->texts;
    }
}
