// The measuring worker through run_variant: the memory figures are the worker's own, and every way a
// worker can fail (a signal, an exit, a hang, the memory limit, a CPU it cannot have, no worker at all)
// is a failed measurement whose error names the cause and the moment, never a crash or a hang of the
// caller. Faults come from tests/support/fault_worker.cc, a real worker with hooks.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "daemon/measure/variant_runner.h"
#include "kernels/model/model_writer.h"
#include "daemon/measure/worker_process.h"
#include "daemon/pipeline/opencv_io.h"

namespace eb {
namespace {

std::string model_path(const char* name) { return std::string(EDGEBENCH_SHARED_DIR) + "/models/" + name; }

// `frames` gray 28x28 frames, then the end.
class Frames : public ImageSource {
 public:
  explicit Frames(int frames) : frames_(frames) {}
  SourceItem next() override {
    SourceItem item;
    if (index_ >= frames_) return item;
    item.kind = SourceItem::Kind::kFrame;
    item.frame.index = index_;
    item.frame.id = std::to_string(index_);
    item.frame.label = index_ % 10;
    item.frame.image = image_of(cv::Mat(28, 28, CV_8UC1, cv::Scalar(static_cast<double>((index_ * 41) % 256))));
    ++index_;
    return item;
  }
  std::string describe() const override { return "frames"; }

 private:
  int frames_;
  int index_ = 0;
};

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(model_path("fmnist-cnn-int8.tflite")))
      GTEST_SKIP() << "shared model missing: " << model_path("fmnist-cnn-int8.tflite");
    options_.engine.engine = "auto";
    options_.device_sample_period_s = 60;
    unsetenv("EB_TEST_FAULT");
  }
  void TearDown() override { unsetenv("EB_TEST_FAULT"); }

  // Through the fault worker, with EB_TEST_FAULT=`fault` ("" for none).
  VariantResult run(const std::string& fault, int frames = 6, const char* model = "fmnist-cnn-int8.tflite") {
    if (fault.empty()) unsetenv("EB_TEST_FAULT");
    else setenv("EB_TEST_FAULT", fault.c_str(), 1);
    options_.worker_executable = EB_FAULT_WORKER_PATH;
    return run_variant(model_path(model),
                       [frames]() -> Result<std::unique_ptr<ImageSource>> { return std::unique_ptr<ImageSource>(new Frames(frames)); },
                       options_);
  }

  VariantRunOptions options_;
};

TEST_F(WorkerTest, MemoryFiguresAreTheWorkersOwn) {
  options_.worker_executable = EB_WORKER_PATH;
  VariantResult r = run_variant(model_path("fmnist-cnn-int8.tflite"),
                                []() -> Result<std::unique_ptr<ImageSource>> { return std::unique_ptr<ImageSource>(new Frames(8)); },
                                options_);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.items, 8);
  EXPECT_EQ(r.samples_ms.size(), 7u);
  const VariantResult::Memory& m = r.memory;
  EXPECT_GT(m.baseline_rss, 0u);
  // Loading allocates at least the arena on top of the baseline; the peak covers every reading.
  EXPECT_GE(m.load_rss, m.baseline_rss + m.arena);
  EXPECT_GE(m.peak_rss, m.load_rss);
  EXPECT_GE(m.peak_rss, m.first_rss);
  EXPECT_GT(m.first_rss, 0u);
  EXPECT_GT(m.arena, 0u);
  EXPECT_EQ(m.model_bytes(), m.peak_rss - m.baseline_rss);
  EXPECT_GE(m.minor_faults, 0);
  EXPECT_GE(r.cpu, 0);
}

TEST_F(WorkerTest, SegmentationFaultIsAFailedMeasurementNamingSignalAndInference) {
  VariantResult r = run("fmnist:segv:3");
  EXPECT_NE(r.error.find("killed by signal 11 (SIGSEGV) during inference 3"), std::string::npos) << r.error;
  EXPECT_EQ(r.items, 2);  // what ran before the crash is kept
}

