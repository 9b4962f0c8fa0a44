// Decoding detectors' outputs: YOLO heads against the NumPy reference of Ultralytics' NMS in data/
// (make_yolo_cases.py), TFLite_Detection_PostProcess outputs (synthetic, and a real model's own through
// the engine), the format recognised from the shapes, the resize mapped back, and bad outputs refused.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "daemon/accuracy/detection_decode.h"
#include "daemon/accuracy/json_value.h"
#include "daemon/pipeline/npy.h"
#include "kernels/engine/create_engine.h"

namespace eb::accuracy {
namespace {

const std::string kData = EB_ACCURACY_DATA;

std::vector<float> floats_of(const NpyArray& a) {
  std::vector<float> v(a.data.size() / 4);
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

TEST(YoloDecode, MatchesTheNumpyReference) {
  auto cases = read_json_file(kData + "/yolo_cases.json", "cases");
  ASSERT_TRUE(cases.ok()) << cases.status().message();
  ASSERT_EQ(cases->array.size(), 6u);
  for (const JsonValue& c : cases->array) {
    SCOPED_TRACE("case " + std::to_string(&c - cases->array.data()));
    auto head = read_npy(kData + "/" + c.find("head")->string);
    ASSERT_TRUE(head.ok()) << head.status().message();
    ASSERT_EQ(head->dtype, DType::kFloat32);
    std::vector<double> want;  // x1, y1, x2, y2, score, class per detection
    for (const JsonValue& row : c.find("expected")->array)
      for (const JsonValue& v : row.array) want.push_back(v.number);

    DecodeOptions o;
    o.conf = static_cast<float>(c.find("conf")->number);
    o.iou = static_cast<float>(c.find("iou")->number);
    o.multi_label = c.find("multi_label")->boolean;
    o.max_det = static_cast<int>(c.find("max_det")->number);
    o.max_candidates = static_cast<int>(c.find("max_candidates")->number);
    o.input_width = static_cast<int>(c.find("input")->array[0].number);
    o.input_height = static_cast<int>(c.find("input")->array[1].number);
    o.image_width = static_cast<int>(c.find("image")->array[0].number);
    o.image_height = static_cast<int>(c.find("image")->array[1].number);
    o.resize = c.find("resize")->string == "letterbox" ? ResizeMode::kLetterbox : ResizeMode::kStretch;
    auto format = parse_detect_format(c.find("format")->string);
    ASSERT_TRUE(format.ok());
    const std::vector<OutputTensor> outputs = {{"head", head->shape, floats_of(*head)}};
    // The coordinates are recognised (normalised for the v8 head, pixels for the v5 one), and so is the
    // layout.
    auto recognised = recognise_detect_format(outputs);
    ASSERT_TRUE(recognised.ok()) << recognised.status().message();
    EXPECT_EQ(*recognised, *format);
    auto dets = decode_detections(outputs, *format, o);
    ASSERT_TRUE(dets.ok()) << dets.status().message();
    ASSERT_EQ(dets->size() * 6, want.size());
    for (size_t i = 0; i < dets->size(); ++i) {
      const Detection& d = (*dets)[i];
      const double* w = &want[i * 6];
      EXPECT_NEAR(d.box.x1, w[0], 1e-3) << "detection " << i;
      EXPECT_NEAR(d.box.y1, w[1], 1e-3) << "detection " << i;
      EXPECT_NEAR(d.box.x2, w[2], 1e-3) << "detection " << i;
      EXPECT_NEAR(d.box.y2, w[3], 1e-3) << "detection " << i;
      EXPECT_FLOAT_EQ(static_cast<float>(d.score), static_cast<float>(w[4])) << "detection " << i;
      EXPECT_EQ(d.class_id, static_cast<int>(w[5])) << "detection " << i;
    }
  }
}

TEST(YoloDecode, NmsSuppressesOnlyTheSameClass) {
  const std::vector<Detection> in = {{{0, 0, 10, 10}, 0, 0.9}, {{1, 0, 11, 10}, 0, 0.8}, {{1, 0, 11, 10}, 1, 0.7},
                                     {{50, 50, 60, 60}, 0, 0.6}};
  const auto kept = class_wise_nms(in, 0.7f, 300);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].score, 0.9);
  EXPECT_EQ(kept[1].class_id, 1);
  EXPECT_EQ(kept[2].score, 0.6);
  EXPECT_EQ(class_wise_nms(in, 0.7f, 2).size(), 2u);
  EXPECT_EQ(class_wise_nms(in, 0.95f, 300).size(), 4u);  // IoU 0.82 is below 0.95: nothing suppressed
}

TEST(YoloDecode, TransposedV8HeadNeedsItsFormatSaid) {
  // [1, N, 4+C] with a first class column outside [0, 1] would be refused as v5; as yolov8 it decodes.
  OutputTensor t{"out", {1, 6, 5}, {}};
  for (int r = 0; r < 6; ++r) {
    const float row[5] = {0.5f, 0.5f, 0.2f, 0.2f, r == 0 ? 0.9f : 0.0f};
    t.values.insert(t.values.end(), row, row + 5);
  }
  DecodeOptions o;
  o.input_width = o.input_height = 100;
  o.image_width = o.image_height = 200;
  auto d = decode_detections({t}, DetectFormat::kYoloV8, o);
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->size(), 1u);
  EXPECT_NEAR(d->front().box.x1, 80.0, 1e-4);  // (0.5 - 0.1) * 100 * 2
  EXPECT_NEAR(d->front().box.x2, 120.0, 1e-4);
}

