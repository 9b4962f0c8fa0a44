#include "daemon/accuracy/detection_map.h"

#include <algorithm>
#include <cfloat>
#include <numeric>

#include "daemon/accuracy/detection_decode.h"

namespace eb::accuracy {
namespace {

constexpr int kRecallPoints = 101;

// numpy.linspace(start, stop, n): start + i * step, the last value set to stop exactly.
template <size_t N>
std::array<double, N> linspace(double start, double stop) {
  std::array<double, N> v{};
  const double step = (stop - start) / static_cast<double>(N - 1);
  for (size_t i = 0; i < N; ++i) v[i] = static_cast<double>(i) * step + start;
  v[N - 1] = stop;
  return v;
}

const std::array<double, kRecallPoints>& recall_points() {
  static const std::array<double, kRecallPoints> r = linspace<kRecallPoints>(0.0, 1.0);
  return r;
}

// IoU of a detection with a crowd region: the part of the detection inside it (pycocotools' bbIou).
double crowd_iou(const Box& det, const Box& crowd) {
  const double w = std::min(det.x2, crowd.x2) - std::max(det.x1, crowd.x1);
  const double h = std::min(det.y2, crowd.y2) - std::max(det.y1, crowd.y1);
  if (w <= 0 || h <= 0 || det.area() <= 0) return 0.0;
  return w * h / det.area();
}

// The sampled precision at each recall point of one class at one IoU threshold (COCOeval.accumulate).
// `matched` lists the class's detections by score (stable), `t` is the threshold's index.
std::array<double, kRecallPoints> sampled_precision(int t, const std::vector<std::array<int8_t, 10>>& matched,
                                                    int64_t ground_truths) {
  const size_t nd = matched.size();
  std::vector<double> rc(nd), pr(nd);
  double tp = 0, fp = 0;
  for (size_t i = 0; i < nd; ++i) {
    const int8_t m = matched[i][static_cast<size_t>(t)];
    tp += m == 1;
    fp += m == 0;
    rc[i] = tp / static_cast<double>(ground_truths);
    pr[i] = tp / (fp + tp + DBL_EPSILON);  // np.spacing(1)
  }
  for (size_t i = nd; i-- > 1;)
    if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
  std::array<double, kRecallPoints> q{};
  for (int r = 0; r < kRecallPoints; ++r) {
    const size_t at = static_cast<size_t>(std::lower_bound(rc.begin(), rc.end(), recall_points()[static_cast<size_t>(r)]) -
                                          rc.begin());
    q[static_cast<size_t>(r)] = at < nd ? pr[at] : 0.0;
  }
  return q;
}

}  // namespace

const std::array<double, 10>& coco_iou_thresholds() {
  static const std::array<double, 10> t = linspace<10>(0.5, 0.95);
  return t;
}

void DetectionEvaluator::add_image(const std::vector<GroundTruth>& truth, const std::vector<Detection>& detections) {
  ++images_;
  std::map<int, std::pair<std::vector<const GroundTruth*>, std::vector<const Detection*>>> by_class;
  for (const GroundTruth& g : truth) by_class[g.class_id].first.push_back(&g);
  for (const Detection& d : detections) by_class[d.class_id].second.push_back(&d);
  const auto& thresholds = coco_iou_thresholds();
  for (auto& [cls, pair] : by_class) {
    auto& [gts, dets] = pair;
    // Ground truth: the counted first, crowd regions last (stable); detections by score, at most maxDets.
    std::stable_partition(gts.begin(), gts.end(), [](const GroundTruth* g) { return !g->crowd; });
    std::stable_sort(dets.begin(), dets.end(), [](const Detection* a, const Detection* b) { return a->score > b->score; });
    if (dets.size() > static_cast<size_t>(options_.max_dets_per_class))
      dets.resize(static_cast<size_t>(options_.max_dets_per_class));
    PerClass& pc = classes_[cls];
    for (const GroundTruth* g : gts) pc.ground_truths += !g->crowd;
    std::vector<std::vector<double>> ious(dets.size(), std::vector<double>(gts.size()));
    for (size_t d = 0; d < dets.size(); ++d)
      for (size_t g = 0; g < gts.size(); ++g)
        ious[d][g] = gts[g]->crowd ? crowd_iou(dets[d]->box, gts[g]->box) : iou(dets[d]->box, gts[g]->box);
    std::vector<Scored> scored(dets.size());
    for (size_t d = 0; d < dets.size(); ++d) {
      scored[d].score = dets[d]->score;
      scored[d].seq = seq_++;
      scored[d].matched.fill(0);
    }
    for (size_t t = 0; t < thresholds.size(); ++t) {
      std::vector<bool> taken(gts.size(), false);
      for (size_t d = 0; d < dets.size(); ++d) {
        double best = std::min(thresholds[t], 1 - 1e-10);
        int m = -1;
        for (size_t g = 0; g < gts.size(); ++g) {
          if (taken[g] && !gts[g]->crowd) continue;
          // Matched to a counted box already: crowd regions (sorted last) cannot take it from there.
          if (m > -1 && !gts[static_cast<size_t>(m)]->crowd && gts[g]->crowd) break;
          if (ious[d][g] < best) continue;
          best = ious[d][g];
          m = static_cast<int>(g);
        }
        if (m == -1) continue;
        taken[static_cast<size_t>(m)] = true;
        scored[d].matched[t] = gts[static_cast<size_t>(m)]->crowd ? -1 : 1;
      }
    }
    pc.dets.insert(pc.dets.end(), scored.begin(), scored.end());
  }
}

Result<DetectionFigures> DetectionEvaluator::figures() const {
  DetectionFigures f;
  f.images = images_;
  double sum50 = 0, sum50_95 = 0;
  for (const auto& [cls, pc] : classes_) {
    for (const Scored& s : pc.dets) {
      if (s.score < options_.score_threshold || s.matched[0] == -1) continue;
      ++f.detections_above;
      f.true_positives += s.matched[0] == 1;
    }
    f.ground_truths += pc.ground_truths;
    if (pc.ground_truths == 0) continue;  // pycocotools: a class without ground truth has no AP
    std::vector<const Scored*> order;
    for (const Scored& s : pc.dets) order.push_back(&s);
    std::stable_sort(order.begin(), order.end(), [](const Scored* a, const Scored* b) {
      return a->score != b->score ? a->score > b->score : a->seq < b->seq;
    });
    std::vector<std::array<int8_t, 10>> matched;
    for (const Scored* s : order) matched.push_back(s->matched);
    ClassAp ap;
    ap.class_id = cls;
    ap.ground_truths = pc.ground_truths;
    ap.detections = static_cast<int64_t>(pc.dets.size());
    double all_t = 0;
    for (int t = 0; t < 10; ++t) {
      const auto q = sampled_precision(t, matched, pc.ground_truths);
      const double mean = std::accumulate(q.begin(), q.end(), 0.0) / kRecallPoints;
      all_t += mean;
      if (t == 0) {
        ap.ap50 = mean;
        ap.precision_at_recall50.assign(q.begin(), q.end());
      }
    }
    ap.ap50_95 = all_t / 10;
    sum50 += ap.ap50;
    sum50_95 += ap.ap50_95;
    f.per_class.push_back(std::move(ap));
  }
  if (f.per_class.empty())
    return error("no ground truth box in %lld image%s: there is nothing to score the detections against",
                 static_cast<long long>(images_), images_ == 1 ? "" : "s");
  f.map50 = sum50 / static_cast<double>(f.per_class.size());
  f.map50_95 = sum50_95 / static_cast<double>(f.per_class.size());
  if (f.detections_above > 0)
    f.precision = static_cast<double>(f.true_positives) / static_cast<double>(f.detections_above);
  if (f.ground_truths > 0) f.recall = static_cast<double>(f.true_positives) / static_cast<double>(f.ground_truths);
  return f;
}

std::pair<int64_t, int64_t> unpaired_boxes(const std::vector<Detection>& a, const std::vector<Detection>& b) {
  std::vector<const Detection*> order;
  for (const Detection& d : a) order.push_back(&d);
  std::stable_sort(order.begin(), order.end(), [](const Detection* x, const Detection* y) { return x->score > y->score; });
  std::vector<bool> taken(b.size(), false);
  int64_t unpaired_a = 0;
  for (const Detection* d : order) {
    double best = 0.5;
    int m = -1;
    for (size_t j = 0; j < b.size(); ++j) {
      if (taken[j] || b[j].class_id != d->class_id) continue;
      const double v = iou(d->box, b[j].box);
      if (v >= best) {
        best = v;
        m = static_cast<int>(j);
      }
    }
    if (m < 0) ++unpaired_a;
    else taken[static_cast<size_t>(m)] = true;
  }
  const int64_t unpaired_b = static_cast<int64_t>(std::count(taken.begin(), taken.end(), false));
  return {unpaired_a, unpaired_b};
}

void ReferenceComparer::add_image(const std::vector<Detection>& reference, const std::vector<Detection>& variant) {
  std::vector<GroundTruth> truth;
  std::vector<Detection> ref_shown, var_shown;
  for (const Detection& d : reference)
    if (d.score >= threshold_) {
      truth.push_back({d.box, d.class_id, false, -1});
      ref_shown.push_back(d);
    }
  for (const Detection& d : variant)
    if (d.score >= threshold_) var_shown.push_back(d);
  evaluator_.add_image(truth, variant);
  const auto [gained, lost] = unpaired_boxes(var_shown, ref_shown);
  gained_ += gained;
  lost_ += lost;
  reference_boxes_ += static_cast<int64_t>(ref_shown.size());
}

Result<ReferenceComparison> ReferenceComparer::result() const {
  auto f = evaluator_.figures();
  if (!f.ok())
    return error("the reference found no box with score >= %g on any image: there is nothing to compare against",
                 static_cast<double>(threshold_));
  ReferenceComparison r;
  r.figures = std::move(*f);
  r.boxes_gained = gained_;
  r.boxes_lost = lost_;
  r.reference_boxes = reference_boxes_;
  return r;
}

}  // namespace eb::accuracy