TEST_F(WorkerTest, KilledAtLoad) {
  VariantResult r = run("fmnist:kill:0");
  EXPECT_NE(r.error.find("killed by signal 9 (SIGKILL"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("out-of-memory killer"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("at load"), std::string::npos) << r.error;
  EXPECT_EQ(r.items, 0);
}

// A worker that died before the parent's next send: the send fails and reaps it, and the receive
// that follows (the parent collects the oldest input handed over) names the same cause, not "had
// already ended" (CI once stored that when the worker's SIGKILL came before the send of input 3).
TEST(WorkerProcessTest, TheCauseOfDeathOutlivesTheFirstFailure) {
  const std::string script = ::testing::TempDir() + "eb-dies-at-once.sh";
  {
    FILE* f = std::fopen(script.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("#!/bin/sh\nkill -9 $$\n", f);
    std::fclose(f);
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  }
  auto started = worker::WorkerProcess::start(script, worker::Limits{});
  ASSERT_TRUE(started.ok()) << started.status().message();
  worker::WorkerProcess& w = **started;
  // The send cannot fail before the child is gone: wait for that without reaping it.
  for (int i = 0; i < 400 && ::kill(w.pid(), 0) == 0; ++i) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(w.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  w.set_phase("during inference 3");
  std::vector<uint8_t> input(1 << 20);  // more than the socket buffer holds: the send meets the closed end
  Status sent = w.send(worker::Msg::kInput, input);
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.message().find("killed by signal 9 (SIGKILL"), std::string::npos) << sent.message();
  w.set_phase("during inference 2");
  auto got = w.receive(worker::Msg::kOutput);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("killed by signal 9 (SIGKILL"), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find("during inference 2"), std::string::npos) << got.status().message();
  std::filesystem::remove(script);
}

TEST_F(WorkerTest, ExitWithoutAWordGivesItsStatus) {
  VariantResult r = run("fmnist:exit:1");
  EXPECT_NE(r.error.find("exited with status 3 during inference 1"), std::string::npos) << r.error;
}

TEST_F(WorkerTest, HangIsStoppedAfterTheTimeout) {
  options_.timeout_s = 1;
  const auto t0 = std::chrono::steady_clock::now();
  VariantResult r = run("fmnist:hang:2");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(r.error.find("no answer from the measuring worker within 1 s during inference 2"), std::string::npos) << r.error;
  EXPECT_LT(s, 30.0);
  EXPECT_EQ(r.items, 1);
}

TEST_F(WorkerTest, StopRequestEndsALongInferenceAtOnce) {
  options_.timeout_s = 600;
  const auto t0 = std::chrono::steady_clock::now();
  // Ctrl-C half a second in, while the worker sits in a (simulated) hour-long inference.
  options_.stop_requested = [t0] { return std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(500); };
  VariantResult r = run("fmnist:hang:2");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.error, "");  // a stop is not the variant's failure
  EXPECT_LT(s, 10.0);
}

TEST_F(WorkerTest, MemoryLimitStopsTheWorker) {
  options_.max_memory_bytes = size_t{128} << 20;  // the fault allocates 256 MiB
  VariantResult r = run("fmnist:alloc:2");
  EXPECT_NE(r.error.find("exceeded --max-memory 128 MiB during inference 2"), std::string::npos) << r.error;
  // Within the limit, the same worker measures normally.
  VariantResult ok = run("");
  EXPECT_EQ(ok.error, "");
  EXPECT_LE(ok.memory.peak_rss, options_.max_memory_bytes);
}

TEST_F(WorkerTest, MemoryLimitBelowTheModelFailsAtLoad) {
  VariantResult probe = run("", 6, "fmnist-cnn-float32.tflite");
  ASSERT_EQ(probe.error, "");
  ASSERT_GT(probe.memory.load_rss, probe.memory.baseline_rss + (512u << 10));
  // A limit halfway between the worker's baseline and what loading needs: the limit is met during the
  // load (not during the runtime's warm-up before the baseline, whose transient is far smaller).
  options_.max_memory_bytes = probe.memory.baseline_rss + (probe.memory.load_rss - probe.memory.baseline_rss) / 2;
  VariantResult r = run("", 6, "fmnist-cnn-float32.tflite");
  EXPECT_NE(r.error.find("exceeded --max-memory"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("at load"), std::string::npos) << r.error;
}

TEST_F(WorkerTest, PinnedToTheCpuAsked) {
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  int cpu = 0;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set)) ++cpu;
  options_.cpu_affinity = std::to_string(cpu);
  VariantResult r = run("");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.cpu, cpu);
  EXPECT_EQ(r.cpu_affinity, std::to_string(cpu));
}