TEST(DetectDecode, RefusesWhatItCannotRead) {
  DecodeOptions o;
  o.input_width = o.input_height = 64;
  o.image_width = o.image_height = 64;
  auto d = decode_detections({{"logits", {1, 10}, std::vector<float>(10)}}, DetectFormat::kAuto, o);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("output 0 'logits' [1, 10]"), std::string::npos) << d.status().message();
  d = decode_detections({{"head", {1, 84, 100}, std::vector<float>(10)}}, DetectFormat::kYoloV8, o);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("holds 10 values"), std::string::npos) << d.status().message();
  std::vector<float> nan(84 * 100, 0.0f);
  nan[17] = std::numeric_limits<float>::quiet_NaN();
  d = decode_detections({{"head", {1, 84, 100}, nan}}, DetectFormat::kYoloV8, o);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("non-finite"), std::string::npos) << d.status().message();
  DecodeOptions unsized;
  d = decode_detections({{"head", {1, 84, 100}, std::vector<float>(8400)}}, DetectFormat::kYoloV8, unsized);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("size is unknown"), std::string::npos);
  EXPECT_FALSE(parse_detect_format("yolov9").ok());
}

// TFLite_Detection_PostProcess's four outputs for `n` slots, `count` of them filled.
std::vector<OutputTensor> postprocess_outputs(int n, int count) {
  std::vector<OutputTensor> o = {{"boxes", {1, n, 4}, {}}, {"classes", {1, n}, {}}, {"scores", {1, n}, {}},
                                 {"count", {1}, {static_cast<float>(count)}}};
  for (int i = 0; i < n; ++i) {
    const float f = static_cast<float>(i) / static_cast<float>(n);
    o[0].values.insert(o[0].values.end(), {0.1f + f / 2, 0.2f, 0.3f + f / 2, 0.6f});  // ymin, xmin, ymax, xmax
    o[1].values.push_back(static_cast<float>(i % 3));
    o[2].values.push_back(0.9f - f);
  }
  return o;
}

TEST(SsdDecode, ScalesTheModelsBoxesToTheImage) {
  const auto o = postprocess_outputs(10, 6);
  auto format = recognise_detect_format(o);
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, DetectFormat::kSsd);
  DecodeOptions opt;
  opt.conf = -1;  // every filled slot
  opt.input_width = opt.input_height = 300;
  opt.image_width = 640;
  opt.image_height = 480;
  auto d = decode_detections(o, DetectFormat::kAuto, opt);
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->size(), 6u);  // count, not the slots
  for (size_t i = 0; i < d->size(); ++i) {
    EXPECT_DOUBLE_EQ((*d)[i].box.x1, o[0].values[i * 4 + 1] * 300.0f * (640.0 / 300.0));
    EXPECT_DOUBLE_EQ((*d)[i].box.y1, o[0].values[i * 4 + 0] * 300.0f * (480.0 / 300.0));
    EXPECT_EQ((*d)[i].class_id, static_cast<int>(o[1].values[i]));
    EXPECT_EQ((*d)[i].score, o[2].values[i]);
  }
  opt.conf = 0.5f;
  d = decode_detections(o, DetectFormat::kSsd, opt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->size(), 4u);  // scores 0.9 .. 0.6 are above 0.5; 0.5 is not
}

TEST(SsdDecode, RefusesACountPastItsSlots) {
  DecodeOptions opt;
  opt.input_width = opt.input_height = opt.image_width = opt.image_height = 100;
  auto d = decode_detections(postprocess_outputs(4, 7), DetectFormat::kSsd, opt);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("output 3 'count'"), std::string::npos) << d.status().message();
}

