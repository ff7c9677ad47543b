<?php
// FormIt for the MODX-shaped harness: what a custom snippet hook sees of FormIt 4.x (the
// Sterc\FormIt\Hook class, read for its API): FormIt's `$formit->config` (its own defaults
// and the FormIt call's properties), and a hook runner whose load() runs a snippet hook as
// FormIt does — with the properties `$formit->config`, plus `formit`, `hook`, `fields` and
// `errors` — and reads its answer the same way: true passes; an array of errors is merged
// into the errors; anything else fails and is appended to the errors under the hook's name.
// The hook API: getValues(), getValue(), setValue(), setValues(), addError() (appends to the
// field's message), hasErrors(), getErrors(). A page carries the modX `resource` the form is on
// and the lexicon, whose topics load from the repository's php-plugin/lexicon.

declare(strict_types=1);

require_once __DIR__ . '/harness.php';

/** modLexicon as far as load() and the entries of the modretailcrm topics go. */
final class FormLexiconStub
{
    /** @var array<string, string> */
    public array $entries = [];

    public function __construct(private string $language)
    {
    }

    /** load('modretailcrm:default') or load('en:modretailcrm:default'). */
    public function load(string ...$topics): void
    {
        foreach ($topics as $topic) {
            $parts = explode(':', $topic);
            if (count($parts) === 2) {
                array_unshift($parts, $this->language);
            }
            [$language, $namespace, $name] = $parts;
            $file = dirname(__DIR__, 3) . "/php-plugin/lexicon/$language/$name.inc.php";
            if ($namespace === 'modretailcrm' && is_file($file)) {
                $_lang = [];
                include $file;
                $this->entries = $_lang + $this->entries;
            }
        }
    }
}

/** modX on a page with a form: the resource, the lexicon, snippets run as MODX runs them. */
final class FormModX extends modX
{
    public ?xPDOObjectStub $resource = null;
    public FormLexiconStub $lexicon;

    public function __construct(array $config = [], ?array $database = null, string $language = 'en')
    {
        parent::__construct($config, $database);
        $this->lexicon = new FormLexiconStub($language);
    }

    /** A new request also starts without the plugin's and the form hook's request state. */
    public function newRequest(): void
    {
        parent::newRequest();
        unset($GLOBALS['modretailcrm_plugin']);
    }

    /** modX::lexicon(): a loaded entry with its [[+placeholders]] filled, else the harness's texts. */
    public function lexicon(string $key, array $params = []): string
    {
        if (!isset($this->lexicon->entries[$key])) {
            return parent::lexicon($key, $params);
        }
        $text = $this->lexicon->entries[$key];
        foreach ($params as $name => $value) {
            $text = str_replace("[[+$name]]", (string) $value, $text);
        }
        return $text;
    }

    /** modSnippet::process(): `$modx` and `$scriptProperties` in scope, the properties extracted. */
    public function runSnippet(string $file, array $scriptProperties): mixed
    {
        $modx = $this;
        extract($scriptProperties, EXTR_SKIP);
        return include $file;
    }
}

/** FormIt's instance as a hook sees it: $config and $modx. */
final class FormItStub
{
    public array $config;

    /** @param array $properties the FormIt call's properties */
    public function __construct(public modX $modx, array $properties)
    {
        // A few of FormIt 4's own defaults, which a hook finds beside the call's properties.
        $this->config = array_merge([
            'namespace' => 'formit',
            'core_path' => '/srv/site/core/components/formit/',
            'placeholderPrefix' => 'fi.',
            'max_chars' => 125,
        ], $properties);
    }
}

/** FormIt's hook runner (Sterc\FormIt\Hook) for one submission of the form's $fields. */
final class FormItHookStub
{
    public array $errors = [];
    public array $hooks = [];
    public modX $modx;

    public function __construct(public FormItStub $formit, public array $fields)
    {
        $this->modx = $formit->modx;
    }

    /** Runs the snippet $file as the hook $hookName; whether it passed. */
    public function load(string $hookName, string $file, array $customProperties = []): bool
    {
        $this->hooks[] = $hookName;
        $properties = array_merge($this->formit->config, $customProperties);
        $properties['formit'] = $this->formit;
        $properties['hook'] = $this;
        $properties['fields'] = $this->fields;
        $properties['errors'] = $this->errors;
        $success = $this->modx->runSnippet($file, $properties);
        if (is_array($success) && $success !== []) {
            $this->errors = array_merge($this->errors, $success);
            return false;
        }
        if ($success != true) {
            $this->errors[$hookName] = ($this->errors[$hookName] ?? '') . ' ' . $success;
            return false;
        }
        return true;
    }

    public function addError(string $key, string $value): string
    {
        $this->errors[$key] = ($this->errors[$key] ?? '') . $value;
        return $this->errors[$key];
    }

    public function hasErrors(): bool
    {
        return $this->errors !== [];
    }

    public function getErrors(): array
    {
        return $this->errors;
    }

    public function setValue(string $key, mixed $value): mixed
    {
        return $this->fields[$key] = $value;
    }

    public function setValues(array $values): void
    {
        foreach ($values as $key => $value) {
            $this->setValue($key, $value);
        }
    }

    public function getValue(string $key): mixed
    {
        return array_key_exists($key, $this->fields) ? $this->fields[$key] : null;
    }

    public function getValues(): array
    {
        return $this->fields;
    }
}

/** The repository's form hook snippet. */
function form_snippet_file(): string
{
    return dirname(__DIR__, 3) . '/php-plugin/elements/snippets/modRetailCrmForm.php';
}

/**
 * Submits $fields to a FormIt call with $properties on $modx's page: runs the hook and
 * answers [passed, FormIt's errors].
 */
function submit_form(FormModX $modx, array $properties, array $fields): array
{
    $modx->newRequest();
    $hook = new FormItHookStub(new FormItStub($modx, $properties), $fields);
    $passed = $hook->load('modRetailCrmForm', form_snippet_file());
    return [$passed, $hook->getErrors()];
}
