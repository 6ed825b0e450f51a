#pragma once
/// \file worker_pool.hpp
/// The trainer's thread pool (public as gradaudit::worker_pool: train.hpp keeps one per run).

#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace gradaudit {

/// Threads that stay alive between steps: `run(f)` calls f(0), …, f(size() - 1) at once, one
/// per thread (f(0) on the caller), and returns when all are done. Workers spin between
/// jobs (a training step is ~50 µs; waking a thread through a condition variable cost ~30 µs
/// here, more than the work it takes over), so a pool should live only as long as a run.
class worker_pool {
 public:
  explicit worker_pool(int threads) {
    for (int i = 1; i < threads; ++i)
      workers_.emplace_back([this, i] { loop(static_cast<std::size_t>(i)); });
  }
  ~worker_pool() {
    stop_.store(true, std::memory_order_release);
    for (auto& w : workers_) w.join();
  }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;
  std::size_t size() const { return workers_.size() + 1; }
  void run(const std::function<void(std::size_t)>& f) {
    job_ = &f;
    pending_.store(workers_.size(), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    f(0);
    for (unsigned spins = 0; pending_.load(std::memory_order_acquire) != 0;) pause(spins);
    job_ = nullptr;
  }

 private:
  /// Spins a while, then yields: a spinning waiter must not keep the thread it waits for off
  /// a busy machine's cores.
  static void pause(unsigned& spins) {
    if (++spins < 2048) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#elif defined(__aarch64__)
      asm volatile("yield");
#endif
    } else {
      std::this_thread::yield();
    }
  }
  void loop(std::size_t id) {
    std::size_t seen = 0;
    for (;;) {
      std::size_t g;
      for (unsigned spins = 0; (g = generation_.load(std::memory_order_acquire)) == seen;) {
        if (stop_.load(std::memory_order_acquire)) return;
        pause(spins);
      }
      seen = g;
      (*job_)(id);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
  std::vector<std::thread> workers_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::atomic<std::size_t> pending_{0}, generation_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace gradaudit
