// edgebench-worker: measures one model for `edgebench run` and the daemon (worker.h).
#include "daemon/measure/worker.h"

int main(int argc, char** argv) { return eb::worker::worker_main(argc, argv); }
