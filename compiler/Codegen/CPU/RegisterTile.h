//===- RegisterTile.h - Register blocks of the CPU contractions -*- C++ -*-===//
//
// The one rule for the size of a register block: the convolutions taken
// directly (WindowLoopOrder.cpp) and through im2col (Im2Col.cpp) tile their
// output the same way.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_CPU_REGISTERTILE_H
#define DLC_CODEGEN_CPU_REGISTERTILE_H

#include <cstdint>

namespace dlc {

/// A block of output channels x output pixels whose accumulators stay in
/// vector registers through the whole reduction. None when both are zero.
struct RegisterTile {
  int64_t channels = 0;
  int64_t pixels = 0;
  explicit operator bool() const { return channels && pixels; }
};

/// 4 (or 2) channels x 2 (or 1) vectors of `lanes` f32 pixels: at most 8
/// accumulator vectors, with room left among x86's 16 (AVX2) or 32
/// (AVX-512) vector registers for the weights and the input row. None when
/// neither size divides `channels` and `pixels` evenly.
RegisterTile chooseRegisterTile(int64_t channels, int64_t pixels,
                                int64_t lanes);

} // namespace dlc

#endif // DLC_CODEGEN_CPU_REGISTERTILE_H
