//===- dlc-run.cpp - Run a compiled model: info, predict, bench -----------===//
//
//   dlc-run info lenet5.so [--json]
//   dlc-run predict lenet5.so --weights w.safetensors --input image=x.npy --out y.npz
//   dlc-run bench lenet5.so --batch 64
//   dlc-run train mlp.so --data digits_train.npz --val digits_test.npz --epochs 20
//   dlc-run eval mlp.so --weights ckpt.safetensors --data digits_test.npz
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "dlrt/dlrt.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <map>
#include <random>
#include <thread>

namespace {

const char *dtypeName(int32_t dtype) { return dtype == DLC_I32 ? "i32" : "f32"; }

std::string shapeOf(const dlc_tensor_info &t) {
  std::string s = "[";
  for (int32_t i = 0; i < t.rank; ++i)
    s += (i ? ", " : "") + (t.shape[i] < 0 ? std::string("N") : std::to_string(t.shape[i]));
  return s + "]";
}

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (char c : s)
    out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

std::string jsonTensors(const dlc_tensor_info *list, int32_t n, bool params) {
  std::string s = "[";
  for (int32_t i = 0; i < n; ++i) {
    const dlc_tensor_info &t = list[i];
    std::string shape;
    for (int32_t k = 0; k < t.rank; ++k)
      shape += (k ? ", " : "") + std::to_string(t.shape[k]);
    s += fmt::format("{}{{\"name\": {}, \"dtype\": \"{}\", \"shape\": [{}]{}}}",
                     i ? ", " : "", jsonString(t.name), dtypeName(t.dtype), shape,
                     params ? fmt::format(", \"trainable\": {}",
                                          t.trainable ? "true" : "false")
                            : "");
  }
  return s + "]";
}

int info(const std::string &path, bool json, int64_t batch) {
  if (batch < 1)
    throw dlrt::Error(DLRT_ERROR_ARGUMENT, "--batch must be >= 1");
  dlrt::Model model = dlrt::Model::open(path);
  const dlc_model_v5 &d = model.descriptor();
  int64_t trainable = 0, buffers = 0;
  for (int32_t i = 0; i < d.num_params; ++i)
    (d.params[i].trainable ? trainable : buffers) +=
        dlrt_tensor_elements(&d.params[i], 1);
  auto workspaceAt = [&](int64_t n) -> uint64_t {
    return d.workspace_size ? d.workspace_size(n) : 0;
  };
  uint64_t workspace = workspaceAt(1);
  int64_t preparedBytes = 0;
  for (int32_t i = 0; i < d.num_prepared; ++i)
    preparedBytes += dlrt_tensor_elements(&d.prepared[i], 1) * 4;
  std::string hyper;
  for (int32_t i = 0; i < d.num_hyper_parameters; ++i)
    hyper += fmt::format("{}{}: {}", i ? ", " : "",
                         jsonString(d.hyper_parameters[i].name),
                         d.hyper_parameters[i].value);
  if (json) {
    fmt::print("{{\"name\": {}, \"target\": {}, \"abi\": {}, \"inputs\": {}, "
               "\"targets\": {}, \"outputs\": {}, \"parameters\": {}, "
               "\"total_params\": {}, \"buffer_elements\": {}, "
               "\"workspace_bytes_per_batch_1\": {}, "
               "\"workspace_bytes\": {{\"batch\": {}, \"bytes\": {}}}, "
               "\"prepared\": {}, \"prepared_bytes\": {}, "
               "\"optimizer\": {}, "
               "\"hyper_parameters\": {{{}}}, \"state\": {}, "
               "\"metric\": {}, \"trains\": {}}}\n",
               jsonString(d.name), jsonString(d.target),
               jsonString(fmt::format("{}.{}", d.abi_major, d.abi_minor)),
               jsonTensors(d.inputs, d.num_inputs, false),
               jsonTensors(d.targets, d.num_targets, false),
               jsonTensors(d.outputs, d.num_outputs, false),
               jsonTensors(d.params, d.num_params, true), trainable, buffers,
               workspace, batch, workspaceAt(batch),
               jsonTensors(d.prepared, d.num_prepared, false), preparedBytes,
               jsonString(d.optimizer),
               hyper,
               jsonTensors(d.state, d.num_state, false), jsonString(d.metric),
               d.train_step ? "true" : "false");
    return 0;
  }
  fmt::print("model: {} (target {}, ABI {}.{})\n", d.name, d.target,
             d.abi_major, d.abi_minor);
  auto list = [](const char *what, const dlc_tensor_info *l, int32_t n) {
    for (int32_t i = 0; i < n; ++i)
      fmt::print("{:<8} {:<28} {} {}\n", what, l[i].name, dtypeName(l[i].dtype),
                 shapeOf(l[i]));
  };
  list("input", d.inputs, d.num_inputs);
  list("target", d.targets, d.num_targets);
  list("output", d.outputs, d.num_outputs);
  for (int32_t i = 0; i < d.num_params; ++i)
    fmt::print("{:<8} {:<28} f32 {}\n", d.params[i].trainable ? "param" : "buffer",
               d.params[i].name, shapeOf(d.params[i]));
  list("prepared", d.prepared, d.num_prepared);
  fmt::print("total params: {} (buffers: {})\n", trainable, buffers);
  if (d.num_prepared)
    fmt::print("prepared: {} bytes, computed from the parameters\n",
               preparedBytes);
  fmt::print("workspace: {} bytes at batch 1", workspace);
  if (batch != 1)
    fmt::print(", {} bytes at batch {}", workspaceAt(batch), batch);
  fmt::print("\n");
  if (*d.optimizer) {
    fmt::print("optimizer: {}(", d.optimizer);
    for (int32_t i = 0; i < d.num_hyper_parameters; ++i)
      fmt::print("{}{}={}", i ? ", " : "", d.hyper_parameters[i].name,
                 d.hyper_parameters[i].value);
    fmt::print(")\n");
  }
  if (*d.metric)
    fmt::print("training: {} (metric: {})\n",
               d.train_step ? "yes" : "no (compiled with --inference-only)",
               d.metric);
  return 0;
}

/// Reads each --input (NAME=file.npy, or file.npz with arrays named after
/// the inputs) and checks them against the model's inputs.
std::vector<dlrt::Arrays> readInputs(const dlc_model_v5 &d,
                                     const std::vector<std::string> &specs,
                                     std::vector<const void *> &pointers,
                                     int64_t &batch) {
  std::vector<dlrt::Arrays> files;
  std::map<std::string, const dlrt_array *> byName;
  for (const std::string &spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      files.push_back(dlrt::Arrays::readNpz(spec));
      for (const dlrt_array &a : files.back())
        byName[a.name] = &a;
    } else {
      files.push_back(dlrt::Arrays::readNpy(spec.substr(eq + 1)));
      byName[spec.substr(0, eq)] = &files.back()[0];
    }
  }
  batch = -1;
  for (int32_t i = 0; i < d.num_inputs; ++i) {
    const dlc_tensor_info &t = d.inputs[i];
    auto it = byName.find(t.name);
    if (it == byName.end())
      throw dlrt::Error(DLRT_ERROR_NAME,
                        fmt::format("no array for input '{}' {}: pass --input {}=FILE.npy",
                                    t.name, shapeOf(t), t.name));
    const dlrt_array &a = *it->second;
    bool fits = a.rank == t.rank && a.dtype == t.dtype;
    for (int32_t k = 1; fits && k < t.rank; ++k)
      fits = a.shape[k] == t.shape[k];
    if (!fits || a.shape[0] < 1)
      throw dlrt::Error(DLRT_ERROR_SHAPE,
                        fmt::format("input '{}' must be {} {}, the array has "
                                    "rank {} and its dimensions do not fit",
                                    t.name, dtypeName(t.dtype), shapeOf(t), a.rank));
    if (batch >= 0 && a.shape[0] != batch)
      throw dlrt::Error(DLRT_ERROR_SHAPE,
                        fmt::format("inputs disagree on the batch: {} and {}",
                                    batch, a.shape[0]));
    batch = a.shape[0];
    pointers.push_back(a.data);
  }
  return files;
}

