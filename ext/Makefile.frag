# Builds the Rust crate at the repository's root with cargo and puts the library where phpize's
# `make install` takes it from. Cargo decides what is out of date, so make always asks it.
# CARGO_TARGET_DIR (from the environment) moves cargo's build folder; by default it is the
# repository's target/.

MODRETAILCRM_ROOT = $(srcdir)/..
CARGO_TARGET_DIR ?= $(MODRETAILCRM_ROOT)/target
MODRETAILCRM_TARGET = $(abspath $(CARGO_TARGET_DIR))

$(phplibdir)/modretailcrm.so: modretailcrm-cargo
	@mkdir -p $(phplibdir)
	cp $(MODRETAILCRM_TARGET)/release/libmodretailcrm.so $@

modretailcrm-cargo:
	cd $(MODRETAILCRM_ROOT) && $(MODRETAILCRM_CARGO_ENV) CARGO_TARGET_DIR=$(MODRETAILCRM_TARGET) $(CARGO) build --release --locked -p modretailcrm

.PHONY: modretailcrm-cargo
