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

#include <cstring>
#include <map>
#include <set>

using namespace dlrt;
using json = nlohmann::json;

namespace {

struct Entry {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
};

/// Parses and bounds-checks the header; fills `entries` by name.
dlrt_status parseHeader(const std::string &path, const std::string &bytes,
                        std::map<std::string, Entry> &entries,
                        uint64_t &dataStart) {
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
    if (name == "__metadata__")
      continue;
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

} // namespace

dlrt_status dlrt_model_load(dlrt_model *model, const char *path) {
  return dlrt::guarded("dlrt_model_load", [&]() -> dlrt_status {
    if (!model || !path)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_load: model and path are required");
    std::string bytes;
    if (dlrt_status s = readFile(path, bytes))
      return s;
    std::map<std::string, Entry> entries;
    uint64_t dataStart = 0;
    if (dlrt_status s = parseHeader(path, bytes, entries, dataStart))
      return s;

    // Check everything before changing anything.
    const dlc_model_v1 *d = model->descriptor;
    std::set<std::string> wanted;
    for (int32_t i = 0; i < d->num_params; ++i) {
      const dlc_tensor_info &p = d->params[i];
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
      if (e.end - e.begin != model->params[i].size() * sizeof(float))
        return fail(DLRT_ERROR_FORMAT, "'{}': tensor '{}' holds {} bytes, its "
                    "shape needs {}", path, p.name, e.end - e.begin,
                    model->params[i].size() * sizeof(float));
    }
    for (auto &[name, e] : entries)
      if (!wanted.count(name) && !isStepCounter(name, e))
        return fail(DLRT_ERROR_NAME, "'{}' has tensor '{}', which model '{}' "
                    "does not have", path, name, d->name);
    for (int32_t i = 0; i < d->num_params; ++i) {
      const Entry &e = entries[d->params[i].name];
      std::memcpy(model->params[i].data(), bytes.data() + dataStart + e.begin,
                  e.end - e.begin);
    }
    return ok();
  });
}

dlrt_status dlrt_model_save(const dlrt_model *model, const char *path) {
  return dlrt::guarded("dlrt_model_save", [&]() -> dlrt_status {
    if (!model || !path)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_save: model and path are required");
    const dlc_model_v1 *d = model->descriptor;
    json header = json::object();
    header["__metadata__"] = {{"format", "pt"}};
    uint64_t offset = 0;
    for (int32_t i = 0; i < d->num_params; ++i) {
      const dlc_tensor_info &p = d->params[i];
      uint64_t size = model->params[i].size() * sizeof(float);
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
    for (const std::vector<float> &p : model->params)
      bytes.append(reinterpret_cast<const char *>(p.data()),
                   p.size() * sizeof(float));
    return writeFileAtomically(path, bytes);
  });
}
