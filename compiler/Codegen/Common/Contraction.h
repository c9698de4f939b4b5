//===- Contraction.h - Matrix products in any linalg form --------*- C++ -*-===//
//
// A convolution's weight gradient is a matrix product, but by the time the
// code generation sees it, the reshape of its result has been folded into
// it: a linalg.generic with several output-column loops. Both the tiling
// for threads (dlc-fuse-epilogues) and the register blocking of the CPU
// recognise it here, and the products of a transposed convolution too.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_COMMON_CONTRACTION_H
#define DLC_CODEGEN_COMMON_CONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace dlc {

/// C[m, n...] += A[m, k] (or A[k, m]) * B[k, n...] with loops (m, n..., k):
/// a matrix product whose B and C are row-major (A's elements are only
/// broadcast: a dense layer's weight gradient reads it transposed), its
/// columns possibly split into several loops (collapsible into one).
bool isRowMajorMatmul(mlir::linalg::LinalgOp op);

/// C[m, n...] += A[m, k] * B[n..., k] with loops (m, n..., k): both
/// operands contiguous along the reduction (a dense layer, y = x W^T; a
/// convolution's weight gradient, dyT cols^T, its columns split into
/// several loops when the reshape of its result has been folded in).
bool isTransposedBMatmul(mlir::linalg::LinalgOp op);

/// For C[n, m..., p...] += A[m..., k] (or A[k, m...]) * B[n, k, p...] (A
/// and B in either order) with
/// loops (n, m..., k, p...) (a transposed convolution's products, a
/// convolution by im2col): the loop groups {n}, {m...}, {k}, {p...}, each
/// contiguous in the operands that have it; none for any other op.
std::optional<llvm::SmallVector<mlir::ReassociationIndices>>
batchedContractionLoops(mlir::linalg::LinalgOp op);

/// Whether `op` is dl.winograd_conv2d's reference form: the linalg.generic
/// marked dl.winograd that sums over the transforms' matrices (tiled like a
/// convolution, computed by the CPU's transforms and 16 products).
bool isWinogradConvolution(mlir::Operation *op);

} // namespace dlc

#endif // DLC_CODEGEN_COMMON_CONTRACTION_H
