//===- CPUTarget.h - The CPU a model is compiled for ------------*- C++ -*-===//
//
// One description of the target CPU for both halves of the compiler: the
// MLIR pipeline sizes its vector tiles from it, LLVM emits code for it.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TARGET_CPUTARGET_H
#define DLC_TARGET_CPUTARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <cstdint>
#include <string>

namespace dlc {

struct CPUTarget {
  std::string triple;
  std::string cpu;      ///< LLVM's CPU name, e.g. "skylake-avx512".
  std::string features; ///< This machine's features; empty for a named CPU.
  int64_t lanes = 4;    ///< f32 lanes per vector: 16 (AVX-512), 8 (AVX), 4.
};

/// The CPU called `cpu` (an LLVM name such as x86-64-v3), or this machine
/// with its own features when `cpu` is empty. Fails with a message naming
/// an unknown CPU.
llvm::FailureOr<CPUTarget> resolveCPU(llvm::StringRef cpu, std::string &error);

} // namespace dlc

#endif // DLC_TARGET_CPUTARGET_H
