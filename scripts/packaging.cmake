# Install rules and the .deb package (CPack, DEB generator); included by the top-level CMakeLists.txt.
#
#   cmake --install BUILD [--prefix /usr/local]     source install (scripts/install.sh wraps it)
#   cpack --config BUILD/CPackConfig.cmake -B OUT   OUT/edgebench_<version>_<arch>.deb (amd64 natively,
#                                                   arm64 from a build with toolchains/aarch64-linux-gnu.cmake)
#
# What gets installed, relative to the prefix (/usr for the package):
#   bin/edgebench, lib/edgebench/{edgebench-worker, edgebench-images.so}, share/doc/edgebench/{README.md,
#   examples/}, lib/sysusers.d/edgebench.conf,
#   lib/tmpfiles.d/edgebench.conf, and the unit: /lib/systemd/system for prefix /usr (Debian 12 keeps
#   units there), PREFIX/lib/systemd/system otherwise (systemd also searches /usr/local/lib/systemd/system).
#   /etc/edgebench/edgebench.yaml always: the unit's ConfigurationDirectory=edgebench is /etc/edgebench.
# The unit's ExecStart= names the installed binary: it is rewritten at install time, when the prefix
# (cmake --install --prefix, or CPack's /usr) is known.
include(GNUInstallDirs)

set(EB_PACKAGING_DIR ${CMAKE_SOURCE_DIR}/systemd)
set(EB_EXAMPLE_CONFIG ${CMAKE_SOURCE_DIR}/config/edgebench.example.yaml)
# What /etc/edgebench/edgebench.yaml starts as: a configuration the service starts with as installed
# (no groups yet, models watched in /var/lib/edgebench/models); the example documents every key.
set(EB_SERVICE_CONFIG ${CMAKE_SOURCE_DIR}/config/edgebench.yaml)

install(TARGETS edgebench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The measuring worker is started by edgebench, never by hand: a private executable, where
# worker_process.cc looks for it (<prefix>/lib/edgebench beside <prefix>/bin).
install(TARGETS edgebench-worker RUNTIME DESTINATION lib/edgebench)
# The image module (OpenCV), loaded by edgebench when a command reads images: same place, same rule.
install(TARGETS edgebench-images LIBRARY DESTINATION lib/edgebench)
# The Keras module (libhdf5, libzip), loaded when a command reads a .h5/.keras file: built where those
# libraries are (kernels/keras/CMakeLists.txt); the arm64 sysroot has none yet, so arm64 packages lack it
# and say so when a Keras file is given.
if(TARGET edgebench-keras)
  install(TARGETS edgebench-keras LIBRARY DESTINATION lib/edgebench)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${EB_PACKAGING_DIR}/network-cameras.conf DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${EB_PACKAGING_DIR}/edgebench.sysusers.conf DESTINATION lib/sysusers.d RENAME edgebench.conf)
