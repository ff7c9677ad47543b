<?php
// Prints stubs for the extension's classes that cargo-php does not describe: the exception
// classes, which are registered at module start-up as ordinary subclasses of \Exception.

$extension = new ReflectionExtension('modretailcrm');
$classes = array_filter(
    $extension->getClasses(),
    fn (ReflectionClass $class) => $class->isSubclassOf(Throwable::class)
);
uksort($classes, fn ($a, $b) => strcmp($a, $b));

echo "\n// Exception classes (registered at start-up; each carries the file, line and trace of the\n";
echo "// failing call). Every failure the extension reports is one of these.\n";
echo "namespace ModRetailCrm {\n";
foreach ($classes as $class) {
    printf("    class %s extends \\%s {\n", $class->getShortName(), $class->getParentClass()->getName());
    foreach ($class->getProperties() as $property) {
        if ($property->getDeclaringClass()->getName() !== $class->getName()) {
            continue;
        }
        $type = $property->getType();
        printf("        public %s $%s;\n", $type === null ? 'mixed' : (string) $type, $property->getName());
    }
    echo "    }\n\n";
}
echo "}\n";
