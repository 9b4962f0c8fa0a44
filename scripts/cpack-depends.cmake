# CPack project config file for cross builds (set by scripts/packaging.cmake; cpack runs it before
# making the package): computes the .deb's Depends from the shared libraries the cross-built ELF files
# link, as dpkg-shlibdeps would in shlibs mode.
#
# Why not dpkg-shlibdeps: it maps a library file to its package through the dpkg database, and the
# arm64 sysroot (scripts/make-sysroot.sh, mmdebstrap --variant=extract) has none. make-sysroot.sh
# keeps each extracted package's shlibs control file in SYSROOT/var/lib/edgebench-shlibs/; a line
# there reads "<library> <soversion> <dependency>", e.g. "libsqlite3 0 libsqlite3-0 (>= 3.40.1)".
#
# Inputs (from CPackConfig.cmake): CPACK_EDGEBENCH_SHLIBS_DIR, CPACK_EDGEBENCH_BINARY_PATH_FILE (the
# paths of the binary, the worker and the image module, one per line), CPACK_EDGEBENCH_READELF, CPACK_DEBIAN_PACKAGE_DEPENDS (extra, non-library
# dependencies). Output: CPACK_DEBIAN_PACKAGE_DEPENDS. Any soname without a shlibs entry is an error:
# a package that installs but cannot start is worse than no package.
if(NOT CPACK_GENERATOR STREQUAL "DEB" OR NOT CPACK_EDGEBENCH_SHLIBS_DIR)
  return()
endif()

if(NOT IS_DIRECTORY "${CPACK_EDGEBENCH_SHLIBS_DIR}")
  message(FATAL_ERROR "cpack-depends: ${CPACK_EDGEBENCH_SHLIBS_DIR} missing: rebuild the sysroot with "
                      "scripts/make-sysroot.sh (it keeps the packages' shlibs files there)")
endif()
file(STRINGS "${CPACK_EDGEBENCH_BINARY_PATH_FILE}" eb_binaries)
set(eb_readelf "${CPACK_EDGEBENCH_READELF}")
if(NOT eb_readelf)
  set(eb_readelf readelf)
endif()

# DT_NEEDED entries of every ELF file: " 0x... (NEEDED)  Shared library: [libsqlite3.so.0]"
set(eb_needed_lines "")
foreach(eb_binary IN LISTS eb_binaries)
  if(NOT EXISTS "${eb_binary}")
    message(FATAL_ERROR "cpack-depends: ${eb_binary} missing: build the edgebench target first")
  endif()
  execute_process(COMMAND "${eb_readelf}" --dynamic "${eb_binary}"
                  OUTPUT_VARIABLE eb_dynamic RESULT_VARIABLE eb_rc ERROR_VARIABLE eb_err)
  if(NOT eb_rc EQUAL 0)
    message(FATAL_ERROR "cpack-depends: ${eb_readelf} --dynamic ${eb_binary} failed: ${eb_err}")
  endif()
  string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]+\\]" eb_lines "${eb_dynamic}")
  list(APPEND eb_needed_lines ${eb_lines})
endforeach()
set(eb_binary "${eb_binaries}")

# Every shlibs line of every package, one list element per line.
file(GLOB eb_shlibs_files "${CPACK_EDGEBENCH_SHLIBS_DIR}/*.shlibs")
set(eb_shlibs "")
foreach(f IN LISTS eb_shlibs_files)
  file(STRINGS "${f}" lines)
  list(APPEND eb_shlibs ${lines})
endforeach()

set(eb_depends "")
foreach(line IN LISTS eb_needed_lines)
  string(REGEX REPLACE ".*\\[([^]]+)\\]$" "\\1" soname "${line}")
  # shlibs keys: libfoo.so.N -> "libfoo N"; libfoo-1.2.so -> "libfoo-1.2" with an empty version.
  if(soname MATCHES "^(.+)\\.so\\.(.+)$")
    set(key "${CMAKE_MATCH_1} ${CMAKE_MATCH_2} ")
  elseif(soname MATCHES "^(.+)-([0-9.]+)\\.so$")
    set(key "${CMAKE_MATCH_1}-${CMAKE_MATCH_2}  ")
  else()
    message(FATAL_ERROR "cpack-depends: cannot read the soname ${soname} (needed by ${eb_binary})")
  endif()
  set(dep "")
  foreach(entry IN LISTS eb_shlibs)
    # Lines prefixed "udeb:" describe installer packages, not ours.
    string(FIND "${entry}" "${key}" pos)
    if(pos EQUAL 0)
      string(LENGTH "${key}" keylen)
      string(SUBSTRING "${entry}" ${keylen} -1 dep)
      string(STRIP "${dep}" dep)
      break()
    endif()
  endforeach()
  if(dep STREQUAL "")
    message(FATAL_ERROR "cpack-depends: no shlibs entry for ${soname} (key '${key}') in "
                        "${CPACK_EDGEBENCH_SHLIBS_DIR}: add its -dev package to scripts/make-sysroot.sh")
  endif()
  message(STATUS "cpack-depends: ${soname} -> ${dep}")
  list(APPEND eb_depends "${dep}")
endforeach()
if(NOT eb_depends)
  message(FATAL_ERROR "cpack-depends: found no NEEDED libraries in ${eb_binary}")
endif()
list(REMOVE_DUPLICATES eb_depends)
list(SORT eb_depends)
if(CPACK_DEBIAN_PACKAGE_DEPENDS)
  list(APPEND eb_depends "${CPACK_DEBIAN_PACKAGE_DEPENDS}")
endif()
list(JOIN eb_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
message(STATUS "cpack-depends: Depends: ${CPACK_DEBIAN_PACKAGE_DEPENDS}")
