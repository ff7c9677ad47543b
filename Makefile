# modretailcrm — conveniences around scripts/. The README's two commands are
# scripts/demo.sh (the main job) and scripts/test.sh (the whole suite).

SO          := target/release/libmodretailcrm.so
PHP_EXT_DIR  = $(shell php-config --extension-dir)
PHP_VERSION  = $(shell php-config --version | cut -d. -f1,2)
PHP_MODS     = /etc/php/$(PHP_VERSION)/mods-available

.PHONY: setup build demo test stubs settings bench install uninstall deb release-zip transport

setup:
	@scripts/setup.sh

build: setup
	cargo build --release --workspace

demo:
	@scripts/demo.sh

test:
	@scripts/test.sh

stubs: setup
	@scripts/stubs.sh

# The lexicons' setting_* entries and README's settings tables, from php-plugin/install/settings.json.
settings:
	@php -n scripts/settings.php

bench: build
	@scripts/bench.sh

# Puts the extension into PHP's extension folder and enables it for every SAPI.
install: build
	install -m 0644 $(SO) $(PHP_EXT_DIR)/modretailcrm.so
	printf '; priority=30\nextension=modretailcrm\n' > $(PHP_MODS)/modretailcrm.ini
	phpenmod modretailcrm
	@php -m | grep -qx modretailcrm && echo "modretailcrm installed into $(PHP_EXT_DIR) and enabled"

uninstall:
	-phpdismod modretailcrm
	rm -f $(PHP_MODS)/modretailcrm.ini $(PHP_EXT_DIR)/modretailcrm.so
	@echo "modretailcrm removed"

# The packages (README, Installing): the Debian package, the prebuilt zip for releases (PIE),
# the MODX transport package.
deb: setup
	@scripts/deb.sh

release-zip: setup
	@scripts/release-zip.sh

transport: setup
	@php scripts/transport.php