TEST(ResizeMapping, LetterboxUndoesUltralyticsPadding) {
  DecodeOptions o;
  o.input_width = o.input_height = 640;
  o.image_width = 1280;
  o.image_height = 720;
  o.resize = ResizeMode::kLetterbox;
  // 1280x720 -> gain 0.5, 640x360 centred: 140 rows of padding above.
  const Box b = input_to_image({0, 140, 640, 500}, o);
  EXPECT_DOUBLE_EQ(b.x1, 0);
  EXPECT_DOUBLE_EQ(b.y1, 0);
  EXPECT_DOUBLE_EQ(b.x2, 1280);
  EXPECT_DOUBLE_EQ(b.y2, 720);
  o.resize = ResizeMode::kStretch;
  const Box s = input_to_image({0, 0, 320, 320}, o);
  EXPECT_DOUBLE_EQ(s.x2, 640);
  EXPECT_DOUBLE_EQ(s.y2, 360);
}

// A real TFLite_Detection_PostProcess model (the SSD-style traffic detector of ../shared's zoo) run by the
// engine on its conformance input: the decoded detections are exactly its own outputs.
TEST(SsdDecode, RealPostProcessModelsOwnOutputs) {
  const std::string shared = EDGEBENCH_SHARED_DIR;
  const std::string model_path = shared + "/models/zoo/zoo-traffic-detector-uint8.tflite";
  const std::string case_dir = shared + "/conformance-zoo/zoo-traffic-detector-uint8/0";
  if (!std::filesystem::exists(model_path) || !std::filesystem::exists(case_dir))
    GTEST_SKIP() << "../shared is absent (" << model_path << "): skipped";
  auto model = Model::load_file(model_path);
  ASSERT_TRUE(model.ok()) << model.status().message();
  auto engine = create_engine(std::move(*model), EngineOptions{});
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  Engine& e = **engine;
  for (int i = 0; i < e.num_inputs(); ++i) {
    auto in = read_npy(case_dir + "/input_" + std::to_string(i) + ".npy");
    ASSERT_TRUE(in.ok()) << in.status().message();
    ASSERT_EQ(in->data.size(), e.input(i).bytes());
    std::memcpy(e.input_data(i), in->data.data(), in->data.size());
  }
  ASSERT_TRUE(e.invoke().ok());
  std::vector<OutputTensor> outputs;
  for (int j = 0; j < e.num_outputs(); ++j) {
    const Tensor& t = e.output(j);
    OutputTensor o{t.name, t.shape, {}};
    if (t.dtype == DType::kFloat32) {
      o.values.resize(static_cast<size_t>(t.elements()));
      std::memcpy(o.values.data(), e.output_data(j), t.bytes());
    } else {  // the recurrent state outputs: not part of the detections
      o.values.assign(static_cast<size_t>(t.elements()), 0.0f);
    }
    outputs.push_back(std::move(o));
  }
  auto format = recognise_detect_format(outputs);
  ASSERT_TRUE(format.ok()) << format.status().message();
  EXPECT_EQ(*format, DetectFormat::kSsd);
  const Tensor& image = e.input(0);
  DecodeOptions opt;
  opt.conf = -1;
  opt.input_height = image.shape[1];
  opt.input_width = image.shape[2];
  opt.image_width = opt.input_width;  // the image at the input's size: boxes in input pixels
  opt.image_height = opt.input_height;
  auto d = decode_detections(outputs, *format, opt);
  ASSERT_TRUE(d.ok()) << d.status().message();
  const auto count = static_cast<size_t>(outputs[3].values[0]);
  ASSERT_GT(count, 0u);
  ASSERT_EQ(d->size(), count);
  const float w = static_cast<float>(opt.input_width), h = static_cast<float>(opt.input_height);
  for (size_t i = 0; i < count; ++i) {
    const float* b = &outputs[0].values[i * 4];
    EXPECT_DOUBLE_EQ((*d)[i].box.y1, b[0] * h);
    EXPECT_DOUBLE_EQ((*d)[i].box.x1, b[1] * w);
    EXPECT_DOUBLE_EQ((*d)[i].box.y2, b[2] * h);
    EXPECT_DOUBLE_EQ((*d)[i].box.x2, b[3] * w);
    EXPECT_EQ((*d)[i].class_id, static_cast<int>(outputs[1].values[i]));
    EXPECT_EQ((*d)[i].score, outputs[2].values[i]);
  }
}

}  // namespace
}  // namespace eb::accuracy