void loadWeights(dlrt::Model &model, const std::string &weights, uint64_t seed) {
  if (weights.empty())
    model.init(seed);
  else
    model.load(weights);
}

int predict(const std::string &path, const std::string &weights, uint64_t seed,
            const std::vector<std::string> &inputs, const std::string &out,
            int threads) {
  dlrt::Model model = dlrt::Model::open(path);
  model.setThreads(threads);
  loadWeights(model, weights, seed);
  const dlc_model_v5 &d = model.descriptor();
  std::vector<const void *> pointers;
  int64_t batch = 0;
  std::vector<dlrt::Arrays> files = readInputs(d, inputs, pointers, batch);
  std::vector<std::vector<float>> results = model.forward(batch, pointers);
  std::vector<dlrt_array> arrays(d.num_outputs);
  for (int32_t i = 0; i < d.num_outputs; ++i) {
    arrays[i].name = const_cast<char *>(d.outputs[i].name);
    arrays[i].dtype = DLC_F32;
    arrays[i].rank = d.outputs[i].rank;
    for (int32_t k = 0; k < d.outputs[i].rank; ++k)
      arrays[i].shape[k] = d.outputs[i].shape[k] < 0 ? batch : d.outputs[i].shape[k];
    arrays[i].data = results[i].data();
  }
  dlrt::check(dlrt_npz_write(out.c_str(), arrays.data(), arrays.size()));
  fmt::print("wrote {} ({} output{}, batch {})\n", out, d.num_outputs,
             d.num_outputs == 1 ? "" : "s", batch);
  return 0;
}

