//===- Dataset.h - Arrays matched to a model's inputs and targets -*- C++ -*-===//

#ifndef DLC_TOOLS_DLCRUN_DATASET_H
#define DLC_TOOLS_DLCRUN_DATASET_H

#include "dlrt/dlrt.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dlcrun {

/// One array per model input and per target (in the descriptor's order),
/// all with the same number of samples, each sample `rowBytes` long.
class Dataset {
public:
  /// Reads a .npz whose arrays are named after the inputs and targets, or
  /// MNIST's IDX files as "images.idx3-ubyte,labels.idx1-ubyte" (pixels
  /// scaled to [0, 1]). Targets are optional when `withTargets` is false.
  static Dataset read(const dlc_model_v5 &model, const std::string &spec,
                      bool withTargets);

  int64_t size() const { return samples; }
  size_t columns() const { return data.size(); }
  /// The samples `order[first .. first + count)` of column `c`, contiguous.
  void gather(size_t c, const std::vector<int64_t> &order, int64_t first,
              int64_t count, std::vector<uint8_t> &out) const;
  /// Splits off the last `fraction` of the samples (Keras' validation_split).
  Dataset splitTail(double fraction);
  const uint8_t *column(size_t c) const { return data[c].data(); }
  size_t rowBytes(size_t c) const { return row[c]; }

private:
  int64_t samples = 0;
  std::vector<std::vector<uint8_t>> data;
  std::vector<size_t> row;
};

/// 0, 1, ..., n - 1 shuffled by Fisher-Yates from (seed, epoch): the same
/// on every platform, so a resumed run sees the same batches.
std::vector<int64_t> shuffledOrder(int64_t n, uint64_t seed, int64_t epoch);

} // namespace dlcrun

#endif // DLC_TOOLS_DLCRUN_DATASET_H
