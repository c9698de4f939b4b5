//===- Train.cpp - dlc-run train and eval ---------------------------------===//
//
// The loop of a PyTorch training script / Keras fit(): per epoch a fresh
// shuffle (from the seed and the epoch, so --resume repeats it exactly),
// batches of --batch samples with the last one smaller, one optimizer step
// each, then the validation metric, the CSV row and the checkpoint.
//
//===----------------------------------------------------------------------===//

#include "Train.h"
#include "Dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <unistd.h>

using namespace dlcrun;

namespace {

[[noreturn]] void error(dlrt_status status, const std::string &message) {
  throw dlrt::Error(status, message);
}

/// Sums for a metric over batches.
struct Metric {
  std::string name;
  double hits = 0, total = 0;                                   // accuracy
  double overlap = 0, sizes = 0;                                // dice
  double squared = 0, count = 0, lo = INFINITY, hi = -INFINITY; // psnr

  double value() const {
    if (name == "accuracy")
      return total ? hits / total : 0;
    if (name == "dice")
      return sizes ? 2 * overlap / sizes : 1;
    double mse = count ? squared / count : 0;
    double range = hi > lo ? hi - lo : 1;
    return mse > 0 ? 10 * std::log10(range * range / mse) : INFINITY;
  }

  /// Compares output 0 with target 0 for `n` samples.
  void add(const dlc_model_v5 &d, const std::vector<float> &out,
           const void *target, int64_t n) {
    int64_t size = dlrt_tensor_elements(&d.outputs[0], n);
    if (name == "accuracy") { // argmax over dimension 1, per position
      int64_t classes = d.outputs[0].shape[1];
      int64_t inner = size / (n * classes);
      auto *labels = static_cast<const int32_t *>(target);
      for (int64_t s = 0; s < n; ++s)
        for (int64_t p = 0; p < inner; ++p) {
          const float *row = &out[s * classes * inner + p];
          int64_t best = 0;
          for (int64_t k = 1; k < classes; ++k)
            if (row[k * inner] > row[best * inner])
              best = k;
          hits += best == labels[s * inner + p];
          total += 1;
        }
      return;
    }
    auto *t = static_cast<const float *>(target);
    // Dice: probabilities are cut at 0.5; outputs outside [0, 1] are logits
    // (bce_with_logits), cut at 0.
    bool logits = std::any_of(out.begin(), out.begin() + size,
                              [](float v) { return v < 0 || v > 1; });
    for (int64_t i = 0; i < size; ++i) {
      if (name == "dice") {
        bool predicted = out[i] >= (logits ? 0.0f : 0.5f), truth = t[i] >= 0.5f;
        overlap += predicted && truth;
        sizes += predicted + truth;
      } else {
        double e = out[i] - t[i];
        squared += e * e;
        count += 1;
        lo = std::min<double>(lo, t[i]);
        hi = std::max<double>(hi, t[i]);
      }
    }
  }
};

/// The validation metric over a whole dataset, by batches of `batch`.
double measure(dlrt::Model &model, const Dataset &set, int64_t batch) {
  const dlc_model_v5 &d = model.descriptor();
  Metric metric{d.metric};
  std::vector<int64_t> order(set.size());
  for (int64_t i = 0; i < set.size(); ++i)
    order[i] = i;
  std::vector<std::vector<uint8_t>> columns(set.columns());
  for (int64_t first = 0; first < set.size(); first += batch) {
    int64_t n = std::min(batch, set.size() - first);
    std::vector<const void *> inputs;
    for (size_t c = 0; c < set.columns(); ++c)
      set.gather(c, order, first, n, columns[c]);
    for (int32_t i = 0; i < d.num_inputs; ++i)
      inputs.push_back(columns[i].data());
    std::vector<std::vector<float>> out = model.forward(n, inputs);
    metric.add(d, out[0], columns[d.num_inputs].data(), n);
  }
  return metric.value();
}

/// Labels outside [0, classes) would make cross-entropy meaningless.
void checkLabels(const dlc_model_v5 &d, const Dataset &set,
                 const std::string &file) {
  if (std::string(d.metric) != "accuracy" || !d.num_targets ||
      d.targets[0].dtype != DLC_I32)
    return;
  int64_t classes = d.outputs[0].shape[1];
  auto *labels = reinterpret_cast<const int32_t *>(set.column(d.num_inputs));
  int64_t count = set.size() * int64_t(set.rowBytes(d.num_inputs) / 4);
  for (int64_t i = 0; i < count; ++i)
    if (labels[i] < 0 || labels[i] >= classes)
      error(DLRT_ERROR_SHAPE,
            fmt::format("'{}': target '{}' has class {} at position {}; the "
                        "model has {} classes (0..{})",
                        file, d.targets[0].name, labels[i], i, classes,
                        classes - 1));
}

double scheduledLr(const TrainOptions &o, double base, int64_t epoch) {
  if (o.schedule == "cosine") // CosineAnnealingLR(T_max = epochs), per epoch
    return base * (1 + std::cos(M_PI * epoch / o.epochs)) / 2;
  if (o.schedule == "step") // MultiStepLR at 50 % and 75 % of the epochs
    return base * (epoch >= o.epochs * 3 / 4 ? 0.01
                   : epoch >= o.epochs / 2   ? 0.1
                                             : 1);
  return base;
}

double defaultLr(const dlc_model_v5 &d) {
  for (int32_t i = 0; i < d.num_hyper_parameters; ++i)
    if (std::string(d.hyper_parameters[i].name) == "lr")
      return d.hyper_parameters[i].value;
  return 0.01;
}

std::string formatDuration(double seconds) {
  int s = int(seconds + 0.5);
  return s >= 3600
             ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
             : fmt::format("{}:{:02}", s / 60, s % 60);
}

} // namespace

