//===- ThreadPool.cpp - The runtime's threads, kept between calls ---------===//

#include "ThreadPool.h"

#include <system_error>

using namespace dlrt;

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
  lock.unlock();
  task();
  lock.lock();
  return true;
}

void ThreadPool::work() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    wake.wait(lock, [&] { return stopping || !tasks.empty(); });
    if (stopping)
      return;
    runOne(lock);
  }
}

void ThreadPool::run(int64_t parts, const std::function<void(int64_t)> &part) {
  if (parts <= 0)
    return;
  int64_t left = parts - 1; // guarded by mutex
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
        std::lock_guard<std::mutex> guard(mutex);
        if (--left == 0)
          done.notify_all();
      });
  }
  wake.notify_all();
  part(0);
  std::unique_lock<std::mutex> lock(mutex);
  while (left > 0)
    if (!runOne(lock))
      done.wait(lock, [&] { return left == 0 || !tasks.empty(); });
}
