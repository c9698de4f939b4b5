//===- PoolRows.h - Strided pooling, a row of outputs per vector -*- C++ -*-===//

#ifndef DLC_CODEGEN_CPU_POOLROWS_H
#define DLC_CODEGEN_CPU_POOLROWS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
/// The result of `op`, a max or sum pooling with a column stride of 2 or
/// more, in vectors of up to `lanes` outputs along a row, each window
/// column picked out of a contiguous read by a shuffle; fails for other
/// ops and shapes (dynamic channels or sizes, dilation).
mlir::FailureOr<mlir::Value> vectorizePoolRows(mlir::RewriterBase &b,
                                               mlir::linalg::LinalgOp op,
                                               int64_t lanes);
} // namespace dlc

#endif // DLC_CODEGEN_CPU_POOLROWS_H
