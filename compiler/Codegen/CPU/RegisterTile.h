//===- RegisterTile.h - Register blocks of the CPU contractions -*- C++ -*-===//
//
// The one rule for the size of a register block: the convolutions taken
// directly (WindowLoopOrder.cpp) and through im2col (Im2Col.cpp) tile their
// output the same way.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_CPU_REGISTERTILE_H
#define DLC_CODEGEN_CPU_REGISTERTILE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

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
/// (AVX-512) vector registers for the weights and the input row; for a
/// `contraction` (im2col's, an up-convolution's) with 16 lanes (AVX-512),
/// 8 channels when they divide. None when neither size
/// divides `channels` and `pixels` evenly.
RegisterTile chooseRegisterTile(int64_t channels, int64_t pixels,
                                int64_t lanes, bool contraction = false);

/// Tiles the contraction `op` into `sizes` (loops in `interchange` order,
/// the reduction innermost) and vectorises each tile's body, so that after
/// bufferisation its accumulator can live in registers across the
/// reduction (dlc-hoist-accumulators). Returns op's replacement, or op's
/// result when tiling fails.
mlir::Value blockRegisters(mlir::RewriterBase &b, mlir::linalg::GenericOp op,
                           llvm::ArrayRef<int64_t> sizes,
                           llvm::ArrayRef<int64_t> interchange);

/// blockRegisters on blocks of `kBlock` steps of `op`'s reduction loop
/// `reduction`, looped outermost: the operands' slices along the reduction
/// stay in cache for every register block (each output still sums in
/// order). Returns op's replacement, or op's result when tiling fails.
mlir::Value blockReductionAndRegisters(mlir::RewriterBase &b,
                                mlir::linalg::GenericOp op, unsigned reduction,
                                llvm::ArrayRef<int64_t> sizes,
                                llvm::ArrayRef<int64_t> interchange);

/// Vectorises `op`, a register block's body, reading the elements it
/// broadcasts (weights) one by one.
void vectorizeRegisterBlock(mlir::RewriterBase &b, mlir::Operation *op);

} // namespace dlc

#endif // DLC_CODEGEN_CPU_REGISTERTILE_H
