//===- Model.h - A loaded model and its parameters --------------*- C++ -*-===//

#ifndef DLRT_SRC_MODEL_H
#define DLRT_SRC_MODEL_H

#include "ThreadPool.h"
#include "Workspace.h"
#include "dlrt/dlrt.h"

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

struct dlrt_model {
  void *library = nullptr; ///< dlopen handle; null for a linked-in model.
  const dlc_model_v4 *descriptor = nullptr;
  /// One buffer per descriptor parameter, in order (runtime-owned).
  std::vector<std::vector<float>> params;
  std::unordered_map<std::string, size_t> index;
  int32_t threads = 0; ///< 0: one per processor.
  /// Optimizer state, one buffer per descriptor state tensor.
  std::vector<std::vector<float>> state;
  int64_t step = 0;
  uint64_t seed = 0;
  std::map<std::string, std::string> metadata;
  /// The descriptor's prepared tensors: what prepare() derived from params
  /// (folded weights), recomputed before a forward once params may have
  /// changed (each call that changes them, or hands out a pointer to them,
  /// sets preparedStale); allocated by the first prepare.
  std::vector<std::vector<float>> prepared;
  bool preparedStale = true;
  std::mutex prepareMutex; ///< Concurrent forwards prepare once.
  /// Workspaces of forward and train_step, kept between calls.
  mutable dlrt::WorkspacePool workspaces;
  /// The threads forward splits the batch over, kept between calls.
  dlrt::ThreadPool threadPool;

  ~dlrt_model();
};

#endif // DLRT_SRC_MODEL_H
