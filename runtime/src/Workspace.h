//===- Workspace.h - Runtime-owned workspaces for a model's entry points --===//
//
// A compiled model keeps every intermediate in a workspace its caller
// hands it (workspace_size(batch) bytes, 64-byte aligned). The runtime keeps
// those buffers between calls, so a call neither allocates nor touches
// fresh pages; calls running at the same time each take their own.
//
//===----------------------------------------------------------------------===//

#ifndef DLRT_SRC_WORKSPACE_H
#define DLRT_SRC_WORKSPACE_H

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace dlrt {

class WorkspacePool {
  struct Free {
    void operator()(uint8_t *p) const;
  };
  using Buffer = std::unique_ptr<uint8_t[], Free>;
  struct Entry {
    Buffer data;
    uint64_t bytes = 0;
  };

public:
  /// A workspace held until destruction, then handed back to the pool.
  class Lease {
  public:
    Lease(WorkspacePool &pool, Entry entry)
        : pool(&pool), entry(std::move(entry)) {}
    Lease(Lease &&) = default;
    ~Lease();
    /// The buffer, null for zero bytes.
    void *data() const { return entry.data.get(); }

  private:
    WorkspacePool *pool;
    Entry entry;
  };

  /// At least `bytes`, aligned to 64 bytes, uninitialised. Throws
  /// std::bad_alloc.
  Lease acquire(uint64_t bytes);

private:
  std::mutex mutex;
  std::vector<Entry> free;
};

} // namespace dlrt

#endif // DLRT_SRC_WORKSPACE_H