/// A "VmRSS"/"VmHWM" line of /proc/self/status in bytes; 0 where there is
/// no such file (not Linux).
uint64_t procStatusBytes(const std::string &field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0)
      return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10) * 1024;
  return 0;
}

/// Restarts the kernel's count of peak resident memory (VmHWM) at the
/// current resident size, so that the peak is that of what runs next.
void resetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

int bench(const std::string &path, const std::string &weights, int64_t batch,
          int warmup, int iterations, int threads, bool train) {
  dlrt::Model model = dlrt::Model::open(path);
  model.setThreads(threads);
  loadWeights(model, weights, 0);
  const dlc_model_v5 &d = model.descriptor();
  if (batch < 1 || iterations < 1)
    throw dlrt::Error(DLRT_ERROR_ARGUMENT, "--batch and --iters must be >= 1");
  std::mt19937 rng(0);
  std::normal_distribution<float> normal;
  std::vector<std::vector<float>> inputs(d.num_inputs);
  std::vector<const void *> pointers;
  for (int32_t i = 0; i < d.num_inputs; ++i) {
    inputs[i].resize(dlrt_tensor_elements(&d.inputs[i], batch));
    for (float &v : inputs[i])
      v = normal(rng);
    pointers.push_back(inputs[i].data());
  }
  // Targets for --train: class indices below the output's classes, or
  // values in [0, 1].
  std::vector<std::vector<float>> targets(d.num_targets);
  std::vector<const void *> targetPointers;
  for (int32_t i = 0; i < d.num_targets; ++i) {
    targets[i].resize(dlrt_tensor_elements(&d.targets[i], batch));
    int64_t classes = d.num_outputs && d.outputs[0].rank > 1 ? d.outputs[0].shape[1] : 1;
    for (float &v : targets[i]) {
      if (d.targets[i].dtype == DLC_I32) {
        int32_t label = int32_t(rng() % uint64_t(classes));
        std::memcpy(&v, &label, 4);
      } else {
        v = std::uniform_real_distribution<float>()(rng);
      }
    }
    targetPointers.push_back(targets[i].data());
  }
  if (train && !d.train_step)
    throw dlrt::Error(DLRT_ERROR_MODEL, "--train: the model has no train step");
  // The baseline: the runtime, the model, its parameters (and prepared
  // tensors) and the inputs resident; the peak adds what the calls need.
  uint64_t baseline = procStatusBytes("VmRSS");
  resetPeakRss();
  std::vector<double> times;
  for (int i = 0; i < warmup + iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (train)
      model.trainStep(batch, pointers, targetPointers, 1e-6f);
    else
      model.forward(batch, pointers);
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    if (i >= warmup)
      times.push_back(ms);
  }
  uint64_t peak = procStatusBytes("VmHWM");
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];
  const char *what = train ? "train_step" : "forward";
  fmt::print("{{\"model\": {}, \"batch\": {}, \"iterations\": {}, "
             "\"threads\": {}, \"{}_ms_median\": {:.3f}, "
             "\"{}_ms_min\": {:.3f}, \"images_per_s\": {:.1f}, "
             "\"baseline_rss_bytes\": {}, \"peak_rss_bytes\": {}}}\n",
             jsonString(d.name), batch, iterations,
             threads ? threads : int(std::thread::hardware_concurrency()),
             what, median, what, times.front(), batch * 1000.0 / median,
             baseline, std::max(peak, baseline));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  // Each call allocates its outputs and each training step its batch;
  // keeping freed memory in the heap instead of returning it to the kernel
  // spares the page faults of every call.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"dlc-run: inspect, run and time a model compiled by dlc"};
  app.require_subcommand(1);
  dlrt_version_info v = dlrt_version();
  app.set_version_flag(
      "--version", fmt::format("dlc-run {} (libdlrt {}.{}.{}, model ABI {}.{})",
                               DLRT_VERSION_STRING, v.major, v.minor, v.patch,
                               v.abi_major, v.abi_minor));

  std::string model, weights, out = "out.npz";
  std::vector<std::string> inputs;
  bool json = false;
  uint64_t seed = 0;
  int64_t batch = 1;
  int warmup = 2, iterations = 10, threads = 0;

  CLI::App *infoCmd = app.add_subcommand(
      "info", "Inputs, outputs and every parameter with its shape");
  infoCmd->add_option("model", model, "A model.so from dlc")->required();
  infoCmd->add_flag("--json", json, "Machine-readable output");
  int64_t infoBatch = 1;
  infoCmd->add_option("--batch", infoBatch,
                      "Also print the workspace at this batch");

  CLI::App *predictCmd = app.add_subcommand(
      "predict", "Run inference on arrays and write the outputs to a .npz");
  predictCmd->add_option("model", model, "A model.so from dlc")->required();
  predictCmd->add_option("--weights", weights,
                         "Parameters as safetensors (PyTorch names); default: "
                         "PyTorch-style initialisation from --seed");
  predictCmd->add_option("--seed", seed, "Seed of the initialisation");
  predictCmd->add_option("--input", inputs,
                         "NAME=array.npy, or a .npz whose arrays are named "
                         "after the inputs (repeatable)")
      ->required();
  predictCmd->add_option("--out", out, "The .npz to write, one array per output")
      ->capture_default_str();
  predictCmd->add_option("--threads", threads,
                         "Threads (0: one per processor): a batch splits over them, a smaller "
                         "one's layers do");

  CLI::App *benchCmd = app.add_subcommand(
      "bench", "Time forward (or --train steps) on random inputs and measure the "
               "resident memory they add; prints JSON");
  benchCmd->add_option("model", model, "A model.so from dlc")->required();
  benchCmd->add_option("--batch", batch, "Samples per forward")->capture_default_str();
  benchCmd->add_option("--weights", weights, "Parameters as safetensors");
  benchCmd->add_option("--warmup", warmup, "Untimed runs first")->capture_default_str();
  benchCmd->add_option("--iters", iterations, "Timed runs")->capture_default_str();
  benchCmd->add_option("--threads", threads,
                       "Threads (0: one per processor): a batch splits over them, a smaller "
                         "one's layers do");
  bool benchTrain = false;
  benchCmd->add_flag("--train", benchTrain,
                     "Time training steps instead of forward");

  dlcrun::TrainOptions train;
  CLI::App *trainCmd = app.add_subcommand(
      "train", "Train with the compiled optimizer, like Keras' fit()");
  trainCmd->add_option("model", train.model, "A model.so from dlc")->required();
  trainCmd->add_option("--data", train.data,
                       "Training data: a .npz with arrays named after the "
                       "inputs and targets, or MNIST's "
                       "IMAGES.idx3-ubyte,LABELS.idx1-ubyte")
      ->required();
  auto *valOpt = trainCmd->add_option("--val", train.val,
                                      "Validation data, as --data");
  trainCmd->add_option("--val-split", train.valSplit,
                       "Validate on the last fraction of --data instead")
      ->excludes(valOpt);
  trainCmd->add_option("--epochs", train.epochs, "Passes over the data")
      ->capture_default_str();
  trainCmd->add_option("--batch", train.batch,
                       "Samples per step (the last step of an epoch takes "
                       "the rest)")
      ->capture_default_str();
  trainCmd->add_option("--lr", train.lr,
                       "Learning rate (default: the .net's optimizer lr)");
  trainCmd->add_option("--schedule", train.schedule,
                       "constant, step (x0.1 at 50% and 75% of the epochs) "
                       "or cosine (to 0 over the epochs)")
      ->capture_default_str();
  trainCmd->add_option("--seed", train.seed,
                       "Seeds the initialisation, the shuffles and dropout")
      ->capture_default_str();
  trainCmd->add_option("--weights", train.weights,
                       "Start from these parameters (safetensors)");
  trainCmd->add_option("--save", train.save,
                       "Checkpoint after every epoch (weights, optimizer "
                       "state, step, seed), written atomically");
  trainCmd->add_option("--resume", train.resume,
                       "Continue from a --save checkpoint after its epoch");
  trainCmd->add_option("--metrics", train.metrics,
                       "Write a CSV row per epoch (appended on --resume)");
  trainCmd->add_option("--threads", train.threads,
                       "Threads of the training steps and validation (0: one per "
                       "processor)");
  trainCmd->add_option("--exit-after-epoch", train.exitAfterEpoch,
                       "Tests: stop like a killed process after this epoch")
      ->group(""); // hidden

  CLI::App *evalCmd = app.add_subcommand(
      "eval", "The model's metric on data: accuracy, dice or psnr");
  evalCmd->add_option("model", model, "A model.so from dlc")->required();
  evalCmd->add_option("--weights", weights,
                      "Weights or a checkpoint (safetensors)")
      ->required();
  evalCmd->add_option("--data", train.data, "As for train")->required();
  int64_t evalBatch = 256;
  evalCmd->add_option("--batch", evalBatch, "Samples per forward")
      ->capture_default_str();
  evalCmd->add_option("--threads", threads,
                      "Threads (0: one per processor): a batch splits over them, a smaller "
                         "one's layers do");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    // --help and --version exit 0; a usage error 1, like every other error.
    return app.exit(e) == 0 ? 0 : 1;
  }
  try {
    if (*infoCmd)
      return info(model, json, infoBatch);
    if (*predictCmd)
      return predict(model, weights, seed, inputs, out, threads);
    if (*trainCmd)
      return dlcrun::train(train);
    if (*evalCmd)
      return dlcrun::evaluate(model, weights, train.data, evalBatch, threads);
    return bench(model, weights, batch, warmup, iterations, threads, benchTrain);
  } catch (const dlrt::Error &e) {
    fmt::print(stderr, "dlc-run: {}\n", e.what());
    return 1;
  }
}
