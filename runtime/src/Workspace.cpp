//===- Workspace.cpp - Runtime-owned workspaces ---------------------------===//

#include "Workspace.h"

#include <new>

using namespace dlrt;

static constexpr std::align_val_t kAlignment{64};

void WorkspacePool::Free::operator()(uint8_t *p) const {
  ::operator delete[](p, kAlignment);
}

WorkspacePool::Lease WorkspacePool::acquire(uint64_t bytes) {
  if (bytes == 0)
    return Lease(*this, Entry());
  {
    std::lock_guard<std::mutex> lock(mutex);
    // The smallest free buffer that is large enough.
    auto best = free.end();
    for (auto it = free.begin(); it != free.end(); ++it)
      if (it->bytes >= bytes && (best == free.end() || it->bytes < best->bytes))
        best = it;
    if (best != free.end()) {
      Entry entry = std::move(*best);
      free.erase(best);
      return Lease(*this, std::move(entry));
    }
    // Every free buffer is too small: the new one replaces one of them, so
    // the pool holds no more buffers than calls ever ran at once.
    if (!free.empty())
      free.pop_back();
  }
  return Lease(*this, Entry{Buffer(new (kAlignment) uint8_t[bytes]), bytes});
}

WorkspacePool::Lease::~Lease() {
  if (!entry.data)
    return;
  std::lock_guard<std::mutex> lock(pool->mutex);
  pool->free.push_back(std::move(entry));
}
