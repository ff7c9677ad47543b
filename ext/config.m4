dnl The standard build of modretailcrm: `phpize && ./configure && make && make install`, as for
dnl any PECL extension, run in this folder. The extension is written in Rust, so there are no C
dnl sources: configure finds cargo and the PHP to build for, and make runs cargo (Makefile.frag)
dnl and puts the library where phpize's `make install` takes it from (modules/modretailcrm.so).

PHP_ARG_ENABLE([modretailcrm],
  [whether to build the modretailcrm extension],
  [AS_HELP_STRING([--enable-modretailcrm], [Build modretailcrm (RetailCRM for MODX/miniShop2; Rust, built with cargo)])],
  [yes])

if test "$PHP_MODRETAILCRM" != "no"; then
  dnl CARGO=/path/to/cargo in the environment picks another cargo.
  AC_PATH_PROG([CARGO], [cargo], [no], [$PATH:$HOME/.cargo/bin])
  if test "$CARGO" = "no"; then
    AC_MSG_ERROR([cargo not found: modretailcrm is written in Rust. Install Rust 1.89 or newer (rustup) and run configure again])
  fi
  AC_MSG_CHECKING([for the Rust compiler cargo uses])
  MODRETAILCRM_RUSTC_VERSION=`"$CARGO" --version 2>/dev/null`
  if test -z "$MODRETAILCRM_RUSTC_VERSION"; then
    AC_MSG_ERROR([$CARGO does not run: install Rust 1.89 or newer (rustup)])
  fi
  AC_MSG_RESULT([$MODRETAILCRM_RUSTC_VERSION])

  dnl The crate's build script finds PHP by the PHP and PHP_CONFIG variables, or on PATH: name
  dnl them only when configure was given another php-config (--with-php-config), so that a
  dnl default build shares cargo's cache with `cargo build --release` in the repository.
  MODRETAILCRM_CARGO_ENV=
  if test "$PHP_CONFIG" != "php-config"; then
    MODRETAILCRM_CARGO_ENV="PHP=$PHP_EXECUTABLE PHP_CONFIG=$PHP_CONFIG"
  fi
  PHP_SUBST(CARGO)
  PHP_SUBST(MODRETAILCRM_CARGO_ENV)

  PHP_MODULES="$PHP_MODULES \$(phplibdir)/modretailcrm.so"
  dnl Without PHP_NEW_EXTENSION (no C sources) the fragment and folders are named here.
  PHP_ADD_MAKEFILE_FRAGMENT([$abs_srcdir/Makefile.frag], [$abs_srcdir], [$abs_builddir])
fi
