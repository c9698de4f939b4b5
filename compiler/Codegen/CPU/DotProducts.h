//===- DotProducts.h - Dense layers as register-blocked dot products -*- C++ -*-===//

#ifndef DLC_CODEGEN_CPU_DOTPRODUCTS_H
#define DLC_CODEGEN_CPU_DOTPRODUCTS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
/// The result of `op` (C += A B^T, isTransposedBMatmul: a dense layer's
/// forward, a convolution's weight gradient) computed by blocks of dot
/// products vectorised along the reduction, `lanes` f32 at a time; fails,
/// changing nothing, for other ops or non-f32 types.
mlir::FailureOr<mlir::Value> vectorizeDotProducts(mlir::RewriterBase &b,
                                                  mlir::linalg::LinalgOp op,
                                                  int64_t lanes);
} // namespace dlc

#endif // DLC_CODEGEN_CPU_DOTPRODUCTS_H
