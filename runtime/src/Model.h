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
  const dlc_model_v5 *descriptor = nullptr;
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

namespace dlrt {

/// The memory of one call of an entry point: its workspace
/// (workspace_size(batch) bytes) followed by the scratch of `threads`
/// parallel ranges, and the dlc_parallel that runs those ranges on the
/// model's threads.
class CallMemory {
public:
  CallMemory(dlrt_model *model, int64_t batch, int64_t threads);
  void *workspace() const { return lease.data(); }
  const dlc_parallel *parallel() const { return ranges.get(); }

private:
  CallMemory(dlrt_model *model, uint64_t workspace, int64_t threads,
             uint64_t scratch);
  WorkspacePool::Lease lease;
  Parallel ranges;
};

/// The threads a call may use: the model's setting, or one per processor.
int64_t threadsOf(const dlrt_model *model);

} // namespace dlrt

#endif // DLRT_SRC_MODEL_H
