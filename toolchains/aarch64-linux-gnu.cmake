# CMake toolchain file: cross-build edgebench for 64-bit Arm Linux (Raspberry Pi 4 / Cortex-A72, and
# any ARMv8.0-A or later) with Debian's cross gcc and a Debian bookworm arm64 sysroot; tests run
# under qemu-aarch64 through CMAKE_CROSSCOMPILING_EMULATOR.
#
#   scripts/make-sysroot.sh                       # once: creates <repo>/build-aarch64-sysroot
#   cmake -S . -B build-aarch64-full -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux-gnu.cmake
#   ninja -C build-aarch64-full
#   ctest --test-dir build-aarch64-full -L runtime  # test binaries run as: qemu-aarch64 -cpu cortex-a72 -L SYSROOT ...
#   cpack --config build-aarch64-full/CPackConfig.cmake -B OUT   # OUT/edgebench_<version>_arm64.deb
#   (scripts/cross-test.sh does all of it; -DEDGEBENCH_RUNTIME_ONLY=ON builds the runtime alone.)
#
# Settings (cache variables: -DNAME=VALUE at the first configure of a build directory):
#   EDGEBENCH_SYSROOT       the arm64 sysroot (a relative path is taken from the source dir).
#                           Else the environment variable EDGEBENCH_SYSROOT, else
#                           <repo>/build-aarch64-sysroot, found from this file's location (not from
#                           CMAKE_SOURCE_DIR, which inside CMake's try_compile projects is a scratch dir).
#   EDGEBENCH_AARCH64_ARCH  -march value. Default armv8-a: the Pi 4's Cortex-A72 is ARMv8.0-A, so no
#                           dotprod/fp16 arithmetic; e.g. armv8.2-a+dotprod for a Pi 5 (Cortex-A76).
#                           Goes into CMAKE_<LANG>_FLAGS_INIT: it is ignored when CMAKE_CXX_FLAGS is
#                           given explicitly, and changing it needs a fresh build directory.
#   EDGEBENCH_QEMU_CPU      the CPU qemu emulates. Default cortex-a72 (Pi 4), so an instruction beyond
#                           ARMv8.0-A (dotprod, fp16, LSE atomics, ...) traps with SIGILL in the tests
#                           instead of passing under qemu's default "max" CPU and crashing on the Pi.
#                           Change it along with EDGEBENCH_AARCH64_ARCH (e.g. cortex-a76 for armv8.2-a+dotprod,
#                           or max to exercise run-time dispatched paths for newer CPUs).
#
# Requirements: g++-aarch64-linux-gnu, qemu-user (scripts/install-deps.sh), a sysroot containing at
# least libc6-dev libstdc++-12-dev libgcc-12-dev libflatbuffers-dev libgtest-dev for the runtime, and
# libsqlite3-dev libyaml-cpp-dev libspdlog-dev libsystemd-dev libopencv-dev (libxnnpack-dev) for the
# full program (scripts/make-sysroot.sh makes one with all of them).
#
# How the pieces are found:
#   * programs (flatc, python3, qemu) come from the HOST: CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER;
#   * libraries, headers and CMake packages (GTest, OpenCV, spdlog, yaml-cpp, ...) ONLY from the
#     sysroot: their config files locate themselves relative to where they are found, so OpenCV's
#     imported targets point into the sysroot;
#   * pkg-config (libsystemd) reads only the sysroot's .pc files and prefixes their paths with it;
#   * Debian's cross gcc is multiarch-aware: with --sysroot it searches SYSROOT/usr/include/aarch64-linux-gnu,
#     SYSROOT/usr/include, SYSROOT/{usr/,}lib/aarch64-linux-gnu. It still prefers its own
#     /usr/aarch64-linux-gnu (libc6-dev-arm64-cross) for glibc and libstdc++ headers and crt files;
#     those are the same bookworm versions (glibc 2.36, gcc 12.2) as the sysroot's, so the binaries match
#     the libraries they run against (under qemu -L SYSROOT or on a bookworm Pi).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# --- sysroot --------------------------------------------------------------------------------------
if(NOT EDGEBENCH_SYSROOT)
  if(DEFINED ENV{EDGEBENCH_SYSROOT} AND NOT "$ENV{EDGEBENCH_SYSROOT}" STREQUAL "")
    set(EDGEBENCH_SYSROOT "$ENV{EDGEBENCH_SYSROOT}")
  else()
    get_filename_component(EDGEBENCH_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../build-aarch64-sysroot" ABSOLUTE)
  endif()
endif()
get_filename_component(EDGEBENCH_SYSROOT "${EDGEBENCH_SYSROOT}" ABSOLUTE)
set(EDGEBENCH_SYSROOT "${EDGEBENCH_SYSROOT}" CACHE PATH "Debian arm64 sysroot (scripts/make-sysroot.sh)")
if(NOT EXISTS "${EDGEBENCH_SYSROOT}/usr/include/stdio.h")
  message(FATAL_ERROR "aarch64 toolchain: no sysroot at ${EDGEBENCH_SYSROOT} "
                      "(run scripts/make-sysroot.sh ${EDGEBENCH_SYSROOT}, or pass -DEDGEBENCH_SYSROOT=DIR)")
endif()
set(EDGEBENCH_AARCH64_ARCH "armv8-a" CACHE STRING "-march for the aarch64 build (Pi 4 = ARMv8.0-A)")
set(EDGEBENCH_QEMU_CPU "cortex-a72" CACHE STRING "qemu-aarch64 -cpu for running tests (Pi 4 = cortex-a72)")
# try_compile projects re-read this file: hand them the same settings.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EDGEBENCH_SYSROOT EDGEBENCH_AARCH64_ARCH EDGEBENCH_QEMU_CPU)

set(CMAKE_SYSROOT "${EDGEBENCH_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${EDGEBENCH_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # host flatc, python3, qemu-aarch64
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# --- compilers ------------------------------------------------------------------------------------
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# -Wno-psabi: silences gcc's note that passing std::pair<float, float> changed ABI in GCC 10.1; every
# object and library here is built by gcc 12, so the note only clutters the log.
set(CMAKE_C_FLAGS_INIT "-march=${EDGEBENCH_AARCH64_ARCH} -Wno-psabi")
set(CMAKE_CXX_FLAGS_INIT "-march=${EDGEBENCH_AARCH64_ARCH} -Wno-psabi")

# pkg-config (libsystemd for daemon/service): only the sysroot's .pc files, their -I/-L prefixed with it.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${EDGEBENCH_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR} "${EDGEBENCH_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${EDGEBENCH_SYSROOT}/usr/share/pkgconfig")

# --- running target binaries: ctest, gtest_discover_tests, add_custom_command on built tools -------
if(NOT EDGEBENCH_QEMU_AARCH64)
  find_program(EDGEBENCH_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static NO_CMAKE_FIND_ROOT_PATH)
endif()
if(NOT EDGEBENCH_QEMU_AARCH64)
  message(FATAL_ERROR "aarch64 toolchain: qemu-aarch64 not found (apt-get install qemu-user)")
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR "${EDGEBENCH_QEMU_AARCH64};-cpu;${EDGEBENCH_QEMU_CPU};-L;${EDGEBENCH_SYSROOT}")
