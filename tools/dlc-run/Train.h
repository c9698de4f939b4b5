//===- Train.h - dlc-run train and eval -------------------------*- C++ -*-===//

#ifndef DLC_TOOLS_DLCRUN_TRAIN_H
#define DLC_TOOLS_DLCRUN_TRAIN_H

#include <cstdint>
#include <string>

namespace dlcrun {

struct TrainOptions {
  std::string model, data, val, weights, save, resume, metrics;
  std::string schedule = "constant"; ///< constant, step or cosine
  double valSplit = 0;
  int64_t epochs = 1, batch = 32;
  double lr = 0; ///< 0: the .net's optimizer lr.
  uint64_t seed = 0;
  int threads = 0;
  /// Tests: end the process like a kill right after this epoch's checkpoint.
  int64_t exitAfterEpoch = 0;
};

/// Trains as Keras' fit() does: shuffled batches each epoch, one line per
/// epoch (loss, validation metric), checkpoints and a CSV; 0 on success.
int train(const TrainOptions &options);

/// Prints the model's metric on `data`, the last line "<metric>: <value>".
int evaluate(const std::string &model, const std::string &weights,
             const std::string &data, int64_t batch, int threads);

} // namespace dlcrun

#endif // DLC_TOOLS_DLCRUN_TRAIN_H
