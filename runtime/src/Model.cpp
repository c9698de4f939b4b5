//===- Model.cpp - Opening models, parameters, initialisation, forward ----===//

#include "Elf.h"
#include "Error.h"
#include "Model.h"

#include <cmath>
#include <dlfcn.h>
#include <algorithm>
#include <climits>
#include <memory>
#include <thread>

using namespace dlrt;

dlrt_model::~dlrt_model() {
  if (library)
    dlclose(library);
}

int64_t dlrt_tensor_elements(const dlc_tensor_info *info, int64_t batch) {
  if (!info)
    return 0;
  int64_t n = 1;
  for (int32_t i = 0; i < info->rank; ++i)
    n *= info->shape[i] < 0 ? batch : info->shape[i];
  return n;
}

/// Checks what the runtime relies on before it trusts a descriptor.
static dlrt_status adopt(const dlc_model_v5 *d, const std::string &origin,
                         std::unique_ptr<dlrt_model> &model) {
  if (!d)
    return fail(DLRT_ERROR_FORMAT, "{}: the entry returned no descriptor", origin);
  // Any minor version of our major one: minor versions only add what a
  // reader may ignore (abi.h).
  if (d->abi_major != DLC_ABI_VERSION_MAJOR)
    return fail(DLRT_ERROR_ABI,
                "{}: compiled for model ABI {}.{}, this runtime reads ABI "
                "{}.x; recompile it with this dlc",
                origin, d->abi_major, d->abi_minor, DLC_ABI_VERSION_MAJOR);
  if (!d->forward || d->num_params < 0 || (d->num_params && !d->params))
    return fail(DLRT_ERROR_FORMAT, "{}: incomplete descriptor", origin);
  model->descriptor = d;
  model->params.resize(d->num_params);
  for (int32_t i = 0; i < d->num_params; ++i) {
    const dlc_tensor_info &p = d->params[i];
    model->params[i].assign(dlrt_tensor_elements(&p, 1), 0.0f);
    if (!model->index.emplace(p.name, i).second)
      return fail(DLRT_ERROR_FORMAT, "{}: parameter '{}' appears twice",
                  origin, p.name);
  }
  if (d->num_state < 0 || (d->num_state && !d->state))
    return fail(DLRT_ERROR_FORMAT, "{}: incomplete descriptor", origin);
  for (int32_t i = 0; i < d->num_state; ++i)
    model->state.emplace_back(dlrt_tensor_elements(&d->state[i], 1), 0.0f);
  if (d->num_prepared < 0 || (d->num_prepared && (!d->prepared || !d->prepare)))
    return fail(DLRT_ERROR_FORMAT, "{}: incomplete descriptor", origin);
  return dlrt_model_init(model.get(), 0);
}

dlrt_status dlrt_model_open(const char *path, const char *symbol,
                            dlrt_model **out) {
  return dlrt::guarded("dlrt_model_open", [&]() -> dlrt_status {
    if (!path || !out)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_open: path and out are required");
    *out = nullptr;
    // Checked before dlopen, which trusts the file: and the entry found.
    std::string bytes;
    if (dlrt_status s = readFile(path, bytes))
      return s;
    std::vector<std::string> names;
    if (dlrt_status s = exportedFunctions(path, bytes, "dlc_model_", names))
      return s;
    std::string entry = symbol ? symbol : "";
    if (entry.empty()) {
      if (names.size() != 1)
        return fail(DLRT_ERROR_FORMAT,
                    "'{}' exports {} dlc_model_* symbols; name the one to use",
                    path, names.size());
      entry = names.front();
    }
    auto model = std::make_unique<dlrt_model>();
    // An absolute or explicit path, so dlopen never searches LD_LIBRARY_PATH.
    std::string where = std::string(path).find('/') == std::string::npos
                            ? "./" + std::string(path)
                            : std::string(path);
    model->library = dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!model->library)
      return fail(DLRT_ERROR_IO, "cannot load '{}': {}", path, dlerror());
    auto fn = reinterpret_cast<dlc_model_entry_fn>(dlsym(model->library, entry.c_str()));
    if (!fn)
      return fail(DLRT_ERROR_NAME, "'{}' has no symbol '{}'", path, entry);
    if (dlrt_status s = adopt(fn(), path, model))
      return s;
    *out = model.release();
    return ok();
  });
}

dlrt_status dlrt_model_from_descriptor(const dlc_model_v5 *descriptor,
                                       dlrt_model **out) {
  return dlrt::guarded("dlrt_model_from_descriptor", [&]() -> dlrt_status {
    if (!out)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_from_descriptor: out is required");
    *out = nullptr;
    auto model = std::make_unique<dlrt_model>();
    if (dlrt_status s = adopt(descriptor, "linked model", model))
      return s;
    *out = model.release();
    return ok();
  });
}