int dlcrun::train(const TrainOptions &o) {
  if (o.epochs < 1 || o.batch < 1)
    error(DLRT_ERROR_ARGUMENT, "--epochs and --batch must be at least 1");
  if (o.schedule != "constant" && o.schedule != "step" &&
      o.schedule != "cosine")
    error(DLRT_ERROR_ARGUMENT, fmt::format("--schedule must be constant, step "
                                           "or cosine, not '{}'",
                                           o.schedule));
  dlrt::Model model = dlrt::Model::open(o.model);
  model.setThreads(o.threads);
  const dlc_model_v5 &d = model.descriptor();
  if (!d.train_step)
    error(DLRT_ERROR_MODEL,
          fmt::format("'{}' cannot train: its network has no "
                      "loss, or dlc ran with --inference-only",
                      o.model));
  Dataset data = Dataset::read(d, o.data, true);
  checkLabels(d, data, o.data);
  std::optional<Dataset> val;
  if (!o.val.empty()) {
    val = Dataset::read(d, o.val, true);
    checkLabels(d, *val, o.val);
  } else if (o.valSplit > 0) {
    val = data.splitTail(o.valSplit);
  }

  int64_t firstEpoch = 0;
  uint64_t seed = o.seed;
  if (!o.resume.empty()) {
    model.loadCheckpoint(o.resume);
    firstEpoch = std::stoll(model.metadata("epoch", "0"));
    seed = model.seed();
    fmt::print("resuming from '{}' after epoch {} (step {})\n", o.resume,
               firstEpoch, model.step());
    if (firstEpoch >= o.epochs)
      fmt::print("nothing to do: --epochs is {}\n", o.epochs);
  } else {
    model.init(seed);
    if (!o.weights.empty())
      model.load(o.weights);
  }
  double base = o.lr > 0 ? o.lr : defaultLr(d);
  std::string metric = val ? std::string("val_") + d.metric : "";

  std::FILE *csv = nullptr;
  if (!o.metrics.empty()) {
    bool fresh = firstEpoch == 0;
    csv = std::fopen(o.metrics.c_str(), fresh ? "w" : "a");
    if (!csv)
      error(DLRT_ERROR_IO, fmt::format("cannot write '{}'", o.metrics));
    if (fresh)
      fmt::print(csv, "epoch,lr,loss{},seconds\n", val ? "," + metric : "");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE *)> closeCsv(
      csv, [](std::FILE *f) { return f ? std::fclose(f) : 0; });

  int64_t lastSaved = o.resume.empty() ? 0 : firstEpoch;
  bool terminal = isatty(fileno(stdout));
  int64_t steps = (data.size() + o.batch - 1) / o.batch;
  std::vector<std::vector<uint8_t>> columns(data.columns());
  for (int64_t epoch = firstEpoch; epoch < o.epochs; ++epoch) {
    auto start = std::chrono::steady_clock::now();
    double lr = scheduledLr(o, base, epoch);
    std::vector<int64_t> order = shuffledOrder(data.size(), seed, epoch);
    double lossSum = 0;
    for (int64_t s = 0; s < steps; ++s) {
      int64_t first = s * o.batch, n = std::min(o.batch, data.size() - first);
      std::vector<const void *> inputs, targets;
      for (size_t c = 0; c < data.columns(); ++c) {
        data.gather(c, order, first, n, columns[c]);
        (int32_t(c) < d.num_inputs ? inputs : targets)
            .push_back(columns[c].data());
      }
      float loss = model.trainStep(n, inputs, targets, float(lr));
      if (!std::isfinite(loss)) {
        if (terminal)
          fmt::print("\n");
        fmt::print(stderr,
                   "dlc-run: the loss became {} at epoch {}, step {}: training "
                   "diverged (try a smaller --lr); {}\n",
                   std::isnan(loss) ? "NaN" : "infinite", epoch + 1, s + 1,
                   o.save.empty() || !lastSaved
                       ? "no checkpoint was written"
                       : fmt::format("'{}' keeps epoch {}, the last good one",
                                     o.save, lastSaved));
        return 1;
      }
      lossSum += double(loss) * n;
      if (terminal) {
        double elapsed = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
        int filled = int(30 * (s + 1) / steps);
        fmt::print("\repoch {}/{} [{}{}] {}/{} loss {:.4f} {:.0f} samples/s "
                   "ETA {}   ",
                   epoch + 1, o.epochs, std::string(filled, '='),
                   std::string(30 - filled, ' '), s + 1, steps,
                   lossSum / (first + n), (first + n) / elapsed,
                   formatDuration(elapsed / (s + 1) * (steps - s - 1)));
        std::fflush(stdout);
      }
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    double trainLoss = lossSum / data.size();
    std::string line =
        fmt::format("epoch {}/{}  loss {:.4f}", epoch + 1, o.epochs, trainLoss);
    double score = 0;
    if (val) {
      score = measure(model, *val, o.batch);
      line += fmt::format("  {} {:.4f}", metric, score);
    }
    line += fmt::format("  lr {:.3g}  {:.1f} s  {:.0f} samples/s", lr, seconds,
                        data.size() / seconds);
    fmt::print("{}{}\n", terminal ? "\r\x1b[K" : "", line); // erase the bar
    std::fflush(stdout);
    if (csv) {
      fmt::print(csv, "{},{},{:.6f}{},{:.3f}\n", epoch + 1, lr, trainLoss,
                 val ? fmt::format(",{:.6f}", score) : "", seconds);
      std::fflush(csv);
    }
    model.setMetadata("epoch", std::to_string(epoch + 1));
    if (!o.save.empty()) {
      model.saveCheckpoint(o.save);
      lastSaved = epoch + 1;
    }
    if (epoch + 1 == o.exitAfterEpoch)
      _exit(137); // as if killed: no cleanup, no final message
  }
  if (!o.save.empty())
    fmt::print("saved '{}' (epoch {}, step {})\n", o.save, o.epochs,
               model.step());
  return 0;
}

int dlcrun::evaluate(const std::string &path, const std::string &weights,
                     const std::string &file, int64_t batch, int threads) {
  if (batch < 1)
    error(DLRT_ERROR_ARGUMENT, "--batch must be at least 1");
  dlrt::Model model = dlrt::Model::open(path);
  model.setThreads(threads);
  const dlc_model_v5 &d = model.descriptor();
  if (!*d.metric || !d.num_targets || !d.num_outputs)
    error(DLRT_ERROR_MODEL, fmt::format("'{}' has no loss, so no metric to "
                                        "evaluate",
                                        path));
  model.load(weights);
  Dataset set = Dataset::read(d, file, true);
  checkLabels(d, set, file);
  double value = measure(model, set, batch);
  fmt::print("samples: {}\n{}: {:.4f}\n", set.size(), d.metric, value);
  return 0;
}
