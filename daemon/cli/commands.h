// One function per `edgebench` command; each parses its own flags and returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace eb::cli {

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // the command failed (bad model, bad input, I/O error)
inline constexpr int kExitUsage = 2;  // the command line itself is wrong

int run_inspect(const std::vector<std::string>& argv);
int run_infer(const std::vector<std::string>& argv);
int run_bench(const std::vector<std::string>& argv);
int run_ops(const std::vector<std::string>& argv);
int run_run(const std::vector<std::string>& argv);    // full builds only (needs OpenCV and SQLite)
int run_query(const std::vector<std::string>& argv);  // full builds only (needs SQLite)
int run_report(const std::vector<std::string>& argv);  // full builds only (needs SQLite)
int run_daemon(const std::vector<std::string>& argv);  // full builds only (the systemd service)
int run_quantize(const std::vector<std::string>& argv);  // full builds only (calibration reads images)

// Prints "edgebench: <message>" to stderr as one line.
void print_error(const std::string& message);

}  // namespace eb::cli
