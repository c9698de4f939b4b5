//===- Winograd.h - The F(2x2, 3x3) transforms ------------------*- C++ -*-===//
//
// Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (2016):
// each 2x2 block of a 3x3 convolution's output is
//   Y = At [(G g Gt) * (Bt d B)] A
// for its 4x4 input patch d (rows 2ty..2ty+3, columns 2tx..2tx+3) and the
// kernel g: 16 multiplications per input channel instead of 36. The dl ops
// (dl.winograd_filter, dl.winograd_conv2d), their lowering to linalg and
// the CPU kernel read the matrices here.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_WINOGRAD_H
#define DLC_DIALECT_DL_IR_WINOGRAD_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mlir::dl::winograd {

/// Output block m x m, kernel r x r, input patch alpha x alpha.
inline constexpr int64_t kM = 2, kR = 3, kAlpha = kM + kR - 1;

inline constexpr float kBt[kAlpha][kAlpha] = {
    {1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
inline constexpr float kG[kAlpha][kR] = {
    {1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
inline constexpr float kAt[kM][kAlpha] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

/// Marks the linalg.generic that dl.winograd_conv2d lowers to, whose
/// reference form (a reduction over the transforms' matrices) the CPU
/// code generation replaces with the transforms and 16 matrix products.
inline constexpr llvm::StringLiteral kConvolutionAttr = "dl.winograd";

} // namespace mlir::dl::winograd

#endif // DLC_DIALECT_DL_IR_WINOGRAD_H
