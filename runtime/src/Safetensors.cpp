//===- Safetensors.cpp - Parameters in and out of safetensors files -------===//
//
// The format: an 8-byte little-endian header length, a JSON header mapping
// each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
// (offsets into the data that follows), and the raw little-endian data.
// Names and layouts are PyTorch's, so a state_dict saved with safetensors
// loads as it is.
//
//===----------------------------------------------------------------------===//

#include "Error.h"
#include "Model.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>

using namespace dlrt;
using json = nlohmann::json;

namespace {

/// A tensor of the model and its runtime-owned values.
struct Slot {
  const dlc_tensor_info *info;
  std::vector<float> *values;
};

std::vector<Slot> slotsOf(const dlc_tensor_info *infos, int32_t count,
                          std::vector<std::vector<float>> &values) {
  std::vector<Slot> slots;
  for (int32_t i = 0; i < count; ++i)
    slots.push_back({&infos[i], &values[i]});
  return slots;
}

struct Entry {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
};

/// Parses and bounds-checks the header; fills `entries` by name.
dlrt_status parseHeader(const std::string &path, const std::string &bytes,
                        std::map<std::string, Entry> &entries,
                        uint64_t &dataStart, json &metadata) {
  auto bad = [&](const std::string &why) {
    return fail(DLRT_ERROR_FORMAT, "'{}' is not a valid safetensors file: {}",
                path, why);
  };
  if (bytes.size() < 8)
    return bad("shorter than its 8-byte header length");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | uint8_t(bytes[i]);
  if (headerSize > bytes.size() - 8)
    return bad("the header runs past the end of the file (truncated?)");
  json header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + headerSize,
                            nullptr, /*allow_exceptions=*/false);
  if (!header.is_object())
    return bad("the header is not a JSON object");
  dataStart = 8 + headerSize;
  uint64_t dataSize = bytes.size() - dataStart;
  for (auto &[name, value] : header.items()) {
    if (name == "__metadata__") {
      metadata = value;
      continue;
    }
    const json &offsets = value.is_object() ? value["data_offsets"] : json();
    if (!value.is_object() || !value["dtype"].is_string() ||
        !value["shape"].is_array() || !offsets.is_array() ||
        offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      return bad("malformed entry for '" + name + "'");
    Entry e;
    e.dtype = value["dtype"].get<std::string>();
    for (const json &d : value["shape"]) {
      if (!d.is_number_unsigned())
        return bad("malformed shape for '" + name + "'");
      e.shape.push_back(d.get<int64_t>());
    }
    e.begin = offsets[0].get<uint64_t>();
    e.end = offsets[1].get<uint64_t>();
    if (e.begin > e.end || e.end > dataSize)
      return bad("the data of '" + name + "' lies outside the file (truncated?)");
    entries[name] = std::move(e);
  }
  return ok();
}

bool isStepCounter(const std::string &name, const Entry &e) {
  const std::string suffix = ".num_batches_tracked";
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         e.dtype == "I64" &&
         (e.shape.empty() || e.shape == std::vector<int64_t>{1});
}

/// Reads `path` into `slots`, all or nothing. Extra tensors are an error
/// unless `ignorable` says otherwise; `metadata` gets the __metadata__.
dlrt_status loadTensors(const char *path, const std::vector<Slot> &slots,
                        const char *modelName,
                        const std::function<bool(const std::string &,
                                                 const Entry &)> &ignorable,
                        json &metadata) {
  std::string bytes;
  if (dlrt_status s = readFile(path, bytes))
    return s;
  std::map<std::string, Entry> entries;
  uint64_t dataStart = 0;
  if (dlrt_status s = parseHeader(path, bytes, entries, dataStart, metadata))
    return s;
  // Check everything before changing anything.
  std::set<std::string> wanted;
  for (const Slot &slot : slots) {
    const dlc_tensor_info &p = *slot.info;
    wanted.insert(p.name);
    auto it = entries.find(p.name);
    if (it == entries.end())
      return fail(DLRT_ERROR_NAME, "'{}' has no tensor '{}' (shape {})", path,
                  p.name, shapeString(p.shape, p.rank));
    const Entry &e = it->second;
    if (e.dtype != "F32")
      return fail(DLRT_ERROR_DTYPE, "'{}': tensor '{}' is {}, expected F32",
                  path, p.name, e.dtype);
    if (e.shape != std::vector<int64_t>(p.shape, p.shape + p.rank))
      return fail(DLRT_ERROR_SHAPE, "'{}': tensor '{}' has shape {}, expected {}",
                  path, p.name, shapeString(e.shape.data(), e.shape.size()),
                  shapeString(p.shape, p.rank));
    if (e.end - e.begin != slot.values->size() * sizeof(float))
      return fail(DLRT_ERROR_FORMAT, "'{}': tensor '{}' holds {} bytes, its "
                  "shape needs {}", path, p.name, e.end - e.begin,
                  slot.values->size() * sizeof(float));
  }
  for (auto &[name, e] : entries)
    if (!wanted.count(name) && !ignorable(name, e))
      return fail(DLRT_ERROR_NAME, "'{}' has tensor '{}', which model '{}' "
                  "does not have", path, name, modelName);
  for (const Slot &slot : slots) {
    const Entry &e = entries[slot.info->name];
    std::memcpy(slot.values->data(), bytes.data() + dataStart + e.begin,
                e.end - e.begin);
  }
  return ok();
}

/// Writes `slots` and `metadata` (strings) to `path` atomically.
dlrt_status saveTensors(const char *path, const std::vector<Slot> &slots,
                        const json &metadata) {
  json header = json::object();
  header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const Slot &slot : slots) {
    const dlc_tensor_info &p = *slot.info;
    uint64_t size = slot.values->size() * sizeof(float);
    header[p.name] = {{"dtype", "F32"},
                      {"shape", std::vector<int64_t>(p.shape, p.shape + p.rank)},
                      {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' '); // data starts 8-byte aligned
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i)
    bytes[i] = char((uint64_t(text.size()) >> (8 * i)) & 0xff);
  bytes += text;
  for (const Slot &slot : slots)
    bytes.append(reinterpret_cast<const char *>(slot.values->data()),
                 slot.values->size() * sizeof(float));
  return writeFileAtomically(path, bytes);
}

} // namespace

