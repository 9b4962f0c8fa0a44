/* LD_PRELOAD helper of bench/process_footprint.py: when the process exits normally, writes its peak
 * resident set (VmHWM, kB) and the number of distinct shared objects it has mapped to the file named by
 * EB_FOOTPRINT_OUT, as "vmhwm_kb N\nshared_objects M\n". A helper for measuring, not part of edgebench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((destructor)) static void eb_footprint_at_exit(void) {
  const char* out_path = getenv("EB_FOOTPRINT_OUT");
  if (!out_path) return;
  long hwm = -1;
  char line[4096];
  FILE* st = fopen("/proc/self/status", "r");
  if (st) {
    while (fgets(line, sizeof line, st))
      if (!strncmp(line, "VmHWM:", 6)) hwm = strtol(line + 6, NULL, 10);
    fclose(st);
  }
  /* Distinct paths of mapped files ending in .so or containing ".so." (ld.so and the preload included). */
  static char seen[1024][256];
  int n = 0;
  FILE* maps = fopen("/proc/self/maps", "r");
  if (maps) {
    while (fgets(line, sizeof line, maps)) {
      char* path = strchr(line, '/');
      if (!path) continue;
      path[strcspn(path, "\n")] = 0;
      const size_t len = strlen(path);
      if (!strstr(path, ".so.") && !(len > 3 && !strcmp(path + len - 3, ".so"))) continue;
      int dup = 0;
      for (int i = 0; i < n && !dup; ++i) dup = !strncmp(seen[i], path, 255);
      if (!dup && n < 1024) strncpy(seen[n++], path, 255);
    }
    fclose(maps);
  }
  FILE* out = fopen(out_path, "w");
  if (!out) return;
  fprintf(out, "vmhwm_kb %ld\nshared_objects %d\n", hwm, n);
  fclose(out);
}
