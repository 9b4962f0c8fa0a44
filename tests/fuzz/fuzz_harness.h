// The one entry point every fuzz target defines. Built two ways (tests/fuzz/CMakeLists.txt):
//   EDGEBENCH_FUZZ=ON (clang): linked with -fsanitize=fuzzer, libFuzzer supplies main().
//   otherwise: linked with replay_main.cc, which feeds it each file named on the command line, so the
//   seed corpus and every regression input run on every CI build with the normal compiler.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Optional (weak): run once before the first input, with the process's argc/argv.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

// A finding the sanitizers cannot see (a broken invariant): print and abort, so that both libFuzzer and
// the replay test report it with the input that caused it.
#define FUZZ_CHECK(cond, msg)                                                    \
  do {                                                                           \
    if (!(cond)) {                                                               \
      __builtin_printf("FUZZ_CHECK failed at %s:%d: %s: %s\n", __FILE__, __LINE__, #cond, msg); \
      __builtin_abort();                                                         \
    }                                                                            \
  } while (0)