dlrt_status dlrt_model_load(dlrt_model *model, const char *path) {
  return dlrt::guarded("dlrt_model_load", [&]() -> dlrt_status {
    if (!model || !path)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_load: model and path are required");
    const dlc_model_v5 *d = model->descriptor;
    std::set<std::string> stateNames;
    for (int32_t i = 0; i < d->num_state; ++i)
      stateNames.insert(d->state[i].name);
    json metadata;
    model->preparedStale = true;
    // A checkpoint's optimizer state is not needed for its weights.
    return loadTensors(
        path, slotsOf(d->params, d->num_params, model->params), d->name,
        [&](const std::string &name, const Entry &e) {
          return isStepCounter(name, e) || stateNames.count(name);
        },
        metadata);
  });
}

dlrt_status dlrt_model_save(const dlrt_model *model, const char *path) {
  return dlrt::guarded("dlrt_model_save", [&]() -> dlrt_status {
    if (!model || !path)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_save: model and path are required");
    auto *m = const_cast<dlrt_model *>(model);
    const dlc_model_v5 *d = model->descriptor;
    return saveTensors(path, slotsOf(d->params, d->num_params, m->params),
                       {{"format", "pt"}});
  });
}

namespace {
std::vector<Slot> checkpointSlots(dlrt_model *model) {
  const dlc_model_v5 *d = model->descriptor;
  std::vector<Slot> slots = slotsOf(d->params, d->num_params, model->params);
  std::vector<Slot> state = slotsOf(d->state, d->num_state, model->state);
  slots.insert(slots.end(), state.begin(), state.end());
  return slots;
}
} // namespace

dlrt_status dlrt_model_save_checkpoint(const dlrt_model *model,
                                       const char *path) {
  return dlrt::guarded("dlrt_model_save_checkpoint", [&]() -> dlrt_status {
    if (!model || !path)
      return fail(DLRT_ERROR_ARGUMENT,
                  "dlrt_model_save_checkpoint: model and path are required");
    json metadata = {{"format", "pt"},
                     {"dlc.step", std::to_string(model->step)},
                     {"dlc.seed", std::to_string(model->seed)}};
    for (auto &[key, value] : model->metadata)
      metadata[key] = value;
    return saveTensors(path, checkpointSlots(const_cast<dlrt_model *>(model)),
                       metadata);
  });
}

dlrt_status dlrt_model_load_checkpoint(dlrt_model *model, const char *path) {
  return dlrt::guarded("dlrt_model_load_checkpoint", [&]() -> dlrt_status {
    if (!model || !path)
      return fail(DLRT_ERROR_ARGUMENT,
                  "dlrt_model_load_checkpoint: model and path are required");
    // Into copies first: a bad file changes nothing.
    dlrt_model staged;
    staged.descriptor = model->descriptor;
    staged.params = model->params;
    staged.state = model->state;
    json metadata;
    if (dlrt_status s = loadTensors(
            path, checkpointSlots(&staged), model->descriptor->name,
            [](const std::string &name, const Entry &e) {
              return isStepCounter(name, e);
            },
            metadata))
      return s;
    auto number = [&](const char *key, uint64_t &out) {
      if (!metadata.is_object() || !metadata[key].is_string())
        return false;
      const std::string &text = metadata[key].get_ref<const std::string &>();
      char *end = nullptr;
      out = std::strtoull(text.c_str(), &end, 10);
      return !text.empty() && *end == '\0';
    };
    uint64_t step = 0, seed = 0;
    if (!number("dlc.step", step) || !number("dlc.seed", seed))
      return fail(DLRT_ERROR_FORMAT,
                  "'{}' is a weights file, not a dlc checkpoint (its metadata "
                  "has no dlc.step and dlc.seed)",
                  path);
    model->params.swap(staged.params);
    model->state.swap(staged.state);
    model->preparedStale = true;
    model->step = int64_t(step);
    model->seed = seed;
    model->metadata.clear();
    for (auto &[key, value] : metadata.items())
      if (value.is_string() && key != "format" && key != "dlc.step" &&
          key != "dlc.seed")
        model->metadata[key] = value.get<std::string>();
    return ok();
  });
}