void dlrt_model_destroy(dlrt_model *model) { delete model; }

const dlc_model_v5 *dlrt_model_descriptor(const dlrt_model *model) {
  return model ? model->descriptor : nullptr;
}

namespace {
uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// FNV-1a: each parameter draws from its own stream, so its values do not
/// depend on which other parameters the network has.
uint64_t hashName(const char *name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *name; ++name)
    h = (h ^ uint8_t(*name)) * 0x100000001b3ull;
  return h;
}
} // namespace

dlrt_status dlrt_model_init(dlrt_model *model, uint64_t seed) {
  return dlrt::guarded("dlrt_model_init", [&]() -> dlrt_status {
    if (!model)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_init: model is NULL");
    const dlc_model_v5 *d = model->descriptor;
    for (std::vector<float> &s : model->state)
      std::fill(s.begin(), s.end(), 0.0f);
    model->step = 0;
    model->seed = seed;
    model->preparedStale = true;
    for (int32_t i = 0; i < d->num_params; ++i) {
      const dlc_tensor_info &p = d->params[i];
      std::vector<float> &values = model->params[i];
      if (p.init == DLC_INIT_UNIFORM) {
        uint64_t state = seed ^ hashName(p.name);
        for (float &v : values) {
          double u = double(splitmix64(state) >> 11) * 0x1.0p-53; // [0, 1)
          v = float((2 * u - 1) * p.init_bound);
        }
      } else {
        std::fill(values.begin(), values.end(),
                  p.init == DLC_INIT_ONES ? 1.0f : 0.0f);
      }
    }
    return ok();
  });
}

dlrt_status dlrt_model_parameter(dlrt_model *model, const char *name,
                                 float **data, size_t *count) {
  if (!model || !name || !data || !count)
    return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_parameter: NULL argument");
  auto it = model->index.find(name);
  if (it == model->index.end())
    return fail(DLRT_ERROR_NAME, "the model has no parameter '{}'", name);
  *data = model->params[it->second].data();
  *count = model->params[it->second].size();
  model->preparedStale = true; // the caller may write through *data
  return ok();
}

static uint64_t align64(uint64_t bytes) { return (bytes + 63) / 64 * 64; }

static uint64_t workspaceBytes(const dlc_model_v5 *d, int64_t batch) {
  return align64(d->workspace_size ? d->workspace_size(batch) : 0);
}

/// The lease holds the workspace, then `threads` scratches.
dlrt::CallMemory::CallMemory(dlrt_model *model, int64_t batch, int64_t threads)
    : CallMemory(model, workspaceBytes(model->descriptor, batch), threads,
                 align64(model->descriptor->scratch_size)) {}

dlrt::CallMemory::CallMemory(dlrt_model *model, uint64_t workspace,
                             int64_t threads, uint64_t scratch)
    : lease(model->workspaces.acquire(workspace + uint64_t(threads) * scratch)),
      ranges(&model->threadPool, threads,
             static_cast<uint8_t *>(lease.data()) + workspace, scratch) {}

int64_t dlrt::threadsOf(const dlrt_model *model) {
  return model->threads > 0
             ? model->threads
             : std::max(1u, std::thread::hardware_concurrency());
}

/// Runs the descriptor's prepare once the parameters may have changed.
static dlrt_status prepare(dlrt_model *model) {
  const dlc_model_v5 *d = model->descriptor;
  std::lock_guard<std::mutex> lock(model->prepareMutex);
  if (!d->prepare || !model->preparedStale)
    return ok();
  // Allocated at the first forward: training alone never reads them.
  if (model->prepared.empty())
    for (int32_t i = 0; i < d->num_prepared; ++i)
      model->prepared.emplace_back(dlrt_tensor_elements(&d->prepared[i], 1));
  std::vector<void *> params, prepared;
  for (std::vector<float> &p : model->params)
    params.push_back(p.data());
  for (std::vector<float> &p : model->prepared)
    prepared.push_back(p.data());
  CallMemory memory(model, 1, threadsOf(model));
  if (int32_t rc = d->prepare(params.data(), prepared.data(),
                              memory.workspace(), memory.parallel()))
    return fail(DLRT_ERROR_MODEL, "model '{}': prepare failed with code {}",
                d->name, rc);
  model->preparedStale = false;
  return ok();
}

