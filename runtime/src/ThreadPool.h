//===- ThreadPool.h - The runtime's threads, kept between calls -*- C++ -*-===//
//
// A call that splits its work into parts runs part 0 itself and hands the
// others to threads the pool keeps, started the first time they are needed:
// a forward no longer starts and joins a thread per part on every call.
// Several calls may use one pool at once; a caller waiting for its parts
// runs queued parts meanwhile, so the calls never wait on each other's
// threads. Idle threads and waiting callers spin for a few tens of
// microseconds before they sleep (as OpenMP runtimes and onnxruntime's pool
// do): a network's layers follow each other closer than a thread wakes
// from sleep.
//
//===----------------------------------------------------------------------===//

#ifndef DLRT_SRC_THREADPOOL_H
#define DLRT_SRC_THREADPOOL_H

#include "dlrt/abi.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dlrt {

class ThreadPool {
public:
  ThreadPool() = default;
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;
  ~ThreadPool();

  /// Runs part(0) ... part(parts - 1) and returns when all have run: part 0
  /// here, the others on the pool's threads (parts - 1 of them at least;
  /// where a thread cannot be started, parts run here instead). `part`
  /// must not throw.
  void run(int64_t parts, const std::function<void(int64_t)> &part);

private:
  void work();
  /// Runs one queued task if there is one; `lock` holds `mutex`.
  bool runOne(std::unique_lock<std::mutex> &lock);

  std::mutex mutex;
  std::condition_variable wake, done;
  std::deque<std::function<void()>> tasks;
  /// tasks.size(), for spinning threads to read without the mutex.
  std::atomic<size_t> queued{0};
  std::vector<std::thread> threads;
  bool stopping = false;
};

/// abi.h's dlc_parallel, which a call hands the compiled code: its parallel
/// loops run as at most `threads` ranges on `pool` (here alone when there
/// is no pool or one thread), range p with the scratch at scratch + p *
/// stride.
class Parallel {
public:
  Parallel(ThreadPool *pool, int64_t threads, uint8_t *scratch,
           uint64_t stride);
  const dlc_parallel *get() const { return &base; }

private:
  static void parallelFor(const dlc_parallel *self, int64_t count,
                          dlc_task_fn task, void *args);
  dlc_parallel base; // first: the compiled code's pointer is to it
  ThreadPool *pool;
  int64_t threads;
  uint8_t *scratch;
  uint64_t stride;
};

} // namespace dlrt

#endif // DLRT_SRC_THREADPOOL_H