TEST_F(WorkerTest, CpuItCannotHaveIsAFailedMeasurement) {
  options_.cpu_affinity = "1023";
  VariantResult r = run("");
  EXPECT_NE(r.error.find("cannot pin the worker to CPUs 1023"), std::string::npos) << r.error;
  options_.cpu_affinity = "3-1";
  r = run("");
  EXPECT_NE(r.error.find("CPU list '3-1'"), std::string::npos) << r.error;
}

TEST_F(WorkerTest, MissingWorkerNamesThePath) {
  options_.worker_executable = "/nonexistent/edgebench-worker";
  VariantResult r = run_variant(model_path("fmnist-cnn-int8.tflite"),
                                []() -> Result<std::unique_ptr<ImageSource>> { return std::unique_ptr<ImageSource>(new Frames(2)); },
                                options_);
  EXPECT_NE(r.error.find("cannot start the measuring worker /nonexistent/edgebench-worker"), std::string::npos) << r.error;
}

TEST_F(WorkerTest, LoadErrorComesBackAsTheWorkersMessage) {
  const std::string bad = (std::filesystem::temp_directory_path() / "eb-not-a-model.tflite").string();
  {
    FILE* f = std::fopen(bad.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("not a model", f);
    std::fclose(f);
  }
  options_.worker_executable = EB_WORKER_PATH;
  VariantResult r = run_variant(bad, []() -> Result<std::unique_ptr<ImageSource>> { return std::unique_ptr<ImageSource>(new Frames(2)); },
                                options_);
  std::filesystem::remove(bad);
  EXPECT_NE(r.error.find(bad), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("worker"), std::string::npos) << r.error;  // the model's fault, not the worker's
}

// One model, one content: a file replaced on disk while a run measures it. Each worker loads the bytes
// the run read once (ModelContent), so every measurement still measures them; a worker left to open the
// path (no content) loads what is there now and fails -- the check that the content is what is loaded.
TEST_F(WorkerTest, AFileReplacedDuringTheRunIsNotWhatIsMeasured) {
  const std::string copy = (std::filesystem::temp_directory_path() / "eb-replaced-model.tflite").string();
  std::filesystem::copy_file(model_path("fmnist-cnn-int8.tflite"), copy, std::filesystem::copy_options::overwrite_existing);
  auto content = ModelContent::read(copy);
  ASSERT_TRUE(content.ok()) << content.status().message();
  const size_t size = content.value()->size();
  EXPECT_EQ(size, std::filesystem::file_size(model_path("fmnist-cnn-int8.tflite")));
  setenv("EB_TEST_FAULT", "eb-replaced:replace:0", 1);
  options_.worker_executable = EB_FAULT_WORKER_PATH;
  options_.content = content.value().get();
  auto frames = []() -> Result<std::unique_ptr<ImageSource>> { return std::unique_ptr<ImageSource>(new Frames(3)); };
  for (const char* engine : {"ref", "auto"}) {  // the same content for every engine of the run
    options_.engine.engine = engine;
    VariantResult r = run_variant(copy, frames, options_);
    EXPECT_EQ(r.error, "") << engine;
    EXPECT_EQ(r.items, 3) << engine;
  }
  EXPECT_LT(std::filesystem::file_size(copy), size);  // the fault did replace it
  options_.content = nullptr;
  VariantResult from_path = run_variant(copy, frames, options_);
  std::filesystem::remove(copy);
  EXPECT_NE(from_path.error.find("not a TFLite flatbuffer"), std::string::npos) << from_path.error;
}

// A detector whose head is fixed: FULLY_CONNECTED with zero weights and the head as its bias, reshaped to
// YOLOv8's [1, 4+C, N] (C = 2 classes, N = 8 candidates, boxes in input pixels). Whatever the image, it
// finds `head`'s boxes: what mAP and the comparison with the reference must make of them is known.
std::string write_fixed_detector(const std::string& path, const std::vector<float>& head) {
  ModelSpec spec;
  const int k = 28 * 28;
  spec.tensors.push_back({"image", DType::kFloat32, {1, 28, 28, 1}, {}, {}, {}, {}, 0});
  spec.tensors.push_back({"w", DType::kFloat32, {48, k}, {}, bytes_of(std::vector<float>(48 * k, 0.0f)), {}, {}, 0});
  spec.tensors.push_back({"b", DType::kFloat32, {48}, {}, bytes_of(head), {}, {}, 0});
  spec.tensors.push_back({"flat", DType::kFloat32, {1, 48}, {}, {}, {}, {}, 0});
  spec.tensors.push_back({"head", DType::kFloat32, {1, 6, 8}, {}, {}, {}, {}, 0});
  OpSpec fc;
  fc.builtin = 9;  // FULLY_CONNECTED
  fc.inputs = {0, 1, 2};
  fc.outputs = {3};
  OpSpec reshape;
  reshape.builtin = 22;  // RESHAPE
  reshape.inputs = {3};
  reshape.outputs = {4};
  reshape.has_reshape_options = true;
  reshape.new_shape = {1, 6, 8};
  spec.ops = {fc, reshape};
  spec.inputs = {0};
  spec.outputs = {4};
  const std::vector<uint8_t> bytes = write_model(spec);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Detection through the worker: every output of each item comes back, is decoded and scored against
// YOLO labels and against the reference variant's detections (daemon/accuracy/).
TEST_F(WorkerTest, DetectorIsScoredAgainstLabelsAndTheReference) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("eb-detect-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "labels");
  // Rows: cx, cy, w, h, score of class 0, score of class 1; columns: the 8 candidates (two boxes, then six
  // below every threshold).
  std::vector<float> head(48, 0.0f);
  const float boxes[2][6] = {{14, 14, 10, 10, 0.9f, 0.f}, {5, 5, 4, 4, 0.f, 0.8f}};
  for (int b = 0; b < 2; ++b)
    for (int row = 0; row < 6; ++row) head[static_cast<size_t>(row * 8 + b)] = boxes[b][row];
  for (size_t b = 2; b < 8; ++b) {  // small boxes at (20, 20), scores 0
    head[0 * 8 + b] = head[1 * 8 + b] = 20;
    head[2 * 8 + b] = head[3 * 8 + b] = 2;
  }
  std::vector<float> shifted = head;
  shifted[1] = 12;  // the class-1 box moves 7 pixels: IoU 0 with where it was
  const std::string ref = write_fixed_detector((dir / "ref.tflite").string(), head);
  const std::string moved = write_fixed_detector((dir / "moved.tflite").string(), shifted);
  // Every frame holds the two boxes of `head` (normalised cx cy w h).
  for (int i = 0; i < 4; ++i)
    std::ofstream(dir / "labels" / (std::to_string(i) + ".txt")) << "0 0.5 0.5 0.357143 0.357143\n1 0.178571 0.178571 0.142857 0.142857\n";
  accuracy::DetectionSettings settings;
  settings.labels = (dir / "labels").string();
  settings.format = accuracy::DetectFormat::kYoloV8;
  options_.worker_executable = EB_WORKER_PATH;
  options_.detection = settings;
  auto frames = []() -> Result<std::unique_ptr<ImageSource>> { return std::unique_ptr<ImageSource>(new Frames(4)); };
  options_.keep_outputs = true;
  VariantResult r = run_variant(ref, frames, options_);
  ASSERT_EQ(r.error, "");
  ASSERT_TRUE(r.detection && r.detection->ok()) << (r.detection ? r.detection->status().message() : "no figures")
                                                << (r.item_error_examples.empty() ? "" : r.item_error_examples[0]);
  EXPECT_NEAR(r.detection->value().map50, 1.0, 1e-9);
  EXPECT_NEAR(r.detection->value().map50_95, 1.0, 1e-9);
  EXPECT_EQ(r.detections.size(), 4u);  // kept, to be the others' reference
  const accuracy::ItemDetections reference = r.detections;

  options_.keep_outputs = false;
  options_.reference_detections = &reference;
  VariantResult same = run_variant(ref, frames, options_);
  ASSERT_TRUE(same.detection_drift && same.detection_drift->ok());
  EXPECT_NEAR(same.detection_drift->value().figures.map50, 1.0, 1e-9);
  EXPECT_EQ(same.detection_drift->value().boxes_lost, 0);
  EXPECT_EQ(same.detection_drift->value().boxes_gained, 0);

  VariantResult m = run_variant(moved, frames, options_);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(m.error, "");
  ASSERT_TRUE(m.detection && m.detection->ok());
  EXPECT_NEAR(m.detection->value().map50, 0.5, 1e-6);  // class 0 found, class 1 missed
  ASSERT_TRUE(m.detection_drift && m.detection_drift->ok());
  EXPECT_EQ(m.detection_drift->value().boxes_lost, 4);   // the reference's class-1 box, on every frame
  EXPECT_EQ(m.detection_drift->value().boxes_gained, 4);
}

}  // namespace
}  // namespace eb
