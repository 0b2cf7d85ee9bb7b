// Clocks for the service: wall time, or a scenario's time run faster (the
// demo). The scheduler never reads a clock; the service passes it `now`.
//
// Thread-safe.
#pragma once

#include <chrono>

#include "suanli/model/time.h"

namespace suanli::server {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Seconds now() = 0;
  virtual double speedup() const { return 1.0; }
};

// Seconds since 1970 (UTC) from the system clock.
class WallClock final : public Clock {
 public:
  Seconds now() override {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// `start` plus the real time elapsed since construction times `speedup`
// (3600: one simulated hour per second).
class ScaledClock final : public Clock {
 public:
  ScaledClock(Seconds start, double speedup) : start_(start), speedup_(speedup), t0_(std::chrono::steady_clock::now()) {}
  Seconds now() override {
    const double real = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    return start_ + static_cast<Seconds>(real * speedup_);
  }
  double speedup() const override { return speedup_; }

 private:
  Seconds start_;
  double speedup_;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace suanli::server