/// The compiled code assumes that the tensors it is handed do not overlap
/// (abi.h): an output that shares memory with an input or another output
/// is refused.
static dlrt_status checkNoOverlap(const dlc_model_v5 *d, int64_t batch,
                                  const void *const *inputs,
                                  void *const *outputs) {
  struct Range {
    const char *kind, *name;
    uintptr_t begin, end;
  };
  std::vector<Range> ranges;
  auto add = [&](const char *kind, const dlc_tensor_info &t, const void *p) {
    auto begin = reinterpret_cast<uintptr_t>(p);
    // f32 and i32: 4 bytes an element.
    ranges.push_back({kind, t.name, begin,
                      begin + 4 * uint64_t(dlrt_tensor_elements(&t, batch))});
  };
  for (int32_t i = 0; i < d->num_outputs; ++i)
    add("output", d->outputs[i], outputs[i]);
  for (int32_t i = 0; i < d->num_inputs; ++i)
    add("input", d->inputs[i], inputs[i]);
  for (int32_t i = 0; i < d->num_outputs; ++i)
    for (size_t j = i + 1; j < ranges.size(); ++j)
      if (ranges[i].begin < ranges[j].end && ranges[j].begin < ranges[i].end)
        return fail(DLRT_ERROR_ARGUMENT,
                    "output '{}' overlaps {} '{}': each output needs memory "
                    "of its own",
                    ranges[i].name, ranges[j].kind, ranges[j].name);
  return DLRT_OK;
}

dlrt_status dlrt_model_forward(dlrt_model *model, int64_t batch,
                               const void *const *inputs, void *const *outputs) {
  return dlrt::guarded("dlrt_model_forward", [&]() -> dlrt_status {
    if (!model)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_forward: model is NULL");
    const dlc_model_v5 *d = model->descriptor;
    if (batch < 1)
      return fail(DLRT_ERROR_ARGUMENT, "batch must be at least 1, got {}", batch);
    if ((d->num_inputs && !inputs) || (d->num_outputs && !outputs))
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_forward: inputs and outputs "
                                       "are required");
    for (int32_t i = 0; i < d->num_inputs; ++i)
      if (!inputs[i])
        return fail(DLRT_ERROR_ARGUMENT, "input '{}' is NULL", d->inputs[i].name);
    for (int32_t i = 0; i < d->num_outputs; ++i)
      if (!outputs[i])
        return fail(DLRT_ERROR_ARGUMENT, "output '{}' is NULL", d->outputs[i].name);
    if (dlrt_status status = checkNoOverlap(d, batch, inputs, outputs);
        status != DLRT_OK)
      return status;
    if (dlrt_status status = prepare(model); status != DLRT_OK)
      return status;
    std::vector<void *> params, prepared;
    for (std::vector<float> &p : model->params)
      params.push_back(p.data());
    for (std::vector<float> &p : model->prepared)
      prepared.push_back(p.data());

    // Split the batch into contiguous parts, one per thread, each running
    // its layers on its thread alone; a batch smaller than the threads runs
    // whole, its layers' tiles spread over the threads.
    int64_t threads = threadsOf(model);
    int64_t parts = batch >= threads ? threads : 1;
    int64_t step = (batch + parts - 1) / parts;
    // A part that could not allocate its pointer lists reports kNoMemory.
    constexpr int32_t kNoMemory = INT32_MIN;
    std::vector<int32_t> codes(parts, 0);
    auto run = [&](int64_t part) noexcept {
      int64_t first = part * step, count = std::min(step, batch - first);
      if (count <= 0)
        return;
      try {
        auto offset = [&](const dlc_tensor_info &t, const void *base) {
          int64_t bytes = dlrt_tensor_elements(&t, 1) * 4; // f32 and i32
          return static_cast<char *>(const_cast<void *>(base)) + first * bytes;
        };
        std::vector<void *> in, out;
        for (int32_t i = 0; i < d->num_inputs; ++i)
          in.push_back(offset(d->inputs[i], inputs[i]));
        for (int32_t i = 0; i < d->num_outputs; ++i)
          out.push_back(offset(d->outputs[i], outputs[i]));
        CallMemory memory(model, count, parts == 1 ? threads : 1);
        codes[part] =
            d->forward(count, in.data(), params.data(), prepared.data(),
                       out.data(), memory.workspace(), memory.parallel());
      } catch (...) {
        codes[part] = kNoMemory;
      }
    };
    model->threadPool.run(parts, run);
    if (std::find(codes.begin(), codes.end(), kNoMemory) != codes.end())
      return fail(DLRT_ERROR_MEMORY, "model '{}': out of memory", d->name);
    for (int32_t rc : codes)
      if (rc != 0)
        return fail(DLRT_ERROR_MODEL, "model '{}' failed with code {}", d->name, rc);
    return ok();
  });
}

dlrt_status dlrt_model_set_threads(dlrt_model *model, int32_t threads) {
  if (!model || threads < 0)
    return fail(DLRT_ERROR_ARGUMENT,
                "dlrt_model_set_threads: a model and threads >= 0 are required");
  model->threads = threads;
  return ok();
}
