//===- Dataset.cpp - .npz and MNIST IDX data for training and evaluation --===//

#include "Dataset.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cstring>
#include <map>
#include <memory>

using namespace dlcrun;

namespace {

[[noreturn]] void error(dlrt_status status, const std::string &message) {
  throw dlrt::Error(status, message);
}

std::string shapeOf(const dlc_tensor_info &t) {
  std::string s = "[";
  for (int32_t i = 0; i < t.rank; ++i)
    s += (i ? ", " : "") +
         (t.shape[i] < 0 ? std::string("N") : std::to_string(t.shape[i]));
  return s + "]";
}

int64_t sampleElements(const dlc_tensor_info &t) {
  return dlrt_tensor_elements(&t, 1);
}

/// An IDX file (gzip-compressed or not): big-endian magic 0x0000 08 <rank>
/// (unsigned bytes), the dimensions, then the data.
std::vector<uint8_t> readIdx(const std::string &path,
                             std::vector<int64_t> &dims) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"),
                                                  gzclose);
  if (!file)
    error(DLRT_ERROR_IO, fmt::format("cannot open '{}'", path));
  auto readBig = [&](uint32_t &v) {
    unsigned char b[4];
    if (gzread(file.get(), b, 4) != 4)
      return false;
    v = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 |
        b[3];
    return true;
  };
  uint32_t magic = 0;
  if (!readBig(magic) || (magic >> 8) != 0x08 || (magic & 0xff) == 0 ||
      (magic & 0xff) > 4)
    error(DLRT_ERROR_FORMAT,
          fmt::format("'{}' is not an IDX file of unsigned bytes", path));
  uint64_t total = 1;
  for (uint32_t i = 0; i < (magic & 0xff); ++i) {
    uint32_t d = 0;
    if (!readBig(d) || d == 0 || d > (1u << 28))
      error(DLRT_ERROR_FORMAT, fmt::format("'{}': bad dimensions", path));
    dims.push_back(d);
    total *= d;
  }
  if (total > (uint64_t(1) << 34))
    error(DLRT_ERROR_FORMAT, fmt::format("'{}': too large", path));
  std::vector<uint8_t> bytes(total);
  for (uint64_t done = 0; done < total;) {
    int n = gzread(file.get(), bytes.data() + done,
                   unsigned(std::min<uint64_t>(total - done, 1u << 30)));
    if (n <= 0)
      error(DLRT_ERROR_FORMAT, fmt::format("'{}' is truncated", path));
    done += n;
  }
  return bytes;
}

} // namespace

