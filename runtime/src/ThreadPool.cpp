//===- ThreadPool.cpp - The runtime's threads, kept between calls ---------===//

#include "ThreadPool.h"

#include <algorithm>
#include <chrono>
#include <system_error>

using namespace dlrt;

/// Spins until `ready()` or about 50 microseconds have passed; whether
/// ready() held.
template <typename Ready> static bool spinUntil(Ready ready) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point until = Clock::now() + std::chrono::microseconds(50);
  for (unsigned i = 1;; ++i) {
    if (ready())
      return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (i % 64 == 0 && Clock::now() > until)
      return false;
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : threads)
    t.join();
}

bool ThreadPool::runOne(std::unique_lock<std::mutex> &lock) {
  if (tasks.empty())
    return false;
  std::function<void()> task = std::move(tasks.front());
  tasks.pop_front();
  queued.store(tasks.size(), std::memory_order_relaxed);
  lock.unlock();
  task();
  lock.lock();
  return true;
}

void ThreadPool::work() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    if (!stopping && tasks.empty()) {
      lock.unlock();
      spinUntil([&] { return queued.load(std::memory_order_relaxed) > 0; });
      lock.lock();
      wake.wait(lock, [&] { return stopping || !tasks.empty(); });
    }
    if (stopping)
      return;
    runOne(lock);
  }
}

void ThreadPool::run(int64_t parts, const std::function<void(int64_t)> &part) {
  if (parts <= 0)
    return;
  // The parts not yet done; a part's end is signalled under the mutex, so
  // a caller that found it positive there is waiting when it comes.
  std::atomic<int64_t> left{parts - 1};
  {
    std::unique_lock<std::mutex> lock(mutex);
    while (int64_t(threads.size()) < parts - 1) {
      try {
        threads.emplace_back([this] { work(); });
      } catch (const std::system_error &) {
        break; // no thread: the queued parts run on the callers
      }
    }
    for (int64_t i = 1; i < parts; ++i)
      tasks.emplace_back([&, i] {
        part(i);
        if (left.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          std::lock_guard<std::mutex> guard(mutex);
          done.notify_all();
        }
      });
    queued.store(tasks.size(), std::memory_order_relaxed);
  }
  wake.notify_all();
  part(0);
  std::unique_lock<std::mutex> lock(mutex);
  while (left.load(std::memory_order_acquire) > 0) {
    if (runOne(lock))
      continue;
    lock.unlock();
    bool finished = spinUntil([&] {
      return left.load(std::memory_order_acquire) == 0 ||
             queued.load(std::memory_order_relaxed) > 0;
    });
    lock.lock();
    if (!finished)
      done.wait(lock, [&] {
        return left.load(std::memory_order_acquire) == 0 || !tasks.empty();
      });
  }
}

Parallel::Parallel(ThreadPool *pool, int64_t threads, uint8_t *scratch,
                   uint64_t stride)
    : base{&Parallel::parallelFor}, pool(pool),
      threads(std::max<int64_t>(1, threads)), scratch(scratch), stride(stride) {}

void Parallel::parallelFor(const dlc_parallel *self, int64_t count,
                           dlc_task_fn task, void *args) {
  auto *p = reinterpret_cast<const Parallel *>(self);
  int64_t parts = std::min(p->threads, count);
  if (parts <= 1 || !p->pool) {
    task(args, 0, count, p->scratch);
    return;
  }
  p->pool->run(parts, [&](int64_t part) {
    task(args, count * part / parts, count * (part + 1) / parts,
         p->scratch + part * p->stride);
  });
}
