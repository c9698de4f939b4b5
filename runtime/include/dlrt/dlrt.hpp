//===- dlrt.hpp - RAII C++ wrapper over the dlc runtime's C ABI -*- C++ -*-===//
//
// Header-only. Failures throw dlrt::Error carrying the status and the
// runtime's message; the C ABI underneath never throws.
//
//   dlrt::Model model = dlrt::Model::open("lenet5.so");
//   model.load("lenet5.safetensors");
//   std::vector<std::vector<float>> out = model.forward(1, {image.data()});
//
//===----------------------------------------------------------------------===//

#ifndef DLRT_DLRT_HPP
#define DLRT_DLRT_HPP

#include "dlrt/dlrt.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlrt {

class Error : public std::runtime_error {
public:
  Error(dlrt_status status, const std::string &message)
      : std::runtime_error(message), status(status) {}
  dlrt_status status;
};

inline void check(dlrt_status status) {
  if (status != DLRT_OK)
    throw Error(status, dlrt_last_error());
}

class Model {
public:
  /// Loads a compiled model.so; `symbol` empty: its one dlc_model_* entry.
  static Model open(const std::string &path, const std::string &symbol = "") {
    dlrt_model *m = nullptr;
    check(dlrt_model_open(path.c_str(), symbol.empty() ? nullptr : symbol.c_str(),
                          &m));
    return Model(m);
  }
  /// Wraps a model linked into the program.
  static Model fromDescriptor(const dlc_model_v5 *descriptor) {
    dlrt_model *m = nullptr;
    check(dlrt_model_from_descriptor(descriptor, &m));
    return Model(m);
  }

  const dlc_model_v5 &descriptor() const {
    return *dlrt_model_descriptor(handle.get());
  }
  void init(uint64_t seed) { check(dlrt_model_init(handle.get(), seed)); }
  /// Threads for forward (0: one per processor).
  void setThreads(int32_t threads) {
    check(dlrt_model_set_threads(handle.get(), threads));
  }
  void load(const std::string &path) {
    check(dlrt_model_load(handle.get(), path.c_str()));
  }
  void save(const std::string &path) const {
    check(dlrt_model_save(handle.get(), path.c_str()));
  }
  /// The parameter's runtime-owned values.
  std::pair<float *, size_t> parameter(const std::string &name) {
    float *data = nullptr;
    size_t count = 0;
    check(dlrt_model_parameter(handle.get(), name.c_str(), &data, &count));
    return {data, count};
  }

  /// Inference into caller-owned outputs.
  void forward(int64_t batch, const std::vector<const void *> &inputs,
               const std::vector<void *> &outputs) {
    const dlc_model_v5 &d = descriptor();
    if (inputs.size() != size_t(d.num_inputs) ||
        outputs.size() != size_t(d.num_outputs))
      throw Error(DLRT_ERROR_ARGUMENT,
                  "forward: expected " + std::to_string(d.num_inputs) +
                      " inputs and " + std::to_string(d.num_outputs) +
                      " outputs");
    check(dlrt_model_forward(handle.get(), batch, inputs.data(), outputs.data()));
  }

  /// Inference with outputs allocated here, one vector per output.
  std::vector<std::vector<float>> forward(int64_t batch,
                                          const std::vector<const void *> &inputs) {
    const dlc_model_v5 &d = descriptor();
    std::vector<std::vector<float>> results(d.num_outputs);
    std::vector<void *> outputs;
    for (int32_t i = 0; i < d.num_outputs; ++i) {
      results[i].resize(dlrt_tensor_elements(&d.outputs[i], batch));
      outputs.push_back(results[i].data());
    }
    forward(batch, inputs, outputs);
    return results;
  }

  /// One optimizer step; returns the batch's loss.
  float trainStep(int64_t batch, const std::vector<const void *> &inputs,
                  const std::vector<const void *> &targets, float lr) {
    const dlc_model_v5 &d = descriptor();
    if (inputs.size() != size_t(d.num_inputs) ||
        targets.size() != size_t(d.num_targets))
      throw Error(DLRT_ERROR_ARGUMENT,
                  "trainStep: expected " + std::to_string(d.num_inputs) +
                      " inputs and " + std::to_string(d.num_targets) +
                      " targets");
    float loss = 0;
    check(dlrt_model_train_step(handle.get(), batch, inputs.data(),
                                targets.data(), lr, &loss));
    return loss;
  }
  int64_t step() const { return dlrt_model_step(handle.get()); }
  void setSeed(uint64_t seed) { check(dlrt_model_set_seed(handle.get(), seed)); }
  uint64_t seed() const { return dlrt_model_seed(handle.get()); }
  void setMetadata(const std::string &key, const std::string &value) {
    check(dlrt_model_set_metadata(handle.get(), key.c_str(), value.c_str()));
  }
  /// The metadata value, or `fallback` when the key is not set.
  std::string metadata(const std::string &key,
                       const std::string &fallback = "") const {
    const char *v = dlrt_model_metadata(handle.get(), key.c_str());
    return v ? v : fallback;
  }
  void saveCheckpoint(const std::string &path) const {
    check(dlrt_model_save_checkpoint(handle.get(), path.c_str()));
  }
  void loadCheckpoint(const std::string &path) {
    check(dlrt_model_load_checkpoint(handle.get(), path.c_str()));
  }

private:
  explicit Model(dlrt_model *m) : handle(m, &dlrt_model_destroy) {}
  std::unique_ptr<dlrt_model, decltype(&dlrt_model_destroy)> handle;
};

/// Arrays read from a .npy or .npz file (runtime-owned, freed here).
class Arrays {
public:
  static Arrays readNpz(const std::string &path) {
    Arrays a;
    check(dlrt_npz_read(path.c_str(), &a.items, &a.count));
    return a;
  }
  static Arrays readNpy(const std::string &path) {
    Arrays a;
    check(dlrt_npy_read(path.c_str(), &a.items));
    a.count = 1;
    return a;
  }
  Arrays(Arrays &&o) noexcept : items(o.items), count(o.count) {
    o.items = nullptr;
    o.count = 0;
  }
  Arrays &operator=(Arrays &&o) noexcept {
    std::swap(items, o.items);
    std::swap(count, o.count);
    return *this;
  }
  ~Arrays() { dlrt_arrays_free(items, count); }

  size_t size() const { return count; }
  const dlrt_array &operator[](size_t i) const { return items[i]; }
  const dlrt_array *begin() const { return items; }
  const dlrt_array *end() const { return items + count; }

private:
  Arrays() = default;
  dlrt_array *items = nullptr;
  size_t count = 0;
};

} // namespace dlrt

#endif // DLRT_DLRT_HPP