Dataset Dataset::read(const dlc_model_v5 &model, const std::string &spec,
                      bool withTargets) {
  Dataset set;
  std::vector<const dlc_tensor_info *> wanted;
  for (int32_t i = 0; i < model.num_inputs; ++i)
    wanted.push_back(&model.inputs[i]);
  for (int32_t i = 0; withTargets && i < model.num_targets; ++i)
    wanted.push_back(&model.targets[i]);

  size_t comma = spec.find(',');
  if (comma != std::string::npos) { // MNIST: images,labels
    if (model.num_inputs != 1 || (withTargets && model.num_targets != 1))
      error(DLRT_ERROR_ARGUMENT, "IDX files fit a model with one input and "
                                 "one target; use a .npz");
    std::vector<int64_t> imageDims, labelDims;
    std::vector<uint8_t> pixels = readIdx(spec.substr(0, comma), imageDims);
    std::vector<uint8_t> labels = readIdx(spec.substr(comma + 1), labelDims);
    int64_t perImage = int64_t(pixels.size()) / imageDims[0];
    if (perImage != sampleElements(*wanted[0]) || labelDims.size() != 1 ||
        labelDims[0] != imageDims[0])
      error(DLRT_ERROR_SHAPE,
            fmt::format("the IDX images ({} values each) and labels do not "
                        "fit input '{}' {}",
                        perImage, wanted[0]->name, shapeOf(*wanted[0])));
    set.samples = imageDims[0];
    std::vector<uint8_t> image(pixels.size() * 4), label(labels.size() * 4);
    for (size_t i = 0; i < pixels.size(); ++i) {
      float v = pixels[i] / 255.0f;
      std::memcpy(&image[i * 4], &v, 4);
    }
    for (size_t i = 0; i < labels.size(); ++i) {
      int32_t v = labels[i];
      std::memcpy(&label[i * 4], &v, 4);
    }
    set.data = {std::move(image)};
    set.row = {size_t(perImage) * 4};
    if (withTargets) {
      set.data.push_back(std::move(label));
      set.row.push_back(4);
    }
    return set;
  }

  dlrt::Arrays arrays = dlrt::Arrays::readNpz(spec);
  std::map<std::string, const dlrt_array *> byName;
  std::string names;
  for (const dlrt_array &a : arrays) {
    byName[a.name] = &a;
    names += (names.empty() ? "" : ", ") + std::string(a.name);
  }
  set.samples = -1;
  for (const dlc_tensor_info *t : wanted) {
    auto it = byName.find(t->name);
    if (it == byName.end())
      error(DLRT_ERROR_NAME,
            fmt::format(
                "'{}' has no array '{}' for the model's {} {}; it has: {}",
                spec, t->name,
                t >= model.inputs && t < model.inputs + model.num_inputs
                    ? "input"
                    : "target",
                shapeOf(*t), names));
    const dlrt_array &a = *it->second;
    bool fits = a.rank == t->rank && a.dtype == t->dtype;
    for (int32_t k = 1; fits && k < t->rank; ++k)
      fits = a.shape[k] == t->shape[k];
    if (!fits) {
      std::string shape;
      for (int32_t k = 0; k < a.rank; ++k)
        shape += (k ? ", " : "") + std::to_string(a.shape[k]);
      error(DLRT_ERROR_SHAPE,
            fmt::format("'{}': array '{}' is {} [{}]; the model needs {} {}",
                        spec, t->name, a.dtype == DLC_I32 ? "i32" : "f32",
                        shape, t->dtype == DLC_I32 ? "i32" : "f32",
                        shapeOf(*t)));
    }
    if (set.samples >= 0 && a.shape[0] != set.samples)
      error(DLRT_ERROR_SHAPE,
            fmt::format("'{}': arrays disagree on the number of samples ({} "
                        "and {})",
                        spec, set.samples, a.shape[0]));
    set.samples = a.shape[0];
    size_t row = size_t(sampleElements(*t)) * 4;
    const uint8_t *bytes = static_cast<const uint8_t *>(a.data);
    set.data.emplace_back(bytes, bytes + row * a.shape[0]);
    set.row.push_back(row);
  }
  if (set.samples < 1)
    error(DLRT_ERROR_SHAPE, fmt::format("'{}' holds no samples", spec));
  return set;
}

void Dataset::gather(size_t c, const std::vector<int64_t> &order, int64_t first,
                     int64_t count, std::vector<uint8_t> &out) const {
  out.resize(row[c] * count);
  for (int64_t i = 0; i < count; ++i)
    std::memcpy(&out[i * row[c]], &data[c][order[first + i] * row[c]], row[c]);
}

Dataset Dataset::splitTail(double fraction) {
  int64_t tail = int64_t(samples * fraction);
  if (fraction <= 0 || fraction >= 1 || tail < 1 || tail >= samples)
    error(DLRT_ERROR_ARGUMENT,
          fmt::format("--val-split {} leaves no training or no validation "
                      "samples out of {}",
                      fraction, samples));
  Dataset val;
  val.samples = tail;
  val.row = row;
  int64_t kept = samples - tail;
  for (size_t c = 0; c < data.size(); ++c) {
    val.data.emplace_back(data[c].begin() + kept * row[c], data[c].end());
    data[c].resize(kept * row[c]);
  }
  samples = kept;
  return val;
}

std::vector<int64_t> dlcrun::shuffledOrder(int64_t n, uint64_t seed,
                                           int64_t epoch) {
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i)
    order[i] = i;
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + uint64_t(epoch) + 1;
  auto next = [&]() { // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[next() % uint64_t(i + 1)]);
  return order;
}