install(FILES ${EB_PACKAGING_DIR}/edgebench.tmpfiles.conf DESTINATION lib/tmpfiles.d RENAME edgebench.conf)
if(EXISTS ${EB_EXAMPLE_CONFIG})
  install(FILES ${EB_SERVICE_CONFIG} DESTINATION /etc/edgebench)
  install(FILES ${EB_EXAMPLE_CONFIG} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
else()
  # The daemon's example config is written alongside; until it exists the package has no conffile
  # (tests/package/check_deb.py reports that).
  message(STATUS "packaging: ${EB_EXAMPLE_CONFIG} does not exist yet: no /etc/edgebench/edgebench.yaml")
endif()

# The unit, with ExecStart= pointing at the installed binary. install(CODE) runs at install time, so
# CMAKE_INSTALL_PREFIX there is the real prefix; DESTDIR (and CPack's staging dir) is honoured.
set(eb_install_unit [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(eb_unit_dir "/lib/systemd/system")
  else()
    set(eb_unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  endif()
  file(READ "@EB_PACKAGING_DIR@/edgebench.service" eb_unit)
  string(REPLACE "ExecStart=/usr/bin/edgebench " "ExecStart=${CMAKE_INSTALL_PREFIX}/bin/edgebench " eb_unit "${eb_unit}")
  set(eb_unit_file "$ENV{DESTDIR}${eb_unit_dir}/edgebench.service")
  message(STATUS "Installing: ${eb_unit_file}")
  file(MAKE_DIRECTORY "$ENV{DESTDIR}${eb_unit_dir}")
  file(WRITE "${eb_unit_file}" "${eb_unit}")
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${eb_unit_file}")
]])
string(CONFIGURE "${eb_install_unit}" eb_install_unit @ONLY)   # only @EB_PACKAGING_DIR@ is filled in now
install(CODE "${eb_install_unit}")

# --- man page: `edgebench --help` through help2man (optional: no help2man, no man page) ---------------
# Cross builds run the target binary under CMAKE_CROSSCOMPILING_EMULATOR (qemu) through a wrapper,
# since help2man takes one program path. gzip -n: no timestamp, so the page is reproducible.
find_program(EB_HELP2MAN help2man)
if(EB_HELP2MAN)
  set(EB_MAN_PROGRAM $<TARGET_FILE:edgebench>)
  if(CMAKE_CROSSCOMPILING_EMULATOR)
    list(JOIN CMAKE_CROSSCOMPILING_EMULATOR "\" \"" eb_emulator)
    file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/edgebench-emulated
         CONTENT "#!/bin/sh\nexec \"${eb_emulator}\" \"$<TARGET_FILE:edgebench>\" \"$@\"\n"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
    set(EB_MAN_PROGRAM ${CMAKE_BINARY_DIR}/edgebench-emulated)
  endif()
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/edgebench.1.gz
    COMMAND ${EB_HELP2MAN} --no-info --section=1 --no-discard-stderr
            "--name=benchmark TFLite model variants on the device"
            --include=${EB_PACKAGING_DIR}/edgebench.h2m --output=${CMAKE_BINARY_DIR}/edgebench.1 ${EB_MAN_PROGRAM}
    COMMAND gzip -n -9 -f ${CMAKE_BINARY_DIR}/edgebench.1
    DEPENDS edgebench ${EB_PACKAGING_DIR}/edgebench.h2m
    COMMENT "man page edgebench.1 (help2man)" VERBATIM)
  add_custom_target(edgebench_man ALL DEPENDS ${CMAKE_BINARY_DIR}/edgebench.1.gz)
  # OPTIONAL: an install of a tree where only `edgebench` was built (ninja edgebench) still works.
  install(FILES ${CMAKE_BINARY_DIR}/edgebench.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
else()
  message(STATUS "packaging: help2man not found: no man page (apt-get install help2man)")
endif()

# --- CPack: one .deb ----------------------------------------------------------------------------------
# Debian's architecture name for what is being built (dpkg's own answer would be the build machine's).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(EB_DEB_ARCH arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(EB_DEB_ARCH amd64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^armv7")
  set(EB_DEB_ARCH armhf)
else()
  set(EB_DEB_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME edgebench)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "edgebench")
set(CPACK_PACKAGE_CONTACT "edgebench maintainers <edgebench@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "benchmarks TFLite model variants on a Raspberry Pi (daemon and CLI)")
set(CPACK_PACKAGE_DESCRIPTION
    "edgebench runs TensorFlow Lite models with its own kernels and measures latency, memory and accuracy of each variant (float32, float16, int8, ...) on the device itself. The edgebench service benchmarks the models dropped into /var/lib/edgebench/models on a schedule and stores the results in SQLite. Installing enables nothing: systemctl enable --now edgebench.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # edgebench_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${EB_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# procps: /bin/kill of ExecReload=; the rest are the shared libraries the binary links.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "procps")
# postinst: user + directories, no enable/start; prerm: stop and disable on removal; conffiles: the config.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${EB_PACKAGING_DIR}/debian/postinst ${EB_PACKAGING_DIR}/debian/prerm ${EB_PACKAGING_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
if(NOT EXISTS ${EB_EXAMPLE_CONFIG})
  # dpkg-deb refuses a conffiles entry for a file the package lacks.
  list(REMOVE_ITEM CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${EB_PACKAGING_DIR}/debian/conffiles)
endif()

if(NOT CMAKE_CROSSCOMPILING)
  # dpkg-shlibdeps: Depends from the host's dpkg database (symbols files: the tightest versions).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  # dpkg-shlibdeps cannot see the sysroot's packages (scripts/make-sysroot.sh extracts them without a
  # dpkg database); scripts/cpack-depends.cmake runs inside cpack and maps the binary's DT_NEEDED
  # sonames to Depends through the shlibs files make-sysroot.sh kept.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_EDGEBENCH_SHLIBS_DIR ${CMAKE_SYSROOT}/var/lib/edgebench-shlibs)
  # CPack does not evaluate generator expressions: the ELF files' paths (one per line) go through a
  # generated file. The image module carries the OpenCV dependencies, the binary the rest.
  set(CPACK_EDGEBENCH_BINARY_PATH_FILE ${CMAKE_BINARY_DIR}/edgebench-binary-path.txt)
  file(GENERATE OUTPUT ${CPACK_EDGEBENCH_BINARY_PATH_FILE}
       CONTENT "$<TARGET_FILE:edgebench>\n$<TARGET_FILE:edgebench-worker>\n$<TARGET_FILE:edgebench-images>\n$<$<TARGET_EXISTS:edgebench-keras>:$<TARGET_FILE:edgebench-keras>\n>")
  set(CPACK_EDGEBENCH_READELF ${CMAKE_READELF})
  set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_SOURCE_DIR}/scripts/cpack-depends.cmake)
endif()

include(CPack)
